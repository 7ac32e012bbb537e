// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Hummingbird
import Logging
import Testing
import ZizhuCentral
import ZizhuCore
@testable import ZizhuOutbox
@testable import ZizhuKiosk
import ZizhuWire
import ZizhuUI

enum Scratch {
    static let root: URL = {
        let url = URL(fileURLWithPath: "/tmp/zizhu-sync-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/zizhu-sync-tests-\(getpid())") }
        return url
    }()

    static func folder(_ label: String) -> URL {
        let url = root.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A 营业执照打印 application by the legal representative, decided on the project's own
/// catalogue (`Kiosk/catalogue`): the platform's rules approve it when the platform's records
/// hold the applicant's A-grade business licence (`Sample.records`), as the test platforms' do.
enum Sample {
    static let catalogueFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Kiosk/catalogue")
    static let catalogueVersion = (try? CatalogueBundle.load(folder: catalogueFolder).version) ?? "missing"
    static let applicant = "440106198806150019"

    static func payload(_ index: Int = 0, outcome: String = "approved") -> SubmissionPayload {
        SubmissionPayload(service: "business-licence-print",
                          applicant: .init(idNumber: applicant, name: "演示用户", cardKind: "resident"),
                          fields: ["credit_code": "91440106MA9W0DEM01", "is_legal_representative": "yes", "copies": String(index % 3 + 1)],
                          committed: [], decisions: [:], decision: .init(outcome: outcome, decidedBy: ["r1"], owed: []),
                          catalogueVersion: catalogueVersion)
    }

    /// What the test platforms hold about the sample applicant.
    static func records(_ number: String) -> ApplicantRecords? {
        number == applicant ? ApplicantRecords(elicences: [Elicence(type: "business_licence", grade: .a, attributes: ["credit_code": "91440106MA9W0DEM01"])],
                                               credit: "good") : nil
    }

    /// The platform's second opinion, on the project's catalogue and the sample records.
    static let adjudicator = PlatformAdjudicator(catalogueFolder: catalogueFolder, records: records)
}

enum RunningCentralProblem: Error { case didNotStart(Int) }

/// A real central server on a loopback port, in this process.
final class RunningCentral: @unchecked Sendable {
    /// The tests' proof-signing key.
    static let proofKey = Curve25519.Signing.PrivateKey()
    let store: any CentralStorage
    /// The kiosk API.
    let url: String
    /// The staff side, on its own listener.
    let staffURL: String
    private let task: Task<Void, any Error>

    init(maximumBody: Int = CentralServer.maximumBody, storage: StorageKind = .sqlite,
         records: @escaping @Sendable (String) -> RecordsResponse? = { _ in nil },
         proofs: @escaping @Sendable (String) -> [ProofDocument] = { _ in [] },
         appointments: @escaping @Sendable (AppointmentQuery) -> [AppointmentList.Item] = { _ in [] },
         identityCodes: @escaping @Sendable (String, CalendarDate) -> IdentityCodeCheck = { _, _ in .unknown },
         store existing: (any CentralStorage)? = nil, port wanted: Int = 0, staff settings: StaffSettings = StaffSettings(passwordParameters: StaffFixtures.cheap),
         proofKey: Curve25519.Signing.PrivateKey = RunningCentral.proofKey, catalogue: URL? = nil, catalogueKey: String? = nil) async throws {
        if let existing { store = existing } else { store = try await storage.open() }
        let (stream, continuation) = AsyncStream.makeStream(of: (String, Int).self)
        let logger = Logger(label: "test.central", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(router: CentralServer.router(store: store, maximumBody: maximumBody, records: records, proofs: proofs,
                                                            appointments: appointments, identityCodes: identityCodes,
                                                            catalogue: catalogue, catalogueKey: catalogueKey,
                                                            proofKey: proofKey,
                                                            adjudicator: catalogue == nil ? Sample.adjudicator : nil),
                              configuration: .init(address: .hostname("127.0.0.1", port: wanted)),
                              onServerRunning: { continuation.yield(("kiosk", $0.localAddress?.port ?? 0)) }, logger: logger)
        let staff = Application(router: CentralServer.staffRouter(store: store, settings: settings),
                                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                onServerRunning: { continuation.yield(("staff", $0.localAddress?.port ?? 0)) }, logger: logger)
        task = Task {
            // A listener that cannot start (its port still taken) ends the wait below.
            defer { continuation.finish() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                group.addTask { try await staff.run() }
                try await group.waitForAll()
            }
        }
        var ports: [String: Int] = [:]
        for await (listener, port) in stream {
            ports[listener] = port
            if ports.count == 2 { break }
        }
        guard ports.count == 2 else {
            task.cancel()
            throw RunningCentralProblem.didNotStart(wanted)
        }
        url = "http://127.0.0.1:\(ports["kiosk"] ?? 0)"
        staffURL = "http://127.0.0.1:\(ports["staff"] ?? 0)"
    }

    func enrol(_ kioskID: String = "kiosk-a") async throws -> Enrolment {
        let token = try await store.createToken()
        let secret = try await store.enrol(token: token, kioskID: kioskID, site: "test")
        return Enrolment(central: url, kioskID: kioskID, secret: secret)
    }

    func stop() { task.cancel() }

    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    /// Stops the server and waits until its port refuses connections.
    func stopAndWait() async {
        task.cancel()
        _ = await task.result
    }
}

@Suite("Durable outbox (GRDB, real SQLite files)")
struct OutboxTests {
    @Test func theWriterCommitsWithSynchronousFullAndPayloadsAreSealed() throws {
        let home = Scratch.folder("outbox")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        #expect(try outbox.writerSynchronous() == 2, "synchronous must be FULL on the writer (GRDB resets it to NORMAL)")
        #expect(outbox.integrity == "ok")
        let accepted = try outbox.submit(Sample.payload())
        #expect(UUIDv7.isValid(accepted.key) && accepted.sequence == 1)
        #expect(accepted.acceptanceNumber == AcceptanceNumber.from(key: accepted.key))
        // Personal data is not in the file in the clear (database and WAL).
        for name in ["outbox.sqlite", "outbox.sqlite-wal"] {
            let bytes = FileManager.default.contents(atPath: home.appendingPathComponent(name).path) ?? Data()
            #expect(bytes.range(of: Data("440106198806150019".utf8)) == nil, "\(name) holds the ID number in the clear")
            #expect(bytes.range(of: Data("演示用户".utf8)) == nil)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("keys/outbox.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The key is reused, not replaced, when the kiosk starts again.
        let again = try Outbox(home: home, kioskID: "kiosk-a")
        let due = try again.due(limit: 10, maxBytes: 1 << 20)
        #expect(due.map(\.envelope.key) == [accepted.key])
        #expect(due.first.map { Data($0.envelope.payload.utf8).sha256Hex } == due.first?.envelope.payloadHash)
        #expect(try again.submit(Sample.payload(1)).sequence == 2)
    }

    @Test func everyConnectionHasABoundedPageCache() throws {
        let outbox = try Outbox(home: Scratch.folder("outbox"), kioskID: "kiosk-a")
        let sizes = try outbox.cacheSizes()
        #expect(sizes.writer == -Outbox.pageCacheKiB && sizes.reader == -Outbox.pageCacheKiB)
        #expect(try outbox.writerSynchronous() == 2, "setting the cache must not undo synchronous=FULL")
    }

    @Test func pruningDropsOldTombstonesAndTicketsOnly() throws {
        let home = Scratch.folder("outbox")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let day: Double = 86_400
        let now = Date()
        let longAgo = now.addingTimeInterval(-100 * day)
        // Tickets (their records enter the outbox too): one from 40 days ago, one from today.
        let oldTicket = try outbox.reserveTicket(category: "A", day: "2026-10-14", now: now.addingTimeInterval(-40 * day))
        _ = try outbox.confirmTicket(oldTicket, payload: TicketPayload(reference: "kiosk-a/2026-10-14/A001", category: "A", number: "A001",
                                                                       issuedAt: "x", peopleAhead: 0), now: now.addingTimeInterval(-40 * day))
        let today = try outbox.reserveTicket(category: "A", day: "2026-11-23", now: now)
        _ = try outbox.confirmTicket(today, payload: TicketPayload(reference: "kiosk-a/2026-11-23/A001", category: "A", number: "A001",
                                                                   issuedAt: "x", peopleAhead: 0), now: now)

        // Confirmed 100 days ago, confirmed yesterday, pending from long ago, dead long ago,
        // and the newest entry (confirmed long ago too, but it carries the sequence on).
        let old = try outbox.submit(Sample.payload(1), now: longAgo)
        let recent = try outbox.submit(Sample.payload(2), now: longAgo)
        let pending = try outbox.submit(Sample.payload(3), now: longAgo)
        let dead = try outbox.submit(Sample.payload(4), now: longAgo)
        let newest = try outbox.submit(Sample.payload(5), now: longAgo)
        try outbox.confirm([old, recent, newest].map { SubmissionResult(key: $0.key, status: .accepted, progress: "approved") })
        try outbox.deadLetter([dead.key], reason: "refused")
        try outbox.writer.write { db in
            try db.execute(sql: "UPDATE entry SET confirmed_at = ? WHERE key IN (?, ?)", arguments: [UTCTime.iso(longAgo), old.key, newest.key])
            try db.execute(sql: "UPDATE entry SET confirmed_at = ? WHERE key = ?", arguments: [UTCTime.iso(now.addingTimeInterval(-day)), recent.key])
        }
        let pruned = try outbox.prune(now: now)
        #expect(pruned == Outbox.Pruned(tombstones: 1, tickets: 1))
        let left = Set(try outbox.list().map(\.key))
        #expect(!left.contains(old.key))
        #expect([recent.key, pending.key, dead.key, newest.key].allSatisfy { left.contains($0) })
        #expect(try outbox.ticketsIssued(day: "2026-10-14").isEmpty)
        #expect(try outbox.ticketsIssued(day: "2026-11-23") == ["A": 1])
        #expect(try outbox.prune(now: now) == Outbox.Pruned(tombstones: 0, tickets: 0), "a second run finds nothing more")
        // Numbering carries on after pruning: the next entry follows the newest, which may
        // then go in its turn.
        #expect(try outbox.submit(Sample.payload(6)).sequence == newest.sequence + 1)
        #expect(try outbox.prune(now: now) == Outbox.Pruned(tombstones: 1, tickets: 0))
        #expect(try outbox.list().contains { $0.key == newest.key } == false)
    }

    @Test func theRunningKioskPrunesWhenItStarts() async throws {
        let home = Scratch.folder("outbox")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let longAgo = Date().addingTimeInterval(-100 * 86_400)
        let old = try outbox.submit(Sample.payload(1), now: longAgo)
        let newest = try outbox.submit(Sample.payload(2))
        try outbox.confirm([old, newest].map { SubmissionResult(key: $0.key, status: .accepted) })
        try await outbox.writer.write { db in
            try db.execute(sql: "UPDATE entry SET confirmed_at = ? WHERE key = ?", arguments: [UTCTime.iso(longAgo), old.key])
        }
        // Not enrolled: no sync, but the housekeeping still runs.
        let kiosk = KioskOutbox(outbox: outbox, enrolment: nil, home: home, logger: Logger(label: "test"))
        defer { kiosk.stop() }
        var keys = Set(try outbox.list().map(\.key))
        for _ in 0..<200 where keys.contains(old.key) {
            try await Task.sleep(for: .milliseconds(50))
            keys = Set(try outbox.list().map(\.key))
        }
        #expect(keys == [newest.key])
    }

    @Test func aTamperedEntryIsQuarantinedAndTheOthersStillGo() throws {
        let home = Scratch.folder("outbox")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let first = try outbox.submit(Sample.payload(1))
        let second = try outbox.submit(Sample.payload(2))
        let third = try outbox.submit(Sample.payload(3))
        try outbox.writer.write { db in
            // Flip a byte of the sealed payload, and change a stored hash.
            try db.execute(sql: "UPDATE entry SET sealed = substr(sealed, 1, 20) || x'00' || substr(sealed, 22) WHERE key = ?",
                           arguments: [first.key])
            try db.execute(sql: "UPDATE entry SET payload_hash = 'deadbeef' WHERE key = ?", arguments: [third.key])
        }
        // `zizhu queue check` names both, and only them, before anything is sent.
        let checked = try outbox.checkPending()
        #expect(checked.pending == 3 && checked.problems.count == 2, "\(checked)")
        #expect(checked.problems.contains { $0.hasPrefix("unreadable 1 \(first.acceptanceNumber): cannot be opened") }, "\(checked.problems)")
        #expect(checked.problems.contains { $0.hasPrefix("unreadable 3 \(third.acceptanceNumber): payload hash mismatch") }, "\(checked.problems)")
        let due = try outbox.due(limit: 10, maxBytes: 1 << 20)
        #expect(due.map(\.envelope.key) == [second.key])
        let quarantined = try outbox.list(.quarantined)
        #expect(Set(quarantined.map(\.key)) == [first.key, third.key])
        #expect(quarantined.contains { $0.lastError?.contains("hash mismatch") == true })
        #expect(quarantined.contains { $0.lastError?.contains("decrypted") == true })
    }

    @Test func showMasksAndPurgeKeepsATombstone() throws {
        let outbox = try Outbox(home: Scratch.folder("outbox"), kioskID: "kiosk-a")
        let accepted = try outbox.submit(Sample.payload())
        let shown = try outbox.show(accepted.acceptanceNumber)
        #expect(shown.payload?.applicant.idNumber == "4401**********0019")
        #expect(shown.payload?.applicant.name == "演*")
        try outbox.deadLetter([accepted.key], reason: "409: conflict")
        #expect(try outbox.requeue(accepted.key))
        #expect(try outbox.list(.pending).count == 1)
        try outbox.deadLetter([accepted.key], reason: "409: conflict")
        let purged = try #require(try outbox.purge(accepted.key))
        #expect(purged.key == accepted.key)
        #expect(try outbox.show(accepted.key).payload == nil)
        #expect(!(try outbox.requeue(accepted.key)), "nothing left to send")
        #expect(try outbox.list().map(\.key) == [accepted.key], "the tombstone stays")
    }

    @Test func aFullDiskIsAClearErrorAndNothingIsHalfWritten() throws {
        let outbox = try Outbox(home: Scratch.folder("outbox"), kioskID: "kiosk-a")
        _ = try outbox.submit(Sample.payload(1))
        // SQLite's own limit stands in for a full filesystem here; the end-to-end test uses a real small one.
        try outbox.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        var big = Sample.payload(2)
        big.fields["notes"] = String(repeating: "很长的备注", count: 4000)
        do {
            _ = try outbox.submit(big)
            Issue.record("a submission was accepted on a full disk")
        } catch {
            #expect(error.kind == .diskFull)
            #expect(error.zh.contains("存储空间已满"))
        }
        #expect(try outbox.list().count == 1)
    }
}

@Suite("Central platform and sync worker over real HTTP on loopback")
struct SyncWorkerTests {
    static let logger = Logger(label: "test.sync", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func aBacklogDrainsInOneGoAndARepeatIsAnsweredWithTheOriginalResult() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        for index in 0..<250 { _ = try outbox.submit(Sample.payload(index)) }
        let worker = PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger, batchCount: 50)
        let report = try await worker.drain()
        #expect(report.delivered == 250 && report.batches == 5 && report.stoppedBecause == nil)
        #expect(try outbox.depth().pending == 0 && outbox.depth().confirmed == 250)
        #expect(try await central.store.stats().submissions == 250)
        // Payloads are gone from the kiosk; tombstones stay.
        let sealed = try await outbox.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry WHERE sealed IS NOT NULL") }
        #expect(sealed == 0)
        // The same envelope again (a retry after a lost answer) is a duplicate, not a new row.
        let keys = try await central.store.keys(kioskID: "kiosk-a")
        #expect(keys.count == 250 && Set(keys).count == 250)
    }

    @Test func repeatsConflictsAndOtherKiosksAreAnsweredPerItem() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        _ = try await central.enrol("kiosk-a")
        _ = try await central.enrol("kiosk-b")
        let key = UUIDv7.make()
        let payload = String(decoding: try CanonicalJSON.encode(Sample.payload()), as: UTF8.self)
        func envelope(_ payload: String, kiosk: String = "kiosk-a") -> SubmissionEnvelope {
            SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: 1, kioskID: kiosk,
                               serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                               payloadHash: Data(payload.utf8).sha256Hex, payload: payload)
        }
        #expect(try await central.store.store([envelope(payload)], from: "kiosk-a").map(\.status) == [.accepted])
        #expect(try await central.store.store([envelope(payload)], from: "kiosk-a").map(\.status) == [.duplicate])
        let other = payload.replacingOccurrences(of: "演示用户", with: "别人")
        #expect(try await central.store.store([envelope(other)], from: "kiosk-a").map(\.status) == [.conflict])
        #expect(try await central.store.store([envelope(payload, kiosk: "kiosk-a")], from: "kiosk-b").map(\.status) == [.rejected])
        var forged = envelope(payload)
        forged.payloadHash = String(repeating: "0", count: 64)
        #expect(try await central.store.store([forged], from: "kiosk-a").first?.reason == "payload hash mismatch")
        let stats = try await central.store.stats()
        #expect(stats.submissions == 1 && stats.repeats == 1 && stats.conflicts == 1)
    }

    @Test func aConflictIsDeadLetteredWithoutBlockingTheEntriesBehindIt() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let enrolment = try await central.enrol()
        let accepted = try (0..<5).map { try outbox.submit(Sample.payload($0)) }
        // The platform already holds the second key with another payload.
        let bad = try #require(try outbox.due(limit: 5, maxBytes: 1 << 20).first { $0.envelope.key == accepted[1].key }?.envelope)
        var altered = bad
        altered.payload = bad.payload.replacingOccurrences(of: "演示用户", with: "别人")
        altered.payloadHash = Data(altered.payload.utf8).sha256Hex
        _ = try await central.store.store([altered], from: "kiosk-a")
        let report = try await PlatformClient(outbox: outbox, enrolment: enrolment, home: home, logger: Self.logger).drain()
        #expect(report.delivered == 4 && report.deadLettered == 1)
        let dead = try outbox.list(.dead)
        #expect(dead.map(\.key) == [accepted[1].key])
        #expect(dead.first?.lastError?.contains("conflict") == true)
    }

    @Test func aTooLargeBatchIsHalvedUntilItFits() async throws {
        let central = try await RunningCentral(maximumBody: 6_000)
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        for index in 0..<16 { _ = try outbox.submit(Sample.payload(index)) }
        var huge = Sample.payload(99)
        huge.fields["notes"] = String(repeating: "x", count: 10_000)
        let tooBig = try outbox.submit(huge)
        let report = try await PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger,
                                          batchCount: 16).drain()
        #expect(report.delivered == 16)
        #expect(report.batches > 2, "batches were halved (\(report.batches))")
        #expect(try outbox.list(.dead).map(\.key) == [tooBig.key])
    }

    @Test func whenTheLinkIsDownEntriesBackOffAndTheNextDrainDeliversThemAll() async throws {
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        for index in 0..<10 { _ = try outbox.submit(Sample.payload(index)) }
        // A port nothing listens on.
        let down = Enrolment(central: "http://127.0.0.1:9", kioskID: "kiosk-a",
                             secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString())
        let failed = try await PlatformClient(outbox: outbox, enrolment: down, home: home, logger: Self.logger,
                                          requestTimeoutSeconds: 2).drain()
        #expect(failed.stoppedBecause?.contains("network") == true && failed.delivered == 0)
        let pending = try outbox.list(.pending)
        #expect(pending.count == 10 && pending.allSatisfy { $0.attempts <= 1 })
        #expect(pending.first?.attempts == 1)
        // Waiting out the backoff: nothing is due yet... unless asked to send now.
        let central = try await RunningCentral()
        defer { central.stop() }
        var enrolment = try await central.enrol()
        enrolment.kioskID = "kiosk-a"
        let report = try await PlatformClient(outbox: outbox, enrolment: enrolment, home: home, logger: Self.logger)
            .drain(ignoringBackoff: true)
        let left = try outbox.depth().pending
        #expect(report.delivered == 10 && left == 0)
    }

    /// The link fails (a middlebox answers 502 for a platform it cannot reach), then works
    /// again: 16 → 8 → 16. The platform stays up on its own port throughout (an earlier form
    /// stopped it and bound the same port again, and once hung a CI run doing so).
    @Test(.timeLimit(.minutes(3))) func afterAFailedBatchTheNextOneIsHalvedThenGrowsBackWhenTheLinkWorks() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let link = try await ManInTheMiddle(upstream: central.url)
        defer { link.stop() }
        let direct = try await central.enrol()
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        for index in 0..<40 { _ = try outbox.submit(Sample.payload(index)) }
        // A generous timeout: a loaded CI machine must not turn a slow answer into a failed batch.
        let worker = PlatformClient(outbox: outbox, enrolment: Enrolment(central: link.address, kioskID: "kiosk-a", secret: direct.secret),
                                    home: home, logger: Self.logger, batchCount: 16, requestTimeoutSeconds: 30)
        #expect(worker.nextBatchLimit == 16)
        link.set(.down)
        let failed = try await worker.drain()
        #expect(failed.stoppedBecause != nil && failed.delivered == 0, "\(failed)")
        #expect(worker.nextBatchLimit == 8, "a failed batch of 16 halves the next one")
        #expect(link.forwardedRequests == 0)
        // The link is back: 8, then 16 per batch again.
        link.set(.pass)
        let report = try await worker.drain(ignoringBackoff: true)
        #expect(report.delivered == 40 && report.batches == 3, "8 + 16 + 16 = 40 in \(report.batches) batches")
        #expect(worker.nextBatchLimit == 16)
        #expect(try await central.store.stats().submissions == 40)
    }

    @Test func ratingsTravelThroughTheOutboxAfterTheirApplicationsOnePerCase() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let application = try outbox.submit(Sample.payload())
        let rating = RatingPayload(acceptanceNumber: application.acceptanceNumber, serviceID: "business-licence-print", level: 1,
                                   reason: "打印机卡纸", ratedAt: UTCTime.iso(Date()))
        _ = try outbox.enqueue(.rating, serviceID: rating.serviceID, body: rating)
        // The same case rated twice (a bug, or a replayed session): the platform keeps one.
        var twice = rating
        twice.level = 5
        let duplicate = try outbox.enqueue(.rating, serviceID: rating.serviceID, body: twice)
        #expect(try outbox.list().map(\.kind) == [.submission, .rating, .rating])
        let report = try await PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger).drain()
        #expect(report.delivered == 2 && report.deadLettered == 1, "\(report)")
        #expect(try outbox.list(.dead).map(\.key) == [duplicate.key])
        #expect(try outbox.list(.dead).first?.lastError?.contains("already been rated") == true)
        #expect(try await central.store.ratingCounts() == [1: 1])
        // Rating payloads are deleted once confirmed, like applications.
        let sealed = try await outbox.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry WHERE sealed IS NOT NULL AND state = 'confirmed'")
        }
        #expect(sealed == 0)
    }

    /// 取号 across midnight: numbers restart at 001 each local day; a ticket reserved at
    /// 23:59:59 and confirmed after midnight stays on the old day; a number that did not
    /// print is void, not reused; issued tickets reach the platform once.
    @Test func ticketNumbersRollOverAtLocalMidnightAndOnlyPrintedOnesCount() async throws {
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        // 2026-11-22 23:59:58 and :59 in Shanghai (UTC+8), then 00:00:01 the next day.
        let late = Date(timeIntervalSince1970: 1_795_363_198)
        #expect(QueueDay.of(late, timeZone: shanghai) == "2026-11-22")
        let midnight = late.addingTimeInterval(3)
        #expect(QueueDay.of(midnight, timeZone: shanghai) == "2026-11-23")
        func payload(_ reservation: Outbox.TicketReservation) -> TicketPayload {
            TicketPayload(reference: "kiosk-a/\(reservation.day)/A\(reservation.number)", category: "social_insurance",
                          number: "A\(reservation.number)", issuedAt: UTCTime.iso(late), peopleAhead: reservation.issuedBefore)
        }
        let first = try outbox.reserveTicket(category: "social_insurance", day: QueueDay.of(late, timeZone: shanghai), now: late)
        _ = try outbox.confirmTicket(first, payload: payload(first), now: late)
        // The printer fails on the second: void.
        let failed = try outbox.reserveTicket(category: "social_insurance", day: "2026-11-22", now: late)
        try outbox.voidTicket(failed)
        // The third is reserved before midnight and confirmed after it.
        let straddling = try outbox.reserveTicket(category: "social_insurance", day: QueueDay.of(late.addingTimeInterval(1), timeZone: shanghai),
                                                  now: late.addingTimeInterval(1))
        _ = try outbox.confirmTicket(straddling, payload: payload(straddling), now: midnight)
        let newDay = try outbox.reserveTicket(category: "social_insurance", day: QueueDay.of(midnight, timeZone: shanghai), now: midnight)
        _ = try outbox.confirmTicket(newDay, payload: payload(newDay), now: midnight)
        let other = try outbox.reserveTicket(category: "housing_fund", day: "2026-11-23", now: midnight)
        let numbers: [Int] = [first.number, failed.number, straddling.number, newDay.number, other.number]
        #expect(numbers == [1, 2, 3, 1, 1])
        #expect(straddling.day == "2026-11-22" && straddling.issuedBefore == 1)
        #expect(try outbox.ticketsIssued(day: "2026-11-22") == ["social_insurance": 2])
        #expect(try outbox.ticketsIssued(day: "2026-11-23") == ["social_insurance": 1])
        // A crash while the housing-fund ticket printed: void at the next start, never reused.
        #expect(try outbox.voidUnconfirmedTickets() == 1)
        #expect(try outbox.reserveTicket(category: "housing_fund", day: "2026-11-23", now: midnight).number == 2)
        // People ahead: 5 issued, the first 13 minutes ago at 6 min/person → 2 served, 3 ahead.
        let category = QueueCategory(id: "social_insurance", letter: "A", name: LocalizedText(zh: "社保", en: "Insurance"), minutesPerPerson: 6)
        #expect(category.peopleAhead(issuedBefore: 5, firstIssuedAt: midnight.addingTimeInterval(-780), now: midnight) == 3)
        #expect(category.ticketNumber(7) == "A007")
        // The three issued tickets reach the platform, once each.
        let central = try await RunningCentral()
        defer { central.stop() }
        let worker = PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger)
        #expect(try await worker.drain().delivered == 3)
        #expect(try outbox.list().filter { $0.kind == .ticket }.allSatisfy { $0.state == .confirmed })
    }

    @Test func progressComesFromThePlatformElseFromTheKiosksOwnRecord() async throws {
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        let accepted = try outbox.submit(Sample.payload(outcome: "manual_review"))
        // Not enrolled (or offline): the kiosk's record, not uploaded yet.
        let offline = await ProgressDesk(worker: nil, outbox: outbox).lookUp(accepted.acceptanceNumber)
        #expect(offline == .found(CaseProgress(acceptanceNumber: accepted.acceptanceNumber, serviceID: "business-licence-print",
                                               progress: "manual_review", updatedAt: try outbox.record(acceptanceNumber: accepted.acceptanceNumber)?.createdAt,
                                               source: .kiosk(uploaded: false))))
        #expect(await ProgressDesk(worker: nil, outbox: outbox).lookUp("ZZ20260101-0000-0000-0000") == .unavailable)
        // By number and by card, offline, the same case says the same (an approved one once
        // said 已办结（通过） by number and 人工审核中 by card).
        let approved = try outbox.submit(Sample.payload(2, outcome: "approved"))
        let byNumber = await ProgressDesk(worker: nil, outbox: outbox).lookUp(approved.acceptanceNumber)
        let byCard = await ProgressDesk(worker: nil, outbox: outbox).lookUp(card: IDNumber(fromCard: Sample.payload(2).applicant.idNumber))
        guard case .found(let one) = byNumber, case .cases(let all) = byCard, let same = all.first(where: { $0.acceptanceNumber == one.acceptanceNumber }) else {
            Issue.record("by number \(byNumber), by card \(byCard)")
            return
        }
        #expect(one == same && one.progress == "approved", "by number \(one), by card \(same)")
        // Online: delivered, decided by a reviewer, answered by the platform with the reason.
        let central = try await RunningCentral()
        defer { central.stop() }
        let worker = PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger)
        #expect(try await worker.drain().delivered == 2)
        _ = try await central.store.decide(acceptanceNumber: accepted.acceptanceNumber, approve: true, reason: "已核验")
        guard case .found(let found) = await ProgressDesk(worker: worker, outbox: outbox).lookUp(accepted.acceptanceNumber) else {
            Issue.record("no answer")
            return
        }
        #expect(found.source == .platform && found.progress == "approved" && found.reason == "已核验")
        #expect(await ProgressDesk(worker: worker, outbox: outbox).lookUp("ZZ20260101-0000-0000-0000") == .notFound)
    }

    @Test func proofsComeFromThePlatformIssuedWithACodeAndOfflineSaysUnavailable() async throws {
        let held = ProofDocument(id: "social_insurance", title: "社会保险个人参保证明", issuer: "天河社保（演示）",
                                 lines: ["参保状态：正常参保"], verificationCode: "", issuedAt: "")
        let central = try await RunningCentral(proofs: { $0 == "440106198806150019" ? [held] : [] })
        let home = Scratch.folder("kiosk")
        let worker = PlatformClient(outbox: try Outbox(home: home, kioskID: "kiosk-a"), enrolment: try await central.enrol(), home: home,
                                logger: Self.logger, requestTimeoutSeconds: 30)
        let desk = ProofDesk.platform(worker)
        let person = IDNumber(fromCard: "440106198806150019"), stranger = IDNumber(fromCard: "11010519491231002X")
        #expect(await desk.proofs(for: person) == .found([ProofItem(id: "social_insurance", title: "社会保险个人参保证明")]))
        #expect(await desk.proofs(for: stranger) == .found([]))
        let issued = try #require(await desk.issue("social_insurance", person))
        #expect(issued.verificationCode.count >= 8 && issued.issuedAt.hasSuffix("Z") && issued.lines == held.lines)
        // The QR carries the platform's Ed25519 seal over what the paper shows; the short
        // code printed beside it is the seal's.
        let seal = try #require(issued.seal)
        let certified = try #require(ProofSeal.open(seal, publicKey: RunningCentral.proofKey.publicKey))
        #expect(certified.holder == "4401**********0019" && certified.lines == held.lines && certified.proof == "social_insurance")
        #expect(!seal.contains("440106198806150019") && issued.verificationCode == ProofSeal.shortCode(seal))
        // Forgeries: the content changed, another key's seal, an old-style code.
        var forgedContent = certified
        forgedContent.lines = ["参保状态：正常参保", "欠费：0 元"]
        let parts = seal.split(separator: ".")
        let forged = "ZP1." + Base64URL.encode(try CanonicalJSON.encode(forgedContent)) + "." + parts[2]
        #expect(ProofSeal.open(forged, publicKey: RunningCentral.proofKey.publicKey) == nil)
        let otherKey = try ProofSeal.seal(certified, with: Curve25519.Signing.PrivateKey())
        #expect(ProofSeal.open(otherKey, publicKey: RunningCentral.proofKey.publicKey) == nil)
        #expect(ProofSeal.open("1234-5678-9ABC-DEF0", publicKey: RunningCentral.proofKey.publicKey) == nil)
        // The public check page: what was certified, or "not genuine".
        func page(_ seal: String) async throws -> (Int, String) {
            var components = try #require(URLComponents(string: central.url + "/verify"))
            components.queryItems = [URLQueryItem(name: "seal", value: seal)]
            let (data, response) = try await URLSession.shared.data(from: try #require(components.url))
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let genuine = try await page(seal)
        #expect(genuine.0 == 200 && genuine.1.contains("id=\"genuine\"") && genuine.1.contains("4401**********0019"))
        #expect(!genuine.1.contains("440106198806150019"), "no more personal data than the paper shows")
        let fake = try await page(forged)
        #expect(fake.0 == 404 && fake.1.contains("id=\"not-genuine\"") && !fake.1.contains("欠费"))
        #expect(await desk.issue("social_insurance", stranger) == nil)
        #expect(await desk.issue("../../etc/passwd", person) == nil)
        await central.stopAndWait()
        #expect(await desk.proofs(for: person) == .unavailable)
        #expect(await ProofDesk.unavailable.proofs(for: person) == .unavailable)
    }

    @Test func appointmentsComeFromThePlatformForTodayOnly() async throws {
        // 16:20 UTC is 00:20 the next day in every service hall: kiosk and platform both count
        // days in Beijing time, whatever the machine's own time zone (a kiosk left on UTC once
        // found no appointment for "today" between midnight and 08:00).
        let pastMidnight = try #require(ISO8601DateFormatter().date(from: "2026-12-04T16:20:00Z"))
        let today = QueueDay.today(pastMidnight)
        #expect(today == "2026-12-05")
        let central = try await RunningCentral(appointments: { query in
            guard query.code == "260315" || query.idNumber == "11010519491231002X" else { return [] }
            return [AppointmentList.Item(code: "260315", category: "social_insurance", day: today, time: "10:30"),
                    AppointmentList.Item(code: "260315", category: "housing_fund", day: "2020-01-01", time: "09:00")]
        })
        let home = Scratch.folder("kiosk")
        let worker = PlatformClient(outbox: try Outbox(home: home, kioskID: "kiosk-a"), enrolment: try await central.enrol(), home: home,
                                logger: Self.logger, requestTimeoutSeconds: 30)
        let desk = AppointmentDesk.platform(worker)
        let todays = AppointmentLookup.found([Appointment(code: "260315", categoryID: "social_insurance", time: "10:30")])
        #expect(await desk.lookUp(.code("260315"), now: pastMidnight) == todays)
        #expect(await desk.lookUp(.card(IDNumber(fromCard: "11010519491231002X")), now: pastMidnight) == todays)
        // The day before is not today.
        #expect(await desk.lookUp(.code("260315"), now: pastMidnight.addingTimeInterval(-3_600)) == .notFound)
        #expect(await desk.lookUp(.code("999999")) == .notFound)
        await central.stopAndWait()
        #expect(await desk.lookUp(.code("260315")) == .unavailable)
    }

    @Test func theKioskAsksThePlatformForAnApplicantsRecords() async throws {
        let licence = RecordsResponse.Licence(type: "business_licence", grade: "A", attributes: ["credit_code": "91440106MA9W0DEM01"])
        let central = try await RunningCentral(records: { $0 == "440106198806150019" ? RecordsResponse(elicences: [licence], credit: "good") : nil })
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        // A long request bound: the in-process platform shares two cores with every suite
        // starting at once, and 20 s was not always enough in a full run's first minutes.
        let worker = PlatformClient(outbox: try Outbox(home: home, kioskID: "kiosk-a"), enrolment: try await central.enrol(), home: home,
                                logger: Self.logger, requestTimeoutSeconds: 120)
        let found = try #require(await worker.records(idNumber: "440106198806150019"))
        #expect(found.elicences == [licence] && found.credit == "good")
        #expect(await worker.records(idNumber: "110105199001010029")?.elicences == [])
    }

    @Test func oneSyncAtATimeAcrossProcesses() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try Outbox(home: home, kioskID: "kiosk-a")
        _ = try outbox.submit(Sample.payload())
        let fd = open(home.appendingPathComponent("sync.lock").path, O_RDWR | O_CREAT, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let report = try await PlatformClient(outbox: outbox, enrolment: try await central.enrol(), home: home, logger: Self.logger).drain()
        #expect(report.busy && report.delivered == 0)
        flock(fd, LOCK_UN)
        close(fd)
        #expect(try await PlatformClient(outbox: outbox, enrolment: try await central.enrol("kiosk-a2"), home: home, logger: Self.logger)
            .drain().busy == false)
    }
}

