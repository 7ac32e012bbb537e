// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import ZizhuWire

/// 扫描纸质材料 on SQLite (see `PageChunk`).
extension SQLiteCentralStore {
    static func registerPagesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-pages") { db in
            // `data`: the whole page, sealed (NULL until it is whole); `page_chunk`: the chunks
            // received so far of pages not yet whole, in order.
            try db.execute(sql: """
                CREATE TABLE page (
                    acceptance_number TEXT NOT NULL REFERENCES submission(acceptance_number),
                    material TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    received INTEGER NOT NULL DEFAULT 0,
                    data TEXT,
                    complete_at TEXT,
                    PRIMARY KEY (acceptance_number, material, number)
                );
                CREATE TABLE page_chunk (
                    acceptance_number TEXT NOT NULL,
                    material TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    data BLOB NOT NULL,
                    PRIMARY KEY (acceptance_number, material, number, offset)
                );
                """)
        }
    }

    public func storePageChunk(_ chunk: PageChunk, from kioskID: String) async throws -> PageChunkOutcome {
        let ring = try sealing()
        return try await writer.write { db -> PageChunkOutcome in
            let place: StatementArguments = [chunk.acceptanceNumber, chunk.material, chunk.number]
            guard let owner = try String.fetchOne(db, sql: "SELECT kiosk_id FROM submission WHERE acceptance_number = ?",
                                                  arguments: [chunk.acceptanceNumber]) else { return .unknownCase }
            guard owner == kioskID else { return .otherKiosk }
            let stored: (size: Int, sha256: String, received: Int, complete: Bool)
            if let row = try Row.fetchOne(db, sql: """
                SELECT size, sha256, received, complete_at IS NOT NULL AS complete FROM page WHERE acceptance_number = ? AND material = ? AND number = ?
                """, arguments: place) {
                stored = (row["size"], row["sha256"], row["received"], row["complete"])
            } else {
                let pages = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM page WHERE acceptance_number = ?", arguments: [chunk.acceptanceNumber]) ?? 0
                guard pages < PageRules.mostPages else { return .tooMany }
                try db.execute(sql: "INSERT INTO page(acceptance_number, material, number, size, sha256) VALUES (?, ?, ?, ?, ?)",
                               arguments: place + [chunk.size, chunk.sha256])
                stored = (chunk.size, chunk.sha256, 0, false)
            }
            let (outcome, take) = PageChunkOutcome.taken(chunk, stored: stored)
            guard take, case .answer(let answer) = outcome else { return outcome }
            try db.execute(sql: "INSERT OR REPLACE INTO page_chunk(acceptance_number, material, number, offset, data) VALUES (?, ?, ?, ?, ?)",
                           arguments: place + [chunk.offset, chunk.bytes])
            guard answer.received == chunk.size else {
                try db.execute(sql: "UPDATE page SET received = ? WHERE acceptance_number = ? AND material = ? AND number = ?",
                               arguments: [answer.received] + place)
                return outcome
            }
            var whole = Data()
            for part in try Data.fetchAll(db, sql: "SELECT data FROM page_chunk WHERE acceptance_number = ? AND material = ? AND number = ? ORDER BY offset",
                                          arguments: place) { whole.append(part) }
            try db.execute(sql: "DELETE FROM page_chunk WHERE acceptance_number = ? AND material = ? AND number = ?", arguments: place)
            guard whole.count == chunk.size, whole.sha256Hex == chunk.sha256 else {
                try db.execute(sql: "UPDATE page SET received = 0 WHERE acceptance_number = ? AND material = ? AND number = ?", arguments: place)
                return .corrupt
            }
            try db.execute(sql: "UPDATE page SET received = ?, data = ?, complete_at = ? WHERE acceptance_number = ? AND material = ? AND number = ?",
                           arguments: [chunk.size, try ring.seal(whole.base64EncodedString(), context: chunk.sealContext), Self.now()] + place)
            return .answer(PageChunkAnswer(received: chunk.size, complete: true))
        }
    }

    public func casePages(acceptanceNumber: String) async throws -> [CasePage] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT material, number, size, received, complete_at IS NOT NULL AS complete FROM page WHERE acceptance_number = ? ORDER BY material, number
                """, arguments: [acceptanceNumber]).map {
                CasePage(material: $0["material"], number: $0["number"], size: $0["size"], received: $0["received"], complete: $0["complete"])
            }
        }
    }

    public func casePage(acceptanceNumber: String, material: String, number: Int) async throws -> Data? {
        let ring = try sealing()
        guard let sealed = try await writer.read({ db in
            try String.fetchOne(db, sql: "SELECT data FROM page WHERE acceptance_number = ? AND material = ? AND number = ? AND data IS NOT NULL",
                                arguments: [acceptanceNumber, material, number])
        }) else { return nil }
        let context = "page:\(acceptanceNumber)/\(material)/\(number)"
        return Data(base64Encoded: try ring.open(sealed, context: context))
    }

    /// The pages' seals in the reseal pass (`sealPlaintext`).
    static func resealPages(_ ring: PlatformKeyring, _ db: Database, _ census: inout PlatformSeal.Census) throws {
        for row in try Row.fetchAll(db, sql: "SELECT acceptance_number, material, number, data FROM page WHERE data IS NOT NULL") {
            let number: String = row["acceptance_number"], material: String = row["material"], page: Int = row["number"]
            let context = "page:\(number)/\(material)/\(page)"
            guard let sealed = try PlatformSeal.resealed(row["data"], context: context, ring, &census) else { continue }
            try db.execute(sql: "UPDATE page SET data = ? WHERE acceptance_number = ? AND material = ? AND number = ?",
                           arguments: [sealed, number, material, page])
        }
    }
}
