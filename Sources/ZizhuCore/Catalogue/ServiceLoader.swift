// SPDX-License-Identifier: Apache-2.0
import Yams

/// `elicences.yaml`: the e-licence types services may require or prefill from.
enum ElicenceCatalogue {
    static func load(_ file: (name: String, text: String)?, problems: inout [FileProblem]) -> [ElicenceType] {
        guard let file else { return [] }
        let root: Node
        do {
            root = try YAMLDocument.compose(file.text, file: file.name)
        } catch {
            problems.append(error)
            return []
        }
        var reader = NodeReader(file: file.name, text: file.text)
        var types: [ElicenceType] = []
        let top = reader.mapping(root, what: "the e-licence list", allowed: ["elicences"], required: ["elicences"])
        for node in reader.sequence(top?["elicences"], what: "elicences") {
            guard let entries = reader.mapping(node, what: "an e-licence type", allowed: ["id", "name", "attributes"],
                                               required: ["id", "name", "attributes"]),
                  let id = reader.identifier(entries["id"], what: "e-licence id"),
                  let name = reader.localized(entries["name"], what: "e-licence name") else { continue }
            if types.contains(where: { $0.id == id }) { reader.problem(entries["id"], "e-licence type '\(id)' is defined twice") }
            var attributes: [String: FieldType] = [:]
            if let mapping = entries["attributes"]?.mapping {
                for (key, value) in mapping {
                    guard let attribute = key.string,
                          let type = reader.keyword(value, what: "attribute type", Dictionary(uniqueKeysWithValues: FieldType.allCases.map { ($0.rawValue, $0) }))
                    else { continue }
                    attributes[attribute] = type
                }
            } else {
                reader.problem(entries["attributes"], "attributes must map each attribute to its type")
            }
            types.append(ElicenceType(id: id, name: name, attributes: attributes))
        }
        problems += reader.problems
        return types
    }
}

/// Reads and checks one service or bundle file. Problems collect in `reader`.
struct ServiceLoader {
    var reader: NodeReader
    let root: Node
    let elicences: [ElicenceType]
    let receiptTemplates: Set<String>
    var service: Service?
    var isBundle = false
    var partNodes: [Node] = []
    var top: [String: Node] = [:]
    /// Fields' `only_if`, parsed once every field's fact is known.
    var fieldConditions: [(id: String, node: Node)] = []

    static let serviceKeys: Set<String> = [
        "id", "kind", "code", "name", "short_name", "theme", "department", "hot", "summary", "conditions", "identity", "time_limit",
        "fee", "approval", "fields", "materials", "rules", "outputs", "parts", "delivery",
    ]

    init(file: String, text: String, root: Node, elicences: [ElicenceType], receiptTemplates: Set<String>) {
        reader = NodeReader(file: file, text: text)
        self.root = root
        self.elicences = elicences
        self.receiptTemplates = receiptTemplates
    }

    func location(of key: String) -> SourceLocation { reader.location(top[key] ?? root) }

