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
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }
}
