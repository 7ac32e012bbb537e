// SPDX-License-Identifier: Apache-2.0
import Foundation
import PostgresNIO
import ZizhuWire

/// 扫描纸质材料 on PostgreSQL (see `PageChunk`): the same steps as the SQLite store, in one
/// transaction with the page's row locked.
extension PostgresCentralStore {
    static let pagesMigration = PostgresMigrations.Migration(name: "v12-pages", statements: [
        """
        CREATE TABLE IF NOT EXISTS page (acceptance_number TEXT NOT NULL REFERENCES submission(acceptance_number), material TEXT NOT NULL,
            number INTEGER NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0, data TEXT,
            complete_at TIMESTAMPTZ, PRIMARY KEY (acceptance_number, material, number))
        """,
        """
        CREATE TABLE IF NOT EXISTS page_chunk (acceptance_number TEXT NOT NULL, material TEXT NOT NULL, number INTEGER NOT NULL,
            "offset" INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (acceptance_number, material, number, "offset"))
        """,
    ])

    public func storePageChunk(_ chunk: PageChunk, from kioskID: String) async throws -> PageChunkOutcome {
        let ring = try sealing()
        let logger = self.logger
        let (number, material, page) = (chunk.acceptanceNumber, chunk.material, chunk.number)
        return try await client.withTransaction(logger: logger) { connection -> PageChunkOutcome in
            var owner: String?
            for try await kiosk in try await connection.query("SELECT kiosk_id FROM submission WHERE acceptance_number = \(number)",
                                                              logger: logger).decode(String.self) { owner = kiosk }
            guard let owner else { return .unknownCase }
            guard owner == kioskID else { return .otherKiosk }
            // The case's pages locked: two chunks of one page (or the page limit) cannot race.
            try await connection.query("SELECT 1 FROM submission WHERE acceptance_number = \(number) FOR UPDATE", logger: logger)
            var stored: (size: Int, sha256: String, received: Int, complete: Bool)?
            for try await (size, sha256, received, complete) in try await connection.query("""
                SELECT size, sha256, received, complete_at IS NOT NULL FROM page WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)
                """, logger: logger).decode((Int, String, Int, Bool).self) { stored = (size, sha256, received, complete) }
            if stored == nil {
                var pages = 0
                for try await count in try await connection.query("SELECT COUNT(*) FROM page WHERE acceptance_number = \(number)",
                                                                  logger: logger).decode(Int.self) { pages = count }
                guard pages < PageRules.mostPages else { return .tooMany }
                try await connection.query("""
                    INSERT INTO page(acceptance_number, material, number, size, sha256) VALUES (\(number), \(material), \(page), \(chunk.size), \(chunk.sha256))
                    """, logger: logger)
                stored = (chunk.size, chunk.sha256, 0, false)
            }
            guard let stored else { return .unknownCase }
            let (outcome, take) = PageChunkOutcome.taken(chunk, stored: stored)
            guard take, case .answer(let answer) = outcome else { return outcome }
            try await connection.query("""
                INSERT INTO page_chunk(acceptance_number, material, number, "offset", data) VALUES (\(number), \(material), \(page), \(chunk.offset), \(chunk.bytes))
                ON CONFLICT (acceptance_number, material, number, "offset") DO UPDATE SET data = EXCLUDED.data
                """, logger: logger)
            guard answer.received == chunk.size else {
                try await connection.query("""
                    UPDATE page SET received = \(answer.received) WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)
                    """, logger: logger)
                return outcome
            }
            var whole = Data()
            for try await part in try await connection.query("""
                SELECT data FROM page_chunk WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page) ORDER BY "offset"
                """, logger: logger).decode(Data.self) { whole.append(part) }
            try await connection.query("DELETE FROM page_chunk WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)",
                                       logger: logger)
            guard whole.count == chunk.size, whole.sha256Hex == chunk.sha256 else {
                try await connection.query("UPDATE page SET received = 0 WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)",
                                           logger: logger)
                return .corrupt
            }
            let sealed = try ring.seal(whole.base64EncodedString(), context: chunk.sealContext)
            try await connection.query("""
                UPDATE page SET received = \(chunk.size), data = \(sealed), complete_at = now()
                WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)
                """, logger: logger)
            return .answer(PageChunkAnswer(received: chunk.size, complete: true))
        }
    }

    public func casePages(acceptanceNumber: String) async throws -> [CasePage] {
        var pages: [CasePage] = []
        for try await (material, number, size, received, complete) in try await client.query("""
            SELECT material, number, size, received, complete_at IS NOT NULL FROM page WHERE acceptance_number = \(acceptanceNumber) ORDER BY material, number
            """, logger: logger).decode((String, Int, Int, Int, Bool).self) {
            pages.append(CasePage(material: material, number: number, size: size, received: received, complete: complete))
        }
        return pages
    }

    public func casePage(acceptanceNumber: String, material: String, number: Int) async throws -> Data? {
        let ring = try sealing()
        for try await sealed in try await client.query("""
            SELECT data FROM page WHERE acceptance_number = \(acceptanceNumber) AND material = \(material) AND number = \(number) AND data IS NOT NULL
            """, logger: logger).decode(String.self) {
            return Data(base64Encoded: try ring.open(sealed, context: "page:\(acceptanceNumber)/\(material)/\(number)"))
        }
        return nil
    }

    /// The pages' seals in a rotation's reseal pass.
    static func resealPages(_ ring: PlatformKeyring, _ connection: PostgresConnection, logger: Logger, _ census: inout PlatformSeal.Census) async throws {
        var rows: [(String, String, Int, String)] = []
        for try await row in try await connection.query("SELECT acceptance_number, material, number, data FROM page WHERE data IS NOT NULL FOR UPDATE",
                                                        logger: logger).decode((String, String, Int, String).self) { rows.append(row) }
        for (number, material, page, data) in rows {
            guard let sealed = try PlatformSeal.resealed(data, context: "page:\(number)/\(material)/\(page)", ring, &census) else { continue }
            try await connection.query("UPDATE page SET data = \(sealed) WHERE acceptance_number = \(number) AND material = \(material) AND number = \(page)",
                                       logger: logger)
        }
    }
}
