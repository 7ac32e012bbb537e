// SPDX-License-Identifier: Apache-2.0
/// 电子证照 trust grade (国办函〔2016〕108号): A issued with the agency's e-seal and usable
/// directly; B verified by staff; C uploaded by the applicant, original to be checked; D made
/// by the applicant on a commitment of truth. A is the most trusted: `A > B > C > D`.
public enum Grade: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case d = 1, c, b, a

    public init?(letter: String) {
        switch letter {
        case "A": self = .a
        case "B": self = .b
        case "C": self = .c
        case "D": self = .d
        default: return nil
        }
    }

    public var letter: String {
        switch self {
        case .a: return "A"
        case .b: return "B"
        case .c: return "C"
        case .d: return "D"
        }
    }

    public var description: String { letter }
    public static func < (x: Grade, y: Grade) -> Bool { x.rawValue < y.rawValue }
}

/// What kind of value a fact holds; rules are type-checked against it when they load.
public enum FactType: Sendable, Hashable, CustomStringConvertible {
    case number(integer: Bool)
    case text
    case date
    case bool
    /// One of a fixed set of identifiers (a choice field, gender, credit status).
    case choice([String])
    case grade

    public var description: String {
        switch self {
        case .number(let integer): return integer ? "a whole number" : "a number"
        case .text: return "text"
        case .date: return "a date"
        case .bool: return "yes/no"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .grade: return "a licence grade (A-D)"
        }
    }

    /// Whether `<`, `<=`, `>`, `>=` mean something for it.
    var isOrdered: Bool {
        switch self {
        case .number, .date, .grade: return true
        case .text, .bool, .choice: return false
        }
    }
}

/// A fact's value.
public enum FactValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case date(CalendarDate)
    case bool(Bool)
    case choice(String)
    case grade(Grade)

    public var description: String {
        switch self {
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .text(let s): return "\"\(s)\""
        case .date(let d): return d.description
        case .bool(let b): return b ? "yes" : "no"
        case .choice(let c): return c
        case .grade(let g): return g.letter
        }
    }

    /// A number on one axis for ordered comparison (dates as day numbers, grades 1-4).
    var ordinal: Double? {
        switch self {
        case .number(let n): return n
        case .date(let d): return Double(d.dayNumber)
        case .grade(let g): return Double(g.rawValue)
        case .text, .bool, .choice: return nil
        }
    }
}

/// The facts a service's rules may use, with their types: the applicant (from the ID card
/// or a typed number), today, the applicant's credit from the platform, the form's fields and
/// the materials. Unknown names are load-time errors.
public struct FactSchema: Sendable, Hashable {
    public private(set) var types: [String: FactType]
    /// Values a number fact can never leave (ages are not negative; a field's min/max):
    /// the load-time checks know a rule like `age >= 0` can never fail.
    public private(set) var bounds: [String: ClosedRange<Double>]

    public init(types: [String: FactType] = [:]) {
        var all = FactSchema.base
        for (name, type) in types { all[name] = type }
        self.types = all
        self.bounds = ["applicant.age": 0...150]
    }

    public mutating func bound(_ name: String, minimum: Double?, maximum: Double?) {
        let low = minimum ?? -Double.greatestFiniteMagnitude, high = maximum ?? Double.greatestFiniteMagnitude
        // min above max is the loader's error to report; it must not take the checker down.
        guard minimum != nil || maximum != nil, low <= high else { return }
        bounds[name] = low...high
    }

    public subscript(name: String) -> FactType? { types[name] }

    public mutating func add(_ name: String, _ type: FactType) { types[name] = type }

    /// Facts every service has.
    public static let base: [String: FactType] = [
        "applicant.age": .number(integer: true),
        "applicant.gender": .choice(["male", "female"]),
        /// The six-digit administrative division code at the start of the ID number.
        "applicant.region": .text,
        "applicant.card_kind": .choice(["resident", "foreign_permanent", "hk_macao_taiwan", "manual", "social_security_card"]),
        "credit.status": .choice(["good", "normal", "dishonest"]),
        "today": .date,
    ]

    public var names: [String] { types.keys.sorted() }
}

/// Facts for one decision: a value per name, or none (not known: offline platform,
/// empty optional field). Rules that need a missing fact cannot pass.
public struct Facts: Sendable, Hashable {
    public var values: [String: FactValue]

    public init(_ values: [String: FactValue] = [:]) { self.values = values }

    public subscript(name: String) -> FactValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The facts an identified applicant brings (age on `today`, gender, region, card kind).
    public static func applicant(_ card: IdentityCard?, today: CalendarDate) -> Facts {
        var facts = Facts(["today": .date(today)])
        guard let card else { return facts }
        if let birth = card.birthDate ?? card.idNumber.birthDate {
            facts["applicant.age"] = .number(Double(birth.age(on: today)))
        }
        switch card.gender {
        case .male: facts["applicant.gender"] = .choice("male")
        case .female: facts["applicant.gender"] = .choice("female")
        default: break
        }
        facts["applicant.region"] = .text(card.idNumber.regionCode)
        if card.source == .manualEntry {
            facts["applicant.card_kind"] = .choice("manual")
        } else if card.source == .socialSecurityCard {
            facts["applicant.card_kind"] = .choice("social_security_card")
        } else {
            switch card.kind {
            case .resident: facts["applicant.card_kind"] = .choice("resident")
            case .foreignPermanentResident, .foreignPermanentResident2023: facts["applicant.card_kind"] = .choice("foreign_permanent")
            case .hkMacauTaiwanResidence: facts["applicant.card_kind"] = .choice("hk_macao_taiwan")
            }
        }
        return facts
    }
}
