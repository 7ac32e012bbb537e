// SPDX-License-Identifier: Apache-2.0
import Yams

extension FactValue {
    /// Reads a value of a type from text (a facts file, a form field).
    public static func parse(_ text: String, as type: FactType) -> FactValue? {
        switch type {
        case .number(let integer):
            guard let value = Double(text), value.isFinite, !integer || value == value.rounded() else { return nil }
            return .number(value)
        case .text: return .text(text)
        case .date: return CalendarDate(iso: text).map(FactValue.date)
        case .bool:
            switch text {
            case "yes", "true": return .bool(true)
            case "no", "false": return .bool(false)
            default: return nil
            }
        case .choice(let options): return options.contains(text) ? .choice(text) : nil
        case .grade: return Grade(letter: text).map(FactValue.grade)
        }
    }
}

/// Facts for one application written as YAML, for `zizhu catalogue try` (and headless
/// submissions): the applicant, credit, field values and materials, checked against the
/// service's schema with file:line:column errors.
public struct FactsFile: Sendable {
    public var facts: Facts
    public var today: CalendarDate
    /// The applicant's ID number, when the file gives one (headless submissions need it).
    public var idNumber: IDNumber?

    public static func parse(_ text: String, file: String, for service: Service, in catalogue: Catalogue,
                             defaultToday: CalendarDate? = nil) throws(FileProblems) -> FactsFile {
        var (root, reader) = try NodeReader.open(text, file: file)
        var idNumber: IDNumber?
        let top = reader.mapping(root, what: "the facts", allowed: ["today", "applicant", "credit", "fields", "materials"]) ?? [:]
        let today = top["today"].flatMap { reader.date($0, what: "today") } ?? defaultToday ?? CalendarDate(year: 2026, month: 1, day: 1)!
        var facts = Facts(["today": .date(today)])
        let schema = service.isBundle
            ? service.parts.compactMap(catalogue.service(id:)).reduce(into: FactSchema()) { all, part in
                for (name, type) in part.schema.types { all.add(name, type) }
            }
            : service.schema
        if let applicant = reader.mapping(top["applicant"], what: "applicant", allowed: ["id_number", "age", "gender", "region", "card_kind"]) {
            if let number = applicant["id_number"].flatMap({ reader.string($0, what: "id_number") }) {
                do {
                    let id = try IDNumber(validating: number)
                    idNumber = id
                    let card = IdentityCard(kind: .resident, name: "", gender: id.gender ?? .unknown, birthDate: id.birthDate, idNumber: id)
                    for (name, value) in Facts.applicant(card, today: today).values { facts[name] = value }
                } catch {
                    reader.problem(applicant["id_number"], "id_number: \(error.en)")
                }
            }
            for key in ["age", "gender", "region", "card_kind"] {
                guard let node = applicant[key] else { continue }
                set("applicant.\(key)", node, schema: schema, reader: &reader, facts: &facts)
            }
        }
        if let credit = top["credit"] { set("credit.status", credit, schema: schema, reader: &reader, facts: &facts) }
        if let fields = top["fields"]?.mapping {
            for (key, node) in fields {
                guard let name = key.string else { continue }
                guard schema["field.\(name)"] != nil else {
                    reader.problem(key, "'\(service.id)' has no field '\(name)'")
                    continue
                }
                set("field.\(name)", node, schema: schema, reader: &reader, facts: &facts)
            }
        }
        if let materials = top["materials"]?.mapping {
            for (key, node) in materials {
                guard let id = key.string, let value = reader.string(node, what: "material") else { continue }
                let names = Material.factNames(id)
                guard schema[names.present] != nil else {
                    reader.problem(key, "'\(service.id)' has no material '\(id)'")
                    continue
                }
                switch value {
                case "committed":
                    guard schema[names.committed] != nil else {
                        reader.problem(node, "material '\(id)' is not tolerable: it cannot be committed to")
                        continue
                    }
                    facts[names.committed] = .bool(true)
                    facts[names.present] = .bool(false)
                case "present":
                    facts[names.present] = .bool(true)
                default:
                    guard let grade = Grade(letter: value), schema[names.grade] != nil else {
                        reader.problem(node, "material '\(id)': write a grade (A-D) for an e-licence, 'present' or 'committed'")
                        continue
                    }
                    facts[names.present] = .bool(true)
                    facts[names.grade] = .grade(grade)
                }
            }
        }
        if !reader.problems.isEmpty { throw FileProblems(reader.problems) }
        return FactsFile(facts: facts, today: today, idNumber: idNumber)
    }

    static func set(_ name: String, _ node: Node, schema: FactSchema, reader: inout NodeReader, facts: inout Facts) {
        guard let type = schema[name], let text = reader.string(node, what: name) else { return }
        guard let value = FactValue.parse(text, as: type) else {
            reader.problem(node, "\(name) must be \(type), not '\(text)'")
            return
        }
        facts[name] = value
    }
}
