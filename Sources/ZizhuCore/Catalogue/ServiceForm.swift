// SPDX-License-Identifier: Apache-2.0
/// How a field is entered and checked.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    case text, number, date, choice, yesno, phone
    /// Digits typed on the keypad that are not a quantity (a declaration or account number).
    case digits
    case idNumber = "id_number"
    /// 统一社会信用代码 (GB 32100: 18 characters with a check character).
    case creditCode = "credit_code"
    /// A six-digit administrative division code (GB/T 2260).
    case region
    /// A person's name (姓名): written like text, but the kiosk offers surnames first for
    /// its first character.
    case personName = "person_name"

    /// The type of the fact `field.<id>` holds.
    func factType(options: [FieldOption], integer: Bool) -> FactType {
        switch self {
        case .number: return .number(integer: integer)
        case .date: return .date
        case .choice: return .choice(options.map(\.id))
        case .yesno: return .bool
        case .text, .personName, .phone, .idNumber, .creditCode, .region, .digits: return .text
        }
    }

    /// Whether it is typed on the numeric keypad (no on-screen keyboard needed).
    public var isKeypad: Bool {
        switch self {
        case .number, .date, .phone, .idNumber, .region, .digits: return true
        case .text, .personName, .choice, .yesno, .creditCode: return false
        }
    }
}

public struct FieldOption: Sendable, Hashable {
    public var id: String
    public var label: LocalizedText

    public init(id: String, label: LocalizedText) {
        self.id = id
        self.label = label
    }
}

/// Where a field's value can come from without the citizen typing it (智能预填).
public enum PrefillSource: Sendable, Hashable, CustomStringConvertible {
    /// From the ID card that was read: name, id_number, address, gender, birth_date, region.
    case card(String)
    /// From an e-licence the platform holds for the applicant: `elicence.<type>.<attribute>`.
    case elicence(type: String, attribute: String)

    public static let cardAttributes: [String: FieldType] = [
        "name": .personName, "id_number": .idNumber, "address": .text, "gender": .choice, "birth_date": .date, "region": .region,
    ]

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, parts[0] == "card" {
            self = .card(parts[1])
        } else if parts.count == 3, parts[0] == "elicence" {
            self = .elicence(type: parts[1], attribute: parts[2])
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .card(let attribute): return "card.\(attribute)"
        case .elicence(let type, let attribute): return "elicence.\(type).\(attribute)"
        }
    }
}

/// One field of a service's form.
public struct Field: Sendable, Hashable, Identifiable {
    public var id: String
    public var label: LocalizedText
    public var type: FieldType
    public var required: Bool
    public var prefill: PrefillSource?
    /// For choice fields.
    public var options: [FieldOption]
    /// For numbers: bounds, and whether only whole numbers are allowed.
    public var minimum: Double?
    public var maximum: Double?
    public var integer: Bool
    /// For text: the most characters.
    public var maxLength: Int?
    /// For dates: not before / not after today.
    public var notInFuture: Bool
    public var notInPast: Bool
    public var hint: LocalizedText?
    /// Asked only when this holds (the mailing address only when 邮寄 was chosen); a field
    /// not asked is not submitted either.
    public var onlyIf: Condition?
    public var location: SourceLocation

    public init(id: String, label: LocalizedText, type: FieldType, required: Bool = true, prefill: PrefillSource? = nil,
                options: [FieldOption] = [], minimum: Double? = nil, maximum: Double? = nil, integer: Bool = false,
                maxLength: Int? = nil, notInFuture: Bool = false, notInPast: Bool = false, hint: LocalizedText? = nil,
                location: SourceLocation) {
        self.id = id
        self.label = label
        self.type = type
        self.required = required
        self.prefill = prefill
        self.options = options
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer
        self.maxLength = maxLength
        self.notInFuture = notInFuture
        self.notInPast = notInPast
        self.hint = hint
        self.location = location
    }

    public var factName: String { "field.\(id)" }

    /// Whether the citizen is asked it, given the facts as they stand (unknown: asked).
    public func isAsked(_ facts: Facts) -> Bool { onlyIf?.evaluate(facts) != .no }
    public var factType: FactType { type.factType(options: options, integer: integer) }
}

/// What a missing material needs for 告知承诺/容缺受理: a deadline and the commitment text
/// the applicant confirms.
public struct Toleration: Sendable, Hashable {
    public var deadlineDays: Int
    public var commitment: LocalizedText

    public init(deadlineDays: Int, commitment: LocalizedText) {
        self.deadlineDays = deadlineDays
        self.commitment = commitment
    }
}

/// One 申请材料.
public struct Material: Sendable, Hashable, Identifiable {
    public enum Kind: Sendable, Hashable {
        /// An 电子证照 of this type, accepted from this trust grade up.
        case elicence(type: String, minimumGrade: Grade)
        /// Paper (or a scan) that a person must check.
        case paper
    }

    public var id: String
    public var name: LocalizedText
    public var kind: Kind
    public var tolerable: Toleration?
    /// Needed only when this holds (a marriage certificate only for married applicants).
    public var onlyIf: Condition?
    public var location: SourceLocation

    public init(id: String, name: LocalizedText, kind: Kind, tolerable: Toleration? = nil, onlyIf: Condition? = nil,
                location: SourceLocation) {
        self.id = id
        self.name = name
        self.kind = kind
        self.tolerable = tolerable
        self.onlyIf = onlyIf
        self.location = location
    }

    public static func factNames(_ id: String) -> (present: String, grade: String, committed: String) {
        ("material.\(id).present", "material.\(id).grade", "material.\(id).committed")
    }
}

/// An 电子证照 type the platform can hold for an applicant, and what can be read from it.
public struct ElicenceType: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: LocalizedText
    public var attributes: [String: FieldType]

    public init(id: String, name: LocalizedText, attributes: [String: FieldType]) {
        self.id = id
        self.name = name
        self.attributes = attributes
    }
}

/// An e-licence held for one applicant: its type, grade and attribute values.
public struct Elicence: Sendable, Hashable {
    public var type: String
    public var grade: Grade
    public var attributes: [String: String]

    public init(type: String, grade: Grade, attributes: [String: String]) {
        self.type = type
        self.grade = grade
        self.attributes = attributes
    }
}

/// How a service that passes every check is decided.
public enum Approval: String, Sendable, Hashable {
    /// 秒批: approved by the rules on the spot.
    case instant
    /// Every check passing still goes to a person (the rules pre-check).
    case review
}
