// SPDX-License-Identifier: Apache-2.0
import Foundation

/// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. Sorts by time.
public enum UUIDv7 {
    public static func make(milliseconds: UInt64 = UInt64(max(0, Date().timeIntervalSince1970 * 1000))) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8((milliseconds >> (8 * (5 - UInt64(index)))) & 0xFF) }
        var generator = SystemRandomNumberGenerator()
        for index in 6..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.string(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                     hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The milliseconds a UUIDv7 carries, or nil for anything else.
    public static func milliseconds(_ key: String) -> UInt64? {
        let hex = key.utf8.filter { $0 != UInt8(ascii: "-") }
        guard hex.count == 32, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }),
              hex[12] == UInt8(ascii: "7"), let value = UInt64(String(decoding: hex.prefix(12), as: UTF8.self), radix: 16) else { return nil }
        return value
    }

    public static func isValid(_ key: String) -> Bool {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && milliseconds(key) != nil && key == key.lowercased()
    }
}
