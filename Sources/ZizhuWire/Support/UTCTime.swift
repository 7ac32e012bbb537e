// SPDX-License-Identifier: Apache-2.0
import Foundation

/// ISO 8601 times without Foundation's formatters (slow to create, not to be shared across
/// threads): the outbox stamps every submission.
public enum UTCTime {
    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
    public static func civil(days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    /// `2026-11-22T10:00:00Z`.
    /// `2026-11-22T10:00:00.123Z`: log lines (arithmetic only: no ICU at start-up).
    public static func isoMilliseconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let base = iso(Date(timeIntervalSince1970: Double(seconds)))
        return String(base.dropLast()) + String(format: ".%03dZ", Int(milliseconds - seconds * 1000))
    }

    public static func iso(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        guard (0...9999).contains(year) else {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
        }
        // Digits written by hand: `String(format:)` was a tenth of the platform's time per
        // stored batch (it parses the format on every call).
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for place in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[place] = UInt8(truncatingIfNeeded: 48 + value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        put(month, 2, at: 5)
        put(day, 2, at: 8)
        put(Int(rest / 3600), 2, at: 11)
        put(Int(rest % 3600 / 60), 2, at: 14)
        put(Int(rest % 60), 2, at: 17)
        bytes[4] = 0x2D; bytes[7] = 0x2D; bytes[10] = 0x54; bytes[13] = 0x3A; bytes[16] = 0x3A; bytes[19] = 0x5A
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of `civil(days:)`).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// An RFC 3339 time — `2026-11-22T10:00:00Z`, with or without a fraction of a second, in
    /// UTC (`Z`) or at an offset (`+08:00`) — or nil for anything else (a day the month does
    /// not have, a second of 60, a missing zone). Arithmetic only: `ISO8601DateFormatter`
    /// builds an ICU formatter for each use, which was half of the platform's time when it
    /// decided each application again.
    ///
    /// ```swift
    /// UTCTime.instant("1970-01-02T00:00:00.5+08:00")  // 57,600.5 s after the epoch
    /// ```
    public static func instant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        guard let year = number(0, 4), byte(4) == 0x2D, let month = number(5, 2), byte(7) == 0x2D, let day = number(8, 2),
              byte(10) == 0x54, let hour = number(11, 2), byte(13) == 0x3A, let minute = number(14, 2), byte(16) == 0x3A,
              let second = number(17, 2), (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index) == 0x2E {
            index += 1
            var scale = 0.1
            let first = index
            while let digit = byte(index), (48...57).contains(digit) {
                fraction += Double(digit - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > first else { return nil }
        }
        var offset = 0
        switch byte(index) {
        case 0x5A?:
            index += 1
        case let sign? where sign == 0x2B || sign == 0x2D:
            guard let hours = number(index + 1, 2), byte(index + 3) == 0x3A, let minutes = number(index + 4, 2),
                  hours < 24, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == 0x2B ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
