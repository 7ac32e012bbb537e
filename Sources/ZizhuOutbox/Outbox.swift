import Crypto
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

/// What the citizen applied for, as it is stored (sealed) and sent.
public struct SubmissionPayload: Codable, Sendable, Hashable {
    public struct Applicant: Codable, Sendable, Hashable {
        public var idNumber: String
        public var name: String
        public var cardKind: String
        public init(idNumber: String, name: String, cardKind: String) {
            self.idNumber = idNumber
            self.name = name
            self.cardKind = cardKind
        }
    }

    public struct DecisionSummary: Codable, Sendable, Hashable {
        public var outcome: String
        public var decidedBy: [String]
        /// Materials still owed after 容缺受理: name and deadline.
        public var owed: [[String: String]]
        public init(outcome: String, decidedBy: [String], owed: [[String: String]]) {
            self.outcome = outcome
            self.decidedBy = decidedBy
            self.owed = owed
        }
    }

    public var service: String
    public var applicant: Applicant
    public var fields: [String: String]
    public var committed: [String]
    /// One decision per decided service (a bundle has several).
    public var decisions: [String: DecisionSummary]
    /// The overall decision (the worst of the parts), which the platform's progress starts from.
    public var decision: DecisionSummary

    public init(service: String, applicant: Applicant, fields: [String: String], committed: [String],
                decisions: [String: DecisionSummary], decision: DecisionSummary) {
        self.service = service
        self.applicant = applicant
        self.fields = fields
        self.committed = committed
        self.decisions = decisions
        self.decision = decision
    }
}

