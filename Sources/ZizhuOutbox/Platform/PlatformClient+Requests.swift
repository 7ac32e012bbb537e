// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import ZizhuCore
import ZizhuWire

/// The kiosk's questions to the platform besides delivering the outbox: heartbeat, help,
/// appointments, proofs, records, progress, the catalogue, the link probe. Each answers nil
/// (or says why) when the platform cannot be asked; the screens say so.
extension PlatformClient {
    /// What this kiosk's outbox and disk look like, for a heartbeat. A failing disk is
    /// reported as `disk: failing` (an error on the fleet dashboard), not a reason to stay
    /// silent: when the outbox cannot even be counted, the platform must still hear why.
    public func heartbeat(devices: [String: String], version: String, home: URL) -> Heartbeat {
        let depth = try? outbox.depth()
        var stats = statvfs()
        let free = statvfs(home.path, &stats) == 0 ? Int64(stats.f_bavail) * Int64(stats.f_frsize) : -1
        var devices = devices
        // The probe (read-only remount, EIO on the database's first page, a probe file that
        // cannot be fsync'd) costs one small fsync a heartbeat.
        let failing = outbox.integrity.hasPrefix("I/O error") || outbox.unreadableCount > 0
            || Outbox.diskFailing(home, database: outbox.databasePath)
        devices["disk"] = failing ? "failing" : free >= 0 && free < 200 << 20 ? "low" : "ok"
        let faulty = devices.values.contains { !["ok", "ready", "paper_low", "low", "unknown"].contains($0) }
        let worried = devices.values.contains { $0 == "paper_low" || $0 == "low" } || (depth?.dead ?? 0) > 0
        var heartbeat = Heartbeat(status: faulty || depth == nil ? "error" : worried ? "warning" : "ok", devices: devices, diskFreeBytes: free,
                                  outboxPending: depth?.pending ?? 0,
                                  outboxOldestSeconds: depth?.oldestPendingSeconds.map { max(0, $0) },   // a clock set back: not negative
                                  deadLetters: depth?.dead ?? 0,
                                  version: version, deviceTime: UTCTime.iso(Date()))
        heartbeat.clockOffsetSeconds = outbox.clock.reading.map { Double($0.offsetMilliseconds) / 1000 }
        return heartbeat
    }

