// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuWire

/// Lets through only requests signed by an enrolled kiosk (HMAC-SHA256 over method, path,
/// timestamp, nonce and the body's hash; see `RequestSigning`) and puts the kiosk and the
/// signed body in the context. Refused, in this order: a body over `maximumBody` (413); no
/// signature, a bad timestamp, an unknown kiosk, a forged signature, a stale or replayed
/// request (401); a kiosk an operator disabled (403, with the operator's reason); a store that cannot answer (503 — a failing database never reads as
/// "unknown kiosk").
///
/// ```swift
/// let kiosks = router.group("v1").add(middleware: KioskSignatureMiddleware(store: store, maximumBody: 1 << 20))
/// kiosks.get("time") { _, context in try context.kiosk() }
/// ```
struct KioskSignatureMiddleware: RouterMiddleware {
    typealias Context = CentralRequestContext
    let store: any CentralStorage
    let maximumBody: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: maximumBody) else {
            throw Refusal(.contentTooLarge, "too large", "at most \(maximumBody) bytes per request; send fewer entries")
        }
        let body = Data(buffer: buffer)
        var context = context
        context.kioskID = try await authenticate(request, body: body)
        context.signedBody = body
        return try await next(request, context)
    }

    func authenticate(_ request: Request, body: Data) async throws -> String {
        guard let kioskID = CentralServer.header(request, RequestSigning.kioskHeader),
              let timestampText = CentralServer.header(request, RequestSigning.timestampHeader),
              let nonce = CentralServer.header(request, RequestSigning.nonceHeader),
              let signature = CentralServer.header(request, RequestSigning.signatureHeader) else {
            throw Refusal(.unauthorized, "unsigned", "kiosk requests must carry X-Zizhu-Kiosk, -Timestamp, -Nonce and -Signature")
        }
        guard let timestamp = Int64(timestampText) else {
            throw Refusal(.unauthorized, "bad timestamp", "X-Zizhu-Timestamp is Unix seconds")
        }
        guard let secret = try await storage({ try await store.secret(kioskID: kioskID) }) else {
            throw Refusal(.unauthorized, "unknown kiosk", "kiosk '\(kioskID)' is not enrolled")
        }
        guard RequestSigning.isValid(signature: signature, secret: secret, method: request.method.rawValue,
                                     path: request.uri.path, timestamp: timestamp, nonce: nonce, body: body) else {
            throw Refusal(.unauthorized, "bad signature", "the signature does not match this kiosk's secret and this request")
        }
        // Disabled by an operator: refused (the kiosk keeps its outbox and tries again later).
        if let reason = try await storage({ try await store.kioskDisabled(kioskID: kioskID) }) {
            throw Refusal(.forbidden, "kiosk disabled", "an operator has disabled this kiosk (\(reason)); its outbox is kept and sent once enabled")
        }
        let skew = timestamp - Int64(Date().timeIntervalSince1970)
        guard abs(skew) <= RequestSigning.maximumSkew else {
            throw Refusal(.unauthorized, "stale request",
                          "the kiosk's clock is \(skew) s off; at most \(RequestSigning.maximumSkew) s is accepted")
        }
        guard try await storage({ try await store.remember(nonce: nonce, kioskID: kioskID, timestamp: timestamp, skew: skew) }) else {
            throw Refusal(.unauthorized, "replayed request", "this nonce was used before")
        }
        return kioskID
    }

    /// A store call whose failure is the platform's, not the kiosk's: 503.
    private func storage<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            throw Refusal(.serviceUnavailable, "storage unavailable", "the platform cannot check this kiosk now; try again later")
        }
    }
}
