// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema as named, ordered migrations — the same names and steps as the
/// SQLite store's `DatabaseMigrator` — recorded in `schema_migration` so each runs once.
/// Several servers starting together take turns (an advisory lock). Every statement is
/// written to be harmless on a database made before migrations were recorded, which then
/// simply has them all recorded at its first start.
enum PostgresMigrations {
    struct Migration {
        var name: String
        var statements: [PostgresQuery]
        /// Work beyond DDL (a backfill), run inside the migration's transaction.
        var backfill: (@Sendable (PostgresConnection, Logger) async throws -> Void)?
    }

    static let lock: Int64 = 7_240_001

    static var all: [Migration] {
        [
            Migration(name: "v1", statements: [
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
                """
                CREATE TABLE IF NOT EXISTS nonce (kiosk_id TEXT NOT NULL, nonce TEXT NOT NULL, timestamp BIGINT NOT NULL,
                    PRIMARY KEY (kiosk_id, nonce))
                """,
                "CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
                "INSERT INTO counter(name, value) VALUES ('repeats', 0), ('conflicts', 0) ON CONFLICT DO NOTHING",
            ]),
            Migration(name: "v2-heartbeats-help", statements: [
                """
                CREATE TABLE IF NOT EXISTS heartbeat (kiosk_id TEXT PRIMARY KEY REFERENCES kiosk(id), received_at TIMESTAMPTZ NOT NULL,
                    body TEXT NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS help (id BIGSERIAL PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosk(id), screen TEXT NOT NULL,
                    at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', acknowledged_at TIMESTAMPTZ)
                """,
                "CREATE INDEX IF NOT EXISTS submission_received ON submission(received_at)",
            ]),
            Migration(name: "v3-ratings-tickets-review", statements: [
                """
                CREATE TABLE IF NOT EXISTS kiosk_entry (key TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosk(id), kind TEXT NOT NULL,
                    reference TEXT NOT NULL, sequence BIGINT NOT NULL, payload_hash TEXT NOT NULL, payload TEXT NOT NULL,
                    received_at TIMESTAMPTZ NOT NULL DEFAULT now(), UNIQUE (kind, reference))
                """,
                "ALTER TABLE submission ADD COLUMN IF NOT EXISTS progress_reason TEXT",
                "ALTER TABLE submission ADD COLUMN IF NOT EXISTS progress_at TIMESTAMPTZ",
                "CREATE INDEX IF NOT EXISTS submission_progress ON submission(progress, received_at)",
            ]),
            Migration(name: "v4-applicant", statements: [
                "ALTER TABLE submission ADD COLUMN IF NOT EXISTS applicant TEXT",
                "CREATE INDEX IF NOT EXISTS submission_applicant ON submission(applicant, received_at)",
                // Filled (keyed) when the rows are sealed: `PostgresCentralStore.sealPlaintext`.
            ]),
            Migration(name: "v5-staff", statements: [
                """
                CREATE TABLE IF NOT EXISTS staff (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, roles TEXT NOT NULL,
                    disabled BOOLEAN NOT NULL DEFAULT false, created_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE TABLE IF NOT EXISTS login_throttle (key TEXT PRIMARY KEY, failures BIGINT NOT NULL, locked_until DOUBLE PRECISION)",
                """
                CREATE TABLE IF NOT EXISTS staff_session (token_hash TEXT PRIMARY KEY, staff TEXT NOT NULL REFERENCES staff(name),
                    csrf TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL, address TEXT NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS audit (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
                    action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, address TEXT NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS audit_at ON audit(at)",
                """
                CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$
                """,
                "DROP TRIGGER IF EXISTS audit_append_only ON audit",
                """
                CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()
                """,
                "ALTER TABLE kiosk ADD COLUMN IF NOT EXISTS disabled_reason TEXT",
                "ALTER TABLE token ADD COLUMN IF NOT EXISTS for_kiosk TEXT",
            ]),
            // Enrolment tokens are kept as their SHA-256 only: a copy of the database enrols nothing.
            Migration(name: "v6-token-hashes", statements: [
                "UPDATE token SET token = encode(sha256(convert_to(token, 'UTF8')), 'hex')",
            ]),
            // Why the platform sent a case to a person although the kiosk approved it.
            Migration(name: "v7-review-flag", statements: ["ALTER TABLE submission ADD COLUMN IF NOT EXISTS review_flag TEXT"]),
            // Old nonces are pruned on a schedule by time (before, every request scanned the table).
            Migration(name: "v8-nonce-by-time", statements: ["CREATE INDEX IF NOT EXISTS nonce_by_time ON nonce(timestamp)"]),
            // What the dashboard shows, kept as each batch is stored (before, every view counted
            // every submission of every kiosk). The hourly counts are split over a few rows an
            // hour (by kiosk) so that concurrent batches rarely wait for one another.
            Migration(name: "v9-submission-counts", statements: [
                "ALTER TABLE kiosk ADD COLUMN IF NOT EXISTS submissions BIGINT NOT NULL DEFAULT 0",
                "UPDATE kiosk SET submissions = (SELECT COUNT(*) FROM submission s WHERE s.kiosk_id = kiosk.id)",
                "CREATE TABLE IF NOT EXISTS submission_hour (hour TEXT NOT NULL, shard INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (hour, shard))",
                """
                INSERT INTO submission_hour(hour, shard, n)
                SELECT to_char(date_trunc('hour', received_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24'), 0, COUNT(*) FROM submission GROUP BY 1
                ON CONFLICT DO NOTHING
                """,
            ]),
            Migration(name: "v10-heartbeat-days", statements: [
                """
                CREATE TABLE IF NOT EXISTS heartbeat_day (kiosk_id TEXT NOT NULL REFERENCES kiosk(id), day TEXT NOT NULL, beats INTEGER NOT NULL,
                    warnings INTEGER NOT NULL, errors INTEGER NOT NULL, max_pending BIGINT NOT NULL, min_disk_free BIGINT NOT NULL,
                    PRIMARY KEY (kiosk_id, day))
                """,
                "CREATE INDEX IF NOT EXISTS heartbeat_day_by_day ON heartbeat_day(day)",
            ]),
            // 证照寄递: the courier of a mailed result (`ems:1180123456789`) and when staff recorded it.
            Migration(name: "v11-courier", statements: [
                "ALTER TABLE submission ADD COLUMN IF NOT EXISTS courier TEXT",
                "ALTER TABLE submission ADD COLUMN IF NOT EXISTS courier_at TIMESTAMPTZ",
            ]),
            // 扫描纸质材料: pages scanned at kiosks, sealed once whole, and the chunks of those on their way.
            PostgresCentralStore.pagesMigration,
        ]
    }

    /// Applies what has not been applied yet, in order, each in its own transaction.
    /// Returns the names applied now.
    @discardableResult
    static func apply(on client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(lock))", logger: logger)
            do {
                let applied = try await run(on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(lock))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lock))", logger: logger)
                throw error
            }
        }
    }

    private static func run(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """, logger: logger)
        var done: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) {
            done.insert(name)
        }
        var applied: [String] = []
        for migration in all where !done.contains(migration.name) {
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await migration.backfill?(connection, logger)
                try await connection.query("INSERT INTO schema_migration(name) VALUES (\(migration.name))", logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            applied.append(migration.name)
        }
        return applied
    }
}