    /// Sends a heartbeat; returns the HTTP status (204 when received), or nil when offline.
    @discardableResult
    public func send(heartbeat: Heartbeat) async -> Int? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(heartbeat) else { return nil }
        return try? await signedPost("/v1/heartbeat", body: body, secret: secret).0
    }

    /// 呼叫帮办: the request's number, or nil when it could not be sent (the caller queues it).
    public func requestHelp(screen: String, at: Date = Date()) async -> HelpTicket? {
        guard let secret = enrolment.key,
              let body = try? CanonicalJSON.encode(HelpRequest(screen: screen, at: UTCTime.iso(at))),
              let (status, data) = try? await signedPost("/v1/help", body: body, secret: secret), status == 201 else { return nil }
        return try? JSONDecoder().decode(HelpTicket.self, from: data)
    }

    /// 预约: today's appointments by code or ID number; nil when the platform cannot be asked.
    public func appointments(_ query: AppointmentQuery) async -> AppointmentList? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(query),
              let (status, data) = try? await signedPost("/v1/appointments", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(AppointmentList.self, from: data)
    }

    /// 打印证明: what the platform holds for an applicant; nil when it cannot be asked.
    public func proofs(idNumber: String) async -> ProofList? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/proofs", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(ProofList.self, from: data)
    }

    /// 打印证明: one proof, issued now with its verification code; nil when it cannot be had.
    public func proof(id: String, idNumber: String) async -> ProofDocument? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let escaped = id.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))),
              let (status, data) = try? await signedPost("/v1/proofs/\(escaped)", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(ProofDocument.self, from: data)
    }

    /// A help request's status ("open", "acknowledged"); nil when it cannot be asked.
    public func helpStatus(id: Int64) async -> HelpTicket? {
        guard let (status, body) = try? await signedGet("/v1/help/\(id)", limit: 16 << 10), status == 200 else { return nil }
        return try? JSONDecoder().decode(HelpTicket.self, from: body)
    }

    /// The applicant's e-licences and credit from the platform; nil when it cannot be asked.
    public func records(idNumber: String) async -> RecordsResponse? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(RecordsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/records", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(RecordsResponse.self, from: data)
    }

    /// An e-ID code scanned at the kiosk, as the platform verifies it; `.unavailable` when it
    /// cannot be asked (offline, refused, an answer that does not make sense).
    public func identityCode(_ code: String) async -> IdentityCodeCheck {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(IdentityCodeRequest(code: code)),
              let (status, data) = try? await signedPost("/v1/identity/code", body: body, secret: secret), status == 200,
              let answer = try? JSONDecoder().decode(IdentityCodeAnswer.self, from: data) else { return .unavailable }
        switch answer.status {
        case "expired": return .expired
        case "unknown": return .unknown
        case "verified":
            guard let number = answer.idNumber.flatMap({ try? IDNumber(validating: $0) }), let name = answer.name, !name.isEmpty else {
                return .unavailable
            }
            let gender: Gender = answer.gender == "female" ? .female : answer.gender == "male" ? .male : number.gender ?? .unknown
            return .verified(IdentityCodeHolder(idNumber: number, name: name, gender: gender,
                                                birthDate: answer.birthDate.flatMap { CalendarDate(iso: $0) },
                                                validUntil: CalendarDate.localToday()))
        default: return .unavailable
        }
    }

    /// A case's progress from the platform; nil when it cannot be asked (offline), and
    /// `.unknown` when the platform has no such case.
    public enum ProgressLookup: Sendable, Equatable {
        case found(ProgressAnswer)
        case unknown
    }

    public func progress(acceptanceNumber: String) async -> ProgressLookup? {
        guard enrolment.key != nil else { return nil }
        let allowed = acceptanceNumber.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard allowed, !acceptanceNumber.isEmpty else { return .unknown }
        guard let (status, body) = try? await signedGet("/v1/progress/" + acceptanceNumber, limit: 64 << 10) else { return nil }
        switch status {
        case 200: return (try? JSONDecoder().decode(ProgressAnswer.self, from: body)).map { .found($0) }
        case 404: return .unknown
        default: return nil
        }
    }

    /// 查询进度 by ID card: the applicant's cases on the platform; nil when it cannot be asked.
    public func progress(idNumber: String) async -> [ProgressAnswer]? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/progress", body: body, secret: secret), status == 200 else { return nil }
        return (try? JSONDecoder().decode(ProgressList.self, from: data))?.cases
    }

    public enum CatalogueFetch: Sendable {
        case notModified
        case bundle(CatalogueBundle)
        /// Offline, not distributed, or unreadable.
        case unavailable(String)
    }

    /// Asks the platform for its catalogue unless it is still `known` (the ETag).
    public func fetchCatalogue(known: String?) async -> CatalogueFetch {
        guard enrolment.key != nil else { return .unavailable("not enrolled") }
        do {
            let (status, data) = try await signedGet("/v1/catalogue", limit: 16 << 20,
                                                     headers: known.map { [("If-None-Match", "\"\($0)\"")] } ?? [])
            switch status {
            case 304: return .notModified
            case 200:
                guard let bundle = try? JSONDecoder().decode(CatalogueBundle.self, from: data) else { return .unavailable("unreadable answer") }
                guard CatalogueBundle(files: bundle.files).version == bundle.version else { return .unavailable("version does not match the files") }
                return .bundle(bundle)
            default: return .unavailable("HTTP \(status)")
            }
        } catch {
            return .unavailable("network: \(error)")
        }
    }

    /// What one signed request to the platform showed: whether it answered and accepted this
    /// kiosk's signature, how long it took, and how far this kiosk's clock is off.
    public struct LinkProbe: Sendable, Hashable {
        public var status: Int?
        public var latencyMilliseconds: Double?
        /// The platform's time minus this kiosk's (positive: the kiosk is behind).
        public var clockOffsetSeconds: Double?
        /// Why the platform could not be asked (network, refusal).
        public var problem: String?

        public init(status: Int?, latencyMilliseconds: Double?, clockOffsetSeconds: Double?, problem: String?) {
            self.status = status
            self.latencyMilliseconds = latencyMilliseconds
            self.clockOffsetSeconds = clockOffsetSeconds
            self.problem = problem
        }
    }

    /// Asks the platform for its time (`GET /v1/time`, signed) — the technician's network check.
    public func probe() async -> LinkProbe {
        let sent = Date()
        let started = ContinuousClock.now
        do {
            let (status, body) = try await signedGet("/v1/time", limit: 4 << 10)
            let elapsed = started.duration(to: .now)
            let latency = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            guard status == 200, let time = try? JSONDecoder().decode(PlatformTime.self, from: body) else {
                let refusal = (try? JSONDecoder().decode(ProblemResponse.self, from: body)).map { "\($0.error): \($0.detail)" }
                return LinkProbe(status: status, latencyMilliseconds: latency, clockOffsetSeconds: nil,
                                 problem: refusal ?? "HTTP \(status)")
            }
            // The platform read its clock about halfway through the round trip.
            let midpoint = sent.timeIntervalSince1970 + latency / 2000
            return LinkProbe(status: status, latencyMilliseconds: latency,
                             clockOffsetSeconds: Double(time.epochMilliseconds) / 1000 - midpoint, problem: nil)
        } catch {
            return LinkProbe(status: nil, latencyMilliseconds: nil, clockOffsetSeconds: nil, problem: "\(error)")
        }
    }

    /// A signed GET of one of the platform's paths: status and body (authenticated).
    func signedGet(_ path: String, limit: Int, headers extra: [(String, String)] = []) async throws -> (Int, Data) {
        guard let secret = enrolment.key else { throw OutboxError(kind: .key, zh: "未注册", en: "not enrolled") }
        return try await exchange("GET", path, body: nil, secret: secret, limit: limit, headers: extra)
    }

    func signedPost(_ path: String, body: Data, secret: SymmetricKey) async throws -> (Int, Data) {
        try await exchange("POST", path, body: body, secret: secret, limit: 4 << 20)
    }

    /// One signed request and its answer, which must carry the platform's signature over
    /// this request's nonce and the platform's time: an answer without it, or with a wrong
    /// one, is thrown as `PlatformLink.Unauthenticated` — to every caller a network error,
    /// never an answer. Each authenticated answer sets the kiosk's clock (`KioskClock`); a
    /// request refused as stale because this kiosk's clock was wrong is signed again at once
    /// with the time just learned.
    func exchange(_ method: String, _ path: String, body: Data?, secret: SymmetricKey, limit: Int,
                  headers extra: [(String, String)] = [], contentType: String = "application/json") async throws -> (Int, Data) {
        let first = try await exchangeOnce(method, path, body: body, secret: secret, limit: limit, headers: extra, contentType: contentType)
        guard first.0 == 401, (try? JSONDecoder().decode(ProblemResponse.self, from: first.1))?.error == "stale request" else { return first }
        logger.warning("the platform refused a request as stale: this kiosk's clock is off; signing again with the platform's time",
                       metadata: ["offset_ms": "\(outbox.clock.appliedOffsetMilliseconds)"])
        return try await exchangeOnce(method, path, body: body, secret: secret, limit: limit, headers: extra, contentType: contentType)
    }

    private func exchangeOnce(_ method: String, _ path: String, body: Data?, secret: SymmetricKey, limit: Int,
                              headers extra: [(String, String)], contentType: String) async throws -> (Int, Data) {
        if let clientProblem { throw ProblemResponse(error: "no platform link", detail: clientProblem) }
        let clock = outbox.clock
        let signing = RequestSigning.headers(kioskID: enrolment.kioskID, secret: secret, method: method, path: path, body: body ?? Data(),
                                             now: clock.now())
        var request = HTTPClientRequest(url: enrolment.central + path)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(body)
        }
        for (name, value) in signing + extra { request.headers.add(name: name, value: value) }
        let sent = Date()
        let response = try await client.execute(request, timeout: .seconds(requestTimeoutSeconds))
        let answer = Data(try await response.body.collect(upTo: limit).readableBytesView)
        let received = Date()
        let status = Int(response.status.code)
        let nonce = signing.first { $0.0 == RequestSigning.nonceHeader }?.1 ?? ""
        guard let signature = response.headers.first(name: AnswerSigning.header),
              let time = response.headers.first(name: AnswerSigning.timeHeader),
              AnswerSigning.isValid(signature: signature, secret: secret, status: status, method: method, path: path, nonce: nonce,
                                    time: time, body: answer) else {
            throw PlatformLink.Unauthenticated(status: status, path: path)
        }
        if let milliseconds = Int64(time), clock.learn(platformMilliseconds: milliseconds, sent: sent, received: received) {
            logger.notice("kiosk clock: \(KioskClock.describe(clock.appliedOffsetMilliseconds)) (learned from the platform)")
        }
        return (status, answer)
    }
}
