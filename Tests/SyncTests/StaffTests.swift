// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import PostgresNIO
import Testing
@testable import ZizhuCentral
@testable import ZizhuOutbox
import ZizhuWire

/// The staff side tried as a stranger, a member of staff with the wrong role, another
/// site's page and a password guesser would, through the real server on SQLite and on
/// PostgreSQL.
@Suite("Staff side: login, roles, CSRF, lockout, audit, disabled kiosks")
struct StaffTests {
    static let staffPaths: [(String, String)] = [
        ("GET", "/dashboard"), ("GET", "/dashboard/audit"), ("GET", "/dashboard/cases/ZZ20260101-0000-0000-0000"),
        ("POST", "/dashboard/review/ZZ20260101-0000-0000-0000/approve"), ("POST", "/dashboard/review/ZZ20260101-0000-0000-0000/refuse"),
        ("POST", "/dashboard/help/1/acknowledge"), ("POST", "/dashboard/kiosks/kiosk-a/disable"), ("POST", "/dashboard/kiosks/kiosk-a/enable"),
        ("POST", "/dashboard/kiosks/kiosk-a/rotate"), ("POST", "/dashboard/tokens"), ("POST", "/dashboard/logout"),
        ("POST", "/dashboard/courier"),
    ]

    @Test(arguments: StorageKind.allCases)
    func aFreshPlatformShowsAndChangesNothingWithoutALogin(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let stranger = StaffClient(central.staffURL)
        for (method, path) in Self.staffPaths {
            let answer = method == "GET" ? try await stranger.get(path) : try await stranger.post(path, ["reason": "请致电缴纳审核费"])
            if method == "GET" {
                #expect(answer.status == 303 && answer.header("Location") == "/dashboard/login", "\(method) \(path): \(answer.status)")
            } else {
                #expect(answer.status == 401, "\(method) \(path): \(answer.status)")
            }
            #expect(answer.header("X-Frame-Options") == "DENY" && answer.header("Cache-Control") == "no-store", "\(path)")
            #expect(answer.header("Content-Security-Policy")?.contains("default-src 'none'") == true, "\(path)")
        }
        // The kiosk listener has no staff path at all.
        let kioskSide = StaffClient(central.url)
        for (method, path) in Self.staffPaths + [("GET", "/dashboard/login"), ("POST", "/dashboard/login")] {
            let answer = method == "GET" ? try await kioskSide.get(path) : try await kioskSide.post(path)
            #expect(answer.status == 404, "kiosk listener \(method) \(path): \(answer.status)")
        }
        // No account exists, so no password opens anything.
        for guess in ["admin", "operator", "zizhu"] {
            #expect(try await StaffClient(central.staffURL).signIn(guess, guess).status == 401)
        }
        #expect(try await central.store.allStaff().isEmpty)
    }

