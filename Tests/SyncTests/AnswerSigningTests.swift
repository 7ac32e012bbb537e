// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Testing
import ZizhuCentral
@testable import ZizhuOutbox
import ZizhuWire

/// A man in the middle on the hall's network who knows no secret: between the kiosk and the
/// platform, he can forward, swallow, make up, change and replay answers.
final class ManInTheMiddle: @unchecked Sendable {
    /// `down`: he answers 502 Bad Gateway to everything, as a middlebox whose upstream is gone.
    enum Mode { case pass, forgeStored, replay, tamper, retime, down }

    struct Answer {
        var status: HTTPResponse.Status
        var headers: [(String, String)]
        var body: ByteBuffer
    }

    private let lock = NSLock()
    private var mode: Mode = .pass
    private var kept: Answer?
    private var forwarded = 0
    private let client = HTTPClient(eventLoopGroupProvider: .singleton)

    func set(_ mode: Mode) { lock.withLock { self.mode = mode } }
    var forwardedRequests: Int { lock.withLock { forwarded } }

    init(upstream: String) async throws {
        let router = Router()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let box = self
        router.on("**", method: .post) { request, _ in try await box.handle(request, upstream: upstream) }
        router.on("**", method: .get) { request, _ in try await box.handle(request, upstream: upstream) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
                              logger: Logger(label: "mitm", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await app.run() }
        var port = 0
        for await value in stream {
            port = value
            break
        }
        runningTask = running
        address = "http://127.0.0.1:\(port)"
    }

    private var runningTask: Task<Void, any Error>?
    private(set) var address = ""

    func stop() {
        runningTask?.cancel()
        try? client.syncShutdown()
    }

    private func handle(_ request: Request, upstream: String) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 8 << 20)
        let mode = lock.withLock { self.mode }
        switch mode {
        case .down:
            return Response(status: .badGateway)
        case .forgeStored:
            // Swallow the batch; answer that every entry was stored, with a made-up signature.
            let batch = try JSONDecoder().decode(SubmissionBatch.self, from: Data(body.readableBytesView))
            let results = SubmissionBatchResult(results: batch.submissions.map { SubmissionResult(key: $0.key, status: .accepted, progress: "approved") })
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name(AnswerSigning.header)!] = String(repeating: "ab", count: 32)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try CanonicalJSON.encode(results))))
        case .replay:
            // An answer the platform really signed, for an earlier request.
            guard let kept = lock.withLock({ self.kept }) else { return Response(status: .badGateway) }
            return Self.response(kept)
        case .pass, .tamper, .retime:
            var forward = HTTPClientRequest(url: upstream + request.uri.path)
            forward.method = .init(rawValue: request.method.rawValue)
            for field in request.headers where field.name.canonicalName.hasPrefix("x-zizhu") || field.name == .contentType {
                forward.headers.add(name: field.name.rawName, value: field.value)
            }
            forward.body = .bytes(body)
            let response = try await client.execute(forward, timeout: .seconds(30))
            var answer = Answer(status: .init(code: Int(response.status.code)), headers: response.headers.map { ($0.name, $0.value) },
                                body: try await response.body.collect(upTo: 8 << 20))
            lock.withLock {
                forwarded += 1
                kept = answer
            }
            if mode == .tamper {
                // Turn every result into a conflict (the kiosk would dead-letter them).
                let text = String(buffer: answer.body).replacingOccurrences(of: "\"accepted\"", with: "\"conflict\"")
                answer.body = ByteBuffer(string: text)
            }
            if mode == .retime {
                // Move the platform's time a year back, hoping the kiosk dates things by it.
                answer.headers = answer.headers.map { name, value in
                    name.lowercased() == AnswerSigning.timeHeader.lowercased() ? (name, String((Int64(value) ?? 0) - 365 * 86_400_000)) : (name, value)
                }
            }
            return Self.response(answer)
        }
    }

    static func response(_ answer: Answer) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers where name.lowercased() != "content-length" {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: answer.status, headers: headers, body: ResponseBody(byteBuffer: answer.body))
    }
}

@Suite("Answers the kiosk acts on are the platform's own")
struct AnswerSigningTests {
    /// A platform, a man in the middle in front of it, and an enrolled kiosk that reaches the
    /// platform only through him.
    static func kioskBehindAManInTheMiddle(_ kioskID: String) async throws
        -> (central: RunningCentral, mitm: ManInTheMiddle, outbox: Outbox, client: PlatformClient) {
        let central = try await RunningCentral()
        let mitm = try await ManInTheMiddle(upstream: central.url)
        let direct = try await central.enrol(kioskID)
        let home = Scratch.folder("mitm-\(kioskID)")
        let outbox = try Outbox(home: home, kioskID: kioskID)
        // A long request bound: a deadline in a full run's crowded first minutes is not what
        // these tests are about (it once stood in for the refusal a test expected).
        let client = PlatformClient(outbox: outbox, enrolment: Enrolment(central: mitm.address, kioskID: kioskID, secret: direct.secret),
                                    home: home, logger: DashboardTests.logger, requestTimeoutSeconds: 120)
        return (central, mitm, outbox, client)
    }

