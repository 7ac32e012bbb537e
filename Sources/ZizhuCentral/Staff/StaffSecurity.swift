// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who is signed in on a staff request.
public struct StaffViewer: Sendable, Hashable {
    public var name: String
    public var roles: Set<StaffRole>
    /// The session's synchroniser token: every form of the page carries it.
    public var csrf: String
    var tokenHash: String

    public init(name: String, roles: Set<StaffRole>, csrf: String, tokenHash: String = "") {
        self.name = name
        self.roles = roles
        self.csrf = csrf
        self.tokenHash = tokenHash
    }

    public func has(_ role: StaffRole) -> Bool { roles.contains(role) }
}

/// How the staff side behaves: idle timeout, and whether cookies are marked `Secure`
/// (served over TLS, or behind a TLS-terminating balancer).
public struct StaffSettings: Sendable {
    public var idleTimeout: TimeInterval
    public var secureCookies: Bool
    /// What new password hashes (and the decoy for unknown names) cost; the accounts' own
    /// hashes carry their parameters.
    public var passwordParameters: StaffRules.ScryptParameters
    /// Balancers whose `X-Forwarded-For` names the client (`ForwardedForMiddleware`).
    public var trustedProxies: Set<String>

    public init(idleTimeout: TimeInterval = StaffRules.defaultIdleTimeout, secureCookies: Bool = false,
                passwordParameters: StaffRules.ScryptParameters = StaffRules.ScryptParameters(), trustedProxies: Set<String> = []) {
        self.idleTimeout = idleTimeout
        self.secureCookies = secureCookies
        self.passwordParameters = passwordParameters
        self.trustedProxies = trustedProxies
    }

    static let sessionCookie = "zizhu_staff"
    static let loginCookie = "zizhu_login"
}

/// A staff request refused, as a page a person can read (the status says the same).
struct StaffRefusal: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ title: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = StaffPages.html(status, StaffPages.message(title: title, detail: detail))
        for field in headers { response.headers.append(field) }
        return response
    }

    /// A role the action needs and the viewer does not hold.
    static func needs(_ role: StaffRole) -> StaffRefusal {
        StaffRefusal(.forbidden, "需要“\(role.chinese)”角色 · This needs the \(role.rawValue) role",
                     "Ask an operator to give your account the \(role.rawValue) role (zizhu-central staff roles).")
    }
}

/// Security headers on every staff response, refusals included: no script at all, no
/// framing, no referrer to other sites, nothing cached (pages carry personal data and CSRF tokens).
struct StaffHeadersMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext

    static let headers: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (.init("X-Frame-Options")!, "DENY"),
        (.init("X-Content-Type-Options")!, "nosniff"),
        (.init("Referrer-Policy")!, "same-origin"),
        (.cacheControl, "no-store"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for (name, value) in Self.headers { response.headers[name] = value }
        return response
    }
}

/// Refuses a state-changing request that another site's page made a browser send: its
/// `Origin` (or, without one, `Sec-Fetch-Site`) must say it came from this staff site.
struct SameOriginMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method != .get && request.method != .head && !Self.sameOrigin(request) {
            throw StaffRefusal(.forbidden, "跨站请求被拒绝 · Cross-site request refused",
                               "This form was sent from another site. Open the staff pages directly and try again.")
        }
        return try await next(request, context)
    }

    /// A browser says where the request came from in `Sec-Fetch-Site` (all current ones) or
    /// `Origin`; "null" (a sandboxed or opaque origin) is another site. A request with
    /// neither is not from a browser (curl, the tests' client): the CSRF token decides.
    static func sameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.init("Sec-Fetch-Site")!] { return site == "same-origin" || site == "none" }
        if let origin = request.headers[.origin] {
            guard origin != "null", let url = URL(string: origin), let originHost = url.host else { return false }
            let port = url.port.map { ":\($0)" } ?? ""
            return request.head.authority == originHost + port
        }
        return true
    }
}

/// Lets through only requests with a live session of an enabled account, and for every
/// state-changing request only with the session's CSRF token. Puts the viewer and the
/// form in the context. No session: a page is redirected to the login (303), an action
/// refused (401). A store that cannot answer: 503.
struct StaffSessionMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let store: any StaffStorage
    let settings: StaffSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let changing = request.method != .get && request.method != .head
        if changing {
            guard let body = try? await request.collectBody(upTo: 16 << 10) else {
                throw StaffRefusal(.contentTooLarge, "表单过大 · Form too large", "A staff form is at most 16 KiB.")
            }
            context.form = StaffPages.form(String(buffer: body))
        }
        guard let viewer = try await viewer(request) else {
            if changing {
                throw StaffRefusal(.unauthorized, "请先登录 · Please sign in", "Your session has ended. Sign in again and repeat the action.")
            }
            return Response(status: .seeOther, headers: [.location: "/dashboard/login"])
        }
        if changing {
            guard let sent = context.form["csrf"], StaffRules.same(sent, viewer.csrf) else {
                try? await store.appendAudit(AuditEntry(actor: viewer.name, role: "", action: "csrf.refused",
                                                        target: request.uri.path, address: context.address))
                throw StaffRefusal(.forbidden, "请求无效 · Request refused",
                                   "The form was missing its security token or it was wrong. Reload the page and try again.")
            }
        }
        context.staff = viewer
        return try await next(request, context)
    }

    /// The live session the cookie names, its account enabled; the session is touched.
    func viewer(_ request: Request) async throws -> StaffViewer? {
        guard let token = request.cookies[StaffSettings.sessionCookie]?.value, !token.isEmpty, token.count <= 128 else { return nil }
        let hash = StaffRules.tokenHash(token)
        let now = Date()
        do {
            guard let session = try await store.session(tokenHash: hash) else { return nil }
            guard StaffRules.isLive(session, idleTimeout: settings.idleTimeout, now: now) else {
                try await store.endSession(tokenHash: hash)
                return nil
            }
            guard let account = try await store.staff(named: session.staff), !account.disabled else {
                try await store.endSession(tokenHash: hash)
                return nil
            }
            try await store.touchSession(tokenHash: hash, at: now)
            return StaffViewer(name: account.name, roles: account.roles, csrf: session.csrf, tokenHash: hash)
        } catch {
            throw StaffRefusal(.serviceUnavailable, "暂时无法服务 · Temporarily unavailable", "The platform's database does not answer; try again shortly.")
        }
    }
}

extension CentralRequestContext {
    /// The signed-in viewer, who must hold `role`.
    func staff(_ role: StaffRole) throws -> StaffViewer {
        guard let staff else { throw StaffRefusal(.unauthorized, "请先登录 · Please sign in", "Sign in to continue.") }
        guard staff.has(role) else { throw StaffRefusal.needs(role) }
        return staff
    }

    /// The viewer, who must hold one of `roles`.
    func staff(anyOf roles: [StaffRole]) throws -> StaffViewer {
        guard let staff else { throw StaffRefusal(.unauthorized, "请先登录 · Please sign in", "Sign in to continue.") }
        guard let _ = roles.first(where: staff.has) else { throw StaffRefusal.needs(roles[0]) }
        return staff
    }
}
