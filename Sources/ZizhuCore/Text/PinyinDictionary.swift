// SPDX-License-Identifier: Apache-2.0
/// Toneless pinyin → Hanzi, commonest first: the on-screen pinyin keyboard's candidates.
///
/// Built at set-up time from the `pypinyin` data package (PyPI) by
/// `Assets/generators/pinyin_dictionary.py`, never typed by hand. One line per syllable:
/// `syllable<TAB>characters`; `ü` is written `v` (lv, nv), as on every pinyin keyboard.
public struct PinyinDictionary: Sendable {
    private let table: [String: [Character]]

    public init(entries: [String: [Character]]) {
        table = entries
    }

    /// Parses the generated file; a malformed line names its line number.
    public init(text: String, file: String) throws(FileProblems) {
        var entries: [String: [Character]] = [:]
        var problems: [FileProblem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            let location = SourceLocation(file: file, line: index + 1, column: 1)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }),
                  !parts[1].isEmpty else {
                problems.append(FileProblem(location, "expected 'syllable<TAB>characters' (lower-case ASCII pinyin)"))
                continue
            }
            entries[String(parts[0]), default: []].append(contentsOf: parts[1])
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        if entries.isEmpty { throw FileProblems([FileProblem(SourceLocation(file: file, line: 1, column: 1), "no syllables")]) }
        table = entries
    }

    public var syllableCount: Int { table.count }

    /// Candidates for what was typed: the syllable's characters, or, for a prefix of
    /// syllables (`zh`), the first characters of every syllable it starts.
    public func candidates(_ typed: String) -> [Character] {
        let key = typed.lowercased()
        guard !key.isEmpty else { return [] }
        if let exact = table[key] { return exact }
        var seen = Set<Character>()
        var result: [Character] = []
        for syllable in table.keys.sorted() where syllable.hasPrefix(key) {
            for character in table[syllable, default: []].prefix(8) where seen.insert(character).inserted {
                result.append(character)
            }
        }
        return result
    }
}
