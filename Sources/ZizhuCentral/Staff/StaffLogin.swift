// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import NIOPosix
import ZizhuWire

/// Signing in and out. The sign-in form is protected by a double-submit token (a cookie
/// and a hidden field that must match), so another site cannot sign a browser into an
/// account of its choosing. Wrong passwords are counted per account and per address; past
/// the limit each is locked with a growing delay, and a locked one is refused before its
/// password is looked at. Every sign-in, failed or not, is one audit row.
struct StaffLogin {
    let store: any StaffStorage
    let settings: StaffSettings

    func page(_ request: Request) async throws -> Response {
        let token = StaffRules.newToken()
        var response = StaffPages.html(.ok, StaffPages.login(csrf: token, problem: nil))
        response.setCookie(loginCookie(token))
        return response
    }

    func signIn(_ request: Request, context: CentralRequestContext) async throws -> Response {
        var request = request
        guard let body = try? await request.collectBody(upTo: 8 << 10) else {
            throw StaffRefusal(.contentTooLarge, "表单过大 · Form too large", "The sign-in form is small.")
        }
        let form = StaffPages.form(String(buffer: body))
        guard let sent = form["login_csrf"], let kept = request.cookies[StaffSettings.loginCookie]?.value, !kept.isEmpty,
              StaffRules.same(sent, kept) else {
            throw StaffRefusal(.forbidden, "请求无效 · Request refused", "The sign-in form has expired. Open the sign-in page again.")
        }
        // What a stranger typed goes into the audit trail: no control characters (a newline
        // or tab would forge a line or a column in `zizhu-central audit`).
        let name = String((form["name"] ?? "").unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(32))
            .lowercased()
        let password = form["password"] ?? ""
        let now = Date()
        let accountKey = "account:" + name, addressKey = "address:" + context.address
        let accountThrottle = try await store.loginThrottle(accountKey), addressThrottle = try await store.loginThrottle(addressKey)
        let locked = max(StaffRules.lockedFor(accountThrottle, now: now), StaffRules.lockedFor(addressThrottle, now: now))
        if locked > 0 {
            try await store.appendAudit(AuditEntry(actor: name, role: "", action: "login.locked", detail: "\(locked) s left",
                                                   address: context.address))
            return retry(.tooManyRequests, "错误次数过多，请 \(locked) 秒后再试 · Too many wrong passwords: try again in \(locked) s",
                         headers: [.retryAfter: String(locked)])
        }
        let account = try await store.staff(named: name)
        // scrypt is tens of milliseconds of one core and 32 MiB: on NIO's thread pool, not on
        // the cooperative threads that run every request's handler.
        let (stored, parameters) = (account?.passwordHash, settings.passwordParameters)
        let matches = try await NIOThreadPool.singleton.runIfActive {
            StaffRules.verify(password, against: stored ?? StaffRules.decoy(parameters))
        }
        guard let account, matches, !account.disabled else {
            try await store.setLoginThrottle(accountKey, StaffRules.failed(accountThrottle, limit: StaffRules.accountAttempts, now: now))
            try await store.setLoginThrottle(addressKey, StaffRules.failed(addressThrottle, limit: StaffRules.addressAttempts, now: now))
            let why = account == nil ? "unknown account" : account?.disabled == true && matches ? "account disabled" : "wrong password"
            try await store.appendAudit(AuditEntry(actor: name, role: "", action: "login.failed", detail: why, address: context.address))
            return retry(.unauthorized, "用户名或密码错误 · Wrong name or password")
        }
        try await store.setLoginThrottle(accountKey, nil)
        try await store.setLoginThrottle(addressKey, nil)
        let token = StaffRules.newToken()
        try await store.createSession(StaffSession(tokenHash: StaffRules.tokenHash(token), staff: account.name, csrf: StaffRules.newToken(),
                                                   createdAt: now, lastSeen: now, address: context.address))
        try await store.appendAudit(AuditEntry(actor: account.name, role: StaffRole.text(account.roles), action: "login",
                                               address: context.address))
        var response = Response(status: .seeOther, headers: [.location: "/dashboard"])
        response.setCookie(sessionCookie(token, maxAge: nil))
        response.setCookie(loginCookie("", maxAge: 0))
        return response
    }

    func signOut(_ context: CentralRequestContext) async throws -> Response {
        if let viewer = context.staff {
            try await store.endSession(tokenHash: viewer.tokenHash)
            try await store.appendAudit(AuditEntry(actor: viewer.name, role: "", action: "logout", address: context.address))
        }
        var response = Response(status: .seeOther, headers: [.location: "/dashboard/login"])
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// The sign-in page again, with what went wrong and a fresh form token.
    private func retry(_ status: HTTPResponse.Status, _ problem: String, headers: HTTPFields = [:]) -> Response {
        let token = StaffRules.newToken()
        var response = StaffPages.html(status, StaffPages.login(csrf: token, problem: problem), headers: headers)
        response.setCookie(loginCookie(token))
        return response
    }

    func sessionCookie(_ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: StaffSettings.sessionCookie, value: value, maxAge: maxAge, path: "/dashboard", secure: settings.secureCookies,
               httpOnly: true, sameSite: .strict)
    }

    func loginCookie(_ value: String, maxAge: Int = 1800) -> Cookie {
        Cookie(name: StaffSettings.loginCookie, value: value, maxAge: maxAge, path: "/dashboard/login", secure: settings.secureCookies,
               httpOnly: true, sameSite: .strict)
    }
}
