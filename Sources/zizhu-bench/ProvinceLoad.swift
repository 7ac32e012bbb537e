// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import ZizhuOutbox
import ZizhuTestSupport
import ZizhuWire

/// What each simulated kiosk of a province run does, every minute of the run, signed with
/// its own secret, through the balancer: a heartbeat, the catalogue's ETag check, the
/// applications citizens made that minute (a peak-hour profile; each sent as it is made, with
/// whatever an earlier failure left pending), now and then 呼叫帮办 and a progress lookup.
final class ProvinceLoad: @unchecked Sendable {
    enum Endpoint: String, CaseIterable, Sendable {
        case heartbeat = "POST /v1/heartbeat"
        case catalogue = "GET /v1/catalogue"
        case submissions = "POST /v1/submissions"
        case help = "POST /v1/help"
        case helpStatus = "GET /v1/help/{id}"
        case progress = "GET /v1/progress/{number}"
        case progressByCard = "POST /v1/progress"
    }

    struct Sample {
        var endpoint: Endpoint
        /// Seconds since the run began, when the request was sent.
        var at: Double
        var milliseconds: Double
        var failed: Bool
    }

    let client: HTTPClient
    let front: String
    let kiosks: [(id: String, secret: SymmetricKey)]
    let seconds: Double
    /// Applications per kiosk per minute at the top of the peak.
    let peakPerMinute: Double
    private let payload: String
    private let hash: String
    private let lock = NSLock()
    private var samples: [Sample] = []
    private var acknowledged: Set<String> = []
    private var made = 0
    private var startedAt = 0.0

    init(client: HTTPClient, front: String, kiosks: [(id: String, secret: SymmetricKey)], seconds: Double, peakPerMinute: Double) throws {
        self.client = client
        self.front = front
        self.kiosks = kiosks
        self.seconds = seconds
        self.peakPerMinute = peakPerMinute
        payload = String(decoding: try CanonicalJSON.encode(SyncBench.payload), as: UTF8.self)
        hash = Data(payload.utf8).sha256Hex
    }

    /// The run's results: every request's sample, the keys the platform acknowledged, and
    /// how many applications the kiosks made.
    var results: (samples: [Sample], acknowledged: Set<String>, made: Int) { lock.withLock { (samples, acknowledged, made) } }

    /// Seconds since the run began.
    var elapsed: Double { now() - lock.withLock { startedAt } }

    /// The peak-hour profile over the run (0…1 of its length): a morning rush that builds to
    /// its top halfway and eases off, never below 40 % of the top.
    static func profile(_ fraction: Double) -> Double { 0.4 + 0.6 * sin(Double.pi * min(max(fraction, 0), 1)) }

    /// Runs every kiosk until the run's time is up, then lets each send what it still holds
    /// (for at most `settle` seconds).
    func run(settle: Double = 120) async {
        lock.withLock { startedAt = now() }
        await withTaskGroup(of: Void.self) { group in
            for (index, kiosk) in kiosks.enumerated() {
                group.addTask { await self.kiosk(index: index, id: kiosk.id, secret: kiosk.secret, settle: settle) }
            }
        }
    }

    private func kiosk(index: Int, id: String, secret: SymmetricKey, settle: Double) async {
        var random = DecoderFuzzer.Random(state: UInt64(index) &+ 0x5eed)
        // Kiosks heartbeat at their own second of the minute, as real ones (started at different times) do.
        let offset = random.unit() * 60
        var pending: [SubmissionEnvelope] = []
        var numbers: [String] = []
        var etag: String?
        var sequence: Int64 = 0
        var minute = 0.0
        while offset + minute * 60 < seconds {
            await sleep(until: offset + minute * 60)
            await heartbeat(id: id, secret: secret, pending: pending.count)
            etag = await catalogue(id: id, secret: secret, etag: etag)
            // This minute's applications, each sent as the citizen finishes it.
            let rate = peakPerMinute * Self.profile((offset + minute * 60) / seconds)
            let count = Int(rate) + (random.unit() < rate - Double(Int(rate)) ? 1 : 0)
            for item in 0..<count {
                await sleep(until: offset + minute * 60 + 5 + Double(item) * 50 / Double(max(count, 1)) + random.unit() * 5)
                sequence += 1
                let envelope = envelope(kioskID: id, sequence: sequence)
                lock.withLock { made += 1 }
                pending.append(envelope)
                numbers.append(envelope.acceptanceNumber)
                pending = await submit(id: id, secret: secret, pending: pending)
            }
            if random.unit() < 0.02 { await help(id: id, secret: secret) }
            if let number = numbers.last, random.unit() < 0.10 {
                _ = await send(.progress, id: id, secret: secret, method: .GET, path: "/v1/progress/\(number)", body: nil)
            }
            if random.unit() < 0.03 {
                let body = (try? CanonicalJSON.encode(ProofsRequest(idNumber: SyncBench.payload.applicant.idNumber))) ?? Data()
                _ = await send(.progressByCard, id: id, secret: secret, method: .POST, path: "/v1/progress", body: body)
            }
            minute += 1
        }
        // Time is up: what a failure left is sent again, a second apart, until it is in.
        let deadline = seconds + settle
        while !pending.isEmpty && elapsed < deadline {
            try? await Task.sleep(for: .seconds(1))
            pending = await submit(id: id, secret: secret, pending: pending)
        }
    }

