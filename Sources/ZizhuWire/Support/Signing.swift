// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

/// Every kiosk request is signed with HMAC-SHA256 over method, request target (the path and
/// its query string, as sent), timestamp, nonce and the body's SHA-256, with the secret the
/// kiosk received at enrolment.
public enum RequestSigning {
    public static let kioskHeader = "X-Zizhu-Kiosk"
    public static let timestampHeader = "X-Zizhu-Timestamp"
    public static let nonceHeader = "X-Zizhu-Nonce"
    public static let signatureHeader = "X-Zizhu-Signature"
    /// Requests older or newer than this (seconds) are refused as stale.
    public static let maximumSkew: Int64 = 300

    public static func canonical(method: String, path: String, timestamp: Int64, nonce: String, body: Data) -> Data {
        Data("\(method.uppercased())\n\(path)\n\(timestamp)\n\(nonce)\n\(body.sha256Hex)".utf8)
    }

    public static func signature(secret: SymmetricKey, method: String, path: String, timestamp: Int64, nonce: String,
                                 body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: canonical(method: method, path: path, timestamp: timestamp,
                                                                 nonce: nonce, body: body), using: secret)
        return Hex.string(mac)
    }

    public static func isValid(signature: String, secret: SymmetricKey, method: String, path: String, timestamp: Int64,
                               nonce: String, body: Data) -> Bool {
        guard let given = hexBytes(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: canonical(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body),
            using: secret)
    }

    /// The headers for one request.
    public static func headers(kioskID: String, secret: SymmetricKey, method: String, path: String, body: Data,
                               now: Date = Date()) -> [(String, String)] {
        let timestamp = Int64(now.timeIntervalSince1970)
        let nonce = UUID().uuidString.lowercased()
        return [(kioskHeader, kioskID), (timestampHeader, String(timestamp)), (nonceHeader, nonce),
                (signatureHeader, signature(secret: secret, method: method, path: path, timestamp: timestamp, nonce: nonce, body: body))]
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// Every answer the platform gives an enrolled kiosk is signed too: HMAC-SHA256 with the
/// kiosk's secret over the status, the request's method, path and nonce, the platform's
/// clock when it answered (`X-Zizhu-Time`, Unix milliseconds) and the answer body's SHA-256,
/// in `X-Zizhu-Answer-Signature`. The kiosk acts on no answer it cannot verify (above all, it
/// deletes no payload on a "stored" it cannot verify): an answer someone in between made up,
/// changed, or kept from another request is a network error. The signed time is how a kiosk
/// whose own clock is wrong learns the right one.
///
/// ```swift
/// let signature = AnswerSigning.signature(secret: key, status: 200, method: "POST", path: "/v1/submissions",
///                                         nonce: nonce, time: "1764842400000", body: answer)
/// AnswerSigning.isValid(signature: signature, secret: key, status: 200, method: "POST",
///                       path: "/v1/submissions", nonce: nonce, time: "1764842400000", body: answer)   // true
/// ```
public enum AnswerSigning {
    public static let header = "X-Zizhu-Answer-Signature"
    public static let timeHeader = "X-Zizhu-Time"

    /// Starts with a line no request's canonical form can start with, so a request's
    /// signature is never a valid answer signature and the other way round.
    public static func canonical(status: Int, method: String, path: String, nonce: String, time: String, body: Data) -> Data {
        Data("ZIZHU-ANSWER\n\(status)\n\(method.uppercased())\n\(path)\n\(nonce)\n\(time)\n\(body.sha256Hex)".utf8)
    }

    public static func signature(secret: SymmetricKey, status: Int, method: String, path: String, nonce: String, time: String,
                                 body: Data) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: canonical(status: status, method: method, path: path, nonce: nonce, time: time,
                                                                  body: body),
                                                   using: secret))
    }

    public static func isValid(signature: String, secret: SymmetricKey, status: Int, method: String, path: String, nonce: String,
                               time: String, body: Data) -> Bool {
        guard let given = RequestSigning.hexBytes(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: canonical(status: status, method: method, path: path, nonce: nonce, time: time, body: body),
            using: secret)
    }
}