    @Test(arguments: StorageKind.allCases)
    func eachActionNeedsItsRoleItsCSRFTokenAndThisSite(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let enrolment = try await central.enrol("kiosk-a")
        let client = PlatformClient(outbox: try Outbox(home: Scratch.folder("kiosk-a"), kioskID: "kiosk-a"), enrolment: enrolment,
                                    home: Scratch.folder("kiosk-a-home"), logger: DashboardTests.logger)
        let waiting = try client.outbox.submit(Sample.payload(1, outcome: "manual_review"))
        #expect(try await client.drain().delivered == 1)

        let helpdesk = try await StaffFixtures.signedIn(central, "zhao.lei", [.helpdesk])
        // Wrong role: 403 with a page that names the role needed; the case is untouched.
        let forbidden = try await helpdesk.post("/dashboard/review/\(waiting.acceptanceNumber)/approve")
        #expect(forbidden.status == 403 && forbidden.body.contains("reviewer"), "\(forbidden.body)")
        #expect(try await helpdesk.get("/dashboard/audit").status == 403)
        #expect(try await helpdesk.post("/dashboard/tokens").status == 403)
        #expect(try await central.store.progress(acceptanceNumber: waiting.acceptanceNumber) == "manual_review")

        let reviewer = try await StaffFixtures.signedIn(central, "wang.fang", [.reviewer])
        let path = "/dashboard/review/\(waiting.acceptanceNumber)/refuse"
        let reason = ["reason": "请致电 400-000-0000 缴纳审核费"]
        // No token, a wrong token, another session's token: refused.
        #expect(try await reviewer.post(path, reason, csrf: "").status == 403)
        #expect(try await reviewer.post(path, reason, csrf: "forged").status == 403)
        #expect(try await reviewer.post(path, reason, csrf: helpdesk.csrf).status == 403)
        // The right token from another site's page (the browser adds that page's Origin).
        #expect(try await reviewer.post(path, reason, origin: "http://evil.example").status == 403)
        #expect(try await reviewer.post(path, reason, origin: "null").status == 403)
        #expect(try await central.store.progress(acceptanceNumber: waiting.acceptanceNumber) == "manual_review")
        // The right token from this site: decided, and audited with the reviewer's name.
        let decided = try await reviewer.post(path, ["reason": "材料不全"], origin: central.staffURL)
        #expect(decided.status == 303, "\(decided.body)")
        let answer = try await central.store.progressAnswer(acceptanceNumber: waiting.acceptanceNumber)
        #expect(answer?.progress == "refused" && answer?.reason == "材料不全")
        let trail = try await central.store.auditTrail(AuditFilter(target: waiting.acceptanceNumber))
        #expect(trail.map(\.action) == ["case.refuse"] && trail.first?.actor == "wang.fang" && trail.first?.detail == "材料不全")
        #expect(trail.first?.role == "reviewer" && trail.first?.address == "127.0.0.1")
        let history = try await reviewer.get("/dashboard/cases/\(waiting.acceptanceNumber)")
        #expect(history.status == 200 && history.body.contains("wang.fang") && history.body.contains("材料不全"))
        // The citizen's answer carries the decision and reason, never the reviewer.
        guard case .found(let citizen) = await client.progress(acceptanceNumber: waiting.acceptanceNumber) else {
            Issue.record("the kiosk could not look the case up")
            return
        }
        let citizenText = String(decoding: try CanonicalJSON.encode(citizen), as: UTF8.self)
        #expect(citizen.reason == "材料不全" && !citizenText.contains("wang.fang"))
        let csrfRefusals = try await central.store.auditTrail(AuditFilter(action: "csrf.refused"))
        #expect(csrfRefusals.count == 3)

        // Signing out ends the session for good: the old cookie opens nothing.
        let cookie = try #require(reviewer.cookies["zizhu_staff"])
        #expect(try await reviewer.post("/dashboard/logout").status == 303)
        let replay = StaffClient(central.staffURL)
        replay.setCookie("zizhu_staff", cookie)
        #expect(try await replay.get("/dashboard").status == 303)
    }

    /// Behind a balancer every request comes from its address: the client's own address is
    /// taken from `X-Forwarded-For` only when the peer is a trusted balancer, so the audit
    /// trail and the per-address lockout see each client; from anyone else the header is
    /// ignored (a stranger cannot pick the address its failures count against).
    @Test func aTrustedBalancerNamesTheClientAndNoOneElseCan() async throws {
        let behind = try await RunningCentral(staff: StaffSettings(passwordParameters: StaffFixtures.cheap, trustedProxies: ["127.0.0.1"]))
        defer { behind.stop() }
        let open = try await RunningCentral(staff: StaffSettings(passwordParameters: StaffFixtures.cheap))
        defer { open.stop() }
        for central in [behind, open] {
            try await StaffFixtures.add(central.store, "li.na", [.auditor])
            let client = StaffClient(central.staffURL)
            client.forwardedFor = "192.0.2.1, 198.51.100.7"
            _ = try await client.signIn("li.na", "not the password")
        }
        let forwarded = try await behind.store.auditTrail(AuditFilter(action: "login.failed")).map(\.address)
        #expect(forwarded == ["198.51.100.7"], "the address the balancer appended: \(forwarded)")
        let ignored = try await open.store.auditTrail(AuditFilter(action: "login.failed")).map(\.address)
        #expect(ignored == ["127.0.0.1"], "a header from an untrusted peer is ignored: \(ignored)")
        #expect(ForwardedForMiddleware.client(["203.0.113.5"]) == "203.0.113.5")
        #expect(ForwardedForMiddleware.client(["2001:db8::1"]) == "2001:db8::1")
        #expect(ForwardedForMiddleware.client(["<script>"]) == nil && ForwardedForMiddleware.client([]) == nil)
    }

