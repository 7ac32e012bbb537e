// SPDX-License-Identifier: Apache-2.0
import Foundation
import PostgresNIO

/// The statements every kiosk request runs, prepared once per connection (PostgresNIO names
/// and prepares each on first use): a province run spent almost half of PostgreSQL's time
/// parsing, analysing and planning these same few statements again for every request.
///
/// ```swift
/// for try await (sealed, reason) in try await client.execute(KioskCredentialsStatement(kioskID: "gz-001"), logger: logger) { … }
/// ```
struct KioskCredentialsStatement: PostgresPreparedStatement {
    static let name = "zizhu_kiosk_credentials_v1"
    static let sql = "SELECT secret, disabled_reason FROM kiosk WHERE id = $1"
    typealias Row = (String, String?)

    var kioskID: String

    func makeBindings() throws -> PostgresBindings { .of([kioskID]) }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The nonce, and (only when it is new) the kiosk last seen now: one statement, one commit;
/// the count of nonces inserted (0: a replay).
struct RememberNonceStatement: PostgresPreparedStatement {
    static let name = "zizhu_remember_nonce_v1"
    static let sql = """
        WITH fresh AS (
            INSERT INTO nonce(kiosk_id, nonce, timestamp) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING kiosk_id
        ), seen AS (
            UPDATE kiosk SET last_seen_at = now(), skew_seconds = $4 WHERE id IN (SELECT kiosk_id FROM fresh) RETURNING 1
        )
        SELECT count(*) FROM fresh
        """
    typealias Row = Int64

    var kioskID: String
    var nonce: String
    var timestamp: Int64
    var skew: Int64

    func makeBindings() throws -> PostgresBindings { .of([kioskID, nonce, timestamp, skew]) }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// The request's nonce first (`$9` '' when it was recorded apart), then — only when it is
/// new — the kiosk seen now, its latest heartbeat and its day's aggregate: one statement, one
/// commit. The count of rows it recorded a heartbeat for (0: a replay, nothing written).
struct RecordHeartbeatStatement: PostgresPreparedStatement {
    static let name = "zizhu_record_heartbeat_v2"
    static let sql = """
        WITH fresh AS (
            INSERT INTO nonce(kiosk_id, nonce, timestamp) SELECT $1, $9, $10 WHERE $9 <> '' ON CONFLICT DO NOTHING RETURNING kiosk_id
        ), go AS (
            SELECT 1 AS one WHERE $9 = '' OR EXISTS (SELECT 1 FROM fresh)
        ), seen AS (
            UPDATE kiosk SET last_seen_at = now(), skew_seconds = $11 WHERE id IN (SELECT kiosk_id FROM fresh)
        ), latest AS (
            INSERT INTO heartbeat(kiosk_id, received_at, body) SELECT $1, $2, $3 FROM go
            ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body
        ), day AS (
            INSERT INTO heartbeat_day(kiosk_id, day, beats, warnings, errors, max_pending, min_disk_free)
            SELECT $1, $4, 1, $5, $6, $7, $8 FROM go
            ON CONFLICT (kiosk_id, day) DO UPDATE SET beats = heartbeat_day.beats + 1,
                warnings = heartbeat_day.warnings + excluded.warnings, errors = heartbeat_day.errors + excluded.errors,
                max_pending = GREATEST(heartbeat_day.max_pending, excluded.max_pending),
                min_disk_free = LEAST(heartbeat_day.min_disk_free, excluded.min_disk_free)
        )
        SELECT count(*) FROM go
        """
    typealias Row = Int64

    var kioskID: String
    var at: Date
    var body: String
    var day: String
    var warning: Int
    var error: Int
    var pending: Int
    var diskFree: Int64
    var nonce: NonceUse?

