// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import ZizhuCentral
import ZizhuWire
#if canImport(Glibc)
import Glibc
#endif

/// Who acts from the server's own shell: the audit trail names them `console:USER`.
enum Console {
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return "console:" + (environment["SUDO_USER"] ?? account ?? environment["USER"] ?? String(getuid()))
    }

    static func audit(_ store: any CentralStorage, role: StaffRole?, _ action: String, target: String, detail: String = "") async throws {
        try await store.appendAudit(AuditEntry(actor: actor, role: role?.rawValue ?? "", action: action, target: target, detail: detail,
                                               address: "console"))
    }

    /// A new password: typed twice at a terminal (not echoed), else the first line of
    /// standard input (for scripts: `printf '%s\n' "$PW" | zizhu-central staff add …`).
    static func readPassword(for name: String) throws -> String {
        if isatty(0) == 1 {
            guard let first = getpass("New password for \(name): ").map({ String(cString: $0) }),
                  let second = getpass("Again: ").map({ String(cString: $0) }) else { throw ValidationError("no password typed") }
            guard first == second else { throw ValidationError("the two passwords differ") }
            return first
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("give the password on standard input (one line)")
        }
        return line
    }

    static func roles(_ text: String) throws -> Set<StaffRole> {
        guard let roles = StaffRole.parse(text), !roles.isEmpty else {
            throw ValidationError("roles are a comma-separated list of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return roles
    }
}

/// `zizhu-central staff add|list|passwd|disable|enable|roles`: staff accounts, from the
/// server's shell. There is no default account and no default password: the first
/// operator is made here.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Staff accounts: reviewers, help desk, operators, auditors.",
        subcommands: [Add.self, List.self, Passwd.self, Disable.self, Enable.self, Roles.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account (the password is read from the terminal or stdin).")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Login name: 2–32 of a-z, 0-9, '.', '-', '_'.") var name: String
        @Option(help: "Comma-separated: reviewer, helpdesk, operator, auditor.") var roles: String

        func run() async throws {
            let roles = try Console.roles(self.roles)
            try StaffRules.check(name: name)
            let password = try Console.readPassword(for: name)
            try StaffRules.check(password: password, name: name)
            let store = try await database.open()
            try await store.addStaff(StaffAccount(name: name, passwordHash: try StaffRules.hashPassword(password), roles: roles))
            try await Console.audit(store, role: nil, "staff.add", target: name, detail: StaffRole.text(roles))
            print("added \(name) (\(StaffRole.text(roles)))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every account, its roles and whether it is disabled.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption

        func run() async throws {
            let accounts = try await database.open().allStaff()
            if accounts.isEmpty { print("no staff accounts yet: zizhu-central staff add NAME --roles operator") }
            for account in accounts {
                print("\(account.name)\t\(StaffRole.text(account.roles))\t\(account.disabled ? "disabled" : "active")\t\(UTCTime.iso(account.createdAt))")
            }
        }
    }

    /// Loads an account, changes it, saves it, ends its sessions, audits the change.
    static func change(_ database: ZizhuCentralCommand.DatabaseOption, _ name: String, action: String, detail: String = "",
                       _ edit: (inout StaffAccount) throws -> Void) async throws {
        let store = try await database.open()
        guard var account = try await store.staff(named: name) else { throw ValidationError(StaffProblem.unknown(name).description) }
        try edit(&account)
        try await store.updateStaff(account)
        try await store.endSessions(staff: name)
        try await Console.audit(store, role: nil, action, target: name, detail: detail)
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password (signs the person out everywhere).")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Login name.") var name: String

        func run() async throws {
            let password = try Console.readPassword(for: name)
            try StaffRules.check(password: password, name: name)
            let hash = try StaffRules.hashPassword(password)
            try await StaffCommand.change(database, name, action: "staff.passwd") { $0.passwordHash = hash }
            print("password of \(name) changed")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an account signing in (and end its sessions).")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Login name.") var name: String

        func run() async throws {
            try await StaffCommand.change(database, name, action: "staff.disable") { $0.disabled = true }
            print("\(name) disabled")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled account sign in again.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Login name.") var name: String

        func run() async throws {
            try await StaffCommand.change(database, name, action: "staff.enable") { $0.disabled = false }
            print("\(name) enabled")
        }
    }

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace an account's roles.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Login name.") var name: String
        @Option(help: "Comma-separated: reviewer, helpdesk, operator, auditor.") var set: String

        func run() async throws {
            let roles = try Console.roles(set)
            try await StaffCommand.change(database, name, action: "staff.roles", detail: StaffRole.text(roles)) { $0.roles = roles }
            print("\(name): \(StaffRole.text(roles))")
        }
    }
}

/// `zizhu-central audit [--since] [--json]`: the audit trail, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail of staff actions, newest first.")
    @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
    @Option(help: "Only rows at or after this UTC time (e.g. 2026-12-01T00:00:00Z).") var since: String?
    @Option(help: "Only this person's rows.") var actor: String?
    @Option(help: "Only this action (login, login.failed, case.refuse, …).") var action: String?
    @Option(help: "At most this many rows.") var limit = 200
    @Flag(help: "Print JSON lines.") var json = false

    func run() async throws {
        let entries = try await database.open().auditTrail(AuditFilter(since: since, actor: actor, action: action, limit: limit))
        for entry in entries {
            if json {
                print(String(decoding: try CanonicalJSON.encode(entry), as: UTF8.self))
            } else {
                // One row a line, tab-separated: what staff typed (a reason) cannot break either.
                let fields = [entry.at, entry.actor, entry.role, entry.action, entry.target, entry.detail, entry.address]
                print(fields.map { String($0.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) }) }
                    .joined(separator: "\t"))
            }
        }
    }
}

