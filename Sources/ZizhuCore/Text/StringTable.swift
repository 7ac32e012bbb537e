// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams

/// The kiosk's fixed UI vocabulary in one language, loaded from `Assets/strings/<language>.yaml`.
///
/// A table is checked when it is loaded, not when a screen first needs a string: every
/// required key must be present and non-empty, and unknown keys are reported (they are
/// usually a typo of a required one).
public struct StringTable: Sendable {
    public let language: Language
    private let entries: [String: String]

    public init(language: Language, entries: [String: String]) {
        self.language = language
        self.entries = entries
    }

    /// The text for a key; a missing key shows itself in brackets rather than crashing.
    public subscript(_ key: String) -> String { entries[key] ?? "[\(key)]" }

    public var keys: Set<String> { Set(entries.keys) }

    /// Parses a flat YAML mapping of key → text and checks it against the required keys.
    public static func parse(_ text: String, language: Language, file: String,
                             requiredKeys: Set<String>) throws(FileProblems) -> StringTable {
        let node: Node
        do {
            // All text: no scalar needs telling from a number (which took a fifth of the
            // kiosk's start before its first frame, in Yams' regular expressions).
            node = try YAMLDocument.compose(text, file: file, resolver: .basic)
        } catch {
            throw FileProblems([error])
        }
        guard let mapping = node.mapping else {
            throw FileProblems([FileProblem(YAMLDocument.location(of: node, file: file),
                                            "a string table is a mapping of key: text")])
        }
        var entries: [String: String] = [:]
        var problems: [FileProblem] = []
        for (keyNode, valueNode) in mapping {
            let location = YAMLDocument.location(of: keyNode, file: file)
            guard let key = keyNode.string else {
                problems.append(FileProblem(location, "keys must be text"))
                continue
            }
            guard let value = valueNode.scalar?.string else {
                problems.append(FileProblem(YAMLDocument.location(of: valueNode, file: file),
                                            "'\(key)' must be a single line of text"))
                continue
            }
            if !requiredKeys.contains(key) {
                problems.append(FileProblem(location, "unknown key '\(key)'"))
            } else if value.trimmingWhitespace.isEmpty {
                problems.append(FileProblem(YAMLDocument.location(of: valueNode, file: file), "'\(key)' is empty"))
            }
            entries[key] = value
        }
        for key in requiredKeys.sorted() where entries[key] == nil {
            problems.append(FileProblem(YAMLDocument.location(of: node, file: file), "missing key '\(key)'"))
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        return StringTable(language: language, entries: entries)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// Replaces `{name}` placeholders with the given values.
    public func filling(_ values: [String: String]) -> String {
        var result = self
        for (name, value) in values {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }
}
