import Crypto
import Foundation
import GRDB
import ZizhuWire

/// What the platform stores, whichever database holds it. The same storage test suite runs
/// against SQLite and PostgreSQL.
public protocol CentralStorage: Sendable {
    func createToken() async throws -> String
    /// Spends the token and returns the kiosk's new secret (base64).
    func enrol(token: String, kioskID: String, site: String) async throws -> String
    func secret(kioskID: String) async throws -> SymmetricKey?
    /// Records a request's nonce; false when it was seen before (a replay).
    func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool
    func store(_ batch: [SubmissionEnvelope], from kioskID: String) async throws -> [SubmissionResult]
    func stats() async throws -> CentralStats
    func keys(kioskID: String) async throws -> [String]
    func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer?
    /// 查询进度 by ID card: the applicant's cases, newest first.
    func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer]
    /// Ratings and tickets: idempotent by key like submissions; one per reference
    /// (one rating per case, one record per printed ticket).
    func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String) async throws -> [SubmissionResult]
    /// How many ratings there are at each level (1…5).
    func ratingCounts() async throws -> [Int: Int]
    /// Cases waiting for a person, oldest first.
    func reviewQueue(limit: Int) async throws -> [ReviewItem]
    /// A reviewer's decision on a case in manual review.
    func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome
    func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat) async throws
    /// Every enrolled kiosk with its last heartbeat.
    func fleet() async throws -> [FleetKiosk]
    /// Submissions received per UTC hour (`2026-11-22T10` → count) since a time.
    func submissionsPerHour(since: Date) async throws -> [String: Int]
    func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64
    func help(id: Int64, kioskID: String) async throws -> HelpTicket?
    func openHelp() async throws -> [OpenHelp]
    /// Staff acknowledged it; false when there is no such open request.
    func acknowledgeHelp(id: Int64) async throws -> Bool
}

public struct FleetKiosk: Sendable, Hashable {
    public var id: String
    public var site: String
    public var lastSeen: Date?
    public var skewSeconds: Int64?
    public var heartbeat: Heartbeat?
    public var heartbeatAt: Date?
    public var submissions: Int

    public init(id: String, site: String, lastSeen: Date?, skewSeconds: Int64?, heartbeat: Heartbeat?, heartbeatAt: Date?,
                submissions: Int) {
        self.id = id
        self.site = site
        self.lastSeen = lastSeen
        self.skewSeconds = skewSeconds
        self.heartbeat = heartbeat
        self.heartbeatAt = heartbeatAt
        self.submissions = submissions
    }
}

public struct OpenHelp: Sendable, Hashable {
    public var id: Int64
    public var kioskID: String
    public var screen: String
    public var at: String
    public var status: String
}

public enum ReviewOutcome: Sendable, Equatable {
    case decided
    case unknown
    /// Decided already (instantly or by another reviewer): its progress stands.
    case notInReview(String)
}

extension CentralStorage {
    /// The case's progress state alone.
    public func progress(acceptanceNumber: String) async throws -> String? {
        try await progressAnswer(acceptanceNumber: acceptanceNumber)?.progress
    }
}

public enum EnrolmentProblem: Error, Equatable {
    case unknownToken, tokenUsed, kioskExists
}

public struct CentralStats: Codable, Sendable, Equatable {
    /// Enrolled kiosks.
    public var kiosks: Int
    /// Distinct submissions stored.
    public var submissions: Int
    /// Repeated deliveries answered with the original result.
    public var repeats: Int
    /// Same key, different payload: refused.
    public var conflicts: Int
    /// 好差评 ratings stored.
    public var ratings: Int
    /// Cases waiting for a person.
    public var inReview: Int

    public init(kiosks: Int, submissions: Int, repeats: Int, conflicts: Int, ratings: Int = 0, inReview: Int = 0) {
        self.ratings = ratings
        self.inReview = inReview
        self.kiosks = kiosks
        self.submissions = submissions
        self.repeats = repeats
        self.conflicts = conflicts
    }
}

