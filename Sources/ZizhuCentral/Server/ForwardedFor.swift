// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird

/// The client's own address when a request comes through a balancer this instance trusts
/// (`zizhu-central serve --trusted-proxy ADDRESS`): the last `X-Forwarded-For` entry, the one
/// that balancer appended. Behind HAProxy every request arrives from the balancer's address,
/// so without this the audit trail and the per-address sign-in lockout would see one address
/// for everybody (a stranger's wrong passwords would lock out every member of staff). From
/// any other peer the header is ignored: a client cannot name its own address.
struct ForwardedForMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let trusted: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let peer = context.remoteAddress?.ipAddress, trusted.contains(peer), let name = HTTPField.Name("X-Forwarded-For") {
            context.forwardedFor = Self.client(request.headers[values: name])
        }
        return try await next(request, context)
    }

    /// The last address of the header's values, if it is one (IPv4 or IPv6 characters only).
    static func client(_ values: [String]) -> String? {
        guard let last = values.joined(separator: ",").split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              (2...45).contains(last.count), last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
        return last
    }
}
