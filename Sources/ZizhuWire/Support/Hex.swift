// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex, two digits a byte (every payload's hash on the platform's ingest path:
    /// no formatting machinery per byte).
    public static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Data {
    public var sha256Hex: String { Hex.string(SHA256.hash(data: self)) }
}