    private func envelope(kioskID: String, sequence: Int64) -> SubmissionEnvelope {
        let key = UUIDv7.make()
        return SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: sequence, kioskID: kioskID,
                                  serviceID: "business-licence-print", createdAt: UTCTime.iso(Date()), payloadHash: hash, payload: payload)
    }

    /// Sends what is pending (at most 50); returns what is still pending.
    private func submit(id: String, secret: SymmetricKey, pending: [SubmissionEnvelope]) async -> [SubmissionEnvelope] {
        let batch = Array(pending.prefix(50))
        guard let body = try? CanonicalJSON.encode(SubmissionBatch(submissions: batch)),
              let answer = await send(.submissions, id: id, secret: secret, method: .POST, path: "/v1/submissions", body: body),
              let result = try? JSONDecoder().decode(SubmissionBatchResult.self, from: answer) else { return pending }
        let done = Set(result.results.filter { $0.status == .accepted || $0.status == .duplicate }.map(\.key))
        lock.withLock { acknowledged.formUnion(done) }
        return pending.filter { !done.contains($0.key) }
    }

    private func heartbeat(id: String, secret: SymmetricKey, pending: Int) async {
        let beat = Heartbeat(status: "ok", devices: ["reader": "ok", "printer": "ready", "disk": "ok"], diskFreeBytes: 12_000_000_000,
                             outboxPending: pending, outboxOldestSeconds: pending > 0 ? 30 : nil, deadLetters: 0,
                             version: "bench", deviceTime: UTCTime.iso(Date()))
        guard let body = try? CanonicalJSON.encode(beat) else { return }
        _ = await send(.heartbeat, id: id, secret: secret, method: .POST, path: "/v1/heartbeat", body: body)
    }

    /// The ETag check; the catalogue itself only when it changed (the first time).
    private func catalogue(id: String, secret: SymmetricKey, etag: String?) async -> String? {
        var seen = etag
        _ = await send(.catalogue, id: id, secret: secret, method: .GET, path: "/v1/catalogue", body: nil,
                       headers: etag.map { [("If-None-Match", $0)] } ?? [], etag: &seen)
        return seen
    }

    private func help(id: String, secret: SymmetricKey) async {
        let body = (try? CanonicalJSON.encode(HelpRequest(screen: "home", at: UTCTime.iso(Date())))) ?? Data()
        guard let answer = await send(.help, id: id, secret: secret, method: .POST, path: "/v1/help", body: body),
              let ticket = try? JSONDecoder().decode(HelpTicket.self, from: answer) else { return }
        _ = await send(.helpStatus, id: id, secret: secret, method: .GET, path: "/v1/help/\(ticket.id)", body: nil)
    }

    private func send(_ endpoint: Endpoint, id: String, secret: SymmetricKey, method: HTTPMethod, path: String, body: Data?,
                      headers extra: [(String, String)] = []) async -> Data? {
        var etag: String?
        return await send(endpoint, id: id, secret: secret, method: method, path: path, body: body, headers: extra, etag: &etag)
    }

    /// One signed request: its answer's body when the status is a success (2xx or 304), nil
    /// otherwise; the latency and the outcome recorded either way.
    private func send(_ endpoint: Endpoint, id: String, secret: SymmetricKey, method: HTTPMethod, path: String, body: Data?,
                      headers extra: [(String, String)], etag: inout String?) async -> Data? {
        var request = HTTPClientRequest(url: front + path)
        request.method = method
        for (name, value) in RequestSigning.headers(kioskID: id, secret: secret, method: method.rawValue, path: path, body: body ?? Data()) {
            request.headers.add(name: name, value: value)
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let sent = elapsed
        let start = now()
        var answer: Data?
        var failed = true
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let data = try await response.body.collect(upTo: 4 << 20)
            if (200..<300).contains(Int(response.status.code)) || response.status.code == 304 {
                failed = false
                answer = Data(data.readableBytesView)
                if let tag = response.headers.first(name: "ETag") { etag = tag }
            }
        } catch {
            failed = true
        }
        let sample = Sample(endpoint: endpoint, at: sent, milliseconds: (now() - start) * 1000, failed: failed)
        lock.withLock { samples.append(sample) }
        return answer
    }

    private func sleep(until second: Double) async {
        let wait = second - elapsed
        if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
    }
}
