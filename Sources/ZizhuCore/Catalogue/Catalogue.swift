// SPDX-License-Identifier: Apache-2.0
import Yams

/// The service catalogue the kiosk offers: departments and services, checked as a whole.
public struct Catalogue: Sendable, Hashable, CustomStringConvertible {
    public private(set) var departments: [Department]
    public private(set) var services: [Service]
    public private(set) var elicences: [ElicenceType]
    /// Which files it was loaded from (`CatalogueBundle.version`, set by the loader): sent
    /// with every application so the platform decides again with the same catalogue.
    public var version = ""

    public init(departments: [Department], services: [Service], elicences: [ElicenceType] = []) {
        self.departments = departments
        self.services = services.sorted { $0.code < $1.code }
        self.elicences = elicences
    }

    public static let empty = Catalogue(departments: [], services: [])

    public func elicence(id: String) -> ElicenceType? { elicences.first { $0.id == id } }

    public var description: String { "Catalogue(\(services.count) services, \(departments.count) departments)" }

    /// Services that are 一件事 bundles.
    public var bundles: [Service] { services.filter(\.isBundle) }

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
    /// The file that lists the e-licence types services may ask for or prefill from.
    public static let elicencesFileName = "elicences.yaml"

    /// Parses and checks a whole catalogue folder given as (file name, text) pairs.
    ///
    /// Every problem found is reported with `file:line:column`; nothing partial is returned.
    public static func load(files: [(name: String, text: String)],
                            receiptTemplates: Set<String> = Set(ReceiptSample.allCases.map(\.rawValue))) throws(FileProblems) -> Catalogue {
        var problems: [FileProblem] = []
        var departments: [Department] = []
        var services: [Service] = []
        var departmentLocations: [String: SourceLocation] = [:]

        guard let departmentsFile = files.first(where: { baseName($0.name) == departmentsFileName }) else {
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

        let elicences = ElicenceCatalogue.load(files.first { baseName($0.name) == elicencesFileName }, problems: &problems)
        var parsed: [ServiceLoader] = []
        for file in files.sorted(by: { $0.name < $1.name }) where baseName(file.name) != departmentsFileName && baseName(file.name) != elicencesFileName {
            let root: Node
            do {
                root = try YAMLDocument.compose(file.text, file: file.name)
            } catch {
                problems.append(error)
                continue
            }
            var loader = ServiceLoader(file: file.name, text: file.text, root: root, elicences: elicences,
                                       receiptTemplates: receiptTemplates)
            loader.parse()
            parsed.append(loader)
        }
        // Bundles take their fields and materials from their parts, so parts come first.
        var byID: [String: Service] = [:]
        for loader in parsed where !loader.isBundle {
            if let service = loader.service { byID[service.id] = byID[service.id] ?? service }
        }
        for index in parsed.indices where parsed[index].isBundle {
            parsed[index].resolveBundle(parts: byID)
        }
        var seenID: [String: SourceLocation] = [:]
        var byCode: [String: (String, SourceLocation)] = [:]
        for loader in parsed {
            problems += loader.reader.problems
            guard let service = loader.service else { continue }
            let name = baseName(loader.reader.file)
            let stem = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
            if stem != service.id {
                problems.append(FileProblem(loader.location(of: "id"), "service id '\(service.id)' must match its file name '\(name)'"))
            }
            if let earlier = seenID[service.id] {
                problems.append(FileProblem(service.location, "service id '\(service.id)' is used twice (first at \(earlier))"))
            }
            seenID[service.id] = service.location
            if let (other, earlier) = byCode[service.code] {
                problems.append(FileProblem(loader.location(of: "code"), "code \(service.code) is already used by '\(other)' at \(earlier)"))
            }
            byCode[service.code] = (service.id, loader.location(of: "code"))
            if departmentLocations[service.departmentID] == nil {
                problems.append(FileProblem(loader.location(of: "department"), "department '\(service.departmentID)' is not defined in \(departmentsFileName)"))
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
        return Catalogue(departments: departments, services: services, elicences: elicences)
    }

    /// The last part of a path ("a/b/c.yaml" → "c.yaml").
    static func baseName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

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
