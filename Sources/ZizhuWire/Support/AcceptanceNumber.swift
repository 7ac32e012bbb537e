// SPDX-License-Identifier: Apache-2.0
import Foundation

/// 受理编号: `ZZ` + the key's date (UTC+8, the kiosks' time zone) + 12 characters of the key's
/// random part, e.g. `ZZ20261122-7F3A-91C2-4B0D`. Unique because the key is; readable aloud.
public enum AcceptanceNumber {
    public static func from(key: String) -> String? {
        guard let milliseconds = UUIDv7.milliseconds(key) else { return nil }
        let (year, month, day) = UTCTime.civil(days: Int64(milliseconds / 1000 + 8 * 3600) / 86_400)
        let hex = key.replacingOccurrences(of: "-", with: "").uppercased()
        let random = Array(hex.suffix(12))
        let date = String(format: "%04d%02d%02d", year, month, day)
        return "ZZ\(date)-\(String(random[0..<4]))-\(String(random[4..<8]))-\(String(random[8..<12]))"
    }
}