    mutating func parse() {
        guard let top = reader.mapping(root, what: "a service file", allowed: Self.serviceKeys,
                                       required: ["id", "code", "name", "theme", "department", "summary", "identity", "time_limit", "fee"])
        else { return }
        self.top = top
        isBundle = reader.keyword(top["kind"], what: "kind", ["service": false, "bundle": true]) ?? false
        let id = reader.identifier(top["id"], what: "service id")
        let code = reader.string(top["code"], what: "code")
        if let code, code.count < 3 || code.count > 6 || !code.allSatisfy({ $0.isASCII && $0.isNumber }) {
            reader.problem(top["code"], "code '\(code)' must be 3 to 6 digits (it is typed on the keypad)")
        }
        let name = reader.localized(top["name"], what: "name")
        let shortName = top["short_name"].flatMap { reader.localized($0, what: "short_name") }
        if let shortName, TextWidth.width(of: shortName.zh) > Service.shortNameWidth || TextWidth.width(of: shortName.en) > Service.shortNameWidth {
            reader.problem(top["short_name"], "short_name must be at most \(Service.shortNameWidth) columns wide in each language (6 Hanzi, 12 letters): it is drawn big")
        }
        let theme = reader.keyword(top["theme"], what: "theme", ["personal": ServiceTheme.personal, "business": .business])
        let department = reader.string(top["department"], what: "department")
        let hot = top["hot"].flatMap { reader.bool($0, what: "hot") } ?? false
        let summary = reader.localized(top["summary"], what: "summary")
        let conditions = reader.sequence(top["conditions"], what: "conditions").compactMap { reader.localized($0, what: "condition") }
        let identity = reader.keyword(top["identity"], what: "identity",
                                      ["id_card": IdentityRequirement.idCard, "id_card_or_manual": .idCardOrManual,
                                       "id_card_or_sscard": .idCardOrSocialSecurityCard])
        let timeLimit = parseTimeLimit(top["time_limit"])
        let fee = reader.localized(top["fee"], what: "fee")
        let approval = top["approval"].flatMap { reader.keyword($0, what: "approval", ["instant": Approval.instant, "review": .review]) } ?? .review
        let outputs = parseOutputs(top["outputs"])

        var fields: [Field] = []
        var materials: [Material] = []
        var rules: [Rule] = []
        var delivery: ResultDelivery?
        var schema = FactSchema()
        if isBundle {
            for key in ["fields", "materials", "rules", "approval", "delivery"] where top[key] != nil {
                reader.problem(top[key], "a bundle takes '\(key)' from its parts; remove it here")
            }
            partNodes = reader.sequence(top["parts"], what: "parts")
            if partNodes.count < 2 { reader.problem(top["parts"] ?? root, "a bundle needs at least two parts (the services it fans out into)") }
        } else {
            if top["parts"] != nil { reader.problem(top["parts"], "only a bundle (kind: bundle) has parts") }
            fields = parseFields(top["fields"])
            if let node = top["delivery"] {
                delivery = parseDelivery(node)
                for field in delivery?.fields(location: reader.location(node)) ?? [] {
                    if fields.contains(where: { $0.id == field.id }) {
                        reader.problem(node, "field id '\(field.id)' is the kiosk's for 证照寄递 (delivery); name your field otherwise")
                    }
                    fields.append(field)
                }
            }
            for field in fields {
                schema.add(field.factName, field.factType)
                schema.bound(field.factName, minimum: field.minimum, maximum: field.maximum)
            }
            let fieldParser = ConditionParser(schema: schema)
            for (fieldID, node) in fieldConditions {
                if let index = fields.firstIndex(where: { $0.id == fieldID }) { fields[index].onlyIf = condition(node, fieldParser) }
            }
            materials = parseMaterials(top["materials"], schema: schema)
            if materials.isEmpty { reader.problem(top["materials"] ?? root, "a service must list at least one material (申请材料)") }
            for material in materials {
                let names = Material.factNames(material.id)
                schema.add(names.present, .bool)
                if case .elicence = material.kind { schema.add(names.grade, .grade) }
                if material.tolerable != nil { schema.add(names.committed, .bool) }
            }
            rules = parseRules(top["rules"], schema: schema)
            if approval == .instant {
                for material in materials where material.tolerable == nil && material.onlyIf == nil {
                    if case .paper = material.kind {
                        reader.problem(material.location, "'\(id ?? "?")' is approved instantly but material '\(material.id)' is paper and not tolerable: no one could be approved on the spot")
                    }
                }
            }
            if let id {
                for problem in RuleChecks.problems(rules, schema: schema, approval: approval, service: id) { reader.problems.append(problem) }
            }
        }
        guard let id, let code, let name, let theme, let department, let summary, let identity, let timeLimit, let fee else { return }
        service = Service(id: id, code: code, name: name, theme: theme, departmentID: department, hot: hot, summary: summary,
                          conditions: conditions, timeLimit: timeLimit, fee: fee, identity: identity, fields: fields,
                          materials: materials, rules: rules, approval: approval, outputs: outputs, parts: [],
                          schema: schema, location: reader.location(root))
        service?.shortName = shortName
        service?.delivery = delivery
    }

