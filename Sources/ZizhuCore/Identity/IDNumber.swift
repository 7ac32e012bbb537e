// SPDX-License-Identifier: Apache-2.0
/// A citizen identity number (公民身份号码, GB 11643-1999): 6-digit region code,
/// 8-digit birth date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character.
///
/// The full number never reaches a screen, receipt, log line or diagnostic dump: use
/// `masked` (`1101**********002X`). `description` is masked too, so string interpolation
/// cannot leak it by accident.
public struct IDNumber: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 18 characters, upper-case X. Only for the submission payload (encrypted at rest).
    public let unmasked: String

    /// Why a typed or read number is not valid.
    public enum Problem: Error, Sendable, Hashable {
        case wrongLength(Int)
        case notDigits
        case badCheckCharacter(expected: Character)
        case impossibleBirthDate
        /// The first six digits are no 行政区划代码, now or ever (checked where the table is loaded).
        case unknownRegion(String)

        public var zh: String {
            switch self {
            case .wrongLength(let n): return "身份证号码应为18位，您输入了\(n)位"
            case .notDigits: return "身份证号码前17位应为数字，最后一位为数字或X"
            case .badCheckCharacter: return "身份证号码校验位不正确，请核对后重新输入"
            case .impossibleBirthDate: return "身份证号码中的出生日期不正确"
            case .unknownRegion(let code): return "身份证号码前6位 \(code) 不是行政区划代码，请核对"
            }
        }

        public var en: String {
            switch self {
            case .wrongLength(let n): return "An ID number has 18 characters; you entered \(n)"
            case .notDigits: return "The first 17 characters must be digits, the last a digit or X"
            case .badCheckCharacter: return "The check character does not match; please check the number"
            case .impossibleBirthDate: return "The birth date in the number is not a real date"
            case .unknownRegion(let code): return "The first six digits, \(code), are not a region code; please check them"
            }
        }
    }

    /// The number's region code checked against the 行政区划 table: a former code is fine
    /// (a number keeps the code of where and when it was issued), an unknown one is not.
    /// Numbers that are not a place by design pass: 台湾居民居住证 (830000) and the 2023
    /// 外国人永久居留身份证 (9 + province + country).
    public func regionProblem(_ divisions: AdministrativeDivisions?) -> Problem? {
        guard let divisions, divisions[regionCode] == nil, regionCode != "830000", !regionCode.hasPrefix("9") else { return nil }
        return .unknownRegion(regionCode)
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits.
    public static func checkCharacter(for seventeen: some Collection<Character>) -> Character? {
        guard seventeen.count == 17 else { return nil }
        var sum = 0
        for (digit, weight) in zip(seventeen, weights) {
            guard let value = digit.wholeNumberValue, digit.isASCII else { return nil }
            sum += value * weight
        }
        return checkCharacters[sum % 11]
    }

    /// Validates a number: length, digits, check character and birth date.
    public init(validating text: String) throws(Problem) {
        let trimmed = text.trimmingWhitespace.uppercased()
        let characters = Array(trimmed)
        guard characters.count == 18 else { throw .wrongLength(characters.count) }
        guard characters.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }),
              let last = characters.last, (last.isASCII && last.isNumber) || last == "X" else { throw .notDigits }
        guard let expected = Self.checkCharacter(for: characters.prefix(17)) else { throw .notDigits }
        guard expected == last else { throw .badCheckCharacter(expected: expected) }
        self.unmasked = trimmed
        guard birthDate != nil else { throw .impossibleBirthDate }
    }

    /// A number as read from a card: kept even when it fails the checks (the card is the
    /// authority; the mismatch is logged), but still masked everywhere.
    public init(fromCard text: String) {
        self.unmasked = text.trimmingWhitespace.uppercased()
    }

    /// Whether the check character and birth date are right.
    public var isValid: Bool { (try? IDNumber(validating: unmasked)) != nil }

    /// `1101**********002X`: the first four and last four characters.
    public var masked: String { Self.mask(unmasked) }

    /// Masks any identity number the same way (used for numbers not yet validated).
    public static func mask(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count > 8 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(4)) + String(repeating: "*", count: characters.count - 8) + String(characters.suffix(4))
    }

    /// Masks every run of 17 digits plus a digit or X in a text (a log line, a diagnostic
    /// dump): the safety net under "never log an ID number". Longer digit runs (e.g. a
    /// timestamp in milliseconds) are left alone.
    public static func maskNumbers(in text: String) -> String {
        let characters = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character.isASCII, character.isNumber, index == 0 || !isIDCharacter(characters[index - 1]) else {
                out.append(character)
                index += 1
                continue
            }
            var end = index
            while end < characters.count, end - index < 19, isIDCharacter(characters[end]) { end += 1 }
            let run = String(characters[index..<end])
            if run.count == 18, run.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }) {
                out += mask(run)
            } else {
                // Not an ID number: copy the whole run so its tail is not looked at again.
                while end < characters.count, isIDCharacter(characters[end]) { end += 1 }
                out += String(characters[index..<end])
            }
            index = end
        }
        return out
    }

    private static func isIDCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isNumber || character == "X" || character == "x")
    }

    /// A number as it is typed, in full, grouped as it is read aloud (region, birth date,
    /// sequence and check: `110105 19491231 002X`). It is the citizen's own number on their
    /// own screen while they type it; once taken it is `masked` everywhere.
    public static func groupedWhileTyping(_ typed: String) -> String {
        let characters = Array(typed.prefix(18))
        var groups: [String] = []
        for range in [0..<6, 6..<14, 14..<18] where range.lowerBound < characters.count {
            groups.append(String(characters[range.lowerBound..<min(range.upperBound, characters.count)]))
        }
        return groups.joined(separator: " ")
    }

    /// A value already taken, as a screen shows it: masked (a partial one too).
    public static func maskWhileTyping(_ typed: String) -> String {
        typed.count <= 8 ? typed : mask(typed)
    }

    public var description: String { masked }
    public var debugDescription: String { "IDNumber(\(masked))" }

    /// The 6-digit administrative region code (e.g. 110105 = 北京市朝阳区).
    public var regionCode: String { String(unmasked.prefix(6)) }

    /// Birth date encoded in digits 7–14, if it is a real date.
    public var birthDate: CalendarDate? {
        guard unmasked.count == 18 else { return nil }
        return CalendarDate(digits: String(Array(unmasked)[6..<14]))
    }

    /// Digit 17: odd for men, even for women.
    public var gender: Gender? {
        guard unmasked.count == 18, let digit = Array(unmasked)[16].wholeNumberValue else { return nil }
        return digit % 2 == 1 ? .male : .female
    }
}

/// Gender as cards encode it (GB/T 2261.1).
public enum Gender: String, Sendable, Hashable, Codable {
    case male, female, unknown, unspecified

    /// From a card's gender code: 1 male, 2 female, 0 unknown, 9 unspecified.
    public init(cardCode: String) {
        switch cardCode.trimmingWhitespace {
        case "1": self = .male
        case "2": self = .female
        case "9": self = .unspecified
        default: self = .unknown
        }
    }

    public var zh: String {
        switch self {
        case .male: return "男"
        case .female: return "女"
        case .unknown: return "未知"
        case .unspecified: return "未说明"
        }
    }
}

/// A calendar date without time or zone (birth dates, validity dates).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CalendarDate.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// From `YYYYMMDD`.
    public init?(digits: String) {
        let characters = Array(digits)
        guard characters.count == 8, characters.allSatisfy({ $0.isASCII && $0.isNumber }),
              let y = Int(String(characters[0..<4])), let m = Int(String(characters[4..<6])),
              let d = Int(String(characters[6..<8])) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(format4(year)) + "-" + two(month) + "-" + two(day)
    }

    private func format4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
    private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