/// Opens the storage a `--database` URL names: `sqlite://PATH` (or a bare path) or
/// `postgres://user[:password]@host[:port]/database`.
public enum CentralDatabase {
    public static func open(_ url: String) async throws -> any CentralStorage {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try await PostgresCentralStore(url: url)
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        guard !path.isEmpty else { throw ProblemResponse(error: "bad database URL", detail: "expected sqlite://PATH or postgres://...") }
        return try CentralStore(path: path)
    }
}

/// The platform's storage in SQLite: kiosks and their secrets, enrolment tokens, submissions (one
/// row per idempotency key, forever), seen nonces, delivery counters.
///
/// SQLite in WAL with `synchronous=FULL` on the writer: once the platform answers
/// "accepted", the kiosk deletes its copy, so an acknowledged submission must survive a
/// power cut. (GRDB's `DatabasePool` resets `synchronous` to NORMAL when it sets up WAL;
/// it is set again on the writer after opening, and a test reads it back.)
public final class CentralStore: CentralStorage {
    public let writer: DatabasePool

    public init(path: String) throws {
        writer = try DatabasePool(path: path)
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE token (
                    token TEXT PRIMARY KEY,
                    created_at TEXT NOT NULL,
                    used_by TEXT
                );
                CREATE TABLE kiosk (
                    id TEXT PRIMARY KEY,
                    secret TEXT NOT NULL,
                    site TEXT NOT NULL,
                    enrolled_at TEXT NOT NULL,
                    last_seen_at TEXT,
                    skew_seconds INTEGER
                );
                CREATE TABLE submission (
                    key TEXT PRIMARY KEY,
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    sequence INTEGER NOT NULL,
                    acceptance_number TEXT NOT NULL UNIQUE,
                    service_id TEXT NOT NULL,
                    payload_hash TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    progress TEXT NOT NULL
                );
                CREATE INDEX submission_by_kiosk ON submission(kiosk_id, sequence);
                CREATE TABLE nonce (
                    kiosk_id TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    PRIMARY KEY (kiosk_id, nonce)
                );
                CREATE TABLE counter (
                    name TEXT PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                INSERT INTO counter(name, value) VALUES ('repeats', 0), ('conflicts', 0);
                """)
        }
        migrator.registerMigration("v2-heartbeats-help") { db in
            try db.execute(sql: """
                CREATE TABLE heartbeat (
                    kiosk_id TEXT PRIMARY KEY REFERENCES kiosk(id),
                    received_at TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE TABLE help (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    screen TEXT NOT NULL,
                    at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open',
                    acknowledged_at TEXT
                );
                CREATE INDEX submission_received ON submission(received_at);
                """)
        }
        migrator.registerMigration("v3-ratings-tickets-review") { db in
            try db.execute(sql: """
                CREATE TABLE kiosk_entry (
                    key TEXT PRIMARY KEY,
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    kind TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    payload_hash TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    UNIQUE (kind, reference)
                );
                ALTER TABLE submission ADD COLUMN progress_reason TEXT;
                ALTER TABLE submission ADD COLUMN progress_at TEXT;
                CREATE INDEX submission_progress ON submission(progress, received_at);
                """)
        }
        migrator.registerMigration("v4-applicant") { db in
            // 查询进度 by ID card: each case is found by its applicant, kept as a hash.
            try db.execute(sql: "ALTER TABLE submission ADD COLUMN applicant TEXT")
            try db.execute(sql: "CREATE INDEX submission_applicant ON submission(applicant, received_at)")
            for row in try Row.fetchAll(db, sql: "SELECT key, payload FROM submission") {
                try db.execute(sql: "UPDATE submission SET applicant = ? WHERE key = ?",
                               arguments: [Self.applicantKey(of: row["payload"]), row["key"] as String])
            }
        }
        return migrator
    }

    static func now() -> String { UTCTime.iso(Date()) }

    // MARK: Enrolment

    /// A one-time enrolment token for a new kiosk.
    public func createToken() async throws -> String {
        let token = "zzt-" + Hex.string(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO token(token, created_at) VALUES (?, ?)", arguments: [token, Self.now()])
        }
        return token
    }

    /// Spends the token and returns the kiosk's new secret (base64).
    public func enrol(token: String, kioskID: String, site: String) async throws -> String {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT used_by FROM token WHERE token = ?", arguments: [token]) else {
                throw EnrolmentProblem.unknownToken
            }
            if (row["used_by"] as String?) != nil { throw EnrolmentProblem.tokenUsed }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM kiosk WHERE id = ?", arguments: [kioskID]) == true {
                throw EnrolmentProblem.kioskExists
            }
            try db.execute(sql: "UPDATE token SET used_by = ? WHERE token = ?", arguments: [kioskID, token])
            try db.execute(sql: "INSERT INTO kiosk(id, secret, site, enrolled_at) VALUES (?, ?, ?, ?)",
                           arguments: [kioskID, secret, site, Self.now()])
        }
        return secret
    }

    public func secret(kioskID: String) async throws -> SymmetricKey? {
        let text = try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT secret FROM kiosk WHERE id = ?", arguments: [kioskID])
        }
        return text.flatMap { Data(base64Encoded: $0) }.map { SymmetricKey(data: $0) }
    }

    /// Records a request's nonce; false when it was seen before (a replay). Nonces older
    /// than the skew window are forgotten: a request that old is refused as stale anyway.
    public func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM nonce WHERE timestamp < ?",
                           arguments: [Int64(Date().timeIntervalSince1970) - 2 * RequestSigning.maximumSkew])
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM nonce WHERE kiosk_id = ? AND nonce = ?", arguments: [kioskID, nonce]) == true {
                return false
            }
            try db.execute(sql: "INSERT INTO nonce(kiosk_id, nonce, timestamp) VALUES (?, ?, ?)", arguments: [kioskID, nonce, timestamp])
            try db.execute(sql: "UPDATE kiosk SET last_seen_at = ?, skew_seconds = ? WHERE id = ?",
                           arguments: [Self.now(), skew, kioskID])
            return true
        }
    }

    // MARK: Submissions

    /// Stores a batch idempotently: a repeat of a stored key with the same payload answers
    /// the original result; the same key with another payload is a conflict and changes
    /// nothing. One transaction (one durable commit) per batch.
    public func store(_ batch: [SubmissionEnvelope], from kioskID: String) async throws -> [SubmissionResult] {
        try await writer.write { db in
            var results: [SubmissionResult] = []
            for envelope in batch {
                if let problem = Self.problem(envelope, kioskID: kioskID) {
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: problem))
                    continue
                }
                if let row = try Row.fetchOne(db, sql: "SELECT payload_hash, progress FROM submission WHERE key = ?",
                                              arguments: [envelope.key]) {
                    if (row["payload_hash"] as String) == envelope.payloadHash {
                        try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE name = 'repeats'")
                        results.append(SubmissionResult(key: envelope.key, status: .duplicate, progress: row["progress"]))
                    } else {
                        try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE name = 'conflicts'")
                        results.append(SubmissionResult(key: envelope.key, status: .conflict,
                                                        reason: "this key was stored with a different payload"))
                    }
                    continue
                }
                let progress = Self.progress(of: envelope.payload)
                try db.execute(sql: """
                    INSERT INTO submission(key, kiosk_id, sequence, acceptance_number, service_id, payload_hash, payload,
                                           created_at, received_at, progress, applicant)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [envelope.key, kioskID, envelope.sequence, envelope.acceptanceNumber, envelope.serviceID,
                                     envelope.payloadHash, envelope.payload, envelope.createdAt, Self.now(), progress,
                                     Self.applicantKey(of: envelope.payload)])
                results.append(SubmissionResult(key: envelope.key, status: .accepted, progress: progress))
            }
            return results
        }
    }

    static func problem(_ envelope: SubmissionEnvelope, kioskID: String) -> String? {
        if envelope.kioskID != kioskID { return "submission of kiosk '\(envelope.kioskID)' sent by kiosk '\(kioskID)'" }
        if !UUIDv7.isValid(envelope.key) { return "the key is not a UUIDv7" }
        if AcceptanceNumber.from(key: envelope.key) != envelope.acceptanceNumber { return "the acceptance number does not match the key" }
        if Data(envelope.payload.utf8).sha256Hex != envelope.payloadHash { return "payload hash mismatch" }
        if envelope.serviceID.isEmpty { return "no service" }
        return nil
    }

    /// The case's first progress state, from the kiosk's decision in the payload.
    /// The applicant's ID number in a submission's payload, as the hash the platform indexes
    /// cases by (so a lookup by ID card needs no second plain copy of the number).
    static func applicantKey(of payload: String) -> String? {
        struct Peek: Decodable { struct Applicant: Decodable { var idNumber: String }; var applicant: Applicant? }
        return (try? JSONDecoder().decode(Peek.self, from: Data(payload.utf8)))?.applicant.map { applicantKey(idNumber: $0.idNumber) }
    }

    static func applicantKey(idNumber: String) -> String {
        SHA256.hash(data: Data(idNumber.uppercased().utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func progress(of payload: String) -> String {
        struct Peek: Decodable { struct Decision: Decodable { var outcome: String }; var decision: Decision? }
        let outcome = (try? JSONDecoder().decode(Peek.self, from: Data(payload.utf8)))?.decision?.outcome
        switch outcome {
        case "approved": return "approved"
        case "refused": return "refused"
        default: return "manual_review"
        }
    }

    // MARK: Statistics

    public func stats() async throws -> CentralStats {
        try await writer.read { db in
            CentralStats(kiosks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kiosk") ?? 0,
                  submissions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? 0,
                  repeats: try Int.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'repeats'") ?? 0,
                  conflicts: try Int.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'conflicts'") ?? 0,
                  ratings: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kiosk_entry WHERE kind = 'rating'") ?? 0,
                  inReview: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission WHERE progress = 'manual_review'") ?? 0)
        }
    }

    /// Keys stored for one kiosk, in its sequence order (tests and audits).
    public func keys(kioskID: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT key FROM submission WHERE kiosk_id = ? ORDER BY sequence", arguments: [kioskID])
        }
    }

    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat) async throws {
        let body = String(decoding: try CanonicalJSON.encode(heartbeat), as: UTF8.self)
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO heartbeat(kiosk_id, received_at, body) VALUES (?, ?, ?)
                ON CONFLICT(kiosk_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body
                """, arguments: [kioskID, Self.now(), body])
        }
    }

    public func fleet() async throws -> [FleetKiosk] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT k.id, k.site, k.last_seen_at, k.skew_seconds, h.received_at, h.body,
                       (SELECT COUNT(*) FROM submission s WHERE s.kiosk_id = k.id) AS submissions
                FROM kiosk k LEFT JOIN heartbeat h ON h.kiosk_id = k.id ORDER BY k.id
                """)
            let formatter = ISO8601DateFormatter()
            return rows.map { row in
                let body: String? = row["body"]
                return FleetKiosk(id: row["id"], site: row["site"],
                                  lastSeen: (row["last_seen_at"] as String?).flatMap(formatter.date(from:)),
                                  skewSeconds: row["skew_seconds"],
                                  heartbeat: body.flatMap { try? JSONDecoder().decode(Heartbeat.self, from: Data($0.utf8)) },
                                  heartbeatAt: (row["received_at"] as String?).flatMap(formatter.date(from:)),
                                  submissions: row["submissions"])
            }
        }
    }

    public func submissionsPerHour(since: Date) async throws -> [String: Int] {
        let from = UTCTime.iso(since)
        return try await writer.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(received_at, 1, 13) AS hour, COUNT(*) AS n FROM submission WHERE received_at >= ? GROUP BY hour
                """, arguments: [from]) {
                result[row["hour"]] = row["n"]
            }
            return result
        }
    }

    public func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO help(kiosk_id, screen, at) VALUES (?, ?, ?)", arguments: [kioskID, request.screen, request.at])
            return db.lastInsertedRowID
        }
    }

    public func help(id: Int64, kioskID: String) async throws -> HelpTicket? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM help WHERE id = ? AND kiosk_id = ?", arguments: [id, kioskID])
                .map { HelpTicket(id: id, status: $0) }
        }
    }

    public func openHelp() async throws -> [OpenHelp] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, kiosk_id, screen, at, status FROM help WHERE status = 'open' ORDER BY id").map {
                OpenHelp(id: $0["id"], kioskID: $0["kiosk_id"], screen: $0["screen"], at: $0["at"], status: $0["status"])
            }
        }
    }

    public func acknowledgeHelp(id: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE help SET status = 'acknowledged', acknowledged_at = ? WHERE id = ? AND status = 'open'",
                           arguments: [Self.now(), id])
            return db.changesCount > 0
        }
    }

    public func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT progress, service_id, progress_reason, COALESCE(progress_at, received_at) AS at FROM submission WHERE acceptance_number = ?
                """, arguments: [acceptanceNumber]).map {
                ProgressAnswer(acceptanceNumber: acceptanceNumber, progress: $0["progress"], serviceID: $0["service_id"],
                               reason: $0["progress_reason"], updatedAt: $0["at"])
            }
        }
    }

    public func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT acceptance_number, progress, service_id, progress_reason, COALESCE(progress_at, received_at) AS at
                FROM submission WHERE applicant = ? ORDER BY received_at DESC, sequence DESC LIMIT ?
                """, arguments: [Self.applicantKey(idNumber: idNumber), limit]).map {
                ProgressAnswer(acceptanceNumber: $0["acceptance_number"], progress: $0["progress"], serviceID: $0["service_id"],
                               reason: $0["progress_reason"], updatedAt: $0["at"])
            }
        }
    }

    // MARK: Ratings and tickets

    public func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String) async throws -> [SubmissionResult] {
        try await writer.write { db in
            var results: [SubmissionResult] = []
            for envelope in batch {
                let reference: String
                switch Self.entryReference(envelope, kind: kind, kioskID: kioskID) {
                case .failure(let problem):
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: problem.reason))
                    continue
                case .success(let value): reference = value
                }
                if let hash = try String.fetchOne(db, sql: "SELECT payload_hash FROM kiosk_entry WHERE key = ?", arguments: [envelope.key]) {
                    if hash == envelope.payloadHash {
                        try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE name = 'repeats'")
                        results.append(SubmissionResult(key: envelope.key, status: .duplicate))
                    } else {
                        try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE name = 'conflicts'")
                        results.append(SubmissionResult(key: envelope.key, status: .conflict, reason: "this key was stored with a different payload"))
                    }
                    continue
                }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM kiosk_entry WHERE kind = ? AND reference = ?",
                                     arguments: [kind.rawValue, reference]) == true {
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: Self.alreadyHeld(kind, reference)))
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO kiosk_entry(key, kiosk_id, kind, reference, sequence, payload_hash, payload, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [envelope.key, kioskID, kind.rawValue, reference, envelope.sequence, envelope.payloadHash,
                                     envelope.payload, Self.now()])
                results.append(SubmissionResult(key: envelope.key, status: .accepted))
            }
            return results
        }
    }

    struct EntryProblem: Error { var reason: String }

    /// What makes a rating or ticket one of a kind (the rated case; the ticket's day and
    /// number), or why it cannot be stored.
    static func entryReference(_ envelope: SubmissionEnvelope, kind: OutboxKind, kioskID: String) -> Result<String, EntryProblem> {
        if let problem = problem(envelope, kioskID: kioskID) { return .failure(EntryProblem(reason: problem)) }
        if (envelope.kind ?? OutboxKind.submission.rawValue) != kind.rawValue {
            return .failure(EntryProblem(reason: "a \(envelope.kind ?? "submission") entry sent to \(kind.path)"))
        }
        let data = Data(envelope.payload.utf8)
        switch kind {
        case .rating:
            guard let rating = try? JSONDecoder().decode(RatingPayload.self, from: data) else {
                return .failure(EntryProblem(reason: "not a rating: expected acceptanceNumber, serviceID, level, ratedAt"))
            }
            guard (1...5).contains(rating.level) else { return .failure(EntryProblem(reason: "level must be 1…5, not \(rating.level)")) }
            guard rating.acceptanceNumber.hasPrefix("ZZ"), rating.acceptanceNumber.count == 25 else {
                return .failure(EntryProblem(reason: "'\(rating.acceptanceNumber)' is not a 受理编号"))
            }
            if let reason = rating.reason, reason.count > 500 { return .failure(EntryProblem(reason: "the reason is longer than 500 characters")) }
            return .success(rating.acceptanceNumber)
        case .ticket:
            guard let ticket = try? JSONDecoder().decode(TicketPayload.self, from: data), !ticket.reference.isEmpty else {
                return .failure(EntryProblem(reason: "not a ticket: expected reference, category, number, issuedAt, peopleAhead"))
            }
            guard ticket.reference.hasPrefix(kioskID + "/") else {
                return .failure(EntryProblem(reason: "ticket reference '\(ticket.reference)' is not this kiosk's"))
            }
            return .success(ticket.reference)
        case .submission:
            return .failure(EntryProblem(reason: "applications go to /v1/submissions"))
        }
    }

    /// How many stored ratings are at each level.
    static func levels(of payloads: [String]) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for payload in payloads {
            if let rating = try? JSONDecoder().decode(RatingPayload.self, from: Data(payload.utf8)) { counts[rating.level, default: 0] += 1 }
        }
        return counts
    }

    static func alreadyHeld(_ kind: OutboxKind, _ reference: String) -> String {
        kind == .rating ? "case \(reference) has already been rated" : "ticket \(reference) is already recorded"
    }

    public func ratingCounts() async throws -> [Int: Int] {
        try await writer.read { db in
            Self.levels(of: try String.fetchAll(db, sql: "SELECT payload FROM kiosk_entry WHERE kind = 'rating'"))
        }
    }

    // MARK: Manual review

    public func reviewQueue(limit: Int) async throws -> [ReviewItem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT acceptance_number, kiosk_id, service_id, received_at FROM submission
                WHERE progress = 'manual_review' ORDER BY received_at, acceptance_number LIMIT ?
                """, arguments: [limit]).map {
                ReviewItem(acceptanceNumber: $0["acceptance_number"], kioskID: $0["kiosk_id"], serviceID: $0["service_id"],
                           receivedAt: $0["received_at"])
            }
        }
    }

    public func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE submission SET progress = ?, progress_reason = ?, progress_at = ?
                WHERE acceptance_number = ? AND progress = 'manual_review'
                """, arguments: [approve ? "approved" : "refused", reason, Self.now(), acceptanceNumber])
            if db.changesCount > 0 { return .decided }
            guard let progress = try String.fetchOne(db, sql: "SELECT progress FROM submission WHERE acceptance_number = ?",
                                                     arguments: [acceptanceNumber]) else { return .unknown }
            return .notInReview(progress)
        }
    }
}
