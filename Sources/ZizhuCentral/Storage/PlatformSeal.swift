// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import ZizhuWire

/// Where each sealed value lives, which binds it there (`PlatformKeyring.seal(_:context:)`),
/// and the passes both stores run over their sealed columns: sealing what an older version
/// stored in plain text, and resealing under the current key after a rotation.
public enum PlatformSeal {
    /// What opening and resealing found: values per sealing key before the pass, and how many
    /// the pass (re)sealed.
    public struct Census: Sendable, Equatable, CustomStringConvertible {
        public var byKey: [String: Int] = [:]
        public var plain = 0
        public var resealed = 0

        public var description: String {
            let keys = byKey.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            return "sealed values by key {\(keys)}, plain \(plain), resealed now \(resealed)"
        }
    }

    public struct MissingKey: Error, CustomStringConvertible {
        public var description: String {
            "this needs the platform key (--platform-key FILE): payloads and kiosk secrets are sealed with it"
        }
    }

    static func payload(_ kind: OutboxKind, key: String) -> String { kind == .submission ? "submission:\(key)" : "entry:\(key)" }
    static func secret(_ kioskID: String) -> String { "kiosk-secret:\(kioskID)" }

    static func openSecret(_ sealed: String, kioskID: String, _ ring: PlatformKeyring) throws -> SymmetricKey? {
        let text = try ring.open(sealed, context: secret(kioskID))
        return Data(base64Encoded: text).map { SymmetricKey(data: $0) }
    }

    /// The value sealed under the current key: nil when it is already; a plain value (from a
    /// version before sealing) is sealed as it is.
    static func resealed(_ value: String, context: String, _ ring: PlatformKeyring, _ census: inout Census) throws -> String? {
        if let id = PlatformKeyring.keyID(of: value) {
            census.byKey[id, default: 0] += 1
            if id == ring.currentKeyID { return nil }
            census.resealed += 1
            return try ring.seal(try ring.open(value, context: context), context: context)
        }
        census.plain += 1
        census.resealed += 1
        return try ring.seal(value, context: context)
    }
}

extension SQLiteCentralStore {
    func sealing() throws -> PlatformKeyring {
        guard let keyring else { throw PlatformSeal.MissingKey() }
        return keyring
    }

    /// Seals what a version before sealing stored in plain text (payloads, kiosk secrets) and
    /// keys the applicant index; run at every start, it finds nothing once done. `everything`
    /// also reseals values sealed under an older key (after a rotation).
    @discardableResult
    static func sealPlaintext(_ ring: PlatformKeyring, _ db: Database, everything: Bool = false) throws -> PlatformSeal.Census {
        var census = PlatformSeal.Census()
        let filter = everything ? "" : " WHERE \(plainFilter("payload"))"
        for row in try Row.fetchAll(db, sql: "SELECT key, payload FROM submission" + filter) {
            let key: String = row["key"], payload: String = row["payload"]
            let context = PlatformSeal.payload(.submission, key: key)
            guard let sealed = try PlatformSeal.resealed(payload, context: context, ring, &census) else { continue }
            if PlatformKeyring.keyID(of: payload) == nil {
                try db.execute(sql: "UPDATE submission SET payload = ?, applicant = ? WHERE key = ?",
                               arguments: [sealed, ring.applicantIndex(payload: payload), key])
            } else {
                try db.execute(sql: "UPDATE submission SET payload = ? WHERE key = ?", arguments: [sealed, key])
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT key, kind, payload FROM kiosk_entry" + filter) {
            let key: String = row["key"]
            let kind = OutboxKind(rawValue: row["kind"]) ?? .rating
            guard let sealed = try PlatformSeal.resealed(row["payload"], context: PlatformSeal.payload(kind, key: key), ring, &census) else { continue }
            try db.execute(sql: "UPDATE kiosk_entry SET payload = ? WHERE key = ?", arguments: [sealed, key])
        }
        let secrets = everything ? "" : " WHERE \(plainFilter("secret"))"
        for row in try Row.fetchAll(db, sql: "SELECT id, secret FROM kiosk" + secrets) {
            let id: String = row["id"]
            guard let sealed = try PlatformSeal.resealed(row["secret"], context: PlatformSeal.secret(id), ring, &census) else { continue }
            try db.execute(sql: "UPDATE kiosk SET secret = ? WHERE id = ?", arguments: [sealed, id])
        }
        // Pages are only ever stored sealed: only a rotation's pass has work there.
        if everything { try resealPages(ring, db, &census) }
        return census
    }

    static func plainFilter(_ column: String) -> String { "substr(\(column), 1, 4) <> '\(PlatformKeyring.prefix)'" }

    /// Every sealed value under the current key (after `platform-key rotate`); the census
    /// says which keys still held values before.
    public func reseal() async throws -> PlatformSeal.Census {
        let ring = try sealing()
        return try await writer.write { db in try Self.sealPlaintext(ring, db, everything: true) }
    }

    /// An application's payload, opened (a reviewer's case page).
    public func casePayload(acceptanceNumber: String) async throws -> String? {
        let ring = try sealing()
        guard let row = try await writer.read({ db in
            try Row.fetchOne(db, sql: "SELECT key, payload FROM submission WHERE acceptance_number = ?", arguments: [acceptanceNumber])
        }) else { return nil }
        return try ring.open(row["payload"], context: PlatformSeal.payload(.submission, key: row["key"]))
    }
}

extension PostgresCentralStore {
    func sealing() throws -> PlatformKeyring {
        guard let keyring else { throw PlatformSeal.MissingKey() }
        return keyring
    }

