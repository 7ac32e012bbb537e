// SPDX-License-Identifier: Apache-2.0
/// The kinds of card a second-generation reader reads, chosen by the text block's type flag.
public enum CardKind: String, Sendable, Hashable, Codable {
    /// 居民身份证 (resident identity card).
    case resident
    /// 港澳台居民居住证 (flag `J`).
    case hkMacauTaiwanResidence
    /// 外国人永久居留身份证, before 2023 (flag `I`).
    case foreignPermanentResident
    /// 外国人永久居留身份证, 2023 edition (flag `Y`).
    case foreignPermanentResident2023

    public var zh: String {
        switch self {
        case .resident: return "居民身份证"
        case .hkMacauTaiwanResidence: return "港澳台居民居住证"
        case .foreignPermanentResident: return "外国人永久居留身份证"
        case .foreignPermanentResident2023: return "外国人永久居留身份证（2023版）"
        }
    }

    public var en: String {
        switch self {
        case .resident: return "Resident ID card"
        case .hkMacauTaiwanResidence: return "HK/Macau/Taiwan residence permit"
        case .foreignPermanentResident: return "Foreign permanent resident ID card"
        case .foreignPermanentResident2023: return "Foreign permanent resident ID card (2023)"
        }
    }
}

/// What the kiosk knows about the person in front of it, read from their card (or typed,
/// for services that allow manual entry). Lives only in the session; wiped when it ends.
///
/// `description` masks the number and leaves out the address, so logging a card by
/// accident leaks nothing.
public struct IdentityCard: Sendable, Hashable, CustomStringConvertible {
    public var kind: CardKind
    /// Name as shown to the citizen (Chinese name; for `I` cards the Chinese name if any).
    public var name: String
    public var englishName: String?
    public var gender: Gender
    /// GB 3304 nation code (resident cards only), e.g. "01".
    public var nationCode: String?
    public var birthDate: CalendarDate?
    public var address: String?
    public var idNumber: IDNumber
    public var issuingAuthority: String?
    public var validFrom: CalendarDate?
    /// nil with `validIndefinitely` for 长期.
    public var validUntil: CalendarDate?
    public var validIndefinitely: Bool
    /// 通行证号码 (J cards).
    public var passNumber: String?
    /// 签发次数 (J cards) or renewal count (Y cards).
    public var issueCount: String?
    /// ISO 3166 alpha-3 nationality (I and Y cards).
    public var nationality: String?
    /// Where the data came from.
    public var source: Source

    public enum Source: String, Sendable, Hashable {
        case cardReader
        case manualEntry
        /// 社会保障卡 read through PC/SC: number, name, gender, nation and birth date,
        /// but no address, photo or ID card validity.
        case socialSecurityCard
        /// An e-ID code (电子身份证 / 粤省事码) scanned at the kiosk and verified by the
        /// platform: number, name, gender and birth date.
        case identityCode
    }

    public init(kind: CardKind, name: String, englishName: String? = nil, gender: Gender, nationCode: String? = nil,
                birthDate: CalendarDate?, address: String? = nil, idNumber: IDNumber, issuingAuthority: String? = nil,
                validFrom: CalendarDate? = nil, validUntil: CalendarDate? = nil, validIndefinitely: Bool = false,
                passNumber: String? = nil, issueCount: String? = nil, nationality: String? = nil,
                source: Source = .cardReader) {
        self.kind = kind
        self.name = name
        self.englishName = englishName
        self.gender = gender
        self.nationCode = nationCode
        self.birthDate = birthDate
        self.address = address
        self.idNumber = idNumber
        self.issuingAuthority = issuingAuthority
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.validIndefinitely = validIndefinitely
        self.passNumber = passNumber
        self.issueCount = issueCount
        self.nationality = nationality
        self.source = source
    }

    /// The nation's name (汉族, …), or the raw code for codes not in the table.
    public var nationName: String? {
        nationCode.map { Nation.name(code: $0) }
    }

    /// Disagreements between the number and the card's own fields (logged, not fatal).
    public var consistencyProblems: [String] {
        var problems: [String] = []
        if kind == .resident || kind == .hkMacauTaiwanResidence || kind == .foreignPermanentResident2023 {
            if !idNumber.isValid { problems.append("ID number check character or birth date invalid") }
            if let fromNumber = idNumber.birthDate, let birthDate, fromNumber != birthDate {
                problems.append("birth date \(birthDate) differs from the one in the number")
            }
            if let fromNumber = idNumber.gender, gender == .male || gender == .female, fromNumber != gender {
                problems.append("gender \(gender.rawValue) differs from the one in the number")
            }
        }
        return problems
    }

    public var description: String {
        "IdentityCard(\(kind.rawValue), \(idNumber.masked), source: \(source.rawValue))"
    }
}

/// GB 3304 nation codes (民族).
public enum Nation {
    static let names: [String: String] = [
        "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
        "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
        "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
        "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
        "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
        "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
        "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
        "54": "门巴", "55": "珞巴", "56": "基诺",
    ]

    /// "汉族" for "01"; 97 其他, 98 外国血统中国籍人士; any other code is shown as it is.
    public static func name(code: String) -> String {
        let trimmed = code.trimmingWhitespace
        if let name = names[trimmed] { return name + "族" }
        switch trimmed {
        case "97": return "其他"
        case "98": return "外国血统中国籍人士"
        default: return trimmed.isEmpty ? "未知" : trimmed
        }
    }
}