/// `zizhu-central kiosk list|history|import|disable|enable|rotate`: the fleet from the server's shell.
struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk", abstract: "Enrolled kiosks: list, disable, enable, new secret.",
                                                    subcommands: [List.self, History.self, Import.self, Disable.self, Enable.self, Rotate.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol many kiosks at once from a file of `KIOSK-ID<TAB>SITE` lines, in one transaction (all or none).",
            discussion: """
                Each kiosk gets a new secret; they are written to --secrets (JSON lines {"kioskID","secret"}, mode 0600,                 never overwritten) for the kiosks' images. Nothing is stored if any id is malformed, repeated or enrolled already.
                """)
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "The file of kiosks: one `KIOSK-ID<TAB>SITE` per line; # starts a comment.") var file: String
        @Option(help: "Where to write the new secrets (mode 0600; must not exist).") var secrets: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("cannot read \(file)") }
            var kiosks: [(id: String, site: String)] = []
            for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                let parts = line.split(separator: "\t", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, (1...64).contains(parts[0].count), !parts[1].isEmpty,
                      parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                    throw ValidationError("\(file):\(index + 1): expected KIOSK-ID<TAB>SITE (an id of 1-64 letters, digits, - _ .)")
                }
                kiosks.append((id: parts[0], site: parts[1]))
            }
            guard !kiosks.isEmpty else { throw ValidationError("\(file) names no kiosk") }
            guard !FileManager.default.fileExists(atPath: secrets) else { throw ValidationError("\(secrets) exists: secrets are never overwritten") }
            let store = try await database.openSealed(createKey: true)
            let imported: [ImportedKiosk]
            do {
                imported = try await store.importKiosks(kiosks)
            } catch EnrolmentProblem.kioskExists {
                throw ValidationError("nothing imported: a kiosk id in \(file) is repeated or enrolled already")
            }
            let lines = try imported.map { String(decoding: try CanonicalJSON.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
            // Created 0600 from the first byte (O_EXCL: never another's file), written whole and fsync'd.
            let descriptor = open(secrets, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            let bytes = Array(lines.utf8)
            let written = descriptor >= 0 ? bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } : -1
            let synced = descriptor >= 0 && fsync(descriptor) == 0
            if descriptor >= 0 { close(descriptor) }
            guard written == bytes.count, synced else {
                throw ValidationError("the kiosks are enrolled but \(secrets) could not be written (errno \(errno)): "
                                      + "rotate their secrets (zizhu-central kiosk rotate)")
            }
            try await Console.audit(store, role: .operator, "kiosk.import", target: "\(imported.count) kiosks", detail: file)
            print("imported \(imported.count) kiosks; their secrets are in \(secrets)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every kiosk: site, last heartbeat, version, disabled or not, how far its own clock is off.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption

        func run() async throws {
            for kiosk in try await database.open().fleet() {
                print([kiosk.id, kiosk.site, kiosk.heartbeatAt.map { UTCTime.iso($0) } ?? "never", kiosk.heartbeat?.version ?? "-",
                       kiosk.disabledReason.map { "disabled: " + $0 } ?? "active",
                       kiosk.heartbeat == nil ? "-" : Dashboard.clockWarning(kiosk.heartbeat?.clockOffsetSeconds) ?? "clock ok"].joined(separator: "\t"))
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A kiosk's days from its heartbeats: time online, warnings, errors, longest backlog, least free disk.",
            discussion: "One line per UTC day, oldest first; the platform keeps \(CentralRules.heartbeatDaysKept) days.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Kiosk id.") var kiosk: String
        @Option(help: "Days back from today.") var days = 30

        func run() async throws {
            guard (1...CentralRules.heartbeatDaysKept).contains(days) else { throw ValidationError("--days is 1 to \(CentralRules.heartbeatDaysKept)") }
            let since = CentralRules.heartbeatDay(Date().addingTimeInterval(-Double(days - 1) * 86_400))
            print(["day", "heartbeats", "online", "warnings", "errors", "longest backlog", "least free disk"].joined(separator: "\t"))
            for day in try await database.open().heartbeatDays(kioskID: kiosk, since: since) {
                print([day.day, String(day.beats), String(format: "%.1f%%", Double(min(day.beats, 1_440)) / 14.4), String(day.warnings),
                       String(day.errors), String(day.maxPending), String(format: "%.1f GB", Double(day.minDiskFreeBytes) / 1e9)].joined(separator: "\t"))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a kiosk's requests (it keeps its outbox) until enabled again.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Kiosk id.") var kiosk: String
        @Option(help: "Why (shown to the kiosk).") var reason: String

        func run() async throws {
            let store = try await database.open()
            guard try await store.setKioskDisabled(kioskID: kiosk, reason: reason) else { throw ValidationError("no kiosk \(kiosk)") }
            try await Console.audit(store, role: .operator, "kiosk.disable", target: kiosk, detail: reason)
            print("\(kiosk) disabled")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled kiosk sync again.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Kiosk id.") var kiosk: String

        func run() async throws {
            let store = try await database.open()
            guard try await store.setKioskDisabled(kioskID: kiosk, reason: nil) else { throw ValidationError("no kiosk \(kiosk)") }
            try await Console.audit(store, role: .operator, "kiosk.enable", target: kiosk)
            print("\(kiosk) enabled")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a kiosk's secret (the old one stops working now); prints a token that re-enrols that kiosk only.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "Kiosk id.") var kiosk: String

        func run() async throws {
            let store = try await database.open()
            guard let token = try await store.rotateSecret(kioskID: kiosk) else { throw ValidationError("no kiosk \(kiosk)") }
            try await Console.audit(store, role: .operator, "kiosk.rotate", target: kiosk)
            print("re-enrolment token for \(kiosk) (once): \(token)")
        }
    }
}
