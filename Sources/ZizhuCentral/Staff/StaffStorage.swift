// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuWire

/// What the staff side keeps, whichever database holds it: accounts, sessions, the
/// wrong-password counters, the audit trail, and which kiosks operators have disabled. Everything
/// is in the database, so several `zizhu-central` instances share sessions and lockouts.
/// The stores only move rows; `StaffRules` decides.
public protocol StaffStorage: Sendable {
    /// Adds an account; `StaffProblem.exists` when the name is taken.
    func addStaff(_ account: StaffAccount) async throws
    func staff(named name: String) async throws -> StaffAccount?
    func allStaff() async throws -> [StaffAccount]
    /// Replaces the account's password hash, roles and disabled flag.
    func updateStaff(_ account: StaffAccount) async throws

    /// A wrong-password counter ("account:NAME" or "address:IP"); nil when clean.
    func loginThrottle(_ key: String) async throws -> LoginThrottle?
    /// Sets it, or clears it with nil.
    func setLoginThrottle(_ key: String, _ value: LoginThrottle?) async throws

    func createSession(_ session: StaffSession) async throws
    /// The session whose token hashes to this (the database never holds the token itself).
    func session(tokenHash: String) async throws -> StaffSession?
    func touchSession(tokenHash: String, at: Date) async throws
    func endSession(tokenHash: String) async throws
    /// Ends every session of one person (disabled, password changed).
    func endSessions(staff name: String) async throws

    /// Appends one row; rows are never changed or removed (the database refuses it).
    func appendAudit(_ entry: AuditEntry) async throws
    /// Newest first.
    func auditTrail(_ filter: AuditFilter) async throws -> [AuditEntry]

    /// Disables a kiosk (its signed requests are refused with the reason) or enables it (nil).
    /// False when there is no such kiosk.
    func setKioskDisabled(kioskID: String, reason: String?) async throws -> Bool
    /// Replaces the kiosk's secret with one nobody knows (the old one stops working at
    /// once) and returns a one-time token that re-enrols this kiosk id only; nil when there
    /// is no such kiosk.
    func rotateSecret(kioskID: String) async throws -> String?
}

public enum StaffProblem: Error, Equatable, CustomStringConvertible {
    case exists(String)
    case unknown(String)
    case weakPassword(String)
    case badName(String)
    case noRoles

    public var description: String {
        switch self {
        case .exists(let name): return "a staff account named '\(name)' exists already"
        case .unknown(let name): return "there is no staff account named '\(name)'"
        case .weakPassword(let why): return "password refused: \(why)"
        case .badName(let name): return "'\(name)' is not a usable login name (2–32 of a-z, 0-9, '.', '-', '_')"
        case .noRoles: return "give at least one role: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

/// What a member of staff may do. A person may hold several.
public enum StaffRole: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// 人工审核: the review queue, approve and refuse.
    case reviewer
    /// 呼叫帮办: open help requests, acknowledge them.
    case helpdesk
    /// The fleet: kiosks (disable, enable, new secrets), enrolment tokens.
    case `operator`
    /// Read-only: the fleet, cases and the audit trail.
    case auditor

    public static func < (a: StaffRole, b: StaffRole) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    public var chinese: String {
        switch self {
        case .reviewer: return "审核员"
        case .helpdesk: return "帮办员"
        case .operator: return "运维员"
        case .auditor: return "审计员"
        }
    }

    /// "reviewer,helpdesk" → roles; nil when any name is unknown.
    public static func parse(_ text: String) -> Set<StaffRole>? {
        var roles: Set<StaffRole> = []
        for part in text.split(separator: ",") {
            guard let role = StaffRole(rawValue: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            roles.insert(role)
        }
        return roles
    }

    public static func text(_ roles: Set<StaffRole>) -> String { roles.sorted().map(\.rawValue).joined(separator: ",") }
}

public struct StaffAccount: Sendable, Hashable {
    public var name: String
    /// `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash.
    public var passwordHash: String
    public var roles: Set<StaffRole>
    public var disabled: Bool
    public var createdAt: Date

    public init(name: String, passwordHash: String, roles: Set<StaffRole>, disabled: Bool = false, createdAt: Date = Date()) {
        self.name = name
        self.passwordHash = passwordHash
        self.roles = roles
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// Wrong passwords in a row for one account or one address, and until when it is locked.
public struct LoginThrottle: Sendable, Hashable {
    public var failures: Int
    public var lockedUntil: Date?

    public init(failures: Int, lockedUntil: Date?) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }
}

/// A signed-in browser. The cookie holds the token; the database only its hash.
public struct StaffSession: Sendable, Hashable {
    public var tokenHash: String
    public var staff: String
    /// The synchroniser token every state-changing form carries.
    public var csrf: String
    public var createdAt: Date
    public var lastSeen: Date
    public var address: String

    public init(tokenHash: String, staff: String, csrf: String, createdAt: Date, lastSeen: Date, address: String) {
        self.tokenHash = tokenHash
        self.staff = staff
        self.csrf = csrf
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.address = address
    }
}

/// One staff action: who, in which role, what, on which case or kiosk, from where, when.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: String
    public var actor: String
    /// The role the action needed ("" for logins and console actions that need none).
    public var role: String
    public var action: String
    /// The case (受理编号), kiosk, help request or account acted on; "" for none.
    public var target: String
    /// The refusal's reason, a failed login's cause, …
    public var detail: String
    public var address: String

    public init(at: String = UTCTime.iso(Date()), actor: String, role: String, action: String, target: String = "",
                detail: String = "", address: String) {
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.detail = detail
        self.address = address
    }
}

/// Which audit rows to show.
public struct AuditFilter: Sendable, Hashable {
    /// ISO 8601 UTC; rows at or after it.
    public var since: String?
    public var actor: String?
    public var action: String?
    public var target: String?
    public var limit: Int

    public init(since: String? = nil, actor: String? = nil, action: String? = nil, target: String? = nil, limit: Int = 200) {
        self.since = since
        self.actor = actor
        self.action = action
        self.target = target
        self.limit = limit
    }
}
