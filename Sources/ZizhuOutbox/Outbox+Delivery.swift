// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

/// Handing entries to the platform client and recording what became of them.
extension Outbox {
    // MARK: Delivery

    /// Pending entries in order, oldest first, capped by count and bytes. `ignoringBackoff`
    /// takes entries whose retry time has not come yet (`zizhu sync --now`). Entries that
    /// cannot be opened are quarantined and skipped.
    public func due(limit: Int, maxBytes: Int, kind: OutboxKind = .submission, now: Date = Date(),
                    ignoringBackoff: Bool = false) throws -> [Entry] {
        let rows: [Row]
        do {
            rows = try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, attempts
                    FROM entry WHERE state = 'pending' AND kind = ? AND (? OR next_attempt_at <= ?)
                    ORDER BY sequence LIMIT ?
                    """, arguments: [kind.rawValue, ignoringBackoff, now.timeIntervalSince1970, limit])
            }
        } catch let error as DatabaseError where Outbox.isUnreadable(error) {
            // A page of the file cannot be read (a failing sector): entry by entry, so that
            // one bad page holds back only the entries on it.
            rows = try dueOneByOne(limit: limit, kind: kind, now: now, ignoringBackoff: ignoringBackoff)
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

    /// `due` when the batch query met an unreadable page: the pending entries' row ids from
    /// the `entry_due` index alone (its pages are not the table's), then each row read on its
    /// own. A row that cannot be read is set aside: quarantined where the database will
    /// still take the change, and skipped for the life of this process in any case (the
    /// change itself needs the page). It is never sent, and never lost from the count:
    /// `unreadableCount` and the heartbeat's disk state say so.
    func dueOneByOne(limit: Int, kind: OutboxKind, now: Date, ignoringBackoff: Bool) throws -> [Row] {
        let candidates = try writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT rowid FROM entry INDEXED BY entry_due
                WHERE state = 'pending' AND (? OR next_attempt_at <= ?) ORDER BY sequence
                """, arguments: [ignoringBackoff, now.timeIntervalSince1970])
        }
        var rows: [Row] = []
        for rowid in candidates where !unreadable.contains(rowid) {
            do {
                let row = try writer.read { db in
                    try Row.fetchOne(db, sql: """
                        SELECT key, sequence, acceptance_number, service_id, created_at, payload_hash, sealed, attempts, kind
                        FROM entry WHERE rowid = ?
                        """, arguments: [rowid])
                }
                guard let row, row["kind"] as String? == kind.rawValue else { continue }
                rows.append(row)
                if rows.count >= limit { break }
            } catch let error as DatabaseError where Outbox.isUnreadable(error) {
                unreadable.insert(rowid)
                let reason = "unreadable: I/O error reading its row (the disk may be failing): \(error.message ?? "")"
                _ = try? writer.write { db in
                    try db.execute(sql: "UPDATE entry SET state = 'quarantined', last_error = ? WHERE rowid = ?", arguments: [reason, rowid])
                }
            }
        }
        return rows
    }

    /// Entries set aside in this process because their rows could not be read.
    public var unreadableCount: Int { unreadable.count }

    /// What `zizhu queue check` reports beside SQLite's integrity check: each pending entry
    /// read on its own (so a page the disk cannot read names only the entries on it) and its
    /// payload opened with the outbox key and checked against its hash. Returns how many are
    /// pending and one line per entry that is not whole.
    public func checkPending() throws -> (pending: Int, problems: [String]) {
        let candidates = try writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT rowid FROM entry INDEXED BY entry_due WHERE state = 'pending' ORDER BY sequence")
        }
        var problems: [String] = []
        for rowid in candidates {
            do {
                let row = try writer.read { db in
                    try Row.fetchOne(db, sql: "SELECT key, sequence, acceptance_number, payload_hash, sealed FROM entry WHERE rowid = ?",
                                     arguments: [rowid])
                }
                guard let row else { continue }
                let key: String = row["key"], hash: String = row["payload_hash"], sealed: Data? = row["sealed"]
                let sequence: Int64 = row["sequence"], number: String = row["acceptance_number"]
                guard let sealed, let box = try? AES.GCM.SealedBox(combined: sealed),
                      let plain = try? AES.GCM.open(box, using: self.key, authenticating: Data(key.utf8)) else {
                    problems.append("unreadable \(sequence) \(number): cannot be opened with the outbox key")
                    continue
                }
                if plain.sha256Hex != hash { problems.append("unreadable \(sequence) \(number): payload hash mismatch") }
            } catch let error as DatabaseError where Outbox.isUnreadable(error) {
                problems.append("unreadable row \(rowid): the disk could not read it (\(error.message ?? "I/O error"))")
            }
        }
        return (candidates.count, problems)
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
}

/// Row ids of entries that could not be read from the disk, shared by every caller of one
/// `Outbox`.
final class UnreadableRows: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: Set<Int64> = []

    func contains(_ rowid: Int64) -> Bool { lock.withLock { rows.contains(rowid) } }
    func insert(_ rowid: Int64) { lock.withLock { _ = rows.insert(rowid) } }
    var count: Int { lock.withLock { rows.count } }
}
