// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams

/// Decodes one YAML file into a `Decodable` type and turns every failure into a
/// `FileProblem` that names `file:line:column`.
///
/// Yams reports syntax errors with a position but decoding errors only with a coding
/// path; this walks the composed node tree along that path to find the line and column.
public enum YAMLDocument {
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws(FileProblem) -> T {
        try decode(type, from: compose(text, file: file), file: file)
    }

    /// Decodes an already composed node (e.g. one entry of a larger file).
    public static func decode<T: Decodable>(_ type: T.Type, from node: Node, file: String) throws(FileProblem) -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: node, userInfo: [fileNameKey: file])
        } catch let error as DecodingError {
            throw problem(for: error, in: node, file: file)
        } catch let error as FileProblem {
            throw error
        } catch {
            throw FileProblem(location(of: node, file: file), "\(error)")
        }
    }

    /// A decoded operator file with its node tree (for locating later, semantic problems)
    /// and the unknown-key problems already found.
    public struct Loaded<T> {
        public var value: T
        public var root: Node
        public var file: String
        public var problems: [FileProblem]

        /// Where a top-level key's value is (or the file's start).
        public func location(of key: String) -> SourceLocation {
            root.mapping?[key].map { YAMLDocument.location(of: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
        }
    }

    /// Composes, decodes and checks for unknown keys in one go; a file that cannot be
    /// decoded at all throws its problem.
    public static func load<T: Decodable>(_ type: T.Type, from text: String, file: String,
                                          allowedKeys: [String: Set<String>]) throws(FileProblems) -> Loaded<T> {
        do {
            let root = try compose(text, file: file)
            let value = try decode(type, from: root, file: file)
            return Loaded(value: value, root: root, file: file, problems: unknownKeys(in: root, file: file, allowed: allowedKeys))
        } catch {
            throw FileProblems([error])
        }
    }

    /// Parses YAML text into a node tree that remembers line and column of every node.
    /// `resolver` decides what a plain scalar is: `.default` tells numbers, booleans and null
    /// from text (each scalar tried against YAML 1.1's patterns, with regular expressions);
    /// `.basic` takes every scalar as text, for files of nothing else (the string tables,
    /// which the kiosk reads before its first frame).
    public static func compose(_ text: String, file: String, resolver: Resolver = .default) throws(FileProblem) -> Node {
        do {
            guard let node = try Yams.compose(yaml: text, resolver) else {
                throw FileProblem(SourceLocation(file: file, line: 1, column: 1), "the file is empty")
            }
            return node
        } catch let problem as FileProblem {
            throw problem
        } catch let error as YamlError {
            throw problem(for: error, file: file)
        } catch {
            throw FileProblem(SourceLocation(file: file, line: 1, column: 1), "not readable as YAML: \(error)")
        }
    }

    /// `userInfo` key under which the file name reaches custom `init(from:)` implementations.
    public static let fileNameKey = CodingUserInfoKey(rawValue: "zizhu.file")!

    /// Reports mapping keys that the format does not know (usually typos that would
    /// otherwise be silently ignored). `allowed` maps a dotted path ("" for the top level,
    /// "idle" for the mapping under `idle:`, "materials[]" for the mappings in the list
    /// under `materials:`) to the keys allowed there; mappings at paths not listed are not checked.
    public static func unknownKeys(in root: Node, file: String, allowed: [String: Set<String>]) -> [FileProblem] {
        var problems: [FileProblem] = []
        func visit(_ node: Node, path: String) {
            if let sequence = node.sequence {
                for item in sequence { visit(item, path: path + "[]") }
                return
            }
            guard let mapping = node.mapping else { return }
            let keys = allowed[path]
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else { continue }
                if let keys, !keys.contains(key) {
                    let known = keys.sorted().joined(separator: ", ")
                    problems.append(FileProblem(location(of: keyNode, file: file),
                                                "unknown key '\(key)'" + (path.isEmpty ? "" : " in \(path)") + " (known: \(known))"))
                    continue
                }
                visit(value, path: path.isEmpty ? key : "\(path).\(key)")
            }
        }
        visit(root, path: "")
        return problems
    }

    /// The location of a node (its first character).
    public static func location(of node: Node, file: String) -> SourceLocation {
        if let mark = node.mark {
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }

    static func problem(for error: YamlError, file: String) -> FileProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return FileProblem(SourceLocation(file: file, line: mark.line, column: mark.column), "YAML syntax: \(what)")
        case .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return FileProblem(SourceLocation(file: file, line: mark.line, column: mark.column), "YAML syntax: \(what)")
        case .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return FileProblem(SourceLocation(file: file, line: mark.line, column: mark.column), "YAML structure: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return FileProblem(SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                               "duplicate key(s) \(duplicates.joined(separator: ", ")) in one mapping")
        default:
            return FileProblem(SourceLocation(file: file, line: 1, column: 1), "not readable as YAML: \(error)")
        }
    }

    static func problem(for error: DecodingError, in root: Node, file: String) -> FileProblem {
        func describe(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = walk(root, context.codingPath)
            let parent = describe(context.codingPath)
            return FileProblem(location(of: at, file: file),
                               "missing required key '\(key.stringValue)'" + (parent.isEmpty ? "" : " in \(parent)"))
        case .typeMismatch(let type, let context):
            let at = walk(root, context.codingPath)
            let found = at.scalar.map { "found '\($0.string)'" } ?? "found a \(at.sequence != nil ? "list" : "mapping")"
            return FileProblem(location(of: at, file: file),
                               "\(describe(context.codingPath)): expected \(friendly(type)), \(found)")
        case .valueNotFound(let type, let context):
            let at = walk(root, context.codingPath)
            return FileProblem(location(of: at, file: file),
                               "\(describe(context.codingPath)): a value of type \(friendly(type)) is required")
        case .dataCorrupted(let context):
            let at = walk(root, context.codingPath)
            let path = describe(context.codingPath)
            return FileProblem(location(of: at, file: file),
                               (path.isEmpty ? "" : "\(path): ") + context.debugDescription)
        @unknown default:
            return FileProblem(location(of: root, file: file), "\(error)")
        }
    }

    /// Follows a coding path as far as it exists and returns the deepest node reached.
    static func walk(_ root: Node, _ path: [any CodingKey]) -> Node {
        var node = root
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let value = mapping[key.stringValue] {
                node = value
            } else {
                break
            }
        }
        return node
    }

    static func friendly(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default: return "\(type)"
        }
    }
}
