import Crypto
import Foundation
import GRDB
import Logging
import Testing
import ZizhuOutbox
import ZizhuCentral
import ZizhuKiosk
import ZizhuWire

/// Which database a storage test runs against.
enum StorageKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    func open() async throws -> any CentralStorage {
        switch self {
        case .sqlite:
            return try CentralStore(path: Scratch.folder("central").appendingPathComponent("central.sqlite").path)
        case .postgres:
            // initdb and createdb block: never on one of Swift concurrency's two threads.
            let url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
            return try await PostgresCentralStore(url: url)
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
    static func envelope(key: String = UUIDv7.make(), kiosk: String = "kiosk-a", payload: String = "{\"decision\":{\"outcome\":\"approved\"}}",
                         sequence: Int64 = 1) -> SubmissionEnvelope {
        SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: sequence, kioskID: kiosk,
                           serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                           payloadHash: Data(payload.utf8).sha256Hex, payload: payload)
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
        let altered = Self.envelope(key: first.key, payload: "{\"decision\":{\"outcome\":\"refused\"}}")
        #expect(try await store.store([altered], from: "kiosk-a").map(\.status) == [.conflict])
        #expect(try await store.store([Self.envelope()], from: "kiosk-b").map(\.status) == [.rejected])
        #expect(try await store.progress(acceptanceNumber: first.acceptanceNumber) == "approved")
        #expect(try await store.keys(kioskID: "kiosk-a") == [first.key])
        #expect(try await store.stats() == CentralStats(kiosks: 2, submissions: 1, repeats: 1, conflicts: 1))
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
    func aNonceIsAcceptedOnce(_ kind: StorageKind) async throws {
        let store = try await kind.open()
        _ = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try await store.remember(nonce: "n1", kioskID: "kiosk-a", timestamp: now, skew: 3))
        #expect(!(try await store.remember(nonce: "n1", kioskID: "kiosk-a", timestamp: now, skew: 3)))
        #expect(try await store.remember(nonce: "n2", kioskID: "kiosk-a", timestamp: now, skew: 3))
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
        let store = try CentralStore(path: Scratch.folder("central").appendingPathComponent("c.sqlite").path)
        let value = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(value == 2)
    }
}

enum ZizhuOutboxShim {
    static func outbox(_ home: URL) throws -> Outbox { try Outbox(home: home, kioskID: "kiosk-a") }

    static func drain(_ outbox: Outbox, enrolment: Enrolment, home: URL) async throws -> Int {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        return try await SyncWorker(outbox: outbox, enrolment: enrolment, home: home, logger: logger, batchCount: 25).drain().delivered
    }
}
