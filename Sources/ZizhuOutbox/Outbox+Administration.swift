// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

/// Housekeeping and the technician's queue commands (`zizhu queue …`).
extension Outbox {
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
            // A tombstone goes with its pages once they are all delivered (or refused); one
            // whose pages still wait stays until they are through.
            let old = "state = 'confirmed' AND confirmed_at < ? AND sequence < (SELECT MAX(sequence) FROM entry)"
                + " AND NOT EXISTS (SELECT 1 FROM page WHERE page.entry_key = entry.key AND page.state = 'pending')"
            try db.execute(sql: "DELETE FROM page WHERE entry_key IN (SELECT key FROM entry WHERE \(old))", arguments: [tombstoneCutoff])
            try db.execute(sql: "DELETE FROM entry WHERE \(old)", arguments: [tombstoneCutoff])
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
        /// 扫描纸质材料: scanned pages still to upload, and pages the platform refused (kept here).
        public var pagesPending = 0
        public var pagesRefused = 0

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
        let (counts, pages) = try writer.read { db in
            var counts: [String: Int] = [:], pages: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM entry GROUP BY state") {
                counts[row["state"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM page GROUP BY state") {
                pages[row["state"]] = row["n"]
            }
            return (counts, pages)
        }
        // The counts come from the `entry_due` index; the oldest entry's row may sit on a page
        // the disk cannot read, which leaves only its age unknown. (A read of its own: SQLite
        // fails the whole transaction a page could not be read in, down to its COMMIT.)
        let oldest: String?
        do {
            oldest = try writer.read { db in
                try String.fetchOne(db, sql: "SELECT created_at FROM entry WHERE state = 'pending' ORDER BY sequence LIMIT 1")
            }
        } catch let error as DatabaseError where Outbox.isUnreadable(error) {
            oldest = nil
        }
        let age = oldest.flatMap { ISO8601DateFormatter().date(from: $0) }.map { now.timeIntervalSince($0) }
        var depth = Depth(pending: counts["pending"] ?? 0, confirmed: counts["confirmed"] ?? 0, dead: counts["dead"] ?? 0,
                          quarantined: counts["quarantined"] ?? 0, oldestPendingSeconds: age)
        depth.pagesPending = pages["pending"] ?? 0
        depth.pagesRefused = pages["refused"] ?? 0
        return depth
    }
}
