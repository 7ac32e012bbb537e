// SPDX-License-Identifier: Apache-2.0
import Yams

/// Reads an operator's YAML node by node, collecting every problem with its
/// `file:line:column` instead of stopping at the first (checkers report everything).
struct NodeReader {
    let file: String
    /// The file's lines, to place errors inside multi-line values.
    let lines: [Substring]
    var problems: [FileProblem] = []

    init(file: String, text: String) {
        self.file = file
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The head of every whole-file parser: the file's root node and a reader placed in it.
    /// A file that is not YAML at all is one problem, thrown as the file's only one.
    ///
    ///     var (root, reader) = try NodeReader.open(text, file: "facts.yaml")
    ///     let top = reader.mapping(root, what: "the facts", allowed: ["today"])
    static func open(_ text: String, file: String) throws(FileProblems) -> (root: Node, reader: NodeReader) {
        do {
            return (try YAMLDocument.compose(text, file: file), NodeReader(file: file, text: text))
        } catch {
            throw FileProblems([error])
        }
    }

    func location(_ node: Node?) -> SourceLocation {
        node.map { YAMLDocument.location(of: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
    }

    mutating func problem(_ node: Node?, _ message: String) {
        problems.append(FileProblem(location(node), message))
    }

    mutating func problem(_ location: SourceLocation, _ message: String) {
        problems.append(FileProblem(location, message))
    }

    /// A mapping's entries by key; unknown keys and missing required ones are reported.
    mutating func mapping(_ node: Node?, what: String, allowed: Set<String>, required: Set<String> = []) -> [String: Node]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            problem(node, "\(what) must be a mapping of keys and values")
            return nil
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            if !allowed.contains(key) {
                problem(keyNode, "unknown key '\(key)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            entries[key] = value
        }
        for key in required.sorted() where entries[key] == nil {
            problem(node, "\(what) needs '\(key)'")
        }
        return entries
    }

    mutating func sequence(_ node: Node?, what: String) -> [Node] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            problem(node, "\(what) must be a list")
            return []
        }
        return Array(items)
    }

    mutating func string(_ node: Node?, what: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            problem(node, "\(what) must be a single value")
            return nil
        }
        return scalar.string
    }

    mutating func identifier(_ node: Node?, what: String) -> String? {
        guard let value = string(node, what: what) else { return nil }
        let ok = !value.isEmpty && value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        if !ok { problem(node, "\(what) '\(value)' may only use a-z, 0-9, '-' and '_'") }
        return ok ? value : nil
    }

    mutating func int(_ node: Node?, what: String) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Int(text) else {
            problem(node, "\(what) must be a whole number, not '\(text)'")
            return nil
        }
        return value
    }

    mutating func double(_ node: Node?, what: String) -> Double? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Double(text) else {
            problem(node, "\(what) must be a number, not '\(text)'")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            problem(node, "\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    mutating func date(_ node: Node?, what: String) -> CalendarDate? {
        guard let text = string(node, what: what) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            problem(node, "\(what) must be a date YYYY-MM-DD, not '\(text)'")
            return nil
        }
        return date
    }

    /// `{zh: …, en: …}`, both present and not blank.
    mutating func localized(_ node: Node?, what: String) -> LocalizedText? {
        guard let entries = mapping(node, what: what, allowed: ["zh", "en"], required: ["zh", "en"]) else { return nil }
        guard let zh = string(entries["zh"], what: "\(what) (zh)"), let en = string(entries["en"], what: "\(what) (en)") else { return nil }
        if zh.trimmingWhitespace.isEmpty { problem(entries["zh"], "\(what) has no Chinese text (zh)") }
        if en.trimmingWhitespace.isEmpty { problem(entries["en"], "\(what) has no English text (en)") }
        return LocalizedText(zh: zh, en: en)
    }

    /// One of a fixed set of keywords.
    mutating func keyword<T>(_ node: Node?, what: String, _ options: [String: T]) -> T? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = options[text] else {
            problem(node, "\(what) '\(text)' is not one of \(options.keys.sorted().joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// Where character `offset` of a scalar's value is in the file (for errors inside a
    /// rule's condition): quoted, plain and block scalars, across line breaks.
    func location(in node: Node, offset: Int) -> SourceLocation {
        guard let mark = node.mark, let scalar = node.scalar else { return location(node) }
        var line = mark.line - 1
        var column = mark.column - 1
        switch scalar.style {
        case .literal, .folded:
            line += 1
            guard line < lines.count else { return location(node) }
            column = lines[line].prefix { $0 == " " }.count
        case .singleQuoted, .doubleQuoted:
            column += 1
        default:
            break
        }
        var remaining = offset
        while remaining > 0, line < lines.count {
            let text = Array(lines[line])
            if column < text.count {
                column += 1
                remaining -= 1
            } else {
                // The value's line break (or folded space) is the source's newline + indentation.
                line += 1
                remaining -= 1
                column = line < lines.count ? lines[line].prefix { $0 == " " }.count : 0
            }
        }
        return SourceLocation(file: file, line: line + 1, column: column + 1)
    }
}
