// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuWire

/// The platform's storage in SQLite: kiosks and their secrets, enrolment tokens, submissions (one
/// row per idempotency key, forever), seen nonces, delivery counters.
///
/// SQLite in WAL with `synchronous=FULL` on the writer: once the platform answers
/// "accepted", the kiosk deletes its copy, so an acknowledged submission must survive a
/// power cut. (GRDB's `DatabasePool` resets `synchronous` to NORMAL when it sets up WAL;
/// it is set again on the writer after opening, and a test reads it back.)
public final class SQLiteCentralStore: CentralStorage, StaffStorage {
    public let writer: DatabasePool
    /// Seals payloads and kiosk secrets, keys the applicant index; nil for commands that
    /// touch neither (staff accounts, tokens).
    public let keyring: PlatformKeyring?

    public init(path: String, keyring: PlatformKeyring?) throws {
        // Personal data and kiosk secrets: readable by the platform's user only.
        try PrivateFile.prepare(path)
        self.keyring = keyring
        writer = try DatabasePool(path: path)
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(writer)
        if let keyring {
            try writer.write { db in
                try Self.sealPlaintext(keyring, db)
                // A wrong key file fails here, with its reason, not at the first kiosk request.
                if let row = try Row.fetchOne(db, sql: "SELECT id, secret FROM kiosk LIMIT 1") {
                    _ = try PlatformSeal.openSecret(row["secret"], kioskID: row["id"], keyring)
                }
            }
        }
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
            // Filled (keyed) when the rows are sealed: see `sealPlaintext`.
        }
        registerStaffMigration(&migrator)
        migrator.registerMigration("v6-token-hashes") { db in
            // Enrolment tokens are kept as their SHA-256 only: a copy of the database
            // enrols nothing.
            for token in try String.fetchAll(db, sql: "SELECT token FROM token") {
                try db.execute(sql: "UPDATE token SET token = ? WHERE token = ?", arguments: [CentralRules.tokenKey(token), token])
            }
        }
        migrator.registerMigration("v7-review-flag") { db in
            // Why the platform sent a case to a person although the kiosk approved it.
            try db.execute(sql: "ALTER TABLE submission ADD COLUMN review_flag TEXT")
        }
        migrator.registerMigration("v8-nonce-by-time") { db in
            // Old nonces are pruned on a schedule by time (before, every request scanned the table).
            try db.execute(sql: "CREATE INDEX nonce_by_time ON nonce(timestamp)")
        }
        migrator.registerMigration("v9-submission-counts") { db in
            // What the dashboard shows, kept as each batch is stored (before, every view
            // counted every submission of every kiosk).
            try db.execute(sql: """
                ALTER TABLE kiosk ADD COLUMN submissions INTEGER NOT NULL DEFAULT 0;
                UPDATE kiosk SET submissions = (SELECT COUNT(*) FROM submission s WHERE s.kiosk_id = kiosk.id);
                CREATE TABLE submission_hour (hour TEXT NOT NULL, shard INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, shard));
                INSERT INTO submission_hour(hour, shard, n) SELECT substr(received_at, 1, 13), 0, COUNT(*) FROM submission GROUP BY 1;
                """)
        }
        migrator.registerMigration("v10-heartbeat-days") { db in
            // The heartbeat history as one row per kiosk per day (a row a minute would be
            // 10 billion rows a year for a province).
            try db.execute(sql: """
                CREATE TABLE heartbeat_day (
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id), day TEXT NOT NULL, beats INTEGER NOT NULL,
                    warnings INTEGER NOT NULL, errors INTEGER NOT NULL, max_pending INTEGER NOT NULL, min_disk_free INTEGER NOT NULL,
                    PRIMARY KEY (kiosk_id, day)
                ) WITHOUT ROWID;
                CREATE INDEX heartbeat_day_by_day ON heartbeat_day(day);
                """)
        }
        registerCourierMigration(&migrator)
        registerPagesMigration(&migrator)
        return migrator
    }

    static func now() -> String { UTCTime.iso(Date()) }

    // MARK: Enrolment

    /// A one-time enrolment token for a new kiosk.
    public func createToken() async throws -> String {
        let token = CentralRules.newToken()
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO token(token, created_at) VALUES (?, ?)", arguments: [CentralRules.tokenKey(token), Self.now()])
        }
        return token
    }

    /// Spends the token and returns the kiosk's new secret (base64).
    public func enrol(token: String, kioskID: String, site: String) async throws -> String {
        let secret = CentralRules.newSecret(), ring = try sealing()
        try await writer.write { db in
            let sealed = try ring.seal(secret, context: PlatformSeal.secret(kioskID))
            guard let row = try Row.fetchOne(db, sql: "SELECT used_by, for_kiosk FROM token WHERE token = ?", arguments: [CentralRules.tokenKey(token)]) else {
                throw EnrolmentProblem.unknownToken
            }
            if (row["used_by"] as String?) != nil { throw EnrolmentProblem.tokenUsed }
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM kiosk WHERE id = ?", arguments: [kioskID]) == true
            switch try CentralRules.enrolment(tokenFor: row["for_kiosk"], kioskID: kioskID, exists: exists) {
            case .new:
                try db.execute(sql: "INSERT INTO kiosk(id, secret, site, enrolled_at) VALUES (?, ?, ?, ?)",
                               arguments: [kioskID, sealed, site, Self.now()])
            case .again:
                try db.execute(sql: "UPDATE kiosk SET secret = ? WHERE id = ?", arguments: [sealed, kioskID])
            }
            try db.execute(sql: "UPDATE token SET used_by = ? WHERE token = ?", arguments: [kioskID, CentralRules.tokenKey(token)])
        }
        return secret
    }

    public func importKiosks(_ kiosks: [(id: String, site: String)]) async throws -> [ImportedKiosk] {
        let made = try CentralRules.importing(kiosks, ring: try sealing())
        try await writer.write { db in
            let now = Self.now()
            for entry in made {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM kiosk WHERE id = ?", arguments: [entry.kiosk.id]) == true {
                    throw EnrolmentProblem.kioskExists
                }
                try db.execute(sql: "INSERT INTO kiosk(id, secret, site, enrolled_at) VALUES (?, ?, ?, ?)",
                               arguments: [entry.kiosk.id, entry.sealed, entry.kiosk.site, now])
            }
        }
        return made.map { ImportedKiosk(kioskID: $0.kiosk.id, secret: $0.secret) }
    }

    /// Records a request's nonce; false when it was seen before (a replay). Nonces older
    /// than the skew window are forgotten by `prune`: a request that old is refused as stale.
    public func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool {
        try await writer.write { db in try Self.remember(NonceUse(nonce: nonce, timestamp: timestamp, skew: skew), kioskID: kioskID, db) }
    }

    /// Records the nonce and the kiosk seen now, inside the caller's transaction; false (and
    /// nothing written) when the nonce was used before.
    static func remember(_ use: NonceUse, kioskID: String, _ db: Database) throws -> Bool {
        try db.cachedStatement(sql: "INSERT INTO nonce(kiosk_id, nonce, timestamp) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .execute(arguments: [kioskID, use.nonce, use.timestamp])
        guard db.changesCount > 0 else { return false }
        try db.cachedStatement(sql: "UPDATE kiosk SET last_seen_at = ?, skew_seconds = ? WHERE id = ?")
            .execute(arguments: [Self.now(), use.skew, kioskID])
        return true
    }

    // MARK: Submissions, ratings and tickets

    /// One transaction (one durable commit) per batch; `CentralRules` decides every answer.
    public func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String,
                             verdicts: [String: CentralRules.Verdict], once nonce: NonceUse?) async throws -> [SubmissionResult]? {
        let ring = try sealing()
        let plan = CentralRules.admit(batch, kind: kind, kioskID: kioskID, verdicts: verdicts, index: ring.applicantIndex(payload:idNumber:))
        let sealed = try plan.admitted.map { try ring.seal($0.envelope.payload, context: PlatformSeal.payload(kind, key: $0.envelope.key)) }
        // One receipt time for the batch: it is stored in one transaction.
        let received = Self.now()
        return try await writer.write { db -> [SubmissionResult]? in
            if let nonce, try !Self.remember(nonce, kioskID: kioskID, db) { return nil }
            let inserted = try zip(plan.admitted, sealed).map {
                try Self.insert($0, payload: $1, kind: kind, kioskID: kioskID, received: received, db)
            }
            let waiting = zip(plan.admitted, inserted).filter { !$1 }.map(\.0.envelope.key)
            let settled = plan.settle(inserted: inserted, held: try Self.held(waiting, kind: kind, db))
            let stored = inserted.filter { $0 }.count
            if kind == .submission && stored > 0 {
                try db.execute(sql: "UPDATE kiosk SET submissions = submissions + ? WHERE id = ?", arguments: [stored, kioskID])
                try db.execute(sql: """
                    INSERT INTO submission_hour(hour, shard, n) VALUES (?, ?, ?) ON CONFLICT(hour, shard) DO UPDATE SET n = n + excluded.n
                    """, arguments: [String(received.prefix(13)), CentralRules.counterShard(kioskID), stored])
            }
            if settled.repeats > 0 {
                try db.execute(sql: "UPDATE counter SET value = value + ? WHERE name = 'repeats'", arguments: [settled.repeats])
            }
            if settled.conflicts > 0 {
                try db.execute(sql: "UPDATE counter SET value = value + ? WHERE name = 'conflicts'", arguments: [settled.conflicts])
            }
            return settled.results
        }
    }

    /// Inserts an admitted entry unless its key or its reference is taken; true when it did.
    static func insert(_ entry: CentralRules.Admitted, payload: String, kind: OutboxKind, kioskID: String, received: String,
                       _ db: Database) throws -> Bool {
        let envelope = entry.envelope
        // Cached statements: a batch of 100 compiles each insert once, not 100 times.
        if kind == .submission {
            try db.cachedStatement(sql: """
                INSERT INTO submission(key, kiosk_id, sequence, acceptance_number, service_id, payload_hash, payload,
                                       created_at, received_at, progress, applicant, review_flag)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """).execute(arguments: [envelope.key, kioskID, envelope.sequence, envelope.acceptanceNumber, envelope.serviceID,
                                         envelope.payloadHash, payload, envelope.createdAt, received,
                                         (entry.progress ?? .manualReview).rawValue, entry.applicant, entry.flag])
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO kiosk_entry(key, kiosk_id, kind, reference, sequence, payload_hash, payload, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """).execute(arguments: [envelope.key, kioskID, kind.rawValue, entry.reference, envelope.sequence, envelope.payloadHash,
                                         payload, received])
        }
        return db.changesCount > 0
    }

    /// What is held under these keys.
    static func held(_ keys: [String], kind: OutboxKind, _ db: Database) throws -> [String: CentralRules.Held] {
        var held: [String: CentralRules.Held] = [:]
        let sql = kind == .submission ? "SELECT payload_hash, progress FROM submission WHERE key = ?"
                                      : "SELECT payload_hash, NULL AS progress FROM kiosk_entry WHERE key = ?"
        for key in keys {
            if let row = try Row.fetchOne(db, sql: sql, arguments: [key]) {
                held[key] = CentralRules.Held(payloadHash: row["payload_hash"], progress: row["progress"])
            }
        }
        return held
    }

    // MARK: Statistics

    public func ping() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func prune(now: Date, sessionsIdleFor: TimeInterval) async throws -> PruneReport {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM nonce WHERE timestamp < ?", arguments: [CentralRules.nonceHorizon(now: now)])
            let nonces = db.changesCount
            try db.execute(sql: "DELETE FROM staff_session WHERE last_seen < ?", arguments: [now.timeIntervalSince1970 - sessionsIdleFor])
            let sessions = db.changesCount
            try db.execute(sql: "DELETE FROM heartbeat_day WHERE day < ?", arguments: [CentralRules.heartbeatHorizon(now: now)])
            return PruneReport(nonces: nonces, sessions: sessions, heartbeatDays: db.changesCount)
        }
    }

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

    // MARK: Ratings

    public func ratingCounts() async throws -> [Int: Int] {
        let ring = try sealing()
        let rows = try await writer.read { db in try Row.fetchAll(db, sql: "SELECT key, payload FROM kiosk_entry WHERE kind = 'rating'") }
        return CentralRules.levels(of: try rows.map { try ring.open($0["payload"], context: PlatformSeal.payload(.rating, key: $0["key"])) })
    }

    // MARK: Manual review

    public func reviewQueue(limit: Int) async throws -> [ReviewItem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT acceptance_number, kiosk_id, service_id, received_at, review_flag FROM submission
                WHERE progress = 'manual_review' ORDER BY received_at, acceptance_number LIMIT ?
                """, arguments: [limit]).map {
                ReviewItem(acceptanceNumber: $0["acceptance_number"], kioskID: $0["kiosk_id"], serviceID: $0["service_id"],
                           receivedAt: $0["received_at"], flag: $0["review_flag"])
            }
        }
    }

    public func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE submission SET progress = ?, progress_reason = ?, progress_at = ?
                WHERE acceptance_number = ? AND progress = ?
                """, arguments: [CentralRules.Progress.reviewed(approve: approve).rawValue, reason, Self.now(), acceptanceNumber,
                                 CentralRules.Progress.manualReview.rawValue])
            if db.changesCount > 0 { return .decided }
            guard let progress = try String.fetchOne(db, sql: "SELECT progress FROM submission WHERE acceptance_number = ?",
                                                     arguments: [acceptanceNumber]) else { return .unknown }
            return .notInReview(progress)
        }
    }
}