    /// The same pass as `SQLiteCentralStore.sealPlaintext`, in one transaction.
    @discardableResult
    func sealPlaintext(_ ring: PlatformKeyring, everything: Bool) async throws -> PlatformSeal.Census {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var census = PlatformSeal.Census()
            let plain = "zs1:%"
            var rows: [(String, String)] = []
            for try await row in try await connection.query(everything ? "SELECT key, payload FROM submission FOR UPDATE"
                                                                       : "SELECT key, payload FROM submission WHERE payload NOT LIKE \(plain) FOR UPDATE",
                                                            logger: logger).decode((String, String).self) { rows.append(row) }
            for (key, payload) in rows {
                guard let sealed = try PlatformSeal.resealed(payload, context: PlatformSeal.payload(.submission, key: key), ring, &census) else { continue }
                if PlatformKeyring.keyID(of: payload) == nil {
                    try await connection.query("UPDATE submission SET payload = \(sealed), applicant = \(ring.applicantIndex(payload: payload)) WHERE key = \(key)",
                                               logger: logger)
                } else {
                    try await connection.query("UPDATE submission SET payload = \(sealed) WHERE key = \(key)", logger: logger)
                }
            }
            var entries: [(String, String, String)] = []
            for try await row in try await connection.query(everything ? "SELECT key, kind, payload FROM kiosk_entry FOR UPDATE"
                                                                       : "SELECT key, kind, payload FROM kiosk_entry WHERE payload NOT LIKE \(plain) FOR UPDATE",
                                                            logger: logger).decode((String, String, String).self) { entries.append(row) }
            for (key, kind, payload) in entries {
                let context = PlatformSeal.payload(OutboxKind(rawValue: kind) ?? .rating, key: key)
                guard let sealed = try PlatformSeal.resealed(payload, context: context, ring, &census) else { continue }
                try await connection.query("UPDATE kiosk_entry SET payload = \(sealed) WHERE key = \(key)", logger: logger)
            }
            var kiosks: [(String, String)] = []
            for try await row in try await connection.query(everything ? "SELECT id, secret FROM kiosk FOR UPDATE"
                                                                       : "SELECT id, secret FROM kiosk WHERE secret NOT LIKE \(plain) FOR UPDATE",
                                                            logger: logger).decode((String, String).self) { kiosks.append(row) }
            for (id, secret) in kiosks {
                guard let sealed = try PlatformSeal.resealed(secret, context: PlatformSeal.secret(id), ring, &census) else { continue }
                try await connection.query("UPDATE kiosk SET secret = \(sealed) WHERE id = \(id)", logger: logger)
            }
            if everything { try await Self.resealPages(ring, connection, logger: logger, &census) }
            // A wrong key file fails here, with its reason, not at the first kiosk request.
            for try await (id, secret) in try await connection.query("SELECT id, secret FROM kiosk LIMIT 1", logger: logger).decode((String, String).self) {
                _ = try PlatformSeal.openSecret(secret, kioskID: id, ring)
            }
            return census
        }
    }

    public func reseal() async throws -> PlatformSeal.Census { try await sealPlaintext(try sealing(), everything: true) }

    public func casePayload(acceptanceNumber: String) async throws -> String? {
        let ring = try sealing()
        let rows = try await client.query("SELECT key, payload FROM submission WHERE acceptance_number = \(acceptanceNumber)", logger: logger)
        for try await (key, payload) in rows.decode((String, String).self) {
            return try ring.open(payload, context: PlatformSeal.payload(.submission, key: key))
        }
        return nil
    }
}
