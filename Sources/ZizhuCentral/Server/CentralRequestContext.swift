// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What a platform handler knows besides the request's bytes: which enrolled kiosk signed
/// it and the body the signature covered, both put there by `KioskSignatureMiddleware` on
/// the kiosk route group; on the staff side, who is signed in and the form they sent, put
/// there by `StaffSessionMiddleware` (nil and empty elsewhere).
public struct CentralRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The kiosk that signed this request.
    public var kioskID: String?
    /// The request body as signed, collected once by the middleware.
    public var signedBody = Data()
    /// The body as the schema check read it (nil when its route has no schema): a batch's
    /// entries are taken from it, not parsed again.
    public var parsedBody: JSONValue?
    /// The member of staff whose session this request carries.
    public var staff: StaffViewer?
    /// A staff form's fields (`application/x-www-form-urlencoded`), read once by the middleware.
    public var form: [String: String] = [:]
    public let remoteAddress: SocketAddress?
    /// The client's address as a trusted balancer forwarded it (`ForwardedForMiddleware`).
    public var forwardedFor: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address as the audit trail and the sign-in lockout see it: what a
    /// trusted balancer forwarded, else the connection's peer.
    var address: String { forwardedFor ?? remoteAddress?.ipAddress ?? "unknown" }

    /// The signing kiosk; a route of the kiosk group always has one.
    func kiosk() throws -> String {
        guard let kioskID else { throw Refusal(.unauthorized, "unsigned", "this route is for enrolled kiosks") }
        return kioskID
    }

    /// The signed body as `Value`: refused when over this endpoint's `limit` (413) or not the
    /// expected shape (400).
    func decode<Value: Decodable>(_ type: Value.Type, limit: Int, tooLarge: String, malformed: (error: String, detail: String),
                                  valid: (Value) -> Bool = { _ in true }) throws -> Value {
        guard signedBody.count <= limit else { throw Refusal(.contentTooLarge, "too large", tooLarge) }
        guard let value = try? JSONDecoder().decode(Value.self, from: signedBody), valid(value) else {
            throw Refusal(.badRequest, malformed.error, malformed.detail)
        }
        return value
    }

    /// A signed question about one applicant (`{idNumber}`, 18 characters).
    func applicant<Value: Decodable>(_ type: Value.Type, what: String, number: KeyPath<Value, String>) throws -> Value {
        try decode(type, limit: 4 << 10, tooLarge: "\(what) is small",
                   malformed: ("malformed request", "expected {idNumber} with 18 characters"), valid: { $0[keyPath: number].count == 18 })
    }
}