    /// Fills a bundle's shared fields and materials from its parts (each asked once).
    mutating func resolveBundle(parts available: [String: Service]) {
        guard isBundle, var bundle = service else { return }
        var parts: [String] = []
        var fields: [Field] = []
        var materials: [Material] = []
        for node in partNodes {
            guard let id = reader.string(node, what: "part") else { continue }
            guard let part = available[id] else {
                reader.problem(node, "part '\(id)' is not a service in the catalogue (bundles cannot contain bundles)")
                continue
            }
            if parts.contains(id) { reader.problem(node, "part '\(id)' is listed twice") }
            parts.append(id)
            for field in part.fields {
                if let shared = fields.first(where: { $0.id == field.id }) {
                    if shared.factType != field.factType {
                        reader.problem(node, "field '\(field.id)' is \(field.factType) in '\(id)' but \(shared.factType) in an earlier part; shared fields must agree")
                    }
                } else {
                    fields.append(field)
                }
            }
            for material in part.materialSpecs where !materials.contains(where: { $0.id == material.id }) {
                materials.append(material)
            }
            // One 领取方式 for the whole 一件事: the first part's that has one.
            if bundle.delivery == nil { bundle.delivery = part.delivery }
        }
        bundle.parts = parts
        bundle.fields = fields
        bundle.materialSpecs = materials
        service = bundle
    }

    // MARK: - Parts of a service

    mutating func parseTimeLimit(_ node: Node?) -> TimeLimit? {
        guard let entries = reader.mapping(node, what: "time_limit", allowed: ["legal_days", "promised_days"], required: ["legal_days", "promised_days"]),
              let legal = reader.int(entries["legal_days"], what: "legal_days"),
              let promised = reader.int(entries["promised_days"], what: "promised_days") else { return nil }
        if legal < 0 || promised < 0 {
            reader.problem(node, "time limits cannot be negative")
        } else if promised > legal {
            reader.problem(node, "promised_days (\(promised)) cannot exceed legal_days (\(legal))")
        }
        return TimeLimit(legalDays: legal, promisedDays: promised)
    }

    mutating func parseOutputs(_ node: Node?) -> ServiceOutputs {
        guard let entries = reader.mapping(node, what: "outputs", allowed: ["receipt", "proof"]) else { return ServiceOutputs() }
        var outputs = ServiceOutputs()
        if let receipt = reader.string(entries["receipt"], what: "receipt") {
            if receiptTemplates.contains(receipt) {
                outputs.receipt = receipt
            } else {
                reader.problem(entries["receipt"], "no receipt template '\(receipt)' (known: \(receiptTemplates.sorted().joined(separator: ", ")))")
            }
        }
        outputs.proof = reader.identifier(entries["proof"], what: "proof")
        return outputs
    }

