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
}
