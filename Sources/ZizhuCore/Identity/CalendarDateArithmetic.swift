// SPDX-License-Identifier: Apache-2.0
/// Day arithmetic for rules (ages, deadlines, effective dates), in the proleptic
/// Gregorian calendar, without Foundation's time zones: a kiosk's "today" is a date.
extension CalendarDate {
    /// `YYYY-MM-DD` (the form rules, catalogues and receipts use).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 0001-01-01 (day 0): a number that orders and subtracts like dates.
    public var dayNumber: Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in 1..<month { days += CalendarDate.days(inMonth: m, year: year) }
        return days + day - 1
    }

    /// The date `dayNumber` days after 0001-01-01.
    public init?(dayNumber: Int) {
        guard dayNumber >= 0 else { return nil }
        // 400-year cycles have 146097 days.
        var remaining = dayNumber
        var year = 1 + 400 * (remaining / 146_097)
        remaining %= 146_097
        while true {
            let length = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365
            if remaining < length { break }
            remaining -= length
            year += 1
        }
        var month = 1
        while remaining >= CalendarDate.days(inMonth: month, year: year) {
            remaining -= CalendarDate.days(inMonth: month, year: year)
            month += 1
        }
        self.init(year: year, month: month, day: remaining + 1)
    }

    /// 2000-01-01: a placeholder until the runtime's clock has said what day it is.
    public static let epoch = CalendarDate(knownGood: 2000, 1, 1)

    private init(knownGood year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public func adding(days: Int) -> CalendarDate? { CalendarDate(dayNumber: dayNumber + days) }

    /// Monday is 0 … Sunday is 6 (0001-01-01, day 0, was a Monday).
    public var weekday: Int { dayNumber % 7 }

    /// `days` working days later, Saturdays and Sundays skipped (public holidays are not
    /// known to the kiosk: a date it gives is the earliest the department can mean).
    public func adding(workingDays days: Int) -> CalendarDate? {
        var date = self
        var left = max(0, min(days, 3_660))
        while left > 0 {
            guard let next = date.adding(days: 1) else { return nil }
            date = next
            if date.weekday < 5 { left -= 1 }
        }
        return date
    }

    /// Completed years of someone born on this date, on `date` (29 February birthdays
    /// count from 1 March in common years, as Chinese civil practice does).
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return max(0, years)
    }
}
