// SPDX-License-Identifier: Apache-2.0
import Crypto
import DurableFiles
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

/// Problems a citizen or technician must hear about, in both languages.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case diskFull, diskFailing, storage, key, unknownEntry }
    public var kind: Kind
    public var zh: String
    public var en: String
    public var description: String { en }

    static func from(_ error: any Error) -> OutboxError {
        if let error = error as? OutboxError { return error }
        if let database = error as? DatabaseError, database.resultCode == .SQLITE_FULL {
            return OutboxError(kind: .diskFull, zh: "终端存储空间已满，本次申请未能保存，请到人工窗口办理",
                               en: "The kiosk's storage is full: this application was not saved. Please go to a staffed counter")
        }
        if Self.isDiskFailure(error) { return .diskFailing(error) }
        return OutboxError(kind: .storage, zh: "终端存储故障，本次申请未能保存，请到人工窗口办理",
                           en: "The kiosk could not store this application (\(error)). Please go to a staffed counter")
    }
}

extension OutboxError {
    /// The disk failed under the outbox; `cause` (what SQLite or the system said) goes into
    /// the English text technicians and logs read, never into the citizen's.
    public static func diskFailing(_ cause: (any Error)?) -> OutboxError {
        OutboxError(kind: .diskFailing, zh: "终端磁盘读写出错（磁盘可能正在损坏），本次申请未能保存，请到人工窗口办理",
                     en: "The kiosk's disk returned a read/write error (it may be failing): this application was not saved. "
                         + "Please go to a staffed counter" + (cause.map { " (\($0))" } ?? ""))
    }

    /// An I/O error from the disk itself (SQLite's SQLITE_IOERR family, or EIO from a file
    /// written beside it): the disk may be failing. A failed fsync is one of them, and is
    /// never retried as if the data were safe: the kernel may already have dropped the
    /// pages (PostgreSQL's "fsyncgate"), so the application is reported as not saved.
    public static func isDiskFailure(_ error: any Error) -> Bool {
        if let database = error as? DatabaseError {
            return database.resultCode == .SQLITE_IOERR || database.resultCode == .SQLITE_CORRUPT
        }
        return "\(error)".contains("Input/output error")
    }
}

/// The kiosk's durable outbox: a submission and its outbox entry are one row, committed in
/// one transaction with `synchronous=FULL` before anything says 已受理. The payload is sealed
/// with AES-GCM under a per-kiosk key (mode 0600) with the idempotency key as associated
/// data; its SHA-256 is stored and checked. Confirmed entries keep a tombstone only.
public final class Outbox: Sendable {
    public let writer: DatabasePool
    public let kioskID: String
    let key: SymmetricKey
    public let databasePath: String
    /// What `PRAGMA integrity_check` said at open ("ok" when healthy; "I/O error …" when a
    /// page of the file could not be read).
    public let integrity: String
    /// Entries whose rows could not be read from the disk (a failing sector): set aside for
    /// the life of this process, so the entries behind them still go (see `due`).
    let unreadable = UnreadableRows()
    /// The best time this kiosk knows (its clock corrected by the platform's): what numbers,
    /// dates and signs everything this outbox holds.
    public let clock: KioskClock

    public enum State: String, Sendable, CaseIterable {
        /// Waiting to be delivered.
        case pending
        /// The platform has it; the payload is gone from the kiosk.
        case confirmed
        /// The platform refused it for good (a 4xx other than "already received").
        case dead
        /// Unreadable here (hash mismatch, cannot be decrypted): kept aside, never sent.
        case quarantined
    }

    /// An entry ready to send.
    public struct Entry: Sendable {
        public var envelope: SubmissionEnvelope
        public var attempts: Int
        public var size: Int { envelope.payload.utf8.count + 400 }
    }

    /// One row as `zizhu queue list` shows it (no personal data).
    public struct Summary: Sendable, Hashable {
        public var key: String
        public var acceptanceNumber: String
        public var sequence: Int64
        public var serviceID: String
        public var state: State
        public var attempts: Int
        public var createdAt: String
        public var lastError: String?
        public var progress: String?
        public var kind: OutboxKind = .submission
    }

