// SPDX-License-Identifier: Apache-2.0
import Foundation

/// 北京时间: the one clock every service hall in China keeps (UTC+8, no daylight saving).
/// Kiosk and platform both count days by it, whatever time zone the machine's system is
/// set to (a kiosk image is often left on UTC, a platform server too): an appointment for
/// "today", an applicant's age and a 容缺 deadline are the same day on both sides of the wire.
///
/// ```swift
/// CalendarDate.localToday(now)   // 2026-12-05 at 2026-12-04T16:20:00Z
/// ```
public enum BeijingTime {
    public static let zone: TimeZone = TimeZone(identifier: "Asia/Shanghai")
        ?? TimeZone(secondsFromGMT: 8 * 3600) ?? TimeZone(identifier: "UTC") ?? .current

    /// A Gregorian calendar in Beijing time, made once (building one per call showed in the
    /// platform's profile when it decides thousands of applications a second).
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// Minutes after midnight, Beijing time (0…1439).
    public static func minuteOfDay(_ now: Date) -> Int {
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}

extension CalendarDate {
    /// Today in the service hall: the day rolls over at midnight Beijing time, whatever
    /// zone the machine's system is set to. The kiosk decides with it, and the platform
    /// decides again with it from the kiosk's submit time.
    public static func localToday(_ now: Date = Date()) -> CalendarDate {
        let parts = BeijingTime.calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1) ?? .epoch
    }
}

/// The service hall's day (`2026-11-22`): ticket numbers restart at midnight Beijing time.
public enum QueueDay {
    public static func today(_ now: Date = Date()) -> String { of(now, timeZone: BeijingTime.zone) }

    public static func of(_ now: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 2000, parts.month ?? 1, parts.day ?? 1)
    }
}
