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

/// A private PostgreSQL cluster for this test process: initdb in a scratch folder, started
/// on a free loopback port (as the `postgres` user when the tests run as root), stopped
/// when the process exits. Each test gets a database of its own.
final class TestPostgres: @unchecked Sendable {
    let port: Int
    let folder: URL
    let bin: String
    private let asPostgres: Bool
    private let lock = NSLock()
    private var counter = 0

    static let shared: Result<TestPostgres, TestPostgresProblem> = {
        do {
            return .success(try TestPostgres())
        } catch let problem as TestPostgresProblem {
            return .failure(problem)
        } catch {
            return .failure(TestPostgresProblem(description: "\(error)"))
        }
    }()

    init() throws {
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = candidates.sorted().last(where: { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) else {
            throw TestPostgresProblem(description: "PostgreSQL server binaries not found (apt-get install postgresql)")
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        folder = Scratch.root.appendingPathComponent("postgres")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        asPostgres = geteuid() == 0
        if asPostgres {
            try Self.run(["/bin/chown", "-R", "postgres:postgres", folder.path])
            try Self.run(["/bin/chmod", "755", Scratch.root.path])
        }
        port = Self.freePort()
        let data = folder.appendingPathComponent("data").path
        try run(["\(bin)/initdb", "-D", data, "-A", "trust", "-U", "zizhu", "-E", "UTF8", "--no-sync"])
        try run(["\(bin)/pg_ctl", "-D", data, "-l", folder.appendingPathComponent("log").path, "-w", "-t", "60", "-o",
                 "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1", "start"])
        let ctl = "\(bin)/pg_ctl"
        let owner = asPostgres
        atexit_b {
            let argv = owner ? ["/usr/sbin/runuser", "-u", "postgres", "--", ctl, "-D", data, "-m", "immediate", "stop"]
                             : [ctl, "-D", data, "-m", "immediate", "stop"]
            try? TestPostgres.run(argv)
        }
    }

    /// A fresh, empty database: its URL.
    func newDatabase() throws -> String {
        let name = lock.withLock { () -> String in
            counter += 1
            return "zizhu_\(getpid())_\(counter)"
        }
        try run(["\(bin)/createdb", "-h", "127.0.0.1", "-p", String(port), "-U", "zizhu", name])
        return "postgres://zizhu@127.0.0.1:\(port)/\(name)"
    }

    func run(_ argv: [String]) throws {
        try Self.run(asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv)
    }

    /// Runs a command to completion with its output in a file (not a pipe: the server pg_ctl
    /// starts would hold a pipe open for ever).
    static func run(_ argv: [String]) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-pg-\(UUID().uuidString).out").path
        defer { unlink(log) }
        let pid = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"],
                                         stdio: .files(stdout: log, stderr: log))
        let status = ChildProcess.wait(pid)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestPostgresProblem(description: "\(argv.joined(separator: " ")) failed (\(status)): \(text)")
        }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct TestPostgresProblem: Error, CustomStringConvertible {
    var description: String
}

private func atexit_b(_ block: @escaping @Sendable () -> Void) {
    ExitHooks.lock.withLock { ExitHooks.blocks.append(block) }
    if ExitHooks.lock.withLock({ ExitHooks.blocks.count }) == 1 {
        atexit { for block in ExitHooks.lock.withLock({ ExitHooks.blocks }) { block() } }
    }
}

private enum ExitHooks {
    static let lock = NSLock()
    nonisolated(unsafe) static var blocks: [@Sendable () -> Void] = []
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
