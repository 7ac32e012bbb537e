// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
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
    /// The request's nonce, when `KioskSignatureMiddleware` leaves it to the handler's own
    /// write to record (`once`); nil when the middleware recorded it already.
    public var nonceTicket: NonceTicket?
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

    /// Runs the request's one write with its nonce, when the middleware left the nonce to it:
    /// the store records the nonce first in the same transaction and answers nil for a replay,
    /// which is refused (401) with nothing written. Without a ticket the nonce is recorded
    /// already and `write` gets nil.
    ///
    /// ```swift
    /// try await context.once { nonce in try await store.recordHeartbeat(kioskID: id, beat, at: Date(), once: nonce) ? true : nil }
    /// ```
    /// A store that fails is a 503 (the nonce not spent: the middleware tries it again).
    func once<T>(_ write: (NonceUse?) async throws -> T?) async throws -> T {
        let result: T?
        do {
            result = try await write(nonceTicket?.use)
        } catch let refusal as any HTTPResponseError {
            throw refusal
        } catch {
            throw Refusal(.serviceUnavailable, "storage unavailable", "the platform cannot store this now; try again later")
        }
        nonceTicket?.spend()
        guard let result else { throw Refusal.replayed }
        return result
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

/// A verified request's nonce, handed from `KioskSignatureMiddleware` to the handler whose
/// write records it; once the write ran (fresh or a replay), the nonce is spent and the
/// middleware leaves it alone. One that no write spent (a handler that refused before
/// writing) the middleware records itself afterwards, so every signed request is used once.
public final class NonceTicket: Sendable {
    public let use: NonceUse
    private let spent = NIOLockedValueBox(false)

    init(_ use: NonceUse) { self.use = use }

    func spend() { spent.withLockedValue { $0 = true } }

    var isSpent: Bool { spent.withLockedValue { $0 } }
}
