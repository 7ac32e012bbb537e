// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import ZizhuWire

/// What the fleet dashboard and the help desk read and write on SQLite: each kiosk's latest
/// heartbeat, the fleet with its counts, submissions per hour, 呼叫帮办 requests.
extension SQLiteCentralStore {
    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat, at: Date, once nonce: NonceUse?) async throws -> Bool {
        let body = String(decoding: try CanonicalJSON.encode(heartbeat), as: UTF8.self)
        return try await writer.write { db in
            if let nonce, try !Self.remember(nonce, kioskID: kioskID, db) { return false }
            try db.execute(sql: """
                INSERT INTO heartbeat(kiosk_id, received_at, body) VALUES (?, ?, ?)
                ON CONFLICT(kiosk_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body
                """, arguments: [kioskID, UTCTime.iso(at), body])
            try db.execute(sql: """
                INSERT INTO heartbeat_day(kiosk_id, day, beats, warnings, errors, max_pending, min_disk_free)
                VALUES (?, ?, 1, ?, ?, ?, ?)
                ON CONFLICT(kiosk_id, day) DO UPDATE SET beats = beats + 1, warnings = warnings + excluded.warnings,
                    errors = errors + excluded.errors, max_pending = max(max_pending, excluded.max_pending),
                    min_disk_free = min(min_disk_free, excluded.min_disk_free)
                """, arguments: [kioskID, CentralRules.heartbeatDay(at), heartbeat.status == "warning" ? 1 : 0,
                                 heartbeat.status == "error" ? 1 : 0, heartbeat.outboxPending, heartbeat.diskFreeBytes])
            return true
        }
    }

    public func heartbeatDays(kioskID: String, since: String) async throws -> [HeartbeatDay] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT day, beats, warnings, errors, max_pending, min_disk_free FROM heartbeat_day
                WHERE kiosk_id = ? AND day >= ? ORDER BY day
                """, arguments: [kioskID, since]).map {
                HeartbeatDay(day: $0["day"], beats: $0["beats"], warnings: $0["warnings"], errors: $0["errors"],
                             maxPending: $0["max_pending"], minDiskFreeBytes: $0["min_disk_free"])
            }
        }
    }

    public func fleet() async throws -> [FleetKiosk] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT k.id, k.site, k.last_seen_at, k.skew_seconds, h.received_at, h.body, k.disabled_reason, k.submissions
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
                                  submissions: row["submissions"], disabledReason: row["disabled_reason"])
            }
        }
    }

    public func submissionsPerHour(since: Date) async throws -> [String: Int] {
        let from = UTCTime.iso(since)
        return try await writer.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT hour, SUM(n) AS n FROM submission_hour WHERE hour >= ? GROUP BY hour
                """, arguments: [String(from.prefix(13))]) {
                result[row["hour"]] = row["n"]
            }
            return result
        }
    }

    /// One call, one row: a kiosk that sends its call again (its answer was lost, it timed out
    /// while the platform was slow) gets the number it was given the first time. A call is its
    /// kiosk, the moment it was made and the screen; the writer is serial, so the look and the
    /// insert cannot interleave with another.
    public func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64 {
        try await writer.write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM help WHERE kiosk_id = ? AND at = ? AND screen = ? ORDER BY id LIMIT 1",
                                           arguments: [kioskID, request.at, request.screen]) {
                return id
            }
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
}
