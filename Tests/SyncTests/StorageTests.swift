// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import Logging
import Testing
import ZizhuOutbox
import ZizhuCentral
import ZizhuKiosk
import ZizhuProcess
import ZizhuTestSupport
import ZizhuWire

/// Which database a storage test runs against.
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    func open() async throws -> any CentralStorage {
        switch self {
        case .sqlite:
            return try SQLiteCentralStore(path: Scratch.folder("central").appendingPathComponent("central.sqlite").path, keyring: testKeyring)
        case .postgres:
            // initdb and createdb block: never on one of Swift concurrency's two threads.
            let url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
            return try await PostgresCentralStore(url: url, keyring: testKeyring)
        }
    }
}

/// This test process's PostgreSQL cluster (started on first use, stopped at exit).
enum TestPostgres {
    static let shared: Result<PrivatePostgres, PrivatePostgres.Problem> = {
        do {
            let cluster = try PrivatePostgres(folder: Scratch.root.appendingPathComponent("postgres"))
            ExitHooks.add { cluster.stop() }
            return .success(cluster)
        } catch let problem as PrivatePostgres.Problem {
            return .failure(problem)
        } catch {
            return .failure(PrivatePostgres.Problem(description: "\(error)"))
        }
    }()
}

enum ExitHooks {
    static let lock = NSLock()
    nonisolated(unsafe) static var blocks: [@Sendable () -> Void] = []

    static func add(_ block: @escaping @Sendable () -> Void) {
        let first = lock.withLock { () -> Bool in
            blocks.append(block)
            return blocks.count == 1
        }
        if first { atexit { for block in ExitHooks.lock.withLock({ ExitHooks.blocks }) { block() } } }
    }
}

/// The same suite against SQLite and a real PostgreSQL.
@Suite("Central storage (SQLite and PostgreSQL)")
struct StorageTests {
    /// An application's payload as a kiosk sends it (`SubmissionPayload`, canonical JSON).
    static func payload(_ outcome: String = "approved", idNumber: String = "440106198806150019") -> String {
        let decision = SubmissionPayload.DecisionSummary(outcome: outcome, decidedBy: ["rule"], owed: [])
        let application = SubmissionPayload(service: "business-licence-print",
                                            applicant: .init(idNumber: idNumber, name: "演示用户", cardKind: "resident"),
                                            fields: [:], committed: [], decisions: ["business-licence-print": decision], decision: decision)
        return (try? CanonicalJSON.encode(application)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func envelope(key: String = UUIDv7.make(), kiosk: String = "kiosk-a", payload: String = StorageTests.payload(),
                         sequence: Int64 = 1) -> SubmissionEnvelope {
        SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: sequence, kioskID: kiosk,
                           serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                           payloadHash: Data(payload.utf8).sha256Hex, payload: payload)
    }

    @Test(arguments: StorageKind.allCases)
    func anApplicantsCasesAreFoundByTheirIDNumberNewestFirst(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        let token = try await store.createToken()
        _ = try await store.enrol(token: token, kioskID: "kiosk-a", site: "天河")
        func payload(_ number: String, _ outcome: String) -> String { Self.payload(outcome, idNumber: number) }
        let first = Self.envelope(payload: payload("440106198806150019", "approved"), sequence: 1)
        let second = Self.envelope(payload: payload("440106198806150019", "manual_review"), sequence: 2)
        let other = Self.envelope(payload: payload("11010519491231002X", "approved"), sequence: 3)
        _ = try await store.store([first, second, other], from: "kiosk-a")
        let cases = try await store.progressAnswers(applicant: "440106198806150019", limit: 20)
        #expect(cases.map(\.acceptanceNumber) == [second.acceptanceNumber, first.acceptanceNumber], "\(cases)")
        #expect(cases.map(\.progress) == ["manual_review", "approved"])
        // A lower-case x is the same number; nobody else's cases; a limit is a limit.
        #expect(try await store.progressAnswers(applicant: "11010519491231002x", limit: 20).map(\.acceptanceNumber) == [other.acceptanceNumber])
        #expect(try await store.progressAnswers(applicant: "440106198806150019", limit: 1).count == 1)
        #expect(try await store.progressAnswers(applicant: "440106199001010021", limit: 20).isEmpty)
    }

    @Test(arguments: StorageKind.allCases)
    func enrolmentSpendsATokenOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        let token = try await store.createToken()
        let secret = try await store.enrol(token: token, kioskID: "kiosk-a", site: "天河")
        #expect(Data(base64Encoded: secret)?.count == 32)
        #expect(try await store.secret(kioskID: "kiosk-a").map { $0.withUnsafeBytes { Data($0) } } == Data(base64Encoded: secret))
        await #expect(throws: EnrolmentProblem.tokenUsed) { try await store.enrol(token: token, kioskID: "kiosk-b", site: "x") }
        await #expect(throws: EnrolmentProblem.unknownToken) { try await store.enrol(token: "zzt-nope", kioskID: "kiosk-b", site: "x") }
        let second = try await store.createToken()
        await #expect(throws: EnrolmentProblem.kioskExists) { try await store.enrol(token: second, kioskID: "kiosk-a", site: "x") }
        #expect(try await store.secret(kioskID: "kiosk-z") == nil)
        #expect(try await store.stats().kiosks == 1)
    }