    func makeBindings() throws -> PostgresBindings {
        .of([kioskID, at, body, day, warning, error, pending, diskFree, nonce?.nonce ?? "", nonce?.timestamp ?? 0, nonce?.skew ?? 0])
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// A batch of applications in one statement: the request's nonce first (`$13` '' when it was
/// recorded apart), then — only when it is new — the rows (in batch order, a key stored
/// once), as many added to the kiosk's count and the hour's, and the kiosk seen now. Its rows:
/// one NULL when the nonce was new (none: a replay, nothing written), and each key it
/// inserted. Optional columns travel as '' and are stored as NULL.
struct StoreApplicationsStatement: PostgresPreparedStatement {
    static let name = "zizhu_store_applications_v2"
    static let sql = """
        WITH fresh AS (
            INSERT INTO nonce(kiosk_id, nonce, timestamp) SELECT $1, $13, $14 WHERE $13 <> '' ON CONFLICT DO NOTHING RETURNING kiosk_id
        ), go AS (
            SELECT 1 AS one WHERE $13 = '' OR EXISTS (SELECT 1 FROM fresh)
        ), ins AS (
            INSERT INTO submission(key, kiosk_id, sequence, acceptance_number, service_id, payload_hash, payload, created_at,
                                   progress, applicant, review_flag)
            SELECT key, $1, sequence, number, service, hash, payload, created, progress, NULLIF(applicant, ''), NULLIF(flag, '')
            FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[])
                 WITH ORDINALITY AS e(key, sequence, number, service, hash, payload, created, progress, applicant, flag, place)
            WHERE EXISTS (SELECT 1 FROM go)
            ORDER BY place
            ON CONFLICT DO NOTHING RETURNING key
        ), counted AS (
            SELECT count(*) AS n FROM ins
        ), by_kiosk AS (
            UPDATE kiosk SET submissions = submissions + counted.n,
                last_seen_at = CASE WHEN $13 <> '' THEN now() ELSE last_seen_at END,
                skew_seconds = CASE WHEN $13 <> '' THEN $15 ELSE skew_seconds END
            FROM counted WHERE id = $1 AND EXISTS (SELECT 1 FROM go) AND (counted.n > 0 OR $13 <> '')
        ), by_hour AS (
            INSERT INTO submission_hour(hour, shard, n)
            SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24'), $12, n FROM counted WHERE n > 0
            ON CONFLICT (hour, shard) DO UPDATE SET n = submission_hour.n + excluded.n
        )
        SELECT NULL::text FROM go UNION ALL SELECT key FROM ins
        """
    typealias Row = String?

    var kioskID: String
    var keys: [String]
    var sequences: [Int64]
    var numbers: [String]
    var services: [String]
    var hashes: [String]
    var payloads: [String]
    var created: [String]
    var progress: [String]
    var applicants: [String]
    var flags: [String]
    var shard: Int32
    var nonce: NonceUse?

    func makeBindings() throws -> PostgresBindings {
        .of([kioskID, keys, sequences, numbers, services, hashes, payloads, created, progress, applicants, flags, shard,
             nonce?.nonce ?? "", nonce?.timestamp ?? 0, nonce?.skew ?? 0])
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(String?.self) }
}

/// A batch of ratings or tickets in one statement (a key, and a reference, stored once); the
/// keys it inserted.
struct StoreKioskEntriesStatement: PostgresPreparedStatement {
    static let name = "zizhu_store_kiosk_entries_v1"
    static let sql = """
        INSERT INTO kiosk_entry(key, kiosk_id, kind, reference, sequence, payload_hash, payload)
        SELECT key, $1, $2, reference, sequence, hash, payload
        FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[]) WITH ORDINALITY AS e(key, reference, sequence, hash, payload, place)
        ORDER BY place
        ON CONFLICT DO NOTHING RETURNING key
        """
    typealias Row = String

    var kioskID: String
    var kind: String
    var keys: [String]
    var references: [String]
    var sequences: [Int64]
    var hashes: [String]
    var payloads: [String]

    func makeBindings() throws -> PostgresBindings { .of([kioskID, kind, keys, references, sequences, hashes, payloads]) }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(String.self) }
}

extension PostgresBindings {
    /// The values bound to `$1`, `$2`, … in this order.
    static func of(_ values: [any PostgresDynamicTypeEncodable]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }
}
