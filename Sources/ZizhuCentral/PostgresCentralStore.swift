import Crypto
import Foundation
import Logging
import PostgresNIO
import ZizhuWire

/// The platform's storage in PostgreSQL, for fleets: the same tables and the same answers
/// as the SQLite store. Each batch is one transaction; a key is stored once
/// (`INSERT … ON CONFLICT DO NOTHING`), so two servers racing on one repeat cannot both
/// store it.
public final class PostgresCentralStore: CentralStorage {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger = Logger(label: "zizhu.central.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `postgres://user[:password]@host[:port]/database`.
    public init(url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host,
              let user = components.user, components.path.count > 1 else {
            throw ProblemResponse(error: "bad database URL", detail: "expected postgres://user[:password]@host[:port]/database")
        }
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        runner = Task { await client.run() }
        try await migrate()
    }

    deinit { runner.cancel() }

    func migrate() async throws {
        let statements: [PostgresQuery] = [
            "CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), used_by TEXT)",
            """
            CREATE TABLE IF NOT EXISTS kiosk (id TEXT PRIMARY KEY, secret TEXT NOT NULL, site TEXT NOT NULL,
                enrolled_at TIMESTAMPTZ NOT NULL DEFAULT now(), last_seen_at TIMESTAMPTZ, skew_seconds BIGINT)
            """,
            """
            CREATE TABLE IF NOT EXISTS submission (key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                sequence BIGINT NOT NULL, acceptance_number TEXT NOT NULL UNIQUE, service_id TEXT NOT NULL,
                payload_hash TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,
                received_at TIMESTAMPTZ NOT NULL DEFAULT now(), progress TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS submission_by_kiosk ON submission(kiosk_id, sequence)",
            "CREATE TABLE IF NOT EXISTS nonce (kiosk_id TEXT NOT NULL, nonce TEXT NOT NULL, timestamp BIGINT NOT NULL, PRIMARY KEY (kiosk_id, nonce))",
            "CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO counter(name, value) VALUES ('repeats', 0), ('conflicts', 0) ON CONFLICT DO NOTHING",
            "CREATE TABLE IF NOT EXISTS heartbeat (kiosk_id TEXT PRIMARY KEY REFERENCES kiosk(id), received_at TIMESTAMPTZ NOT NULL, body TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS help (id BIGSERIAL PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosk(id), screen TEXT NOT NULL,
                at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', acknowledged_at TIMESTAMPTZ)
            """,
            "CREATE INDEX IF NOT EXISTS submission_received ON submission(received_at)",
            """
            CREATE TABLE IF NOT EXISTS kiosk_entry (key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosk(id), kind TEXT NOT NULL,
                reference TEXT NOT NULL, sequence BIGINT NOT NULL, payload_hash TEXT NOT NULL, payload TEXT NOT NULL,
                received_at TIMESTAMPTZ NOT NULL DEFAULT now(), UNIQUE (kind, reference))
            """,
            "ALTER TABLE submission ADD COLUMN IF NOT EXISTS progress_reason TEXT",
            "ALTER TABLE submission ADD COLUMN IF NOT EXISTS progress_at TIMESTAMPTZ",
            "CREATE INDEX IF NOT EXISTS submission_progress ON submission(progress, received_at)",
            "ALTER TABLE submission ADD COLUMN IF NOT EXISTS applicant TEXT",
            "CREATE INDEX IF NOT EXISTS submission_applicant ON submission(applicant, received_at)",
        ]
        try await client.withConnection { connection in
            // One migration at a time even when several servers start together.
            try await connection.query("SELECT pg_advisory_lock(7240001)", logger: logger)
            do {
                for statement in statements { try await connection.query(statement, logger: logger) }
                // Cases stored before the applicant column: fill it in from their payloads.
                var missing: [(String, String?)] = []
                for try await (key, payload) in try await connection.query("SELECT key, payload FROM submission WHERE applicant IS NULL",
                                                                             logger: logger).decode((String, String).self) {
                    missing.append((key, CentralStore.applicantKey(of: payload)))
                }
                for (key, applicant) in missing {
                    try await connection.query("UPDATE submission SET applicant = \(applicant) WHERE key = \(key)", logger: logger)
                }
            } catch {
                try? await connection.query("SELECT pg_advisory_unlock(7240001)", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(7240001)", logger: logger)
        }
    }

    public func createToken() async throws -> String {
        let token = "zzt-" + Hex.string(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        try await client.query("INSERT INTO token(token) VALUES (\(token))", logger: logger)
        return token
    }

    public func enrol(token: String, kioskID: String, site: String) async throws -> String {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
        let logger = self.logger
        do {
            try await enrolInTransaction(token: token, kioskID: kioskID, site: site, secret: secret, logger: logger)
        } catch let error as PostgresTransactionError {
            // The reason, not the transaction wrapper (the same errors as the SQLite store).
            if let problem = error.closureError as? EnrolmentProblem { throw problem }
            throw error
        }
        return secret
    }

    private func enrolInTransaction(token: String, kioskID: String, site: String, secret: String, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("SELECT used_by FROM token WHERE token = \(token) FOR UPDATE", logger: logger)
            var found = false
            var used: String?
            for try await (usedBy) in rows.decode(String?.self) {
                found = true
                used = usedBy
            }
            guard found else { throw EnrolmentProblem.unknownToken }
            if used != nil { throw EnrolmentProblem.tokenUsed }
            let existing = try await connection.query("SELECT 1 FROM kiosk WHERE id = \(kioskID)", logger: logger)
            for try await _ in existing { throw EnrolmentProblem.kioskExists }
            try await connection.query("UPDATE token SET used_by = \(kioskID) WHERE token = \(token)", logger: logger)
            try await connection.query("INSERT INTO kiosk(id, secret, site) VALUES (\(kioskID), \(secret), \(site))", logger: logger)
        }
    }

    public func secret(kioskID: String) async throws -> SymmetricKey? {
        let rows = try await client.query("SELECT secret FROM kiosk WHERE id = \(kioskID)", logger: logger)
        for try await secret in rows.decode(String.self) {
            return Data(base64Encoded: secret).map { SymmetricKey(data: $0) }
        }
        return nil
    }

    public func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool {
        let horizon = Int64(Date().timeIntervalSince1970) - 2 * RequestSigning.maximumSkew
        try await client.query("DELETE FROM nonce WHERE timestamp < \(horizon)", logger: logger)
        let rows = try await client.query("""
            INSERT INTO nonce(kiosk_id, nonce, timestamp) VALUES (\(kioskID), \(nonce), \(timestamp))
            ON CONFLICT DO NOTHING RETURNING nonce
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        if inserted {
            try await client.query("UPDATE kiosk SET last_seen_at = now(), skew_seconds = \(skew) WHERE id = \(kioskID)", logger: logger)
        }
        return inserted
    }

    public func store(_ batch: [SubmissionEnvelope], from kioskID: String) async throws -> [SubmissionResult] {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var results: [SubmissionResult] = []
            for envelope in batch {
                if let problem = CentralStore.problem(envelope, kioskID: kioskID) {
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: problem))
                    continue
                }
                let progress = CentralStore.progress(of: envelope.payload)
                let inserted = try await connection.query("""
                    INSERT INTO submission(key, kiosk_id, sequence, acceptance_number, service_id, payload_hash, payload, created_at, progress,
                                           applicant)
                    VALUES (\(envelope.key), \(kioskID), \(envelope.sequence), \(envelope.acceptanceNumber), \(envelope.serviceID),
                            \(envelope.payloadHash), \(envelope.payload), \(envelope.createdAt), \(progress),
                            \(CentralStore.applicantKey(of: envelope.payload)))
                    ON CONFLICT (key) DO NOTHING RETURNING key
                    """, logger: logger)
                var stored = false
                for try await _ in inserted { stored = true }
                if stored {
                    results.append(SubmissionResult(key: envelope.key, status: .accepted, progress: progress))
                    continue
                }
                let existing = try await connection.query(
                    "SELECT payload_hash, progress FROM submission WHERE key = \(envelope.key)", logger: logger)
                for try await (hash, storedProgress) in existing.decode((String, String).self) {
                    if hash == envelope.payloadHash {
                        try await connection.query("UPDATE counter SET value = value + 1 WHERE name = 'repeats'", logger: logger)
                        results.append(SubmissionResult(key: envelope.key, status: .duplicate, progress: storedProgress))
                    } else {
                        try await connection.query("UPDATE counter SET value = value + 1 WHERE name = 'conflicts'", logger: logger)
                        results.append(SubmissionResult(key: envelope.key, status: .conflict,
                                                        reason: "this key was stored with a different payload"))
                    }
                }
            }
            return results
        }
    }

    public func stats() async throws -> CentralStats {
        func count(_ query: PostgresQuery) async throws -> Int {
            for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return Int(value) }
            return 0
        }
        return CentralStats(kiosks: try await count("SELECT COUNT(*) FROM kiosk"),
                            submissions: try await count("SELECT COUNT(*) FROM submission"),
                            repeats: try await count("SELECT value FROM counter WHERE name = 'repeats'"),
                            conflicts: try await count("SELECT value FROM counter WHERE name = 'conflicts'"),
                            ratings: try await count("SELECT COUNT(*) FROM kiosk_entry WHERE kind = 'rating'"),
                            inReview: try await count("SELECT COUNT(*) FROM submission WHERE progress = 'manual_review'"))
    }

    public func keys(kioskID: String) async throws -> [String] {
        var keys: [String] = []
        let rows = try await client.query("SELECT key FROM submission WHERE kiosk_id = \(kioskID) ORDER BY sequence", logger: logger)
        for try await key in rows.decode(String.self) { keys.append(key) }
        return keys
    }

    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat) async throws {
        let body = String(decoding: try CanonicalJSON.encode(heartbeat), as: UTF8.self)
        try await client.query("""
            INSERT INTO heartbeat(kiosk_id, received_at, body) VALUES (\(kioskID), now(), \(body))
            ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body
            """, logger: logger)
    }

    public func fleet() async throws -> [FleetKiosk] {
        let rows = try await client.query("""
            SELECT k.id, k.site, k.last_seen_at, k.skew_seconds, h.received_at, h.body,
                   (SELECT COUNT(*) FROM submission s WHERE s.kiosk_id = k.id)
            FROM kiosk k LEFT JOIN heartbeat h ON h.kiosk_id = k.id ORDER BY k.id
            """, logger: logger)
        var fleet: [FleetKiosk] = []
        for try await (id, site, seen, skew, at, body, count) in rows.decode((String, String, Date?, Int64?, Date?, String?, Int64).self) {
            fleet.append(FleetKiosk(id: id, site: site, lastSeen: seen, skewSeconds: skew,
                                    heartbeat: body.flatMap { try? JSONDecoder().decode(Heartbeat.self, from: Data($0.utf8)) },
                                    heartbeatAt: at, submissions: Int(count)))
        }
        return fleet
    }

    public func submissionsPerHour(since: Date) async throws -> [String: Int] {
        let rows = try await client.query("""
            SELECT to_char(date_trunc('hour', received_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24'), COUNT(*)
            FROM submission WHERE received_at >= \(since) GROUP BY 1
            """, logger: logger)
        var result: [String: Int] = [:]
        for try await (hour, count) in rows.decode((String, Int64).self) { result[hour] = Int(count) }
        return result
    }

    public func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64 {
        let rows = try await client.query(
            "INSERT INTO help(kiosk_id, screen, at) VALUES (\(kioskID), \(request.screen), \(request.at)) RETURNING id", logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw ProblemResponse(error: "storage", detail: "no id returned")
    }

    public func help(id: Int64, kioskID: String) async throws -> HelpTicket? {
        let rows = try await client.query("SELECT status FROM help WHERE id = \(id) AND kiosk_id = \(kioskID)", logger: logger)
        for try await status in rows.decode(String.self) { return HelpTicket(id: id, status: status) }
        return nil
    }

    public func openHelp() async throws -> [OpenHelp] {
        let rows = try await client.query("SELECT id, kiosk_id, screen, at, status FROM help WHERE status = 'open' ORDER BY id", logger: logger)
        var open: [OpenHelp] = []
        for try await (id, kiosk, screen, at, status) in rows.decode((Int64, String, String, String, String).self) {
            open.append(OpenHelp(id: id, kioskID: kiosk, screen: screen, at: at, status: status))
        }
        return open
    }

    public func acknowledgeHelp(id: Int64) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE help SET status = 'acknowledged', acknowledged_at = now() WHERE id = \(id) AND status = 'open' RETURNING id", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    public func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer? {
        let rows = try await client.query("""
            SELECT progress, service_id, progress_reason, COALESCE(progress_at, received_at) FROM submission
            WHERE acceptance_number = \(acceptanceNumber)
            """, logger: logger)
        for try await (progress, service, reason, at) in rows.decode((String, String, String?, Date).self) {
            return ProgressAnswer(acceptanceNumber: acceptanceNumber, progress: progress, serviceID: service, reason: reason,
                                  updatedAt: UTCTime.iso(at))
        }
        return nil
    }

    public func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer] {
        let rows = try await client.query("""
            SELECT acceptance_number, progress, service_id, progress_reason, COALESCE(progress_at, received_at) FROM submission
            WHERE applicant = \(CentralStore.applicantKey(idNumber: idNumber)) ORDER BY received_at DESC, sequence DESC LIMIT \(limit)
            """, logger: logger)
        var answers: [ProgressAnswer] = []
        for try await (number, progress, service, reason, at) in rows.decode((String, String, String, String?, Date).self) {
            answers.append(ProgressAnswer(acceptanceNumber: number, progress: progress, serviceID: service, reason: reason,
                                          updatedAt: UTCTime.iso(at)))
        }
        return answers
    }

    public func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String) async throws -> [SubmissionResult] {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var results: [SubmissionResult] = []
            for envelope in batch {
                let reference: String
                switch CentralStore.entryReference(envelope, kind: kind, kioskID: kioskID) {
                case .failure(let problem):
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: problem.reason))
                    continue
                case .success(let value): reference = value
                }
                let inserted = try await connection.query("""
                    INSERT INTO kiosk_entry(key, kiosk_id, kind, reference, sequence, payload_hash, payload)
                    VALUES (\(envelope.key), \(kioskID), \(kind.rawValue), \(reference), \(envelope.sequence), \(envelope.payloadHash),
                            \(envelope.payload))
                    ON CONFLICT DO NOTHING RETURNING key
                    """, logger: logger)
                var stored = false
                for try await _ in inserted { stored = true }
                if stored {
                    results.append(SubmissionResult(key: envelope.key, status: .accepted))
                    continue
                }
                var known = false
                for try await hash in try await connection.query("SELECT payload_hash FROM kiosk_entry WHERE key = \(envelope.key)",
                                                                 logger: logger).decode(String.self) {
                    known = true
                    if hash == envelope.payloadHash {
                        try await connection.query("UPDATE counter SET value = value + 1 WHERE name = 'repeats'", logger: logger)
                        results.append(SubmissionResult(key: envelope.key, status: .duplicate))
                    } else {
                        try await connection.query("UPDATE counter SET value = value + 1 WHERE name = 'conflicts'", logger: logger)
                        results.append(SubmissionResult(key: envelope.key, status: .conflict, reason: "this key was stored with a different payload"))
                    }
                }
                if !known {
                    results.append(SubmissionResult(key: envelope.key, status: .rejected, reason: CentralStore.alreadyHeld(kind, reference)))
                }
            }
            return results
        }
    }

    public func ratingCounts() async throws -> [Int: Int] {
        var payloads: [String] = []
        for try await payload in try await client.query("SELECT payload FROM kiosk_entry WHERE kind = 'rating'", logger: logger)
            .decode(String.self) { payloads.append(payload) }
        return CentralStore.levels(of: payloads)
    }

    public func reviewQueue(limit: Int) async throws -> [ReviewItem] {
        let rows = try await client.query("""
            SELECT acceptance_number, kiosk_id, service_id, received_at FROM submission
            WHERE progress = 'manual_review' ORDER BY received_at, acceptance_number LIMIT \(limit)
            """, logger: logger)
        var items: [ReviewItem] = []
        for try await (number, kiosk, service, at) in rows.decode((String, String, String, Date).self) {
            items.append(ReviewItem(acceptanceNumber: number, kioskID: kiosk, serviceID: service, receivedAt: UTCTime.iso(at)))
        }
        return items
    }

    public func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome {
        let progress = approve ? "approved" : "refused"
        let rows = try await client.query("""
            UPDATE submission SET progress = \(progress), progress_reason = \(reason), progress_at = now()
            WHERE acceptance_number = \(acceptanceNumber) AND progress = 'manual_review' RETURNING key
            """, logger: logger)
        for try await _ in rows { return .decided }
        guard let current = try await self.progress(acceptanceNumber: acceptanceNumber) else { return .unknown }
        return .notInReview(current)
    }
}