    @Test func aManInTheMiddleCanNeitherMakeUpNorReplayNorChangeAStoredAnswer() async throws {
        let (central, mitm, outbox, client) = try await Self.kioskBehindAManInTheMiddle("kiosk-a")
        defer { central.stop(); mitm.stop() }
        let first = try outbox.submit(Sample.payload(1))
        let second = try outbox.submit(Sample.payload(2))

        // 1. Swallowed, and "stored" answered: nothing is marked delivered, no payload goes.
        mitm.set(.forgeStored)
        let forged = try await client.drain()
        #expect(forged.delivered == 0 && forged.stoppedBecause?.contains("not signed by the platform") == true,
                "\(String(describing: forged.stoppedBecause))")
        #expect(try outbox.depth().pending == 2)
        #expect(try outbox.show(first.key).payload != nil, "the sealed payload is still here")
        #expect(try await central.store.stats().submissions == 0, "the platform never had them")

        // 2. Passed through: delivered once. Its signed answer is kept by the man in the middle.
        mitm.set(.pass)
        #expect(try await client.drain(ignoringBackoff: true).delivered == 2)
        #expect(try await central.store.progress(acceptanceNumber: second.acceptanceNumber) == "approved")

        // 3. That genuine answer replayed for a new batch: not for this request, so refused.
        let third = try outbox.submit(Sample.payload(3))
        mitm.set(.replay)
        let replayed = try await client.drain(ignoringBackoff: true)
        #expect(try replayed.delivered == 0 && outbox.depth().pending == 1)
        #expect(try await central.store.stats().submissions == 2)

        // 4. Forwarded (the platform stores it) but the answer changed on the way: refused;
        //    the entry stays pending, and the next honest answer ("duplicate") settles it.
        mitm.set(.tamper)
        let tampered = try await client.drain(ignoringBackoff: true)
        #expect(try tampered.delivered == 0 && tampered.deadLettered == 0 && outbox.depth().pending == 1)
        #expect(try await central.store.progress(acceptanceNumber: third.acceptanceNumber) == "approved")
        mitm.set(.pass)
        let honest = try await client.drain(ignoringBackoff: true)
        #expect(honest.repeats == 1 && honest.deadLettered == 0, "the platform had it already: confirmed, once (\(honest))")
        let stats = try await central.store.stats()
        #expect(stats.submissions == 3 && stats.repeats == 1 && stats.conflicts == 0, "\(stats)")
        #expect(try outbox.depth().pending == 0 && outbox.list(.dead).isEmpty)

        // Other answers too: a forged heartbeat or help answer is no answer.
        mitm.set(.forgeStored)
        #expect(await client.helpStatus(id: 1) == nil)
    }

    @Test func answerSignaturesBindStatusRequestAndBody() {
        let key = SymmetricKey(size: .bits256)
        let body = Data("{\"results\":[]}".utf8)
        let signature = AnswerSigning.signature(secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n1", time: "1", body: body)
        #expect(AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n1", time: "1", body: body))
        #expect(!AnswerSigning.isValid(signature: signature, secret: key, status: 201, method: "POST", path: "/v1/submissions", nonce: "n1", time: "1", body: body))
        #expect(!AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST", path: "/v1/ratings", nonce: "n1", time: "1", body: body))
        #expect(!AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n2", time: "1", body: body))
        #expect(!AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n1", time: "1",
                                       body: Data("{}".utf8)))
        // The time is signed: a man in the middle cannot move the kiosk's clock.
        #expect(!AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n1",
                                       time: "2", body: body))
        #expect(!AnswerSigning.isValid(signature: signature, secret: SymmetricKey(size: .bits256), status: 200, method: "POST",
                                       path: "/v1/submissions", nonce: "n1", time: "1", body: body))
        // A request's signature is never an answer's (the canonical forms differ in their first line).
        let request = RequestSigning.signature(secret: key, method: "POST", path: "/v1/submissions", timestamp: 200, nonce: "n1", body: body)
        #expect(!AnswerSigning.isValid(signature: request, secret: key, status: 200, method: "POST", path: "/v1/submissions", nonce: "n1", time: "1", body: body))
    }

    /// The platform's time comes only from answers it signed: a man in the middle who moves
    /// it gets the answer refused and the kiosk's clock stays where it was.
    @Test func aManInTheMiddleCannotMoveTheKiosksClock() async throws {
        let (central, mitm, outbox, client) = try await Self.kioskBehindAManInTheMiddle("kiosk-clock")
        defer { central.stop(); mitm.stop() }
        _ = try outbox.submit(Sample.payload(1))
        mitm.set(.retime)
        let moved = try await client.drain()
        #expect(moved.delivered == 0 && moved.stoppedBecause?.contains("not signed by the platform") == true, "\(moved)")
        #expect(outbox.clock.reading == nil && outbox.clock.appliedOffsetMilliseconds == 0)
        mitm.set(.pass)
        let started = ContinuousClock.now
        let settled = try await client.drain(ignoringBackoff: true)
        // Same machine, same clock: whatever offset is learned, the round trip explains it
        // (a loaded CI machine can take seconds to answer); a moved clock would be far beyond.
        let roundTrip = started.duration(to: .now)
        let explained = UInt64(2_000 + roundTrip.components.seconds * 1_000 + roundTrip.components.attoseconds / 1_000_000_000_000_000)
        #expect(try settled.delivered + settled.repeats == 1 && outbox.depth().pending == 0, "the platform stored it once: \(settled)")
        let reading = try #require(outbox.clock.reading, "an honest answer is learned from")
        #expect(reading.offsetMilliseconds.magnitude < explained && outbox.clock.appliedOffsetMilliseconds == 0, "\(reading), round trip \(roundTrip)")
    }
}