    mutating func parseFields(_ node: Node?) -> [Field] {
        var fields: [Field] = []
        let types = Dictionary(uniqueKeysWithValues: FieldType.allCases.map { ($0.rawValue, $0) })
        for item in reader.sequence(node, what: "fields") {
            guard let entries = reader.mapping(item, what: "a field", allowed: [
                "id", "label", "type", "required", "prefill", "options", "min", "max", "integer", "max_length",
                "not_in_future", "not_in_past", "hint", "only_if",
            ], required: ["id", "label", "type"]),
                let id = reader.identifier(entries["id"], what: "field id"),
                let label = reader.localized(entries["label"], what: "field label"),
                let type = reader.keyword(entries["type"], what: "field type", types) else { continue }
            if fields.contains(where: { $0.id == id }) { reader.problem(entries["id"], "field '\(id)' is defined twice") }
            if let onlyIf = entries["only_if"] { fieldConditions.append((id, onlyIf)) }
            var field = Field(id: id, label: label, type: type, location: reader.location(item))
            field.required = entries["required"].flatMap { reader.bool($0, what: "required") } ?? true
            field.hint = entries["hint"].flatMap { reader.localized($0, what: "hint") }
            field.minimum = entries["min"].flatMap { reader.double($0, what: "min") }
            field.maximum = entries["max"].flatMap { reader.double($0, what: "max") }
            field.integer = entries["integer"].flatMap { reader.bool($0, what: "integer") } ?? false
            field.maxLength = entries["max_length"].flatMap { reader.int($0, what: "max_length") }
            field.notInFuture = entries["not_in_future"].flatMap { reader.bool($0, what: "not_in_future") } ?? false
            field.notInPast = entries["not_in_past"].flatMap { reader.bool($0, what: "not_in_past") } ?? false
            if (field.minimum != nil || field.maximum != nil || entries["integer"] != nil) && type != .number {
                reader.problem(item, "min, max and integer are for number fields; '\(id)' is \(type.rawValue)")
            }
            if let low = field.minimum, let high = field.maximum, low > high {
                reader.problem(entries["min"], "min (\(low)) is above max (\(high))")
            }
            if (field.notInFuture || field.notInPast) && type != .date {
                reader.problem(item, "not_in_future and not_in_past are for date fields; '\(id)' is \(type.rawValue)")
            }
            if type == .choice || type == .yesno {
                if type == .yesno { field.options = [FieldOption(id: "yes", label: LocalizedText(zh: "是", en: "Yes")),
                                                     FieldOption(id: "no", label: LocalizedText(zh: "否", en: "No"))] }
            }
            if type == .choice {
                for option in reader.sequence(entries["options"], what: "options") {
                    guard let o = reader.mapping(option, what: "an option", allowed: ["id", "zh", "en"], required: ["id", "zh", "en"]),
                          let optionID = reader.identifier(o["id"], what: "option id"),
                          let zh = reader.string(o["zh"], what: "option (zh)"), let en = reader.string(o["en"], what: "option (en)") else { continue }
                    if field.options.contains(where: { $0.id == optionID }) { reader.problem(o["id"], "option '\(optionID)' is listed twice") }
                    field.options.append(FieldOption(id: optionID, label: LocalizedText(zh: zh, en: en)))
                }
                if field.options.count < 2 { reader.problem(entries["options"] ?? item, "choice field '\(id)' needs at least two options") }
            } else if entries["options"] != nil {
                reader.problem(entries["options"], "options are for choice fields; '\(id)' is \(type.rawValue)")
            }
            if let text = entries["prefill"].flatMap({ reader.string($0, what: "prefill") }) {
                field.prefill = checkPrefill(text, for: field, at: entries["prefill"])
            }
            fields.append(field)
        }
        return fields
    }

    /// A prefill source must exist and give a value of the field's type.
    mutating func checkPrefill(_ text: String, for field: Field, at node: Node?) -> PrefillSource? {
        guard let source = PrefillSource(text) else {
            reader.problem(node, "prefill '\(text)' must be card.<attribute> or elicence.<type>.<attribute>")
            return nil
        }
        let sourceType: FieldType
        switch source {
        case .card(let attribute):
            guard let type = PrefillSource.cardAttributes[attribute] else {
                reader.problem(node, "the ID card has no '\(attribute)' (it has \(PrefillSource.cardAttributes.keys.sorted().joined(separator: ", ")))")
                return nil
            }
            sourceType = type
        case .elicence(let typeID, let attribute):
            guard let type = elicences.first(where: { $0.id == typeID }) else {
                reader.problem(node, "unknown e-licence type '\(typeID)' (see \(Catalogue.elicencesFileName))")
                return nil
            }
            guard let attributeType = type.attributes[attribute] else {
                reader.problem(node, "e-licence '\(typeID)' has no attribute '\(attribute)' (it has \(type.attributes.keys.sorted().joined(separator: ", ")))")
                return nil
            }
            sourceType = attributeType
        }
        let textual: Set<FieldType> = [.text, .personName, .region, .idNumber, .creditCode, .phone, .digits]
        let compatible = sourceType == field.type || (field.type == .text && textual.contains(sourceType))
            || (field.type == .personName && sourceType == .text)
        if !compatible {
            reader.problem(node, "prefill \(source) gives \(sourceType.rawValue), but field '\(field.id)' is \(field.type.rawValue)")
            return nil
        }
        if case .card("gender") = source, !Set(["male", "female"]).isSubset(of: Set(field.options.map(\.id))) {
            reader.problem(node, "a field prefilled from card.gender needs the options male and female")
        }
        return source
    }

