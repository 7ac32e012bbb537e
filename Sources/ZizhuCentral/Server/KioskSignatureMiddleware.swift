// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ZizhuWire

/// Lets through only requests signed by an enrolled kiosk (HMAC-SHA256 over method, path,
/// timestamp, nonce and the body's hash; see `RequestSigning`) and puts the kiosk and the
/// signed body in the context. Refused, in this order: before the body is read, no
/// signature, a bad timestamp or an unknown kiosk (401); a body over `maximumBody` (413);
/// a forged signature, a stale or replayed request (401); a kiosk an operator disabled (403, with the operator's reason); a store that cannot answer (503 — a failing database never reads as
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
        // Before a byte of the body is read: the four signature headers, a timestamp, and a
        // kiosk this platform enrolled. A stranger holding a megabyte open is refused here.
        let named: Named
        do {
            named = try await preflight(request)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        }
        guard let buffer = try? await request.collectBody(upTo: maximumBody) else {
            // Too large to read, so not authenticated: signed for the kiosk it names all the
            // same, so a kiosk can tell a real 413 (halve the batch; an entry too large even
            // alone becomes a dead letter, kept) from a made-up one. The worst a forger who
            // gets one signed can do is make one entry a dead letter — deleting nothing.
            let refusal = Refusal(.contentTooLarge, "too large", "at most \(maximumBody) bytes per request; send fewer entries").response
            return try await Self.sign(refusal, secret: named.secret, method: request.method.rawValue, path: Self.target(request), nonce: named.nonce)
        }
        let body = Data(buffer: buffer)
        var context = context
        var verified = false
        var response: Response
        do {
            context.nonceTicket = try await verify(request, named, body: body, verified: &verified)
            context.parsedBody = try RequestSchemas.conform(body, method: request.method.rawValue, path: request.uri.path)
            context.kioskID = named.kioskID
            context.signedBody = body
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        // A nonce left to a write that never ran (refused before it): recorded now, and a
        // replay is told so whatever the handler answered.
        if let ticket = context.nonceTicket, !ticket.isSpent {
            let use = ticket.use
            do {
                if try await !storage({ try await store.remember(nonce: use.nonce, kioskID: named.kioskID, timestamp: use.timestamp, skew: use.skew) }) {
                    response = Refusal.replayed.response
                }
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            }
        }
        // Signed once the request is the kiosk's own, refusals included (so a kiosk can trust
        // "stale request" and "disabled"); a forged request's answer is not.
        guard verified else { return response }
        return try await Self.sign(response, secret: named.secret, method: request.method.rawValue, path: Self.target(request), nonce: named.nonce)
    }

    /// The request target a kiosk signs: the path and, when there is one, the query string
    /// (raw, as sent), so that no parameter can be added or changed in transit.
    static func target(_ request: Request) -> String {
        request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
    }

    /// What the headers say, checked before the body is read.
    struct Named {
        var kioskID: String
        var timestamp: Int64
        var nonce: String
        var signature: String
        var secret: SymmetricKey
        /// Why an operator disabled the kiosk (told only once the signature is good).
        var disabledReason: String?
    }

    func preflight(_ request: Request) async throws -> Named {
        guard let kioskID = CentralServer.header(request, RequestSigning.kioskHeader),
              let timestampText = CentralServer.header(request, RequestSigning.timestampHeader),
              let nonce = CentralServer.header(request, RequestSigning.nonceHeader),
              let signature = CentralServer.header(request, RequestSigning.signatureHeader) else {
            throw Refusal(.unauthorized, "unsigned", "kiosk requests must carry X-Zizhu-Kiosk, -Timestamp, -Nonce and -Signature")
        }
        // As the API document declares them (components/parameters).
        guard (1...64).contains(kioskID.utf8.count), (16...64).contains(nonce.utf8.count), signature.utf8.count == 64 else {
            throw Refusal(.unauthorized, "bad signature", "the signature headers are not of the expected form")
        }
        guard (1...12).contains(timestampText.utf8.count), timestampText.utf8.allSatisfy({ (48...57).contains($0) }),
              let timestamp = Int64(timestampText) else {
            throw Refusal(.unauthorized, "bad timestamp", "X-Zizhu-Timestamp is Unix seconds")
        }
        guard let credentials = try await storage({ try await store.credentials(kioskID: kioskID) }) else {
            throw Refusal(.unauthorized, "unknown kiosk", "kiosk '\(kioskID)' is not enrolled")
        }
        return Named(kioskID: kioskID, timestamp: timestamp, nonce: nonce, signature: signature, secret: credentials.secret,
                     disabledReason: credentials.disabledReason)
    }

    /// The routes whose one write records the request's nonce in its own statement (one
    /// round trip and one commit less for a heartbeat or a batch of applications, most of a
    /// province's requests); every other route's nonce is recorded here before its handler runs.
    static let nonceWithTheWrite: Set<String> = ["POST /v1/heartbeat", "POST /v1/submissions"]

    /// Checks the signature, the kiosk's standing and the clock; records the nonce, or returns
    /// it as a ticket for a route that records it with its write (`nonceWithTheWrite`).
    func verify(_ request: Request, _ named: Named, body: Data, verified: inout Bool) async throws -> NonceTicket? {
        guard RequestSigning.isValid(signature: named.signature, secret: named.secret, method: request.method.rawValue,
                                     path: Self.target(request), timestamp: named.timestamp, nonce: named.nonce, body: body) else {
            throw Refusal(.unauthorized, "bad signature", "the signature does not match this kiosk's secret and this request")
        }
        // From here the request is the kiosk's own: its answer is signed, refusals included
        // (a request that is not the kiosk's gets no signed answer to replay).
        verified = true
        let kioskID = named.kioskID
        // Disabled by an operator: refused (the kiosk keeps its outbox and tries again later).
        if let reason = named.disabledReason {
            throw Refusal(.forbidden, "kiosk disabled", "an operator has disabled this kiosk (\(reason)); its outbox is kept and sent once enabled")
        }
        // No arithmetic that can trap on a value from the wire.
        let (skew, overflow) = named.timestamp.subtractingReportingOverflow(Int64(Date().timeIntervalSince1970))
        guard !overflow, skew.magnitude <= RequestSigning.maximumSkew.magnitude else {
            throw Refusal(.unauthorized, "stale request",
                          "the kiosk's clock is \(overflow ? "far" : String(skew) + " s") off; at most \(RequestSigning.maximumSkew) s is accepted")
        }
        if Self.nonceWithTheWrite.contains(request.method.rawValue + " " + request.uri.path) {
            return NonceTicket(NonceUse(nonce: named.nonce, timestamp: named.timestamp, skew: skew))
        }
        guard try await storage({ try await store.remember(nonce: named.nonce, kioskID: kioskID, timestamp: named.timestamp, skew: skew) }) else {
            throw Refusal.replayed
        }
        return nil
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
