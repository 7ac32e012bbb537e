// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuWire

/// 扫描纸质材料: one page scanned at the kiosk, as it goes into the outbox with its application.
public struct OutboxPage: Sendable, Hashable {
    public var material: String
    public var number: Int
    /// The page as WebP.
    public var data: Data

    public init(material: String, number: Int, data: Data) {
        self.material = material
        self.number = number
        self.data = data
    }

    public var manifest: PageManifest { PageManifest(material: material, number: number, bytes: data.count, sha256: data.sha256Hex) }

    /// What a sealed page is bound to: its application and its place in it.
    static func context(_ key: String, _ material: String, _ number: Int) -> String { "page:\(key)/\(material)/\(number)" }
}

/// A page whose application the platform holds, still to be uploaded (from `sent` on).
public struct PendingPage: Sendable, Hashable {
    public var id: Int64
    public var acceptanceNumber: String
    public var material: String
    public var number: Int
    public var data: Data
    public var sha256: String
    public var sent: Int
}

extension Outbox {
    /// Pages to upload now: those of applications the platform has confirmed, oldest first,
    /// opened. A page that does not open (a damaged disk) is set aside with its reason.
    public func pagesToUpload(limit: Int = 20) throws -> [PendingPage] {
        let rows = try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT page.id, page.entry_key, page.material, page.number, page.sha256, page.sealed, page.sent, entry.acceptance_number
                FROM page JOIN entry ON entry.key = page.entry_key
                WHERE page.state = 'pending' AND entry.state = 'confirmed'
                ORDER BY entry.sequence, page.material, page.number LIMIT ?
                """, arguments: [limit])
        }
        var pages: [PendingPage] = []
        for row in rows {
            let id: Int64 = row["id"], key: String = row["entry_key"], material: String = row["material"], number: Int = row["number"]
            guard let sealed: Data = row["sealed"], let box = try? AES.GCM.SealedBox(combined: sealed),
                  let data = try? AES.GCM.open(box, using: self.key, authenticating: Data(OutboxPage.context(key, material, number).utf8)) else {
                try refusePage(id, reason: "the page does not open with this kiosk's key (damaged)")
                continue
            }
            pages.append(PendingPage(id: id, acceptanceNumber: row["acceptance_number"], material: material, number: number, data: data,
                                     sha256: row["sha256"], sent: row["sent"]))
        }
        return pages
    }

    /// The platform holds this much of the page: the next upload starts there.
    public func recordPageSent(_ id: Int64, bytes: Int) throws {
        try writer.write { db in try db.execute(sql: "UPDATE page SET sent = ? WHERE id = ?", arguments: [bytes, id]) }
    }

    /// The platform holds the page whole: its bytes are deleted here.
    public func confirmPage(_ id: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE page SET state = 'confirmed', sealed = NULL, last_error = NULL WHERE id = ?", arguments: [id])
        }
    }

    /// Refused for good (the platform will not take it): kept with the reason, for the technician.
    public func refusePage(_ id: Int64, reason: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE page SET state = 'refused', last_error = ? WHERE id = ?", arguments: [reason, id])
        }
    }

    /// Pages by state (`pending`, `confirmed`, `refused`) and how many still hold their bytes.
    public func pageCounts() throws -> (byState: [String: Int], holdingBytes: Int) {
        try writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM page GROUP BY state") { counts[row["state"]] = row["n"] }
            return (counts, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE sealed IS NOT NULL") ?? 0)
        }
    }
}
