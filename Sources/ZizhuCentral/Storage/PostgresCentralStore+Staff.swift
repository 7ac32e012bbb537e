// SPDX-License-Identifier: Apache-2.0
import Foundation
import PostgresNIO
import ZizhuWire

/// The staff side's tables in PostgreSQL (migration `v5-staff`), the same rows as the
/// SQLite store's; the audit table refuses UPDATE, DELETE and TRUNCATE by trigger.
extension PostgresCentralStore {
    // MARK: Accounts

    public func addStaff(_ account: StaffAccount) async throws {
        let rows = try await client.query("""
            INSERT INTO staff(name, password_hash, roles, disabled, created_at)
            VALUES (\(account.name), \(account.passwordHash), \(StaffRole.text(account.roles)), \(account.disabled),
                    \(account.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING name
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        if !inserted { throw StaffProblem.exists(account.name) }
    }

    public func staff(named name: String) async throws -> StaffAccount? {
        try await accounts("SELECT name, password_hash, roles, disabled, created_at FROM staff WHERE name = \(name)").first
    }

    public func allStaff() async throws -> [StaffAccount] {
        try await accounts("SELECT name, password_hash, roles, disabled, created_at FROM staff ORDER BY name")
    }

    private func accounts(_ query: PostgresQuery) async throws -> [StaffAccount] {
        var accounts: [StaffAccount] = []
        for try await (name, hash, roles, disabled, created) in try await client.query(query, logger: logger)
            .decode((String, String, String, Bool, Double).self) {
            accounts.append(StaffAccount(name: name, passwordHash: hash, roles: StaffRole.parse(roles) ?? [], disabled: disabled,
                                         createdAt: Date(timeIntervalSince1970: created)))
        }
        return accounts
    }

    public func updateStaff(_ account: StaffAccount) async throws {
        let rows = try await client.query("""
            UPDATE staff SET password_hash = \(account.passwordHash), roles = \(StaffRole.text(account.roles)),
                disabled = \(account.disabled) WHERE name = \(account.name) RETURNING name
            """, logger: logger)
        var updated = false
        for try await _ in rows { updated = true }
        if !updated { throw StaffProblem.unknown(account.name) }
    }

    // MARK: Wrong passwords

    public func loginThrottle(_ key: String) async throws -> LoginThrottle? {
        let rows = try await client.query("SELECT failures, locked_until FROM login_throttle WHERE key = \(key)", logger: logger)
        for try await (failures, until) in rows.decode((Int64, Double?).self) {
            return LoginThrottle(failures: Int(failures), lockedUntil: until.map(Date.init(timeIntervalSince1970:)))
        }
        return nil
    }

    public func setLoginThrottle(_ key: String, _ value: LoginThrottle?) async throws {
        guard let value else {
            try await client.query("DELETE FROM login_throttle WHERE key = \(key)", logger: logger)
            return
        }
        try await client.query("""
            INSERT INTO login_throttle(key, failures, locked_until) VALUES (\(key), \(Int64(value.failures)),
                \(value.lockedUntil?.timeIntervalSince1970))
            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
            """, logger: logger)
    }

    // MARK: Sessions

    public func createSession(_ session: StaffSession) async throws {
        try await client.query("""
            INSERT INTO staff_session(token_hash, staff, csrf, created_at, last_seen, address)
            VALUES (\(session.tokenHash), \(session.staff), \(session.csrf), \(session.createdAt.timeIntervalSince1970),
                    \(session.lastSeen.timeIntervalSince1970), \(session.address))
            """, logger: logger)
    }

    public func session(tokenHash: String) async throws -> StaffSession? {
        let rows = try await client.query("""
            SELECT token_hash, staff, csrf, created_at, last_seen, address FROM staff_session WHERE token_hash = \(tokenHash)
            """, logger: logger)
        for try await (hash, staff, csrf, created, seen, address) in rows.decode((String, String, String, Double, Double, String).self) {
            return StaffSession(tokenHash: hash, staff: staff, csrf: csrf, createdAt: Date(timeIntervalSince1970: created),
                                lastSeen: Date(timeIntervalSince1970: seen), address: address)
        }
        return nil
    }

    public func touchSession(tokenHash: String, at: Date) async throws {
        try await client.query("UPDATE staff_session SET last_seen = \(at.timeIntervalSince1970) WHERE token_hash = \(tokenHash)",
                               logger: logger)
    }

    public func endSession(tokenHash: String) async throws {
        try await client.query("DELETE FROM staff_session WHERE token_hash = \(tokenHash)", logger: logger)
    }

    public func endSessions(staff name: String) async throws {
        try await client.query("DELETE FROM staff_session WHERE staff = \(name)", logger: logger)
    }

    // MARK: Audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await client.query("""
            INSERT INTO audit(at, actor, role, action, target, detail, address)
            VALUES (\(entry.at), \(entry.actor), \(entry.role), \(entry.action), \(entry.target), \(entry.detail), \(entry.address))
            """, logger: logger)
    }

    public func auditTrail(_ filter: AuditFilter) async throws -> [AuditEntry] {
        // Each filter is a bound parameter; an absent one matches everything.
        let limit = Int64(max(1, min(filter.limit, 10_000)))
        let rows = try await client.query("""
            SELECT at, actor, role, action, target, detail, address FROM audit
            WHERE (\(filter.since)::text IS NULL OR at >= \(filter.since)) AND (\(filter.actor)::text IS NULL OR actor = \(filter.actor))
              AND (\(filter.action)::text IS NULL OR action = \(filter.action)) AND (\(filter.target)::text IS NULL OR target = \(filter.target))
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var entries: [AuditEntry] = []
        for try await (at, actor, role, action, target, detail, address) in rows.decode((String, String, String, String, String, String, String).self) {
            entries.append(AuditEntry(at: at, actor: actor, role: role, action: action, target: target, detail: detail, address: address))
        }
        return entries
    }

    // MARK: Kiosks

    public func setKioskDisabled(kioskID: String, reason: String?) async throws -> Bool {
        var found = false
        for try await _ in try await client.query("UPDATE kiosk SET disabled_reason = \(reason) WHERE id = \(kioskID) RETURNING id", logger: logger) {
            found = true
        }
        return found
    }

    public func rotateSecret(kioskID: String) async throws -> String? {
        let token = CentralRules.newToken()
        let unknown = try sealing().seal(CentralRules.newSecret(), context: PlatformSeal.secret(kioskID))
        return try await client.withTransaction(logger: logger) { connection in
            var found = false
            for try await _ in try await connection.query("UPDATE kiosk SET secret = \(unknown) WHERE id = \(kioskID) RETURNING id",
                                                          logger: logger) {
                found = true
            }
            guard found else { return nil }
            try await connection.query("INSERT INTO token(token, for_kiosk) VALUES (\(CentralRules.tokenKey(token)), \(kioskID))", logger: logger)
            return token
        }
    }
}