    @Test(arguments: StorageKind.allCases)
    func sessionsExpireAfterIdleTimeAndCookiesAreLockedDown(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage, staff: StaffSettings(idleTimeout: 600, secureCookies: true,
                                                                                    passwordParameters: StaffFixtures.cheap))
        defer { central.stop() }
        try await StaffFixtures.add(central.store, "li.na", [.auditor])
        // A session last used 11 minutes ago (idle timeout 10): gone, and removed.
        let token = StaffRules.newToken()
        let stale = Date().addingTimeInterval(-660)
        try await central.store.createSession(StaffSession(tokenHash: StaffRules.tokenHash(token), staff: "li.na", csrf: "x",
                                                           createdAt: stale, lastSeen: stale, address: "127.0.0.1"))
        let old = StaffClient(central.staffURL)
        old.setCookie("zizhu_staff", token)
        let expired = try await old.get("/dashboard")
        #expect(expired.status == 303 && expired.header("Location") == "/dashboard/login")
        #expect(try await central.store.session(tokenHash: StaffRules.tokenHash(token)) == nil)
        // One nobody comes back to is removed by the scheduled prune; a fresh one stays.
        let abandoned = StaffRules.newToken(), fresh = StaffRules.newToken()
        for (token, at) in [(abandoned, stale), (fresh, Date())] {
            try await central.store.createSession(StaffSession(tokenHash: StaffRules.tokenHash(token), staff: "li.na", csrf: "x",
                                                               createdAt: at, lastSeen: at, address: "127.0.0.1"))
        }
        #expect(try await central.store.prune(now: Date(), sessionsIdleFor: 600).sessions == 1)
        #expect(try await central.store.session(tokenHash: StaffRules.tokenHash(abandoned)) == nil)
        #expect(try await central.store.session(tokenHash: StaffRules.tokenHash(fresh)) != nil)
        // A fresh sign-in: HttpOnly, SameSite=Strict, Secure (served over TLS); the database
        // holds only the token's hash.
        let auditor = StaffClient(central.staffURL)
        let signIn = try await auditor.signIn("li.na", StaffFixtures.password)
        let cookie = try #require(signIn.headers("Set-Cookie").first { $0.hasPrefix("zizhu_staff=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"), "\(cookie)")
        let value = try #require(auditor.cookies["zizhu_staff"])
        #expect(try await central.store.session(tokenHash: value) == nil)
        #expect(try await central.store.session(tokenHash: StaffRules.tokenHash(value))?.staff == "li.na")
        // A disabled account's session ends at its next request.
        var account = try #require(try await central.store.staff(named: "li.na"))
        account.disabled = true
        try await central.store.updateStaff(account)
        #expect(try await auditor.get("/dashboard").status == 303)
    }

    @Test(arguments: StorageKind.allCases)
    func wrongPasswordsLockTheAccountAndTheAddressWithAGrowingDelay(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        try await StaffFixtures.add(central.store, "chen.jie", [.reviewer])
        let guesser = StaffClient(central.staffURL)
        for attempt in 1...StaffRules.accountAttempts {
            let answer = try await guesser.signIn("chen.jie", "guess-number-\(attempt)")
            #expect(answer.status == (attempt < StaffRules.accountAttempts ? 401 : 401), "attempt \(attempt)")
        }
        // Locked: even the right password is not looked at, and the page says how long.
        let locked = try await guesser.signIn("chen.jie", StaffFixtures.password)
        #expect(locked.status == 429 && locked.header("Retry-After").flatMap(Int.init).map { (1...30).contains($0) } == true)
        #expect(locked.body.contains("秒后再试"))
        let throttle = try await central.store.loginThrottle("account:chen.jie")
        #expect(throttle?.failures == StaffRules.accountAttempts)
        // Each further failure after the lock doubles it (the rule both stores share).
        #expect(StaffRules.lockSeconds(failures: 5, limit: 5) == 30 && StaffRules.lockSeconds(failures: 6, limit: 5) == 60)
        #expect(StaffRules.lockSeconds(failures: 40, limit: 5) == 3600)
        // Per address: wrong passwords for many names lock this address for everyone.
        try await central.store.setLoginThrottle("account:chen.jie", nil)
        try await central.store.setLoginThrottle("address:127.0.0.1", nil)
        for index in 0..<StaffRules.addressAttempts {
            #expect(try await guesser.signIn("nobody-\(index)", "wrong-password-\(index)").status == 401)
        }
        #expect(try await guesser.signIn("chen.jie", StaffFixtures.password).status == 429)
        // A typed name cannot forge a line or a column of the audit trail.
        try await central.store.setLoginThrottle("address:127.0.0.1", nil)
        #expect(try await guesser.signIn("x\n2026-01-01\tadmin\tlogin", "wrong-password").status == 401)
        let forged = try await central.store.auditTrail(AuditFilter(action: "login.failed", limit: 1)).first?.actor ?? ""
        #expect(forged == "x2026-01-01adminlogin", "\(forged)")
        try await central.store.setLoginThrottle("address:127.0.0.1", nil)
        let failed = try await central.store.auditTrail(AuditFilter(action: "login.failed", limit: 100))
        #expect(failed.count == StaffRules.accountAttempts + StaffRules.addressAttempts + 1)
        #expect(failed.contains { $0.detail == "unknown account" } && failed.contains { $0.detail == "wrong password" })
        #expect(try await central.store.auditTrail(AuditFilter(action: "login.locked")).count == 2)
    }

    @Test(arguments: StorageKind.allCases)
    func operatorsDisableEnableAndRotateKiosksAndTheAuditTrailCannotBeRewritten(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let enrolment = try await central.enrol("kiosk-a")
        let home = Scratch.folder("disabled")
        let client = PlatformClient(outbox: try Outbox(home: home, kioskID: "kiosk-a"), enrolment: enrolment, home: home,
                                    logger: DashboardTests.logger)
        let kept = try client.outbox.submit(Sample.payload(1))
        let operator_ = try await StaffFixtures.signedIn(central, "sun.li", [.operator])
        #expect(try await operator_.post("/dashboard/kiosks/kiosk-a/disable", ["reason": ""]).status == 400)
        #expect(try await operator_.post("/dashboard/kiosks/kiosk-a/disable", ["reason": "被盗 stolen"]).status == 303)
        // Disabled: the kiosk is refused with the reason and keeps its application.
        let report = try await client.drain()
        #expect(report.delivered == 0 && report.stoppedBecause?.contains("被盗 stolen") == true, "\(String(describing: report.stoppedBecause))")
        #expect(try client.outbox.depth().pending == 1)
        #expect(try await operator_.get("/dashboard").body.contains("disabled: 被盗 stolen"))
        #expect(try await operator_.post("/dashboard/kiosks/kiosk-a/enable").status == 303)
        #expect(try await client.drain().delivered == 1)
        #expect(try await central.store.progress(acceptanceNumber: kept.acceptanceNumber) == "approved")
        // A new secret: the old one stops working at once; the token re-enrols this kiosk only.
        let rotated = try await operator_.post("/dashboard/kiosks/kiosk-a/rotate")
        let token = try #require(rotated.body.components(separatedBy: "token (zizhu enroll --token …): ").last?.prefix { $0 != "<" })
        // (The platform's 401 for a request signed with a secret it no longer has is not
        // signed for that kiosk, so to the kiosk it is no answer at all.)
        #expect(await client.send(heartbeat: client.heartbeat(devices: [:], version: "0.1.0", home: home)) == nil)
        #expect(await client.probe().problem?.contains("not signed by the platform") == true)
        await #expect(throws: EnrolmentProblem.otherKiosk) { try await central.store.enrol(token: String(token), kioskID: "kiosk-b", site: "x") }
        let secret = try await central.store.enrol(token: String(token), kioskID: "kiosk-a", site: "天河")
        let renewed = PlatformClient(outbox: client.outbox, enrolment: Enrolment(central: central.url, kioskID: "kiosk-a", secret: secret),
                                     home: home, logger: DashboardTests.logger)
        #expect(await renewed.send(heartbeat: renewed.heartbeat(devices: [:], version: "0.1.0", home: home)) == 204)
        let actions = try await central.store.auditTrail(AuditFilter(actor: "sun.li")).map(\.action)
        #expect(actions == ["kiosk.rotate", "kiosk.enable", "kiosk.disable", "login"])
        // Append-only: the database itself refuses to change or remove a row.
        switch storage {
        case .sqlite:
            let store = try #require(central.store as? SQLiteCentralStore)
            #expect(throws: (any Error).self) { try store.writer.write { try $0.execute(sql: "UPDATE audit SET actor = 'nobody'") } }
            #expect(throws: (any Error).self) { try store.writer.write { try $0.execute(sql: "DELETE FROM audit") } }
        case .postgres:
            let store = try #require(central.store as? PostgresCentralStore)
            await #expect(throws: (any Error).self) { try await store.client.query("UPDATE audit SET actor = 'nobody'", logger: store.logger) }
            await #expect(throws: (any Error).self) { try await store.client.query("DELETE FROM audit", logger: store.logger) }
        }
        #expect(try await central.store.auditTrail(AuditFilter(actor: "sun.li")).count == 4)
    }

    @Test func passwordsAreScryptWithTheirParametersAndNamesAndPasswordsAreChecked() throws {
        let hash = try StaffRules.hashPassword("correct horse battery")
        let parts = hash.split(separator: "$")
        #expect(parts.count == 6 && parts[0] == "scrypt" && parts[1] == "32768" && parts[2] == "8" && parts[3] == "1")
        #expect(StaffRules.verify("correct horse battery", against: hash))
        #expect(!StaffRules.verify("correct horse batterY", against: hash))
        #expect(try StaffRules.hashPassword("correct horse battery") != hash, "a salt of its own")
        #expect(!StaffRules.verify("x", against: "scrypt$3$8$1$AAAA$AAAA"), "parameters out of range are refused, not run")
        #expect(!StaffRules.verify("x", against: "plaintext"))
        #expect(throws: StaffProblem.self) { try StaffRules.check(password: "short", name: "wang") }
        #expect(throws: StaffProblem.self) { try StaffRules.check(password: "wang.fang-2026-ok", name: "wang.fang") }
        #expect(throws: StaffProblem.self) { try StaffRules.check(password: "aaaaaaaaaaaaaaaa", name: "wang") }
        #expect(throws: StaffProblem.self) { try StaffRules.check(name: "Robert'); DROP") }
        try StaffRules.check(name: "wang.fang")
    }
}
