// SPDX-License-Identifier: Apache-2.0
import Yams

/// What is wrong with a value a citizen typed, in words for them.
public struct FieldProblem: Error, Sendable, Hashable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

/// Where a field's current value came from: shown next to it, so a citizen sees what the
/// kiosk filled in for them — and when it could not (open-forms #3349: never silently empty).
public enum FieldOrigin: Sendable, Hashable {
    case empty
    case prefilled(PrefillSource)
    /// The source was asked and gave nothing usable: "未能自动获取，请填写".
    case prefillFailed(PrefillSource)
    case entered
}

/// What the platform knows about an applicant: e-licences and credit. Nil parts were not
/// available (offline platform).
public struct ApplicantRecords: Sendable, Hashable {
    public var elicences: [Elicence]?
    public var credit: String?
    /// Printable proofs the platform holds for the applicant (打印证明).
    public var proofs: [HeldProof]
    /// 预约: the applicant's appointments for today.
    public var appointments: [HeldAppointment] = []

    public init(elicences: [Elicence]? = nil, credit: String? = nil, proofs: [HeldProof] = []) {
        self.elicences = elicences
        self.credit = credit
        self.proofs = proofs
    }

    public func elicence(_ type: String) -> Elicence? { elicences?.first { $0.type == type } }
}

/// One application being filled in at the kiosk: values by field, their origin, the
/// materials found or committed to. A value type: the UI state holds it, and it is wiped
/// with the session.
public struct ApplicationForm: Sendable, Hashable {
    public var serviceID: String
    public var values: [String: String]
    public var origins: [String: FieldOrigin]
    /// Tolerable materials the applicant committed to supply later (容缺).
    public var committed: Set<String>
    /// Paper materials handed in as pages scanned at the kiosk: material id → pages kept.
    public var scanned: [String: Int] = [:]
    public var records: ApplicantRecords
    /// Whether the ID card itself was read (an A-grade `id_card` e-licence).
    public var cardRead: Bool
    /// Whether the 社保卡 itself was read (an A-grade `social_security_card` e-licence).
    public var socialSecurityCardRead: Bool

    /// Prefills every field it can from the card and the platform's records.
    public init(service: Service, card: IdentityCard?, records: ApplicantRecords) {
        serviceID = service.id
        values = [:]
        origins = [:]
        committed = []
        self.records = records
        // An e-ID code the platform verified stands for the card (电子身份证 is the ID card's own e-licence).
        cardRead = card?.source == .cardReader || card?.source == .identityCode
        socialSecurityCardRead = card?.source == .socialSecurityCard
        for field in service.fields {
            guard let source = field.prefill else {
                origins[field.id] = .empty
                continue
            }
            if let value = Self.prefill(source, field: field, card: card, records: records),
               field.validate(value, today: nil) == nil {
                values[field.id] = value
                origins[field.id] = .prefilled(source)
            } else {
                origins[field.id] = .prefillFailed(source)
            }
        }
    }

    static func prefill(_ source: PrefillSource, field: Field, card: IdentityCard?, records: ApplicantRecords) -> String? {
        switch source {
        case .card(let attribute):
            guard let card, card.source != .manualEntry || attribute == "id_number" || attribute == "gender" || attribute == "birth_date" || attribute == "region" else { return nil }
            switch attribute {
            case "name": return card.name.isEmpty ? nil : card.name
            case "id_number": return card.idNumber.unmasked
            case "address": return card.address
            case "gender":
                switch card.gender {
                case .male: return "male"
                case .female: return "female"
                default: return nil
                }
            case "birth_date": return (card.birthDate ?? card.idNumber.birthDate)?.description
            case "region": return card.idNumber.regionCode
            default: return nil
            }
        case .elicence(let type, let attribute):
            return records.elicence(type)?.attributes[attribute]
        }
    }

    /// Sets a value the citizen entered (already validated by the caller).
    public mutating func set(_ field: String, _ value: String?) {
        values[field] = value
        origins[field] = value == nil ? .empty : .entered
    }

    /// Fields still to fill in (required, asked and empty), in form order.
    public func missing(_ service: Service, card: IdentityCard?, today: CalendarDate) -> [Field] {
        let facts = facts(service, card: card, today: today)
        return service.fields.filter { $0.required && $0.isAsked(facts) && (values[$0.id]?.isEmpty ?? true) }
    }

    /// The values as they are submitted: only those of fields the citizen is asked (an address
    /// prefilled from the card does not travel when 自取 was chosen).
    public func submittedValues(_ service: Service, card: IdentityCard?, today: CalendarDate) -> [String: String] {
        let facts = facts(service, card: card, today: today)
        let asked = Set(service.fields.filter { $0.isAsked(facts) }.map(\.id))
        return values.filter { asked.contains($0.key) }
    }

