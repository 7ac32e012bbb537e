// SPDX-License-Identifier: Apache-2.0
import Foundation
/// 语音提示: how prompts are spoken.
public struct SpeechSettings: Sendable, Hashable {
    public var enabled = false
    /// espeak-ng's speed (words a minute); slower than its default 175 for older citizens.
    public var wordsPerMinute = 140
    /// Where utterances go instead of the speaker (WAV files), for technicians and tests.
    public var recordFolder: String?

    public init() {}
}

/// 取号: one queue of the hall — its ticket letter (A007) and how long one person takes.
public struct QueueCategory: Sendable, Hashable {
    public var id: String
    public var letter: Character
    public var name: LocalizedText
    public var minutesPerPerson: Int

    public init(id: String, letter: Character, name: LocalizedText, minutesPerPerson: Int) {
        self.id = id
        self.letter = letter
        self.name = name
        self.minutesPerPerson = minutesPerPerson
    }

    /// The printed number: the letter and three digits (`A007`).
    public func ticketNumber(_ number: Int) -> String { String(letter) + String(format: "%03d", number) }

    /// 预约签到: checked-in appointments have their own numbers (AY01, AY02 …) and are
    /// called before walk-ins.
    public var appointmentQueue: String { "appointment:" + id }
    public func appointmentNumber(_ number: Int) -> String { String(letter) + "Y" + String(format: "%02d", number) }

    /// People ahead, estimated from the tickets issued today and the minutes one person
    /// takes (until the hall's calling system tells the kiosk who has been called).
    public func peopleAhead(issuedBefore: Int, firstIssuedAt: Date?, now: Date) -> Int {
        guard let first = firstIssuedAt else { return issuedBefore }
        let served = Int(max(0, now.timeIntervalSince(first)) / 60) / max(1, minutesPerPerson)
        return max(0, issuedBefore - served)
    }

    public static let defaults: [QueueCategory] = [
        QueueCategory(id: "social_insurance", letter: "A", name: LocalizedText(zh: "社保医保", en: "Social insurance"), minutesPerPerson: 6),
        QueueCategory(id: "housing_fund", letter: "B", name: LocalizedText(zh: "住房公积金", en: "Housing fund"), minutesPerPerson: 8),
        QueueCategory(id: "business", letter: "C", name: LocalizedText(zh: "企业开办", en: "Starting a business"), minutesPerPerson: 12),
        QueueCategory(id: "general", letter: "D", name: LocalizedText(zh: "综合业务", en: "Other services"), minutesPerPerson: 5),
    ]
}

/// 值守时间: when staff are in the hall. The 24小时自助区 stays open at night with no one in
/// it; then 呼叫帮办 cannot bring anyone, and the kiosk says to ring 12345 instead.
public struct StaffedHours: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after midnight, Beijing time: staffed from `from` up to `to` (a range that
    /// wraps past midnight is a night shift).
    public var from: Int
    public var to: Int

    /// 08:30–18:00, a 政务服务中心's usual hours.
    public static let office = StaffedHours(from: 8 * 60 + 30, to: 18 * 60)

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    /// "08:30-18:00"; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Self.minute(parts[0]), let to = Self.minute(parts[1]), from != to else { return nil }
        self.init(from: from, to: to)
    }

    private static func minute(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    public func contains(minute: Int) -> Bool {
        from < to ? (from..<to).contains(minute) : (minute >= from || minute < to)
    }

    public var description: String {
        func text(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        return "\(text(from))–\(text(to))"
    }
}