/// Problems a citizen or technician must hear about, in both languages.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case diskFull, storage, key, unknownEntry }
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
        return OutboxError(kind: .storage, zh: "终端存储故障，本次申请未能保存，请到人工窗口办理",
                           en: "The kiosk could not store this application (\(error)). Please go to a staffed counter")
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
    /// What `PRAGMA integrity_check` said at open ("ok" when healthy).
    public let integrity: String

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
        key = try KioskKey.loadOrCreate(at: home.appendingPathComponent("keys/outbox.key"))
        databasePath = home.appendingPathComponent("outbox.sqlite").path
        do {
            writer = try DatabasePool(path: databasePath, configuration: Self.configuration)
            // GRDB's DatabasePool sets synchronous=NORMAL when it enables WAL, after any
            // prepareDatabase: set FULL on the (single) writer connection afterwards.
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            integrity = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
            try Self.migrator.migrate(writer)
        } catch {
            throw OutboxError.from(error)
        }
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
    public func submit(_ payload: SubmissionPayload, now: Date = Date()) throws(OutboxError) -> Accepted {
        try enqueue(.submission, serviceID: payload.service, outcome: payload.decision.outcome, body: payload, now: now)
    }

    /// Stores a rating, ticket or check-in durably, with the same guarantees as an application.
    public func enqueue(_ kind: OutboxKind, serviceID: String, outcome: String = "", body: some Encodable,
                        now: Date = Date()) throws(OutboxError) -> Accepted {
        let key = UUIDv7.make(milliseconds: UInt64(now.timeIntervalSince1970 * 1000))
        guard let number = AcceptanceNumber.from(key: key) else {
            throw OutboxError(kind: .storage, zh: "受理编号生成失败", en: "could not derive the acceptance number")
        }
        let canonical: Data
        let sealed: Data
        do {
            canonical = try CanonicalJSON.encode(body)
            sealed = try AES.GCM.seal(canonical, using: self.key, authenticating: Data(key.utf8)).combined ?? Data()
        } catch {
            throw OutboxError(kind: .key, zh: "加密失败，未能保存", en: "could not seal the entry: \(error)")
        }
        let created = UTCTime.iso(now)
        do {
            let sequence = try writer.write { db -> Int64 in
                let next = (try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM entry") ?? 0) + 1
                try db.execute(sql: """
                    INSERT INTO entry(key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, state, outcome, kind)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    """, arguments: [key, next, number, serviceID, created, canonical.sha256Hex, sealed, outcome, kind.rawValue])
                return next
            }
            return Accepted(key: key, acceptanceNumber: number, sequence: sequence)
        } catch {
            throw OutboxError.from(error)
        }
    }

    // MARK: Delivery

    /// Pending entries in order, oldest first, capped by count and bytes. `ignoringBackoff`
    /// takes entries whose retry time has not come yet (`zizhu sync --now`). Entries that
    /// cannot be opened are quarantined and skipped.
    public func due(limit: Int, maxBytes: Int, kind: OutboxKind = .submission, now: Date = Date(),
                    ignoringBackoff: Bool = false) throws -> [Entry] {
        let rows = try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, attempts
                FROM entry WHERE state = 'pending' AND kind = ? AND (? OR next_attempt_at <= ?)
                ORDER BY sequence LIMIT ?
                """, arguments: [kind.rawValue, ignoringBackoff, now.timeIntervalSince1970, limit])
        }
        var entries: [Entry] = []
        var bytes = 0
        for row in rows {
            let key: String = row["key"]
            let hash: String = row["payload_hash"]
            let sealedData: Data? = row["sealed"]
            guard let sealedData, let box = try? AES.GCM.SealedBox(combined: sealedData),
                  let plain = try? AES.GCM.open(box, using: self.key, authenticating: Data(key.utf8)) else {
                try quarantine(key, reason: "cannot be decrypted with this kiosk's key")
                continue
            }
            guard plain.sha256Hex == hash else {
                try quarantine(key, reason: "payload hash mismatch (stored \(hash.prefix(12)), found \(plain.sha256Hex.prefix(12)))")
                continue
            }
            let envelope = SubmissionEnvelope(key: key, acceptanceNumber: row["acceptance_number"], sequence: row["sequence"],
                                              kioskID: kioskID, serviceID: row["service_id"], createdAt: row["created_at"],
                                              payloadHash: hash, payload: String(decoding: plain, as: UTF8.self),
                                              kind: kind == .submission ? nil : kind.rawValue)
            let entry = Entry(envelope: envelope, attempts: row["attempts"])
            if !entries.isEmpty && bytes + entry.size > maxBytes { break }
            bytes += entry.size
            entries.append(entry)
        }
        return entries
    }

    func quarantine(_ key: String, reason: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE entry SET state = 'quarantined', last_error = ? WHERE key = ?", arguments: [reason, key])
        }
    }

    /// The platform holds it: the payload is deleted, a tombstone stays.
    public func confirm(_ results: [SubmissionResult]) throws {
        let now = UTCTime.iso(Date())
        try writer.write { db in
            for result in results where result.isConfirmed {
                try db.execute(sql: """
                    UPDATE entry SET state = 'confirmed', sealed = NULL, confirmed_at = ?, progress = ?, last_error = NULL
                    WHERE key = ? AND state = 'pending'
                    """, arguments: [now, result.progress, result.key])
            }
        }
    }

    /// Refused for good: kept with its reason, out of the way of the entries behind it.
    public func deadLetter(_ keys: [String], reason: String) throws {
        try writer.write { db in
            for key in keys {
                try db.execute(sql: "UPDATE entry SET state = 'dead', last_error = ? WHERE key = ? AND state = 'pending'",
                               arguments: [reason, key])
            }
        }
    }

    /// Not delivered this time: capped exponential backoff with full jitter.
    public func retryLater(_ keys: [String], reason: String, baseSeconds: Double = 2, capSeconds: Double = 300, now: Date = Date()) throws {
        try writer.write { db in
            for key in keys {
                let attempts = (try Int.fetchOne(db, sql: "SELECT attempts FROM entry WHERE key = ?", arguments: [key]) ?? 0) + 1
                let ceiling = min(capSeconds, baseSeconds * pow(2, Double(min(attempts, 30))))
                let delay = Double.random(in: 0...ceiling)
                try db.execute(sql: "UPDATE entry SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ? AND state = 'pending'",
                               arguments: [attempts, now.timeIntervalSince1970 + delay, reason, key])
            }
        }
    }

    /// The link is back: everything pending is due now.
    public func resetBackoff() throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE entry SET next_attempt_at = 0 WHERE state = 'pending' AND next_attempt_at > 0")
        }
    }

    // MARK: Housekeeping

    /// What `prune` removed.
    public struct Pruned: Sendable, Hashable {
        public var tombstones: Int
        public var tickets: Int
    }

    /// Keeps the file from growing for as long as the kiosk runs: tombstones of entries the
    /// platform confirmed more than `tombstoneDays` ago, and ticket rows older than
    /// `ticketDays` (numbering needs only today's). Pending, dead and quarantined entries
    /// always stay, and so does the newest entry, which carries the sequence on.
    @discardableResult
    public func prune(now: Date = Date(), tombstoneDays: Int = 90, ticketDays: Int = 31) throws -> Pruned {
        let tombstoneCutoff = UTCTime.iso(now.addingTimeInterval(-Double(tombstoneDays) * 86_400))
        let ticketCutoff = now.timeIntervalSince1970 - Double(ticketDays) * 86_400
        return try writer.write { db in
            try db.execute(sql: """
                DELETE FROM entry WHERE state = 'confirmed' AND confirmed_at < ?
                AND sequence < (SELECT MAX(sequence) FROM entry)
                """, arguments: [tombstoneCutoff])
            let tombstones = db.changesCount
            try db.execute(sql: "DELETE FROM ticket WHERE reserved_at < ? AND state != 'printing'", arguments: [ticketCutoff])
            return Pruned(tombstones: tombstones, tickets: db.changesCount)
        }
    }

    /// Each connection's `cache_size` (negative: KiB); tests read it back.
    public func cacheSizes() throws -> (writer: Int, reader: Int) {
        let writer = try self.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
        let reader = try self.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
        return (writer, reader)
    }

    // MARK: Queue administration

    public func list(_ state: State? = nil) throws -> [Summary] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT key, acceptance_number, sequence, service_id, state, attempts, created_at, last_error, progress, kind FROM entry
                WHERE (? IS NULL OR state = ?) ORDER BY sequence
                """, arguments: [state?.rawValue, state?.rawValue])
            return rows.map { row in
                Summary(key: row["key"], acceptanceNumber: row["acceptance_number"], sequence: row["sequence"],
                        serviceID: row["service_id"], state: State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                        createdAt: row["created_at"], lastError: row["last_error"], progress: row["progress"],
                        kind: OutboxKind(rawValue: row["kind"]) ?? .submission)
            }
        }
    }

    /// This kiosk's own record of a case, by 受理编号 (what progress lookup says offline).
    public func record(acceptanceNumber: String) throws -> Summary? {
        try writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT key, acceptance_number, sequence, service_id, state, attempts, created_at, last_error, progress, kind, outcome FROM entry
                WHERE acceptance_number = ? AND kind = 'submission'
                """, arguments: [acceptanceNumber]).map { row in
                Summary(key: row["key"], acceptanceNumber: row["acceptance_number"], sequence: row["sequence"],
                        serviceID: row["service_id"], state: State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                        createdAt: row["created_at"], lastError: row["last_error"], progress: row["progress"] ?? row["outcome"],
                        kind: .submission)
            }
        }
    }

    /// One entry with its payload opened and personal data masked (for technicians).
    public func show(_ key: String) throws -> (summary: Summary, payload: SubmissionPayload?) {
        guard let summary = try list().first(where: { $0.key == key || $0.acceptanceNumber == key }) else {
            throw OutboxError(kind: .unknownEntry, zh: "没有这条记录", en: "no entry \(key)")
        }
        let sealed = try writer.read { db in
            try Data?.fetchOne(db, sql: "SELECT sealed FROM entry WHERE key = ?", arguments: [summary.key]) ?? nil
        }
        guard let sealed, let box = try? AES.GCM.SealedBox(combined: sealed),
              let plain = try? AES.GCM.open(box, using: self.key, authenticating: Data(summary.key.utf8)),
              var payload = try? JSONDecoder().decode(SubmissionPayload.self, from: plain) else {
            return (summary, nil)
        }
        payload.applicant.idNumber = IDNumber.mask(payload.applicant.idNumber)
        payload.applicant.name = payload.applicant.name.isEmpty ? "" : String(payload.applicant.name.prefix(1)) + "*"
        for (field, value) in payload.fields where value.count >= 15 && value.allSatisfy({ $0.isNumber || $0 == "X" }) {
            payload.fields[field] = IDNumber.mask(value)
        }
        return (summary, payload)
    }

    /// 查询进度 by ID card while offline: this kiosk's applications by this applicant that
    /// still wait to be uploaded (once the platform confirms one, its payload — and with it
    /// the ID number — is gone from the kiosk, by design).
    public func pendingSubmissions(applicant idNumber: String) throws -> [Summary] {
        let wanted = idNumber.uppercased()
        return try list(.pending).filter { summary in
            guard summary.kind == .submission else { return false }
            let sealed = try writer.read { db in
                try Data?.fetchOne(db, sql: "SELECT sealed FROM entry WHERE key = ?", arguments: [summary.key]) ?? nil
            }
            guard let sealed, let box = try? AES.GCM.SealedBox(combined: sealed),
                  let plain = try? AES.GCM.open(box, using: self.key, authenticating: Data(summary.key.utf8)),
                  let payload = try? JSONDecoder().decode(SubmissionPayload.self, from: plain) else { return false }
            return payload.applicant.idNumber.uppercased() == wanted
        }
    }

    /// A dead letter goes back to the queue with its retry counters reset.
    public func requeue(_ key: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: """
                UPDATE entry SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = NULL
                WHERE (key = ? OR acceptance_number = ?) AND state IN ('dead', 'quarantined') AND sealed IS NOT NULL
                """, arguments: [key, key])
            return db.changesCount > 0
        }
    }

    /// Deletes a dead or quarantined entry's payload for good (the tombstone stays).
    public func purge(_ key: String) throws -> Summary? {
        guard let summary = try list().first(where: { ($0.key == key || $0.acceptanceNumber == key)
                                                        && ($0.state == .dead || $0.state == .quarantined) }) else { return nil }
        try writer.write { db in
            try db.execute(sql: "UPDATE entry SET sealed = NULL, last_error = COALESCE(last_error, '') || ' [purged]' WHERE key = ?",
                           arguments: [summary.key])
        }
        return summary
    }

    public struct Depth: Sendable, Hashable {
        public var pending: Int
        public var confirmed: Int
        public var dead: Int
        public var quarantined: Int
        /// Age in seconds of the oldest pending entry.
        public var oldestPendingSeconds: Double?

        public init(pending: Int, confirmed: Int, dead: Int, quarantined: Int, oldestPendingSeconds: Double?) {
            self.pending = pending
            self.confirmed = confirmed
            self.dead = dead
            self.quarantined = quarantined
            self.oldestPendingSeconds = oldestPendingSeconds
        }
    }

    /// The SQLite library's version (diagnostics).
    public var sqliteVersion: String {
        (try? writer.read { try String.fetchOne($0, sql: "SELECT sqlite_version()") }).flatMap { $0 } ?? "unknown"
    }

    public func depth(now: Date = Date()) throws -> Depth {
        try writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM entry GROUP BY state") {
                counts[row["state"]] = row["n"]
            }
            let oldest = try String.fetchOne(db, sql: "SELECT created_at FROM entry WHERE state = 'pending' ORDER BY sequence LIMIT 1")
            let age = oldest.flatMap { ISO8601DateFormatter().date(from: $0) }.map { now.timeIntervalSince($0) }
            return Depth(pending: counts["pending"] ?? 0, confirmed: counts["confirmed"] ?? 0, dead: counts["dead"] ?? 0,
                         quarantined: counts["quarantined"] ?? 0, oldestPendingSeconds: age)
        }
    }
}

/// The per-kiosk key that seals payloads at rest: 32 random bytes in a file of mode 0600.
public enum KioskKey {
    public static func loadOrCreate(at url: URL) throws -> SymmetricKey {
        let manager = FileManager.default
        if let data = manager.contents(atPath: url.path) {
            guard data.count == 32 else {
                throw OutboxError(kind: .key, zh: "终端密钥文件损坏", en: "\(url.path): the kiosk key must be 32 bytes")
            }
            return SymmetricKey(data: data)
        }
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                    attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        // Created with 0600 from the start (no window where others could read it).
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw OutboxError(kind: .key, zh: "无法创建终端密钥", en: "\(url.path): cannot create (\(errno))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw OutboxError(kind: .key, zh: "无法写入终端密钥", en: "\(url.path): cannot write the key")
        }
        return key
    }
}

// MARK: 取号

extension Outbox {
    /// A ticket number held while its ticket prints.
    public struct TicketReservation: Sendable, Hashable {
        /// The kiosk's local day the number belongs to (`2026-11-22`): fixed at reservation,
        /// so a ticket that prints across midnight stays on the day it was taken.
        public var day: String
        public var category: String
        public var number: Int
        /// Tickets of this category issued earlier today.
        public var issuedBefore: Int
        /// When the first ticket of this category was issued today (seconds since 1970).
        public var firstIssuedAt: Double?
    }

    /// Reserves the next number of the day for a category.
    /// An appointment that already has its ticket today.
    public struct AlreadyCheckedIn: Error, Sendable {}

    /// Tickets of a queue issued today, and when the first was (for estimates across queues).
    public func ticketStats(category: String, day: String) throws -> (issued: Int, firstIssuedAt: Double?) {
        try writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(issued_at) AS first FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                       arguments: [day, category])
            return (row?["n"] ?? 0, row?["first"])
        }
    }

    public func reserveTicket(category: String, day: String, appointment: String? = nil, now: Date = Date()) throws -> TicketReservation {
        if let appointment, try writer.read({ db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM ticket WHERE day = ? AND appointment = ? AND state != 'void'", arguments: [day, appointment])
        }) == true {
            throw AlreadyCheckedIn()
        }
        return try writer.write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM ticket WHERE day = ? AND category = ?", arguments: [day, category]) ?? 0
            let issued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                          arguments: [day, category]) ?? 0
            let first = try Double.fetchOne(db, sql: "SELECT MIN(issued_at) FROM ticket WHERE day = ? AND category = ? AND state = 'issued'",
                                            arguments: [day, category])
            try db.execute(sql: "INSERT INTO ticket(day, category, number, state, reserved_at, appointment) VALUES (?, ?, ?, 'printing', ?, ?)",
                           arguments: [day, category, last + 1, now.timeIntervalSince1970, appointment])
            return TicketReservation(day: day, category: category, number: last + 1, issuedBefore: issued, firstIssuedAt: first)
        }
    }

    /// CUPS confirmed the ticket: it counts as issued, and its record goes into the outbox
    /// for the platform — one transaction, so there is never one without the other.
    public func confirmTicket(_ reservation: TicketReservation, payload: TicketPayload, now: Date = Date()) throws(OutboxError) -> Accepted {
        let key = UUIDv7.make(milliseconds: UInt64(now.timeIntervalSince1970 * 1000))
        guard let number = AcceptanceNumber.from(key: key) else {
            throw OutboxError(kind: .storage, zh: "编号生成失败", en: "could not derive the entry number")
        }
        let canonical: Data, sealed: Data
        do {
            canonical = try CanonicalJSON.encode(payload)
            sealed = try AES.GCM.seal(canonical, using: self.key, authenticating: Data(key.utf8)).combined ?? Data()
        } catch {
            throw OutboxError(kind: .key, zh: "加密失败", en: "could not seal the ticket: \(error)")
        }
        do {
            let sequence = try writer.write { db -> Int64 in
                try db.execute(sql: """
                    UPDATE ticket SET state = 'issued', issued_at = ?, key = ? WHERE day = ? AND category = ? AND number = ? AND state = 'printing'
                    """, arguments: [now.timeIntervalSince1970, key, reservation.day, reservation.category, reservation.number])
                guard db.changesCount == 1 else { throw OutboxError(kind: .storage, zh: "取号记录不一致", en: "the reservation is gone") }
                let next = (try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM entry") ?? 0) + 1
                try db.execute(sql: """
                    INSERT INTO entry(key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, state, outcome, kind)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '', 'ticket')
                    """, arguments: [key, next, number, reservation.category, UTCTime.iso(now), canonical.sha256Hex, sealed])
                return next
            }
            return Accepted(key: key, acceptanceNumber: number, sequence: sequence)
        } catch {
            throw OutboxError.from(error)
        }
    }

    /// The ticket did not print: its number is void (never issued, never reused).
    public func voidTicket(_ reservation: TicketReservation) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE ticket SET state = 'void' WHERE day = ? AND category = ? AND number = ? AND state = 'printing'",
                           arguments: [reservation.day, reservation.category, reservation.number])
        }
    }

    /// At start: reservations a crash left printing are void (whether their paper came out
    /// is unknown; their numbers are not reused).
    @discardableResult
    public func voidUnconfirmedTickets() throws -> Int {
        try writer.write { db in
            try db.execute(sql: "UPDATE ticket SET state = 'void' WHERE state = 'printing'")
            return db.changesCount
        }
    }

    /// Issued tickets per category on a day.
    public func ticketsIssued(day: String) throws -> [String: Int] {
        try writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT category, COUNT(*) AS n FROM ticket WHERE day = ? AND state = 'issued' GROUP BY category",
                                        arguments: [day]) {
                counts[row["category"]] = row["n"]
            }
            return counts
        }
    }
}