    /// Materials as the e-licences found make them: type → grade.
    public func grade(of material: Material) -> Grade? {
        guard case .elicence(let type, _) = material.kind else { return nil }
        if type == "id_card" { return cardRead ? .a : nil }
        if type == "social_security_card", socialSecurityCardRead { return .a }
        return records.elicence(type)?.grade
    }

    /// The facts for a decision on `today`.
    public func facts(_ service: Service, card: IdentityCard?, today: CalendarDate) -> Facts {
        var facts = Facts.applicant(card, today: today)
        if let credit = records.credit { facts["credit.status"] = .choice(credit) }
        for field in service.fields {
            guard let text = values[field.id], !text.isEmpty else { continue }
            let value: FactValue?
            switch field.type {
            case .yesno: value = .bool(text == "yes")
            default: value = FactValue.parse(text, as: field.factType)
            }
            if let value { facts[field.factName] = value }
        }
        for material in service.materialSpecs {
            let names = Material.factNames(material.id)
            if let grade = grade(of: material) {
                facts[names.present] = .bool(true)
                facts[names.grade] = .grade(grade)
            } else if case .paper = material.kind, (scanned[material.id] ?? 0) > 0 {
                facts[names.present] = .bool(true)
            } else {
                facts[names.present] = .bool(false)
            }
            if material.tolerable != nil { facts[names.committed] = .bool(committed.contains(material.id)) }
        }
        return facts
    }
}

extension Field {
    /// Checks a value for this field; nil when it is acceptable. `today` enables the date
    /// checks (not in the future / past).
    public func validate(_ text: String, today: CalendarDate?, divisions: AdministrativeDivisions? = nil) -> FieldProblem? {
        if text.isEmpty {
            guard required else { return nil }
            // Say what is missing, not only that something is.
            switch type {
            case .choice, .yesno: return FieldProblem(zh: "请选择「\(label.zh)」", en: "Please choose: \(label.en)")
            default: return FieldProblem(zh: "请填写「\(label.zh)」", en: "Please fill in: \(label.en)")
            }
        }
        switch type {
        case .number:
            guard let value = Double(text), value.isFinite else { return FieldProblem(zh: "请输入数字", en: "Please enter a number") }
            if integer && value != value.rounded() { return FieldProblem(zh: "请输入整数", en: "Please enter a whole number") }
            if let minimum, value < minimum { return FieldProblem(zh: "不能小于\(Self.format(minimum))", en: "At least \(Self.format(minimum))") }
            if let maximum, value > maximum { return FieldProblem(zh: "不能大于\(Self.format(maximum))", en: "At most \(Self.format(maximum))") }
        case .date:
            guard let date = CalendarDate(iso: text) ?? CalendarDate(digits: text) else {
                return Self.impossibleDate(text) ?? FieldProblem(zh: "请输入8位日期，如 20250301", en: "Enter 8 digits, e.g. 20250301")
            }
            if let today, notInFuture, date > today { return FieldProblem(zh: "日期不能晚于今天", en: "The date cannot be in the future") }
            if let today, notInPast, date < today { return FieldProblem(zh: "日期不能早于今天", en: "The date cannot be in the past") }
        case .phone:
            let mobile = text.count == 11 && text.hasPrefix("1") && text.allSatisfy(\.isASCIIDigit)
            let landline = (10...12).contains(text.count) && text.hasPrefix("0") && text.allSatisfy(\.isASCIIDigit)
            if !mobile && !landline { return FieldProblem(zh: "请输入11位手机号或带区号的固定电话", en: "Enter an 11-digit mobile or a landline with area code") }
        case .idNumber:
            let problem: IDNumber.Problem?
            do {
                problem = try IDNumber(validating: text).regionProblem(divisions)
            } catch {
                problem = error
            }
            if let problem { return FieldProblem(zh: problem.zh, en: problem.en) }
        case .creditCode:
            if !CreditCode.isValid(text) { return FieldProblem(zh: "统一社会信用代码不正确（18位，末位校验）", en: "Not a valid unified social credit code (18 characters, check character)") }
        case .region:
            if text.count != 6 || !text.allSatisfy(\.isASCIIDigit) || text.hasPrefix("00") {
                return FieldProblem(zh: "请输入6位行政区划代码", en: "Enter a 6-digit region code")
            }
            if let problem = divisions?.problem(withCurrent: text) { return problem }
        case .digits:
            if !text.allSatisfy(\.isASCIIDigit) || text.count > 30 { return FieldProblem(zh: "请只输入数字", en: "Digits only") }
        case .choice:
            if !options.contains(where: { $0.id == text }) { return FieldProblem(zh: "请选择一项", en: "Please choose one") }
        case .yesno:
            if text != "yes" && text != "no" { return FieldProblem(zh: "请选择是或否", en: "Please choose yes or no") }
        case .text:
            if let maxLength, text.count > maxLength { return FieldProblem(zh: "不能超过\(maxLength)个字", en: "At most \(maxLength) characters") }
        case .personName:
            if let maxLength, text.count > maxLength { return FieldProblem(zh: "不能超过\(maxLength)个字", en: "At most \(maxLength) characters") }
            if text.contains(where: \.isNumber) { return FieldProblem(zh: "姓名里不应有数字", en: "A name has no digits") }
        }
        return nil
    }

