// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Testing
import ZizhuCentral

/// A member of staff's browser reduced to HTTP: it keeps the cookies the staff side sets,
/// never follows a redirect (so a test sees each 303), and sends the page's CSRF token
/// with a form unless told otherwise.
final class StaffClient: @unchecked Sendable {
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: String
        /// The body as sent (an image is not text).
        var bytes: [UInt8] = []

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    let base: String
    private(set) var cookies: [String: String] = [:]
    private(set) var csrf = ""
    private let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    init(_ base: String) { self.base = base }

    deinit { try? client.syncShutdown() }

    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    /// Sent as `X-Forwarded-For` with every request (as a balancer, or a client pretending).
    var forwardedFor: String?

    func get(_ path: String) async throws -> Answer {
        let answer = try await send("GET", path, body: nil, origin: nil)
        if let token = Self.csrf(in: answer.body) { csrf = token }
        return answer
    }

    /// A form post. `csrf`: nil sends the page's token, "" sends none, anything else that value.
    func post(_ path: String, _ fields: [String: String] = [:], csrf: String? = nil, origin: String? = nil) async throws -> Answer {
        var form = fields
        let token = csrf ?? self.csrf
        if !token.isEmpty { form["csrf"] = token }
        return try await send("POST", path, body: Self.encode(form), origin: origin)
    }

    /// Opens the sign-in page and signs in; the answer to the sign-in post.
    func signIn(_ name: String, _ password: String) async throws -> Answer {
        let page = try await send("GET", "/dashboard/login", body: nil, origin: nil)
        let token = Self.value(of: "login_csrf", in: page.body) ?? ""
        let answer = try await send("POST", "/dashboard/login", body: Self.encode(["login_csrf": token, "name": name, "password": password]),
                                    origin: nil)
        if answer.status == 303 { _ = try await get("/dashboard") }
        return answer
    }

    private func send(_ method: String, _ path: String, body: String?, origin: String?) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let origin { request.headers.add(name: "Origin", value: origin) }
        if let forwardedFor { request.headers.add(name: "X-Forwarded-For", value: forwardedFor) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        // Generous: a test asserts on answers, never on time, and on a loaded 2-core CI machine
        // one sign-in's scrypt waits behind every other test's work (a 30 s deadline was hit once).
        let response = try await client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        let headers = response.headers.map { ($0.name, $0.value) }
        for (name, value) in headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let cookie = parts.first else { continue }
            let cookieValue = parts.count > 1 ? parts[1] : ""
            if cookieValue.isEmpty || value.contains("Max-Age=0") { cookies[cookie] = nil } else { cookies[cookie] = cookieValue }
        }
        return Answer(status: Int(response.status.code), headers: headers, body: String(buffer: bytes), bytes: Array(bytes.readableBytesView))
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    static func value(of field: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(field)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func csrf(in html: String) -> String? { value(of: "csrf", in: html) }
}

/// Staff accounts made straight in the store, as `zizhu-central staff add` makes them.
enum StaffFixtures {
    static let password = "a-long-enough-pass-42"
    /// scrypt at N = 2^10 (the lowest `verify` accepts): debug builds run BoringSSL without
    /// optimisation, where N = 2^15 costs a second of CPU per sign-in and starves the tests
    /// running beside these. The production cost is tested in `StaffTests` and end to end.
    static let cheap = StaffRules.ScryptParameters(rounds: 1 << 10)

    static func add(_ store: any CentralStorage, _ name: String, _ roles: Set<StaffRole>) async throws {
        try await store.addStaff(StaffAccount(name: name, passwordHash: try StaffRules.hashPassword(password, parameters: cheap), roles: roles))
    }

    /// A client of `central`'s staff side, signed in as a new account with these roles.
    static func signedIn(_ central: RunningCentral, _ name: String, _ roles: Set<StaffRole>) async throws -> StaffClient {
        try await add(central.store, name, roles)
        let client = StaffClient(central.staffURL)
        let answer = try await client.signIn(name, password)
        #expect(answer.status == 303 && answer.header("Location") == "/dashboard", "sign-in of \(name): \(answer.status) \(answer.body)")
        return client
    }
}
