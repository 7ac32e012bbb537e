// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

public enum Hex {
    public static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    public var sha256Hex: String { Hex.string(SHA256.hash(data: self)) }
}