    public init(home: URL, kioskID: String) throws {
        self.kioskID = kioskID
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        clock = KioskClock(home: home)
        key = try KioskKey.loadOrCreate(at: home.appendingPathComponent("keys/outbox.key"))
        databasePath = home.appendingPathComponent("outbox.sqlite").path
        do {
            try PrivateFile.prepare(databasePath)
            writer = try DatabasePool(path: databasePath, configuration: Self.configuration)
            // GRDB's DatabasePool sets synchronous=NORMAL when it enables WAL, after any
            // prepareDatabase: set FULL on the (single) writer connection afterwards.
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            // A page that cannot be read (EIO from a failing sector) is reported, not a
            // reason to refuse the outbox: the entries on other pages can still be delivered.
            do {
                integrity = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
            } catch let error as DatabaseError where Outbox.isUnreadable(error) {
                integrity = "I/O error reading the database (the disk may be failing): \(error)"
            }
            try Self.migrator.migrate(writer)
        } catch {
            // A file system the kernel turned read-only after write errors (ext4 does, once
            // its journal fails) is a failing disk, not a kiosk misconfigured.
            throw Self.diskFailing(home, database: databasePath) ? OutboxError.diskFailing(error) : OutboxError.from(error)
        }
    }

    /// A page of the file that cannot be read: the disk's EIO (SQLITE_IOERR), or what SQLite
    /// makes of a page it could not get whole (SQLITE_CORRUPT, as its integrity check says).
    static func isUnreadable(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_CORRUPT
    }

    /// Whether the disk under `folder` is failing, asked directly once the database would not
    /// open (SQLite's own error is often only "unable to open database file"): the file system
    /// remounted read-only, the database's first page unreadable (EIO), or a small probe file
    /// that cannot be written and fsync'd (EIO, EROFS).
    static func diskFailing(_ folder: URL, database: String) -> Bool {
        var info = statvfs()
        if statvfs(folder.path, &info) == 0 && (info.f_flag & UInt(ST_RDONLY)) != 0 { return true }
        let descriptor = open(database, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            var header = [UInt8](repeating: 0, count: 100)
            let read = pread(descriptor, &header, header.count, 0)
            let failed = read < 0 && errno == EIO
            close(descriptor)
            if failed { return true }
        }
        do {
            let probe = folder.appendingPathComponent(".disk-probe")
            try DurableFile.replace(probe, with: Data("probe".utf8))
            unlink(probe.path)
        } catch {
            return error.code == EIO || error.code == EROFS
        }
        return false
    }

    /// Each connection's page cache, in KiB. SQLite's default (2 MiB per connection) fills
    /// only as the file grows, so the kiosk's memory crept up by about 0.2 KiB a visit for
    /// days before levelling off. The outbox's working set (the newest rows, the due index)
    /// is far smaller, and the system's file cache holds the rest: durable submits and the
    /// drain measured the same at 256 KiB as at 2 MiB (`zizhu-bench --only sync`).
    public static let pageCacheKiB = 256