@Suite("Wire formats")
struct WireTests {
    @Test func isoTimesAndAcceptanceNumbersAgreeWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 951_782_400, 1_795_392_000, 1_795_420_799.9, 4_102_444_800, 1_709_164_800] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTime.iso(date) == formatter.string(from: date), "\(seconds)")
        }
        // 2026-11-22 16:30 UTC is 2026-11-23 00:30 in the kiosks' UTC+8.
        let key = UUIDv7.make(milliseconds: 1_795_365_000_000)
        #expect(AcceptanceNumber.from(key: key)?.hasPrefix("ZZ20261123-") == true)
        #expect(UUIDv7.isValid(key) && UUIDv7.milliseconds(key) == 1_795_365_000_000)
        #expect(!UUIDv7.isValid(UUID().uuidString.lowercased()), "a v4 UUID is not a v7 key")
    }
}

@Suite("Request signing")
struct SigningTests {
    func post(_ central: RunningCentral, headers: [(String, String)], body: Data) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: central.url + "/v1/submissions")))
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func unsignedStaleReplayedAndForgedRequestsAreRefusedWithReasons() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let enrolment = try await central.enrol()
        let secret = SymmetricKey(data: try #require(Data(base64Encoded: enrolment.secret)))
        let body = try CanonicalJSON.encode(SubmissionBatch(submissions: []))
        var (status, text) = try await post(central, headers: [], body: body)
        #expect(status == 401 && text.contains("unsigned"))
        let good = RequestSigning.headers(kioskID: "kiosk-a", secret: secret, method: "POST", path: "/v1/submissions", body: body)
        (status, text) = try await post(central, headers: good, body: body)
        #expect(status == 200, "\(text)")
        (status, text) = try await post(central, headers: good, body: body)
        #expect(status == 401 && text.contains("replayed"))
        let stale = RequestSigning.headers(kioskID: "kiosk-a", secret: secret, method: "POST", path: "/v1/submissions", body: body,
                                           now: Date().addingTimeInterval(-1000))
        (status, text) = try await post(central, headers: stale, body: body)
        #expect(status == 401 && text.contains("stale") && text.contains("-100"))
        let otherBody = try CanonicalJSON.encode(SubmissionBatch(submissions: [])) + Data(" ".utf8)
        (status, text) = try await post(central, headers: RequestSigning.headers(kioskID: "kiosk-a", secret: secret, method: "POST",
                                                                                   path: "/v1/submissions", body: body), body: otherBody)
        #expect(status == 401 && text.contains("bad signature"))
        let stranger = RequestSigning.headers(kioskID: "kiosk-z", secret: secret, method: "POST", path: "/v1/submissions", body: body)
        (status, text) = try await post(central, headers: stranger, body: body)
        #expect(status == 401 && text.contains("unknown kiosk"))
    }
}

