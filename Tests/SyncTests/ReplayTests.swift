// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import ZizhuCentral
import ZizhuWire

/// A heartbeat and a batch of applications record their request's nonce in their own
/// statement (one round trip and one commit less). Replayed — the same signed bytes sent
/// again, as a man in the middle or a proxy's retry would — each is refused before any
/// effect, on both stores; one the handler refused (a malformed heartbeat) is spent all the
/// same; and the kiosk is still marked seen, with its clock's skew, by the first.
@Suite("Replays of requests whose write records their nonce")
struct ReplayTests {
    /// Sends exactly these headers and body (so a second call is a byte-for-byte replay).
    static func send(_ central: RunningCentral, _ path: String, headers: [(String, String)], body: Data) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: central.url + path)))
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: StorageKind.allCases)
    func aReplayedHeartbeatOrBatchChangesNothingAndARefusedOneIsSpentToo(_ storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let enrolment = try await central.enrol("replay-01")
        let secret = SymmetricKey(data: try #require(Data(base64Encoded: enrolment.secret)))
        func signed(_ path: String, _ body: Data, skew: TimeInterval = 0) -> [(String, String)] {
            RequestSigning.headers(kioskID: "replay-01", secret: secret, method: "POST", path: path, body: body,
                                   now: Date().addingTimeInterval(skew))
        }

        // A heartbeat, then the same bytes again: refused, and the day counts one beat.
        let beat = try CanonicalJSON.encode(Heartbeat(status: "ok", devices: ["reader": "ok"], diskFreeBytes: 1000, outboxPending: 3, outboxOldestSeconds: nil,
                                                      deadLetters: 0, version: "0.1", deviceTime: UTCTime.iso(Date())))
        let signedAt = Date()
        let beatHeaders = signed("/v1/heartbeat", beat, skew: -7)
        #expect(try await Self.send(central, "/v1/heartbeat", headers: beatHeaders, body: beat).0 == 204)
        // The skew is the kiosk's timestamp minus the platform's clock when it checked: 7 s,
        // plus however long the request took to reach it on a loaded machine.
        let slowest = -8 - Int64(Date().timeIntervalSince(signedAt).rounded(.up))
        let replayedBeat = try await Self.send(central, "/v1/heartbeat", headers: beatHeaders, body: beat)
        #expect(replayedBeat.0 == 401 && replayedBeat.1.contains("replayed"), "\(replayedBeat)")
        let days = try await central.store.heartbeatDays(kioskID: "replay-01", since: "2000-01-01")
        #expect(days.map(\.beats) == [1], "\(days)")
        let seen = try #require(try await central.store.fleet().first { $0.id == "replay-01" })
        #expect(seen.lastSeen != nil && (slowest ... -6).contains(seen.skewSeconds ?? 0), "seen, with its skew: \(String(describing: seen.skewSeconds))")

        // A batch of applications, replayed: the first stores it, the replay stores nothing
        // and is told so (not answered as a repeat).
        let envelope = SchemaAgreementTests.envelope(kiosk: "replay-01")
        let batch = Data("{\"submissions\":[\(envelope)]}".utf8)
        let batchHeaders = signed("/v1/submissions", batch)
        let first = try await Self.send(central, "/v1/submissions", headers: batchHeaders, body: batch)
        #expect(first.0 == 200 && first.1.contains("\"accepted\""), "\(first)")
        let replayedBatch = try await Self.send(central, "/v1/submissions", headers: batchHeaders, body: batch)
        #expect(replayedBatch.0 == 401 && replayedBatch.1.contains("replayed"), "\(replayedBatch)")
        var stats = try await central.store.stats()
        #expect(stats.submissions == 1 && stats.repeats == 0, "\(stats)")
        #expect(try await central.store.fleet().first { $0.id == "replay-01" }?.submissions == 1)

        // An empty batch records its nonce too.
        let empty = Data("{\"submissions\":[]}".utf8)
        let emptyHeaders = signed("/v1/submissions", empty)
        #expect(try await Self.send(central, "/v1/submissions", headers: emptyHeaders, body: empty).0 == 200)
        #expect(try await Self.send(central, "/v1/submissions", headers: emptyHeaders, body: empty).0 == 401)

        // A heartbeat the handler refuses (malformed) never reached its write: its nonce is
        // recorded after, so its replay is refused as a replay.
        let malformed = Data("{\"status\":\"ok\"}".utf8)
        let malformedHeaders = signed("/v1/heartbeat", malformed)
        #expect(try await Self.send(central, "/v1/heartbeat", headers: malformedHeaders, body: malformed).0 == 400)
        let again = try await Self.send(central, "/v1/heartbeat", headers: malformedHeaders, body: malformed)
        #expect(again.0 == 401 && again.1.contains("replayed"), "\(again)")

        // The same batch with a fresh signature is a repeat, answered with the original result.
        let resent = try await Self.send(central, "/v1/submissions", headers: signed("/v1/submissions", batch), body: batch)
        #expect(resent.0 == 200 && resent.1.contains("\"duplicate\""), "\(resent)")
        stats = try await central.store.stats()
        #expect(stats.submissions == 1 && stats.repeats == 1, "\(stats)")
    }
}