    /// One writer and one reader: a kiosk serves one citizen at a time, its reads take
    /// microseconds, and each extra reader would be two more open files and another page
    /// cache, opened whenever two reads first happened to meet (days after start).
    static var configuration: Configuration {
        var configuration = Configuration()
        configuration.maximumReaderCount = 1
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(Outbox.pageCacheKiB)")
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE entry (
                    key TEXT PRIMARY KEY,
                    sequence INTEGER NOT NULL UNIQUE,
                    acceptance_number TEXT NOT NULL,
                    service_id TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    payload_hash TEXT NOT NULL,
                    sealed BLOB,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL DEFAULT 0,
                    last_error TEXT,
                    outcome TEXT NOT NULL,
                    confirmed_at TEXT,
                    progress TEXT
                );
                CREATE INDEX entry_due ON entry(state, next_attempt_at, sequence);
                """)
        }
        migrator.registerMigration("v2-kinds") { db in
            // Ratings and tickets travel through the same outbox as applications.
            try db.execute(sql: "ALTER TABLE entry ADD COLUMN kind TEXT NOT NULL DEFAULT 'submission'")
        }
        migrator.registerMigration("v3-tickets") { db in
            // 取号: a number is reserved before printing and counts as issued only once CUPS
            // confirmed the ticket; a reservation that did not print is void (never reused).
            try db.execute(sql: """
                CREATE TABLE ticket (
                    day TEXT NOT NULL,
                    category TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    reserved_at REAL NOT NULL,
                    issued_at REAL,
                    key TEXT,
                    PRIMARY KEY (day, category, number)
                );
                """)
        }
        migrator.registerMigration("v4-appointments") { db in
            // 预约签到: a check-in is a ticket carrying its appointment code; one per code and day
            // (a void one, which never printed, does not count).
            try db.execute(sql: "ALTER TABLE ticket ADD COLUMN appointment TEXT")
            try db.execute(sql: "CREATE UNIQUE INDEX ticket_appointment ON ticket(day, appointment) WHERE appointment IS NOT NULL AND state != 'void'")
        }
        migrator.registerMigration("v5-pages") { db in
            // 扫描纸质材料: the pages of an application, sealed like it, stored in its transaction.
            // `sent` is how much of the page the platform holds (the upload resumes there);
            // once it holds all of it, the page's bytes are deleted here.
            try db.execute(sql: """
                CREATE TABLE page (
                    id INTEGER PRIMARY KEY,
                    entry_key TEXT NOT NULL REFERENCES entry(key),
                    material TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    sealed BLOB,
                    sent INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL DEFAULT 'pending',
                    last_error TEXT,
                    UNIQUE (entry_key, material, number)
                );
                CREATE INDEX page_pending ON page(state, entry_key);
                """)
        }
        return migrator
    }

    /// The synchronous setting of the writer (2 = FULL); tests read it back.
    public func writerSynchronous() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // MARK: Submit

    public struct Accepted: Sendable, Hashable {
        public var key: String
        public var acceptanceNumber: String
        public var sequence: Int64
    }

    /// Stores one submission durably. Returns only after the commit is on disk; anything
    /// that says 已受理 must come after this returns.
    /// `pages` (扫描纸质材料) are stored in the same transaction, each sealed on its own; the
    /// payload lists them (`SubmissionPayload.pages`).
    public func submit(_ payload: SubmissionPayload, pages: [OutboxPage] = [], now: Date? = nil) throws(OutboxError) -> Accepted {
        var payload = payload
        if !pages.isEmpty { payload.pages = pages.map(\.manifest) }
        return try enqueue(.submission, serviceID: payload.service, outcome: payload.decision.outcome, body: payload, pages: pages, now: now)
    }

    /// Stores a rating, ticket or check-in durably, with the same guarantees as an application.
    public func enqueue(_ kind: OutboxKind, serviceID: String, outcome: String = "", body: some Encodable,
                        pages: [OutboxPage] = [], now: Date? = nil) throws(OutboxError) -> Accepted {
        let now = now ?? clock.now()
        let key = UUIDv7.make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)))
        guard let number = AcceptanceNumber.from(key: key) else {
            throw OutboxError(kind: .storage, zh: "受理编号生成失败", en: "could not derive the acceptance number")
        }
        let canonical: Data
        let sealed: Data
        var sealedPages: [(page: OutboxPage, sealed: Data)] = []
        do {
            canonical = try CanonicalJSON.encode(body)
            sealed = try AES.GCM.seal(canonical, using: self.key, authenticating: Data(key.utf8)).combined ?? Data()
            for page in pages {
                let box = try AES.GCM.seal(page.data, using: self.key, authenticating: Data(OutboxPage.context(key, page.material, page.number).utf8))
                sealedPages.append((page, box.combined ?? Data()))
            }
        } catch {
            throw OutboxError(kind: .key, zh: "加密失败，未能保存", en: "could not seal the entry: \(error)")
        }
        let created = UTCTime.iso(now)
        do {
            let hash = canonical.sha256Hex
            // Prepared once per connection (cached statements): a submit compiles no SQL.
            let sequence = try writer.write { db -> Int64 in
                let next = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(sequence) FROM entry")) ?? 0) + 1
                try db.cachedStatement(sql: """
                    INSERT INTO entry(key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, state, outcome, kind)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    """).execute(arguments: [key, next, number, serviceID, created, hash, sealed, outcome, kind.rawValue])
                for (page, sealed) in sealedPages {
                    try db.cachedStatement(sql: "INSERT INTO page(entry_key, material, number, bytes, sha256, sealed) VALUES (?, ?, ?, ?, ?, ?)")
                        .execute(arguments: [key, page.material, page.number, page.data.count, page.manifest.sha256, sealed])
                }
                return next
            }
            return Accepted(key: key, acceptanceNumber: number, sequence: sequence)
        } catch {
            throw OutboxError.from(error)
        }
    }
}
