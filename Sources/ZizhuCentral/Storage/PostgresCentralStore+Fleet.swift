// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import PostgresNIO
import ZizhuWire

/// What the fleet dashboard and the help desk read and write on PostgreSQL: each kiosk's latest
/// heartbeat, the fleet with its counts, submissions per hour, 呼叫帮办 requests.
extension PostgresCentralStore {
    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat, at: Date, once nonce: NonceUse?) async throws -> Bool {
        let body = String(decoding: try CanonicalJSON.encode(heartbeat), as: UTF8.self)
        let (day, warning, error) = (CentralRules.heartbeatDay(at), heartbeat.status == "warning" ? 1 : 0, heartbeat.status == "error" ? 1 : 0)
        // One statement, one round trip, one transaction: the nonce, the latest heartbeat and the day.
        let statement = RecordHeartbeatStatement(kioskID: kioskID, at: at, body: body, day: day, warning: warning, error: error,
                                                 pending: heartbeat.outboxPending, diskFree: heartbeat.diskFreeBytes, nonce: nonce)
        var recorded = false
        for try await count in try await client.execute(statement, logger: logger) { recorded = count > 0 }
        return recorded
    }

    public func heartbeatDays(kioskID: String, since: String) async throws -> [HeartbeatDay] {
        var days: [HeartbeatDay] = []
        for try await (day, beats, warnings, errors, pending, disk) in try await client.query("""
            SELECT day, beats, warnings, errors, max_pending, min_disk_free FROM heartbeat_day
            WHERE kiosk_id = \(kioskID) AND day >= \(since) ORDER BY day
            """, logger: logger).decode((String, Int32, Int32, Int32, Int64, Int64).self) {
            days.append(HeartbeatDay(day: day, beats: Int(beats), warnings: Int(warnings), errors: Int(errors), maxPending: Int(pending),
                                     minDiskFreeBytes: disk))
        }
        return days
    }

    public func fleet() async throws -> [FleetKiosk] {
        let rows = try await client.query("""
            SELECT k.id, k.site, k.last_seen_at, k.skew_seconds, h.received_at, h.body, k.submissions, k.disabled_reason
            FROM kiosk k LEFT JOIN heartbeat h ON h.kiosk_id = k.id ORDER BY k.id
            """, logger: logger)
        var fleet: [FleetKiosk] = []
        for try await (id, site, seen, skew, at, body, count, disabled) in rows.decode((String, String, Date?, Int64?, Date?, String?, Int64, String?).self) {
            fleet.append(FleetKiosk(id: id, site: site, lastSeen: seen, skewSeconds: skew,
                                    heartbeat: body.flatMap { try? JSONDecoder().decode(Heartbeat.self, from: Data($0.utf8)) },
                                    heartbeatAt: at, submissions: Int(count), disabledReason: disabled))
        }
        return fleet
    }

    public func submissionsPerHour(since: Date) async throws -> [String: Int] {
        let from = String(UTCTime.iso(since).prefix(13))
        let rows = try await client.query("""
            SELECT hour, SUM(n)::bigint FROM submission_hour WHERE hour >= \(from) GROUP BY hour
            """, logger: logger)
        var result: [String: Int] = [:]
        for try await (hour, count) in rows.decode((String, Int64).self) { result[hour] = Int(count) }
        return result
    }

    /// One call, one row (see the SQLite store): the kiosk's calls take turns on its own
    /// transaction lock, so a call sent again while the first is still being stored waits for
    /// it and gets its number.
    public func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64 {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection -> Int64 in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("help:" + kioskID)))", logger: logger)
            for try await id in try await connection.query(
                "SELECT id FROM help WHERE kiosk_id = \(kioskID) AND at = \(request.at) AND screen = \(request.screen) ORDER BY id LIMIT 1",
                logger: logger).decode(Int64.self) { return id }
            for try await id in try await connection.query(
                "INSERT INTO help(kiosk_id, screen, at) VALUES (\(kioskID), \(request.screen), \(request.at)) RETURNING id", logger: logger).decode(Int64.self) {
                return id
            }
            throw ProblemResponse(error: "storage", detail: "no id returned")
        }
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
}
