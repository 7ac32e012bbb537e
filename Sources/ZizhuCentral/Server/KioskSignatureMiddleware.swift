// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
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
            // Too large to read, so not authenticated: signed for the kiosk it names all the
            // same, so a kiosk can tell a real 413 (halve the batch; an entry too large even
            // alone becomes a dead letter, kept) from a made-up one. The worst a forger who
            // gets one signed can do is make one entry a dead letter — deleting nothing.
            let refusal = Refusal(.contentTooLarge, "too large", "at most \(maximumBody) bytes per request; send fewer entries").response
            guard let kioskID = CentralServer.header(request, RequestSigning.kioskHeader),
                  let nonce = CentralServer.header(request, RequestSigning.nonceHeader),
                  let secret = try? await store.secret(kioskID: kioskID) else { return refusal }
            return try await Self.sign(refusal, secret: secret, method: request.method.rawValue, path: request.uri.path, nonce: nonce)
        }
        let body = Data(buffer: buffer)
        var context = context
        var secret: SymmetricKey?
        var response: Response
        do {
            context.kioskID = try await authenticate(request, body: body, secret: &secret)
            context.signedBody = body
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        // Signed for the kiosk whose secret is known, refusals included (so a kiosk can
        // trust "stale request" and "disabled"); an unknown kiosk's answer cannot be.
        guard let secret, let nonce = CentralServer.header(request, RequestSigning.nonceHeader) else { return response }
        return try await Self.sign(response, secret: secret, method: request.method.rawValue, path: request.uri.path, nonce: nonce)
    }

    /// The answer with its `X-Zizhu-Time` and `X-Zizhu-Answer-Signature` (the body read once
    /// and kept). A refusal as "stale request" is signed too: it is how a kiosk whose clock is
    /// wrong learns the platform's time (from an answer bound to its own request's nonce).
    static func sign(_ response: Response, secret: SymmetricKey, method: String, path: String, nonce: String) async throws -> Response {
        let collected = CollectedBody()
        try await response.body.write(BodyCollector(target: collected))
        let bytes = collected.buffer
        var signed = response
        signed.body = ResponseBody(byteBuffer: bytes)
        let time = String(Int64((Date().timeIntervalSince1970 * 1000).rounded()))
        signed.headers[HTTPField.Name(AnswerSigning.timeHeader)!] = time
        signed.headers[HTTPField.Name(AnswerSigning.header)!] = AnswerSigning.signature(
            secret: secret, status: Int(response.status.code), method: method, path: path, nonce: nonce, time: time, body: Data(buffer: bytes))
        return signed
    }

    func authenticate(_ request: Request, body: Data, secret found: inout SymmetricKey?) async throws -> String {
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
        // From here the request is the kiosk's own: its answer is signed, refusals included
        // (a request that is not the kiosk's gets no signed answer to replay).
        found = secret
        // Disabled by an operator: refused (the kiosk keeps its outbox and tries again later).
        if let reason = try await storage({ try await store.kioskDisabled(kioskID: kioskID) }) {
            throw Refusal(.forbidden, "kiosk disabled", "an operator has disabled this kiosk (\(reason)); its outbox is kept and sent once enabled")
        }
        // No arithmetic that can trap on a value from the wire.
        let (skew, overflow) = timestamp.subtractingReportingOverflow(Int64(Date().timeIntervalSince1970))
        guard !overflow, skew.magnitude <= RequestSigning.maximumSkew.magnitude else {
            throw Refusal(.unauthorized, "stale request",
                          "the kiosk's clock is \(overflow ? "far" : String(skew) + " s") off; at most \(RequestSigning.maximumSkew) s is accepted")
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

/// Where `BodyCollector` puts what a response body writes.
final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// A response body writer that keeps the bytes (to sign them) instead of sending them.
struct BodyCollector: ResponseBodyWriter {
    let target: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        target.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