    /// Eight digits that are not a day of the calendar, said as such: "2026年2月31日不存在".
    static func impossibleDate(_ text: String) -> FieldProblem? {
        guard text.count == 8, text.allSatisfy(\.isASCIIDigit),
              let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)), let day = Int(text.suffix(2)) else { return nil }
        guard (1...12).contains(month) else {
            return FieldProblem(zh: "没有\(month)月：月份应为01至12", en: "There is no month \(month): months are 01 to 12")
        }
        guard day >= 1 else { return FieldProblem(zh: "日应为01至31", en: "Days are 01 to 31") }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                      "November", "December"]
        return FieldProblem(zh: "\(year)年\(month)月\(day)日不存在", en: "\(day) \(months[month - 1]) \(year) does not exist")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet, the last a
/// weighted check character.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public static func checkCharacter(_ first17: String) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (char, weight) in zip(chars, weights) {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            sum += value * weight
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    public static func isValid(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == 18, let check = checkCharacter(String(chars.prefix(17))) else { return false }
        return chars[17] == check
    }
}

/// A proof document the platform can issue for an applicant (社保参保证明, 完税证明, …).
/// 预约: an appointment booked online, for today: its 6-digit code, the queue and the time.
public struct HeldAppointment: Sendable, Hashable {
    public var code: String
    public var category: String
    /// "HH:mm", local time.
    public var time: String

    public init(code: String, category: String, time: String) {
        self.code = code
        self.category = category
        self.time = time
    }
}

public struct HeldProof: Sendable, Hashable {
    public var id: String
    public var title: String
    public var issuer: String
    public var lines: [String]

    public init(id: String, title: String, issuer: String, lines: [String]) {
        self.id = id
        self.title = title
        self.issuer = issuer
        self.lines = lines
    }
}

/// The demo platform's records (`Devices/simulator/demo-records.yaml`), by ID number.
public enum DemoRecords {
    public static func parse(_ text: String, file: String) throws(FileProblems) -> [String: ApplicantRecords] {
        var (root, reader) = try NodeReader.open(text, file: file)
        var result: [String: ApplicantRecords] = [:]
        let top = reader.mapping(root, what: "the demo records", allowed: ["records"], required: ["records"])
        for item in reader.sequence(top?["records"], what: "records") {
            guard let entries = reader.mapping(item, what: "a record", allowed: ["id_number", "credit", "elicences", "proofs", "appointments"],
                                               required: ["id_number"]),
                  let number = reader.string(entries["id_number"], what: "id_number") else { continue }
            let credit = entries["credit"].flatMap { reader.keyword($0, what: "credit", ["good": "good", "normal": "normal", "dishonest": "dishonest"]) }
            var elicences: [Elicence] = []
            for node in reader.sequence(entries["elicences"], what: "elicences") {
                guard let e = reader.mapping(node, what: "an e-licence", allowed: ["type", "grade", "attributes"], required: ["type", "grade"]),
                      let type = reader.string(e["type"], what: "type"),
                      let grade = reader.keyword(e["grade"], what: "grade", ["A": Grade.a, "B": .b, "C": .c, "D": .d]) else { continue }
                var attributes: [String: String] = [:]
                for (key, value) in e["attributes"]?.mapping ?? [:] {
                    if let name = key.string, let text = value.string { attributes[name] = text }
                }
                elicences.append(Elicence(type: type, grade: grade, attributes: attributes))
            }
            var proofs: [HeldProof] = []
            for node in reader.sequence(entries["proofs"], what: "proofs") {
                guard let p = reader.mapping(node, what: "a proof", allowed: ["id", "title", "issuer", "lines"], required: ["id", "title", "issuer", "lines"]),
                      let id = reader.string(p["id"], what: "id"), let title = reader.string(p["title"], what: "title"),
                      let issuer = reader.string(p["issuer"], what: "issuer") else { continue }
                let lines = reader.sequence(p["lines"], what: "lines").compactMap { reader.string($0, what: "a line") }
                proofs.append(HeldProof(id: id, title: title, issuer: issuer, lines: lines))
            }
            var record = ApplicantRecords(elicences: elicences, credit: credit, proofs: proofs)
            for node in reader.sequence(entries["appointments"], what: "appointments") {
                guard let a = reader.mapping(node, what: "an appointment", allowed: ["code", "category", "time"], required: ["code", "category", "time"]),
                      let code = reader.string(a["code"], what: "code"), let category = reader.string(a["category"], what: "category"),
                      let time = reader.string(a["time"], what: "time") else { continue }
                record.appointments.append(HeldAppointment(code: code, category: category, time: time))
            }
            result[number] = record
        }
        if !reader.problems.isEmpty { throw FileProblems(reader.problems) }
        return result
    }
}
