import Yams

/// The service catalogue the kiosk offers: departments and services, checked as a whole.
public struct Catalogue: Sendable, Hashable, CustomStringConvertible {
    public private(set) var departments: [Department]
    public private(set) var services: [Service]

    public init(departments: [Department], services: [Service]) {
        self.departments = departments
        self.services = services.sorted { $0.code < $1.code }
    }

    public static let empty = Catalogue(departments: [], services: [])

    public var description: String { "Catalogue(\(services.count) services, \(departments.count) departments)" }

    public func service(id: String) -> Service? { services.first { $0.id == id } }
    public func department(id: String) -> Department? { departments.first { $0.id == id } }
    public func service(code: String) -> Service? { services.first { $0.code == code } }

    public func services(theme: ServiceTheme) -> [Service] { services.filter { $0.theme == theme } }
    public func services(department id: String) -> [Service] { services.filter { $0.departmentID == id } }
    public var hotServices: [Service] { services.filter(\.hot) }

    /// Services whose code starts with the digits typed so far.
    public func services(codePrefix: String) -> [Service] {
        guard !codePrefix.isEmpty else { return [] }
        return services.filter { $0.code.hasPrefix(codePrefix) }
    }

    /// Departments that own at least one service, in file order.
    public var departmentsWithServices: [Department] {
        let used = Set(services.map(\.departmentID))
        return departments.filter { used.contains($0.id) }
    }

    /// The file that lists departments; every other `.yaml` file in the folder is one service.
    public static let departmentsFileName = "departments.yaml"

    /// Parses and checks a whole catalogue folder given as (file name, text) pairs.
    ///
    /// Every problem found is reported with `file:line:column`; nothing partial is returned.
    public static func load(files: [(name: String, text: String)]) throws(FileProblems) -> Catalogue {
        var problems: [FileProblem] = []
        var departments: [Department] = []
        var services: [Service] = []
        var departmentLocations: [String: SourceLocation] = [:]

        guard let departmentsFile = files.first(where: { $0.name == departmentsFileName }) else {
            throw FileProblems([FileProblem(SourceLocation(file: departmentsFileName, line: 1, column: 1),
                                            "the catalogue has no \(departmentsFileName)")])
        }
        do {
            let root = try YAMLDocument.compose(departmentsFile.text, file: departmentsFile.name)
            let decoded = try YAMLDocument.decode(DepartmentsFile.self, from: root, file: departmentsFile.name)
            problems += YAMLDocument.unknownKeys(in: root, file: departmentsFile.name, allowed: [
                "": ["departments"], "departments[]": ["id", "name"], "departments[].name": ["zh", "en"],
            ])
            for (index, department) in decoded.departments.enumerated() {
                let node = root.mapping?["departments"]?.sequence?[index]
                let location = node.map { YAMLDocument.location(of: $0, file: departmentsFile.name) }
                    ?? SourceLocation(file: departmentsFile.name, line: 1, column: 1)
                if let earlier = departmentLocations[department.id] {
                    problems.append(FileProblem(location, "department '\(department.id)' is defined twice (first at \(earlier))"))
                    continue
                }
                problems += checkIdentifier(department.id, what: "department id", at: location)
                problems += checkText(department.name, what: "department name", at: location)
                departmentLocations[department.id] = location
                departments.append(department)
            }
        } catch {
            problems.append(error)
        }

        var byID: [String: SourceLocation] = [:]
        var byCode: [String: (String, SourceLocation)] = [:]
        for file in files.sorted(by: { $0.name < $1.name }) where file.name != departmentsFileName {
            let service: Service
            let root: Node
            do {
                root = try YAMLDocument.compose(file.text, file: file.name)
                service = try parseService(root, file: file.name)
            } catch {
                problems.append(error)
                continue
            }
            let at = service.location
            problems += YAMLDocument.unknownKeys(in: root, file: file.name, allowed: serviceKeys)
            /// The location of a top-level field's value, or of the file's first node.
            func field(_ key: String) -> SourceLocation {
                root.mapping?[key].map { YAMLDocument.location(of: $0, file: file.name) } ?? at
            }
            problems += checkIdentifier(service.id, what: "service id", at: field("id"))
            let stem = file.name.hasSuffix(".yaml") ? String(file.name.dropLast(5)) : file.name
            if stem != service.id {
                problems.append(FileProblem(field("id"), "service id '\(service.id)' must match its file name '\(file.name)'"))
            }
            if let earlier = byID[service.id] {
                problems.append(FileProblem(at, "service id '\(service.id)' is used twice (first at \(earlier))"))
            }
            byID[service.id] = at
            if service.code.isEmpty || service.code.count < 3 || service.code.count > 6
                || !service.code.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problems.append(FileProblem(field("code"), "code '\(service.code)' must be 3 to 6 digits (it is typed on the keypad)"))
            }
            if let (other, earlier) = byCode[service.code] {
                problems.append(FileProblem(field("code"), "code \(service.code) is already used by '\(other)' at \(earlier)"))
            }
            byCode[service.code] = (service.id, field("code"))
            if departmentLocations[service.departmentID] == nil {
                problems.append(FileProblem(field("department"), "department '\(service.departmentID)' is not defined in \(departmentsFileName)"))
            }
            problems += checkText(service.name, what: "name", at: field("name"))
            problems += checkText(service.summary, what: "summary", at: field("summary"))
            problems += checkText(service.fee, what: "fee", at: field("fee"))
            for item in service.conditions { problems += checkText(item, what: "condition", at: field("conditions")) }
            for item in service.materials { problems += checkText(item, what: "material", at: field("materials")) }
            if service.materials.isEmpty {
                problems.append(FileProblem(field("materials"), "a service must list at least one material (申请材料)"))
            }
            if service.timeLimit.legalDays < 0 || service.timeLimit.promisedDays < 0 {
                problems.append(FileProblem(field("time_limit"), "time limits cannot be negative"))
            } else if service.timeLimit.promisedDays > service.timeLimit.legalDays {
                problems.append(FileProblem(field("time_limit"), "promised_days (\(service.timeLimit.promisedDays)) cannot exceed legal_days (\(service.timeLimit.legalDays))"))
            }
            services.append(service)
        }
        // A code that is the prefix of another would make keypad search ambiguous.
        let codes = byCode.keys.sorted()
        for (a, b) in zip(codes, codes.dropFirst()) where b.hasPrefix(a) {
            if let (id, at) = byCode[b] {
                problems.append(FileProblem(at, "code \(b) of '\(id)' starts with code \(a) of '\(byCode[a]?.0 ?? "?")'; codes must not be prefixes of each other"))
            }
        }
        if services.isEmpty && problems.isEmpty {
            problems.append(FileProblem(SourceLocation(file: departmentsFileName, line: 1, column: 1),
                                        "the catalogue has no services"))
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        return Catalogue(departments: departments, services: services)
    }