    @Test(arguments: StorageKind.allCases)
    func aKeyIsStoredOnceAndRepeatsAndConflictsAreCounted(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-b", site: "b")
        let first = Self.envelope()
        #expect(try await store.store([first], from: "kiosk-a").map(\.status) == [.accepted])
        #expect(try await store.store([first], from: "kiosk-a").map(\.status) == [.duplicate])
        let altered = Self.envelope(key: first.key, payload: Self.payload("refused"))
        #expect(try await store.store([altered], from: "kiosk-a").map(\.status) == [.conflict])
        #expect(try await store.store([Self.envelope()], from: "kiosk-b").map(\.status) == [.rejected])
        #expect(try await store.progress(acceptanceNumber: first.acceptanceNumber) == "approved")
        #expect(try await store.keys(kioskID: "kiosk-a") == [first.key])
        #expect(try await store.stats() == CentralStats(kiosks: 2, submissions: 1, repeats: 1, conflicts: 1))
    }

    static func entry(_ kind: OutboxKind, _ body: some Encodable, kiosk: String = "kiosk-a", key: String = UUIDv7.make()) throws -> SubmissionEnvelope {
        let payload = String(decoding: try CanonicalJSON.encode(body), as: UTF8.self)
        return SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: 1, kioskID: kiosk,
                                  serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                                  payloadHash: Data(payload.utf8).sha256Hex, payload: payload, kind: kind.rawValue)
    }

    /// One batch holding the same key twice (and once more with another payload), beside
    /// new ones: per item the first is stored, the repeat is a duplicate, the other payload
    /// a conflict — the same on both stores, however the store writes a batch.
    @Test(arguments: StorageKind.allCases)
    func aKeyTwiceInOneBatchIsStoredOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let first = Self.envelope(sequence: 1), other = Self.envelope(sequence: 2), third = Self.envelope(sequence: 3)
        var changed = first
        changed.payload = Self.payload("manual_review")
        changed.payloadHash = Data(changed.payload.utf8).sha256Hex
        let results = try await store.store([first, other, first, changed, third], from: "kiosk-a")
        #expect(results.map(\.key) == [first.key, other.key, first.key, first.key, third.key])
        #expect(results.map(\.status) == [.accepted, .accepted, .duplicate, .conflict, .accepted], "\(results)")
        let stats = try await store.stats()
        #expect(stats.submissions == 3 && stats.repeats == 1 && stats.conflicts == 1, "\(stats)")
    }

    /// 呼叫帮办 sent again (the kiosk's first try timed out while the platform was slow, seen in
    /// a full run: the help desk showed H2 for one call) is the same call: the same number, one
    /// row on the help desk's page, also when both tries arrive at once. Another moment, or
    /// another kiosk, is another call.
    @Test(arguments: StorageKind.allCases)
    func aHelpCallSentAgainKeepsItsNumber(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-b", site: "b")
        let call = HelpRequest(screen: "home", at: "2026-12-06T09:00:00Z")
        let first = try await store.createHelp(kioskID: "kiosk-a", call)
        #expect(try await store.createHelp(kioskID: "kiosk-a", call) == first)
        let together = HelpRequest(screen: "form", at: "2026-12-06T09:05:00Z")
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<4 { group.addTask { try await store.createHelp(kioskID: "kiosk-a", together) } }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count == 1, "four tries of one call got the numbers \(ids.sorted())")
        let later = try await store.createHelp(kioskID: "kiosk-a", HelpRequest(screen: "home", at: "2026-12-06T09:10:00Z"))
        let elsewhere = try await store.createHelp(kioskID: "kiosk-b", call)
        #expect(Set([first, ids.first ?? first, later, elsewhere]).count == 4)
        #expect(try await store.openHelp().count == 4)
    }

    @Test(arguments: StorageKind.allCases)
    func ratingsAndTicketsAreStoredOncePerKeyAndOncePerCase(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let case1 = Self.envelope()
        _ = try await store.store([case1], from: "kiosk-a")
        let rating = try Self.entry(.rating, RatingPayload(acceptanceNumber: case1.acceptanceNumber, serviceID: "business-licence-print",
                                                           level: 2, reason: "等待太久", ratedAt: "2026-11-22T10:01:00Z"))
        #expect(try await store.storeEntries([rating], kind: .rating, from: "kiosk-a").map(\.status) == [.accepted])
        #expect(try await store.storeEntries([rating], kind: .rating, from: "kiosk-a").map(\.status) == [.duplicate])
        // A second rating of the same case (another key) is refused: one rating per case.
        let again = try Self.entry(.rating, RatingPayload(acceptanceNumber: case1.acceptanceNumber, serviceID: "business-licence-print",
                                                          level: 5, reason: nil, ratedAt: "2026-11-22T10:02:00Z"))
        let second = try await store.storeEntries([again], kind: .rating, from: "kiosk-a")
        #expect(second.map(\.status) == [.rejected] && second.first?.reason?.contains("already been rated") == true, "\(second)")
        // Out-of-range levels, a rating sent as a ticket, another kiosk's ticket: refused with reasons.
        let bad = try Self.entry(.rating, RatingPayload(acceptanceNumber: case1.acceptanceNumber, serviceID: "x", level: 9, reason: nil,
                                                        ratedAt: "2026-11-22T10:02:00Z"))
        #expect(try await store.storeEntries([bad], kind: .rating, from: "kiosk-a").first?.reason?.contains("1…5") == true)
        #expect(try await store.storeEntries([rating], kind: .ticket, from: "kiosk-a").first?.status == .rejected)
        let ticket = try Self.entry(.ticket, TicketPayload(reference: "kiosk-a/2026-11-22/A001", category: "social_insurance", number: "A001",
                                                           issuedAt: "2026-11-22T09:00:00Z", peopleAhead: 0))
        let foreign = try Self.entry(.ticket, TicketPayload(reference: "kiosk-b/2026-11-22/A001", category: "social_insurance", number: "A001",
                                                            issuedAt: "2026-11-22T09:00:00Z", peopleAhead: 0))
        #expect(try await store.storeEntries([ticket, foreign], kind: .ticket, from: "kiosk-a").map(\.status) == [.accepted, .rejected])
        #expect(try await store.ratingCounts() == [2: 1])
        let stats = try await store.stats()
        #expect(stats.ratings == 1 && stats.submissions == 1, "\(stats)")
    }

    @Test(arguments: StorageKind.allCases)
    func aReviewersDecisionChangesTheCasesProgressOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let waiting = Self.envelope(payload: Self.payload("manual_review"))
        let other = Self.envelope(payload: Self.payload("manual_review"), sequence: 2)
        let instant = Self.envelope(sequence: 3)
        _ = try await store.store([waiting, other, instant], from: "kiosk-a")
        #expect(Set(try await store.reviewQueue(limit: 10).map(\.acceptanceNumber)) == [waiting.acceptanceNumber, other.acceptanceNumber])
        #expect(try await store.stats().inReview == 2)
        #expect(try await store.decide(acceptanceNumber: waiting.acceptanceNumber, approve: false, reason: "材料不全") == .decided)
        let answer = try await store.progressAnswer(acceptanceNumber: waiting.acceptanceNumber)
        #expect(answer?.progress == "refused" && answer?.reason == "材料不全" && answer?.serviceID == "business-licence-print", "\(String(describing: answer))")
        // Decided cases cannot be decided again; instant approvals never were in review.
        #expect(try await store.decide(acceptanceNumber: waiting.acceptanceNumber, approve: true, reason: "") == .notInReview("refused"))
        #expect(try await store.decide(acceptanceNumber: instant.acceptanceNumber, approve: false, reason: "x") == .notInReview("approved"))
        #expect(try await store.decide(acceptanceNumber: "ZZ20260101-0000-0000-0000", approve: true, reason: "") == .unknown)
        #expect(try await store.decide(acceptanceNumber: other.acceptanceNumber, approve: true, reason: "") == .decided)
        #expect(try await store.reviewQueue(limit: 10).isEmpty)
        // A repeat delivery now answers with the decided progress.
        #expect(try await store.store([waiting], from: "kiosk-a").first?.progress == "refused")
    }

    @Test(arguments: StorageKind.allCases)
    func concurrentDeliveriesOfOneKeyStoreItOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let envelope = Self.envelope()
        let statuses = try await withThrowingTaskGroup(of: [SubmissionResult.Status].self) { group in
            for _ in 0..<12 { group.addTask { try await store.store([envelope], from: "kiosk-a").map(\.status) } }
            var all: [SubmissionResult.Status] = []
            for try await statuses in group { all += statuses }
            return all
        }
        #expect(statuses.filter { $0 == .accepted }.count == 1)
        #expect(statuses.filter { $0 == .duplicate }.count == 11)
        #expect(try await store.stats().submissions == 1)
    }

    @Test(arguments: StorageKind.allCases)
    func kiosksAreImportedInBulkAllOrNothing(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        let kiosks = (1...2_500).map { (id: "gd-\($0)", site: "站点 \($0 % 7)") }
        let imported = try await store.importKiosks(kiosks)
        #expect(imported.map(\.kioskID) == kiosks.map(\.id))
        // Each secret is the one the platform checks signatures with.
        for sample in [imported[0], imported[1_234], imported[2_499]] {
            let key = try #require(try await store.secret(kioskID: sample.kioskID))
            #expect(key.withUnsafeBytes { Data($0) } == Data(base64Encoded: sample.secret))
        }
        #expect(try await store.stats().kiosks == 2_500)
        // One id already enrolled: refused, and the new one beside it is not stored either.
        await #expect(throws: EnrolmentProblem.kioskExists) {
            _ = try await store.importKiosks([(id: "gd-new", site: "x"), (id: "gd-7", site: "x")])
        }
        await #expect(throws: EnrolmentProblem.kioskExists) {
            _ = try await store.importKiosks([(id: "gd-twice", site: "x"), (id: "gd-twice", site: "x")])
        }
        #expect(try await store.secret(kioskID: "gd-new") == nil)
        #expect(try await store.stats().kiosks == 2_500)
    }

    @Test(arguments: StorageKind.allCases)
    func aNonceIsAcceptedOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try await store.remember(nonce: "n1", kioskID: "kiosk-a", timestamp: now, skew: 3))
        #expect(!(try await store.remember(nonce: "n1", kioskID: "kiosk-a", timestamp: now, skew: 3)))
        #expect(try await store.remember(nonce: "n2", kioskID: "kiosk-a", timestamp: now, skew: 3))
        // Pruning forgets only nonces past the skew window: a fresh one is still a replay.
        let old = CentralRules.nonceHorizon() - 1
        #expect(try await store.remember(nonce: "n0", kioskID: "kiosk-a", timestamp: old, skew: 3))
        let pruned = try await store.prune(now: Date(), sessionsIdleFor: 900)
        #expect(pruned.nonces == 1, "\(pruned)")
        #expect(!(try await store.remember(nonce: "n1", kioskID: "kiosk-a", timestamp: now, skew: 3)))
        #expect(try await store.prune(now: Date(), sessionsIdleFor: 900).nonces == 0)
    }

    /// What the signature check reads in one query (secret and disabled reason), and the
    /// nonce that marks the kiosk as seen only when it is new.
    @Test(arguments: StorageKind.allCases)
    func credentialsAndANewNonceMarkTheKioskSeen(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        let secret = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let credentials = try #require(try await store.credentials(kioskID: "kiosk-a"))
        #expect(credentials.secret == SymmetricKey(data: try #require(Data(base64Encoded: secret))) && credentials.disabledReason == nil)
        #expect(try await store.credentials(kioskID: "kiosk-b") == nil)
        #expect(try await store.setKioskDisabled(kioskID: "kiosk-a", reason: "检修"))
        #expect(try await store.credentials(kioskID: "kiosk-a")?.disabledReason == "检修")
        #expect(try await store.fleet().first?.lastSeen == nil)
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try await store.remember(nonce: "n-seen-1", kioskID: "kiosk-a", timestamp: now, skew: -4))
        let seen = try #require(try await store.fleet().first)
        #expect(seen.lastSeen != nil && seen.skewSeconds == -4, "\(seen)")
        #expect(!(try await store.remember(nonce: "n-seen-1", kioskID: "kiosk-a", timestamp: now, skew: 9)))
        #expect(try await store.fleet().first?.skewSeconds == -4, "a replay does not mark the kiosk seen")
    }

    @Test(arguments: StorageKind.allCases)
    func aKioskDrainsThroughTheRealServer(_ kind: StorageKind) async throws {
        let central = try await RunningCentral(storage: kind)
        defer { central.stop() }
        let home = Scratch.folder("kiosk")
        let outbox = try ZizhuOutboxShim.outbox(home)
        for index in 0..<120 { _ = try outbox.submit(Sample.payload(index)) }
        let report = try await ZizhuOutboxShim.drain(outbox, enrolment: try await central.enrol(), home: home)
        #expect(report == 120)
        #expect(try await central.store.stats().submissions == 120)
    }

    @Test func theSQLiteWriterIsFull() throws {
        let store = try SQLiteCentralStore(path: Scratch.folder("central").appendingPathComponent("c.sqlite").path, keyring: testKeyring)
        let value = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(value == 2)
    }

    /// The heartbeat history is one row per kiosk per UTC day (beats, warnings, errors, the
    /// longest backlog, the least free disk), written with the latest heartbeat; days past
    /// `CentralRules.heartbeatDaysKept` go with the scheduled prune.
    @Test(arguments: StorageKind.allCases)
    func heartbeatsAreKeptAsOneRowPerKioskPerDayAndOldDaysArePruned(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.importKiosks([(id: "gd-1", site: "a"), (id: "gd-2", site: "a")])
        let noon = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400 + 43_200)
        let old = noon.addingTimeInterval(-Double(CentralRules.heartbeatDaysKept + 2) * 86_400)
        func beat(_ status: String, pending: Int, disk: Int64) -> Heartbeat {
            Heartbeat(status: status, devices: ["reader": "ok"], diskFreeBytes: disk, outboxPending: pending, outboxOldestSeconds: nil,
                      deadLetters: 0, version: "t", deviceTime: UTCTime.iso(noon))
        }
        for minute in 0..<30 {
            let status = minute == 7 || minute == 9 ? "warning" : minute == 20 ? "error" : "ok"
            try await store.recordHeartbeat(kioskID: "gd-1", beat(status, pending: (minute * 7) % 13, disk: 9_000 + Int64(minute % 5)),
                                            at: noon.addingTimeInterval(Double(minute) * 60))
        }
        try await store.recordHeartbeat(kioskID: "gd-2", beat("ok", pending: 0, disk: 1), at: old)
        try await store.recordHeartbeat(kioskID: "gd-2", beat("error", pending: 5, disk: 2), at: noon)
        let today = CentralRules.heartbeatDay(noon)
        let days = try await store.heartbeatDays(kioskID: "gd-1", since: "2000-01-01")
        #expect(days == [HeartbeatDay(day: today, beats: 30, warnings: 2, errors: 1, maxPending: 12, minDiskFreeBytes: 9_000)])
        #expect(try await store.heartbeatDays(kioskID: "gd-2", since: "2000-01-01").map(\.day) == [CentralRules.heartbeatDay(old), today])
        // The latest heartbeat is still the one the fleet shows.
        let fleet = try await store.fleet()
        #expect(fleet.first { $0.id == "gd-2" }?.heartbeat?.status == "error")
        #expect(fleet.first { $0.id == "gd-1" }?.heartbeat?.outboxPending == (29 * 7) % 13)
        // The prune keeps 400 days: the old day goes, today stays; a second prune finds nothing.
        #expect(try await store.prune(now: noon, sessionsIdleFor: 900).heartbeatDays == 1)
        #expect(try await store.heartbeatDays(kioskID: "gd-2", since: "2000-01-01").map(\.day) == [today])
        #expect(try await store.prune(now: noon, sessionsIdleFor: 900).heartbeatDays == 0)
        #expect(try await store.heartbeatDays(kioskID: "gd-1", since: today).count == 1)
    }
}

enum ZizhuOutboxShim {
    static func outbox(_ home: URL) throws -> Outbox { try Outbox(home: home, kioskID: "kiosk-a") }

    static func drain(_ outbox: Outbox, enrolment: Enrolment, home: URL) async throws -> Int {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        return try await PlatformClient(outbox: outbox, enrolment: enrolment, home: home, logger: logger, batchCount: 25).drain().delivered
    }
}
