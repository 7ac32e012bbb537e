// SPDX-License-Identifier: Apache-2.0
import Foundation

/// 受理编号: `ZZ` + the key's date (UTC+8, the kiosks' time zone) + 12 characters of the key's
/// random part, e.g. `ZZ20261122-7F3A-91C2-4B0D`. Unique because the key is; readable aloud.
public enum AcceptanceNumber {
    public static func from(key: String) -> String? {
        guard let milliseconds = UUIDv7.milliseconds(key) else { return nil }
        let (year, month, day) = UTCTime.civil(days: Int64(milliseconds / 1000 + 8 * 3600) / 86_400)
        let random = Array(key.utf8.filter { $0 != UInt8(ascii: "-") }.suffix(12).map { $0 >= 0x61 && $0 <= 0x7a ? $0 - 0x20 : $0 })
        guard random.count == 12 else { return nil }
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        func group(_ range: Range<Int>) -> String { String(decoding: random[range], as: UTF8.self) }
        return "ZZ\(digits(year, 4))\(digits(month, 2))\(digits(day, 2))-\(group(0..<4))-\(group(4..<8))-\(group(8..<12))"
    }
}