@Suite("The platform's store failing")
struct StoreFailureTests {
    /// A store that cannot answer is the platform's problem: 503, never "unknown kiosk" (401),
    /// which would make a kiosk think it must enrol again.
    @Test func aFailingStoreIsA503NotA401() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let enrolment = try await central.enrol()
        let secret = SymmetricKey(data: try #require(Data(base64Encoded: enrolment.secret)))
        let store = try #require(central.store as? SQLiteCentralStore)
        func time() async throws -> (Int, String) {
            var request = URLRequest(url: try #require(URL(string: central.url + "/v1/time")))
            for (name, value) in RequestSigning.headers(kioskID: "kiosk-a", secret: secret, method: "GET", path: "/v1/time", body: Data()) {
                request.setValue(value, forHTTPHeaderField: name)
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        #expect(try await time().0 == 200)
        // The replay table is gone: the nonce cannot be recorded.
        try await store.writer.write { try $0.execute(sql: "DROP TABLE nonce") }
        var (status, text) = try await time()
        #expect(status == 503 && text.contains("storage unavailable"), "\(status) \(text)")
        // The kiosks table is gone: the secret cannot be looked up.
        try await store.writer.write { try $0.execute(sql: "ALTER TABLE kiosk RENAME TO kiosk_gone") }
        (status, text) = try await time()
        #expect(status == 503 && !text.contains("unknown kiosk"), "\(status) \(text)")
    }
}
