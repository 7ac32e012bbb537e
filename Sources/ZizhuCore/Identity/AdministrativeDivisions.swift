// SPDX-License-Identifier: Apache-2.0
/// The 行政区划代码 (GB/T 2260) the kiosk knows: every six-digit code with its full name, and
/// whether it is in use today. Generated at set-up from maintained data packages
/// (`Assets/generators/divisions.py` writes `Assets/divisions.tsv`).
///
/// A region field takes only a current code; an ID number may begin with a former one (it
/// keeps the code of where and when it was issued).
///
/// ```swift
/// let divisions = try AdministrativeDivisions.parse(text, file: "divisions.tsv")
/// divisions["440106"]?.name        // 广东省广州市天河区
/// divisions["110104"]?.isCurrent   // false: 宣武区 became part of 西城区 in 2010
/// ```
public final class AdministrativeDivisions: Sendable, Hashable, CustomStringConvertible {
    public struct Division: Sendable, Hashable {
        public var code: String
        /// The full name: 广东省广州市天河区.
        public var name: String
        public var isCurrent: Bool

        public init(code: String, name: String, isCurrent: Bool) {
            self.code = code
            self.name = name
            self.isCurrent = isCurrent
        }
    }

    private let divisions: [String: Division]

    public init(_ divisions: [Division]) {
        var byCode: [String: Division] = [:]
        for division in divisions { byCode[division.code] = division }
        self.divisions = byCode
    }

    public subscript(code: String) -> Division? { divisions[code] }

    public var count: Int { divisions.count }
    public var currentCount: Int { divisions.values.filter(\.isCurrent).count }

    public var description: String { "AdministrativeDivisions(\(currentCount) current of \(count) codes)" }

    /// Parses the generated table: `code<TAB>name<TAB>current|former`, `#` comments. Every
    /// malformed line is named; nothing partial is returned.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> AdministrativeDivisions {
        var problems: [FileProblem] = []
        var divisions: [Division] = []
        var seen = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let location = SourceLocation(file: file, line: index + 1, column: 1)
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 3 else {
                problems.append(FileProblem(location, "expected code, name and status separated by tabs, found \(columns.count) column(s)"))
                continue
            }
            let code = columns[0]
            guard code.utf8.count == 6, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }), !code.hasPrefix("00") else {
                problems.append(FileProblem(location, "'\(code)' is not a six-digit division code"))
                continue
            }
            guard !columns[1].isEmpty else {
                problems.append(FileProblem(location, "\(code) has no name"))
                continue
            }
            guard columns[2] == "current" || columns[2] == "former" else {
                problems.append(FileProblem(location, "status '\(columns[2])' is not current or former"))
                continue
            }
            guard seen.insert(code).inserted else {
                problems.append(FileProblem(location, "\(code) appears twice"))
                continue
            }
            divisions.append(Division(code: code, name: columns[1], isCurrent: columns[2] == "current"))
        }
        if divisions.isEmpty && problems.isEmpty {
            problems.append(FileProblem(SourceLocation(file: file, line: 1, column: 1), "no division codes"))
        }
        guard problems.isEmpty else { throw FileProblems(problems) }
        return AdministrativeDivisions(divisions)
    }

    /// What is wrong with a code typed into a region field, if anything: it must be in use.
    public func problem(withCurrent code: String) -> FieldProblem? {
        guard let division = divisions[code] else {
            return FieldProblem(zh: "\(code) 不是行政区划代码，请核对", en: "\(code) is not a region code; please check it")
        }
        if !division.isCurrent {
            return FieldProblem(zh: "\(code)（\(division.name)）已撤销，请填写现在的代码",
                                en: "\(code) (\(division.name)) is no longer in use; enter today's code")
        }
        return nil
    }

    public static func == (lhs: AdministrativeDivisions, rhs: AdministrativeDivisions) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