    mutating func parseMaterials(_ node: Node?, schema: FactSchema) -> [Material] {
        var materials: [Material] = []
        let parser = ConditionParser(schema: schema)
        for item in reader.sequence(node, what: "materials") {
            guard let entries = reader.mapping(item, what: "a material", allowed: ["id", "name", "elicence", "min_grade", "paper", "tolerable", "only_if"],
                                               required: ["id", "name"]),
                  let id = reader.identifier(entries["id"], what: "material id"),
                  let name = reader.localized(entries["name"], what: "material name") else { continue }
            if materials.contains(where: { $0.id == id }) { reader.problem(entries["id"], "material '\(id)' is listed twice") }
            let kind: Material.Kind
            if let typeNode = entries["elicence"] {
                if entries["paper"] != nil { reader.problem(entries["paper"], "a material is an e-licence or paper, not both") }
                guard let typeID = reader.string(typeNode, what: "elicence") else { continue }
                if !elicences.contains(where: { $0.id == typeID }) {
                    reader.problem(typeNode, "unknown e-licence type '\(typeID)' (see \(Catalogue.elicencesFileName))")
                }
                let grade = entries["min_grade"].flatMap {
                    reader.keyword($0, what: "min_grade", ["A": Grade.a, "B": .b, "C": .c, "D": .d])
                } ?? .b
                kind = .elicence(type: typeID, minimumGrade: grade)
            } else if entries["paper"].flatMap({ reader.bool($0, what: "paper") }) == true {
                if entries["min_grade"] != nil { reader.problem(entries["min_grade"], "min_grade is for e-licences") }
                kind = .paper
            } else {
                reader.problem(item, "material '\(id)' needs 'elicence: <type>' or 'paper: true'")
                continue
            }
            var tolerable: Toleration?
            if let t = reader.mapping(entries["tolerable"], what: "tolerable", allowed: ["deadline_days", "commitment"],
                                      required: ["deadline_days", "commitment"]),
               let days = reader.int(t["deadline_days"], what: "deadline_days"),
               let commitment = reader.localized(t["commitment"], what: "commitment") {
                if days < 1 || days > 180 { reader.problem(t["deadline_days"], "deadline_days must be 1 to 180 days, not \(days)") }
                tolerable = Toleration(deadlineDays: days, commitment: commitment)
            }
            let onlyIf = entries["only_if"].flatMap { condition($0, parser) }
            materials.append(Material(id: id, name: name, kind: kind, tolerable: tolerable, onlyIf: onlyIf, location: reader.location(item)))
        }
        return materials
    }

    mutating func parseRules(_ node: Node?, schema: FactSchema) -> [Rule] {
        let parser = ConditionParser(schema: schema)
        var rules: [Rule] = []
        for item in reader.sequence(node, what: "rules") {
            guard let entries = reader.mapping(item, what: "a rule", allowed: ["id", "require", "only_if", "otherwise", "reason", "remedy", "effective"],
                                               required: ["id", "require", "otherwise", "reason"]),
                  let id = reader.identifier(entries["id"], what: "rule id") else { continue }
            if rules.contains(where: { $0.id == id }) { reader.problem(entries["id"], "rule '\(id)' is defined twice") }
            let require = condition(entries["require"], parser)
            let onlyIf = entries["only_if"].flatMap { condition($0, parser) }
            let otherwise = reader.keyword(entries["otherwise"], what: "otherwise", ["manual": Severity.manual, "refuse": .refuse])
            let reason = reader.localized(entries["reason"], what: "reason")
            let remedy = entries["remedy"].flatMap { reader.localized($0, what: "remedy") }
            var from: CalendarDate?, to: CalendarDate?
            if let effective = reader.mapping(entries["effective"], what: "effective", allowed: ["from", "to"]) {
                from = effective["from"].flatMap { reader.date($0, what: "effective from") }
                to = effective["to"].flatMap { reader.date($0, what: "effective to") }
            }
            guard let require, let otherwise, let reason, entries["only_if"] == nil || onlyIf != nil else { continue }
            rules.append(Rule(id: id, require: require, onlyIf: onlyIf, otherwise: otherwise, reason: reason, remedy: remedy,
                              effectiveFrom: from, effectiveTo: to, location: reader.location(item)))
        }
        return rules
    }

    /// Parses a condition; an error points at the exact character in the file.
    mutating func condition(_ node: Node?, _ parser: ConditionParser) -> Condition? {
        guard let node, let text = reader.string(node, what: "condition") else { return nil }
        do {
            return try parser.parse(text)
        } catch {
            reader.problem(reader.location(in: node, offset: error.offset), error.message)
            return nil
        }
    }
}
