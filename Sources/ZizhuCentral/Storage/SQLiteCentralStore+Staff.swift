// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import ZizhuWire

/// The staff side's tables in SQLite (migration `v5-staff`): accounts, sessions, the
/// wrong-password counters, the append-only audit trail (triggers refuse UPDATE and
/// DELETE), a hold on a kiosk, re-enrolment tokens.
extension SQLiteCentralStore {
    static func registerStaffMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-staff") { db in
            try db.execute(sql: """
                CREATE TABLE staff (
                    name TEXT PRIMARY KEY,
                    password_hash TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE TABLE login_throttle (
                    key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    locked_until REAL
                );
                CREATE TABLE staff_session (
                    token_hash TEXT PRIMARY KEY,
                    staff TEXT NOT NULL REFERENCES staff(name),
                    csrf TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    address TEXT NOT NULL
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    address TEXT NOT NULL
                );
                CREATE INDEX audit_at ON audit(at);
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                ALTER TABLE kiosk ADD COLUMN disabled_reason TEXT;
                ALTER TABLE token ADD COLUMN for_kiosk TEXT;
                """)
        }
    }

    // MARK: Accounts

    public func addStaff(_ account: StaffAccount) async throws {
        try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE name = ?", arguments: [account.name]) == true {
                throw StaffProblem.exists(account.name)
            }
            try db.execute(sql: "INSERT INTO staff(name, password_hash, roles, disabled, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [account.name, account.passwordHash, StaffRole.text(account.roles), account.disabled,
                                       account.createdAt.timeIntervalSince1970])
        }
    }

    public func staff(named name: String) async throws -> StaffAccount? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff WHERE name = ?", arguments: [name]).map(Self.account)
        }
    }

    public func allStaff() async throws -> [StaffAccount] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM staff ORDER BY name").map(Self.account) }
    }

    static func account(_ row: Row) -> StaffAccount {
        StaffAccount(name: row["name"], passwordHash: row["password_hash"], roles: StaffRole.parse(row["roles"]) ?? [],
                     disabled: row["disabled"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    public func updateStaff(_ account: StaffAccount) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE staff SET password_hash = ?, roles = ?, disabled = ? WHERE name = ?",
                           arguments: [account.passwordHash, StaffRole.text(account.roles), account.disabled, account.name])
            if db.changesCount == 0 { throw StaffProblem.unknown(account.name) }
        }
    }

    // MARK: Wrong passwords

    public func loginThrottle(_ key: String) async throws -> LoginThrottle? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM login_throttle WHERE key = ?", arguments: [key]).map {
                LoginThrottle(failures: $0["failures"], lockedUntil: ($0["locked_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func setLoginThrottle(_ key: String, _ value: LoginThrottle?) async throws {
        try await writer.write { db in
            guard let value else {
                try db.execute(sql: "DELETE FROM login_throttle WHERE key = ?", arguments: [key])
                return
            }
            try db.execute(sql: """
                INSERT INTO login_throttle(key, failures, locked_until) VALUES (?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
                """, arguments: [key, value.failures, value.lockedUntil?.timeIntervalSince1970])
        }
    }

    // MARK: Sessions

    public func createSession(_ session: StaffSession) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO staff_session(token_hash, staff, csrf, created_at, last_seen, address) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [session.tokenHash, session.staff, session.csrf, session.createdAt.timeIntervalSince1970,
                                 session.lastSeen.timeIntervalSince1970, session.address])
        }
    }

    public func session(tokenHash: String) async throws -> StaffSession? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_session WHERE token_hash = ?", arguments: [tokenHash]).map {
                StaffSession(tokenHash: $0["token_hash"], staff: $0["staff"], csrf: $0["csrf"],
                             createdAt: Date(timeIntervalSince1970: $0["created_at"]), lastSeen: Date(timeIntervalSince1970: $0["last_seen"]),
                             address: $0["address"])
            }
        }
    }

    public func touchSession(tokenHash: String, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE staff_session SET last_seen = ? WHERE token_hash = ?", arguments: [at.timeIntervalSince1970, tokenHash])
        }
    }

    public func endSession(tokenHash: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM staff_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func endSessions(staff name: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM staff_session WHERE staff = ?", arguments: [name]) }
    }

    // MARK: Audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO audit(at, actor, role, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [entry.at, entry.actor, entry.role, entry.action, entry.target, entry.detail, entry.address])
        }
    }

    public func auditTrail(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var clauses: [String] = [], arguments: [String] = []
        for (column, value) in [("at >=", filter.since), ("actor =", filter.actor), ("action =", filter.action), ("target =", filter.target)] {
            guard let value else { continue }
            clauses.append("\(column) ?")
            arguments.append(value)
        }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let sql = "SELECT * FROM audit \(condition) ORDER BY id DESC LIMIT \(max(1, min(filter.limit, 10_000)))"
        return try await writer.read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                AuditEntry(at: $0["at"], actor: $0["actor"], role: $0["role"], action: $0["action"], target: $0["target"],
                           detail: $0["detail"], address: $0["address"])
            }
        }
    }

    // MARK: Kiosks

    public func setKioskDisabled(kioskID: String, reason: String?) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE kiosk SET disabled_reason = ? WHERE id = ?", arguments: [reason, kioskID])
            return db.changesCount > 0
        }
    }

    /// The secret and the disabled reason, read together for each kiosk request.
    public func credentials(kioskID: String) async throws -> KioskCredentials? {
        let ring = try sealing()
        let row = try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT secret, disabled_reason FROM kiosk WHERE id = ?", arguments: [kioskID])
        }
        guard let row, let sealed = row["secret"] as String?, let secret = try PlatformSeal.openSecret(sealed, kioskID: kioskID, ring) else {
            return nil
        }
        return KioskCredentials(secret: secret, disabledReason: row["disabled_reason"])
    }

    public func rotateSecret(kioskID: String) async throws -> String? {
        let token = CentralRules.newToken()
        let unknown = try sealing().seal(CentralRules.newSecret(), context: PlatformSeal.secret(kioskID))
        return try await writer.write { db in
            try db.execute(sql: "UPDATE kiosk SET secret = ? WHERE id = ?", arguments: [unknown, kioskID])
            guard db.changesCount > 0 else { return nil }
            try db.execute(sql: "INSERT INTO token(token, created_at, for_kiosk) VALUES (?, ?, ?)", arguments: [CentralRules.tokenKey(token), Self.now(), kioskID])
            return token
        }
    }
}