    /// The keys a service file may use, by place.
    static let serviceKeys: [String: Set<String>] = [
        "": ["id", "code", "name", "theme", "department", "hot", "summary", "conditions", "materials",
             "time_limit", "fee", "identity"],
        "name": ["zh", "en"], "summary": ["zh", "en"], "fee": ["zh", "en"],
        "time_limit": ["legal_days", "promised_days"],
        "conditions[]": ["zh", "en"], "materials[]": ["zh", "en"],
    ]

    static func parseService(_ root: Node, file: String) throws(FileProblem) -> Service {
        let raw = try YAMLDocument.decode(ServiceFile.self, from: root, file: file)
        return Service(id: raw.id, code: raw.code, name: raw.name, theme: raw.theme, departmentID: raw.department,
                       hot: raw.hot ?? false, summary: raw.summary, conditions: raw.conditions,
                       materials: raw.materials, timeLimit: raw.timeLimit, fee: raw.fee, identity: raw.identity,
                       location: YAMLDocument.location(of: root, file: file))
    }

    static func checkIdentifier(_ id: String, what: String, at location: SourceLocation) -> [FileProblem] {
        let allowed = id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return (allowed && !id.isEmpty) ? [] : [FileProblem(location, "\(what) '\(id)' may only use a-z, 0-9 and '-'")]
    }

    static func checkText(_ text: LocalizedText, what: String, at location: SourceLocation) -> [FileProblem] {
        var problems: [FileProblem] = []
        if text.zh.trimmingWhitespace.isEmpty { problems.append(FileProblem(location, "\(what) has no Chinese text (zh)")) }
        if text.en.trimmingWhitespace.isEmpty { problems.append(FileProblem(location, "\(what) has no English text (en)")) }
        return problems
    }
}
