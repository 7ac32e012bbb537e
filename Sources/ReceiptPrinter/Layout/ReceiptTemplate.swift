// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams
import ZizhuCore

/// A receipt template from `Assets/receipts/<name>.yaml`: a list of blocks whose texts
/// are `{zh, en}` pairs (or one string for both) with `{placeholder}`s, filled per document.
///
/// ```yaml
/// - title: "{site}"
/// - heading: {zh: 受理回执, en: Acceptance receipt}
/// - pair: {label: {zh: 受理编号, en: Acceptance no.}, value: "{acceptance_number}"}
/// - text: {zh: 已受理，待上传, en: Accepted; not yet uploaded}
///   when: offline            # printed only when the value `offline` is not empty
/// - bullets: missing         # a list value
/// - rule: "-"
/// - qr: "{tracking}"
/// - big: "{number}"
/// - feed: 2
/// - cut: true
/// ```
public struct ReceiptTemplate: Sendable, Hashable {
    enum Kind: String, CaseIterable { case title, heading, big, text, pair, bullets, rule, qr, feed, cut }

    struct Block: Sendable, Hashable {
        var kind: Kind
        var text: LocalizedText?
        var label: LocalizedText?
        var listName: String?
        var number: Int?
        var centred: Bool
        var when: String?
    }

    let blocks: [Block]
    public let name: String

    /// The values a document fills in.
    public struct Values: Sendable, Hashable {
        public var strings: [String: String]
        public var lists: [String: [String]]

        public init(strings: [String: String] = [:], lists: [String: [String]] = [:]) {
            self.strings = strings
            self.lists = lists
        }
    }

    /// Placeholders the template uses (for checking a document provides them all).
    public var placeholders: Set<String> {
        var names = Set<String>()
        func scan(_ text: String) {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                names.insert(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
        }
        for block in blocks {
            for text in [block.text, block.label].compactMap({ $0 }) { scan(text.zh); scan(text.en) }
            if let list = block.listName { names.insert(list) }
            if let when = block.when { names.insert(when) }
        }
        return names
    }

    public func fill(_ values: Values, language: Language) -> Receipt {
        func text(_ localized: LocalizedText?) -> String {
            (localized?[language] ?? "").filling(values.strings)
        }
        var receipt: [Receipt.Block] = []
        for block in blocks {
            if let when = block.when {
                let present = !(values.strings[when] ?? "").isEmpty || !(values.lists[when] ?? []).isEmpty
                if !present { continue }
            }
            switch block.kind {
            case .title: receipt.append(.title(text(block.text)))
            case .heading: receipt.append(.heading(text(block.text)))
            case .big: receipt.append(.bigNumber(text(block.text)))
            case .text: receipt.append(.text(text(block.text), centred: block.centred))
            case .pair: receipt.append(.pair(label: text(block.label), value: text(block.text)))
            case .bullets:
                let items = values.lists[block.listName ?? ""] ?? []
                if !items.isEmpty { receipt.append(.bullets(items)) }
            case .rule: receipt.append(.rule(text(block.text).first ?? "-"))
            case .qr:
                let payload = text(block.text)
                if !payload.isEmpty { receipt.append(.qr(payload)) }
            case .feed: receipt.append(.feed(block.number ?? 1))
            case .cut: receipt.append(.cut)
            }
        }
        return Receipt(blocks: receipt)
    }

    /// Parses and checks a template; problems name `file:line:column`.
    public static func parse(_ text: String, name: String, file: String) throws(FileProblems) -> ReceiptTemplate {
        let root: Node
        do {
            root = try YAMLDocument.compose(text, file: file)
        } catch {
            throw FileProblems([error])
        }
        guard let items = root.sequence else {
            throw FileProblems([FileProblem(YAMLDocument.location(of: root, file: file), "a receipt template is a list of blocks")])
        }
        var problems: [FileProblem] = []
        var blocks: [Block] = []
        for item in items {
            let at = YAMLDocument.location(of: item, file: file)
            guard let mapping = item.mapping else {
                problems.append(FileProblem(at, "each block is a mapping such as `heading: …`"))
                continue
            }
            let keys = mapping.keys.compactMap(\.string)
            let kinds = keys.compactMap(Kind.init(rawValue:))
            guard kinds.count == 1, let kind = kinds.first else {
                problems.append(FileProblem(at, "each block needs exactly one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            for key in keys where Kind(rawValue: key) == nil && key != "when" && key != "centred" {
                problems.append(FileProblem(at, "unknown key '\(key)' (only `when` and `centred` may go with a block)"))
            }
            guard let value = mapping[kind.rawValue] else { continue }
            var block = Block(kind: kind, centred: mapping["centred"]?.bool ?? false, when: mapping["when"]?.string)
            switch kind {
            case .title, .heading, .big, .text, .rule, .qr:
                guard let localized = localizedText(value) else {
                    problems.append(FileProblem(YAMLDocument.location(of: value, file: file), "\(kind.rawValue) needs text or {zh, en}"))
                    continue
                }
                block.text = localized
            case .pair:
                guard let label = value.mapping?["label"].flatMap(localizedText), let text = value.mapping?["value"].flatMap(localizedText) else {
                    problems.append(FileProblem(YAMLDocument.location(of: value, file: file), "pair needs {label: …, value: …}"))
                    continue
                }
                block.label = label
                block.text = text
            case .bullets:
                guard let list = value.string else {
                    problems.append(FileProblem(YAMLDocument.location(of: value, file: file), "bullets names a list value"))
                    continue
                }
                block.listName = list
            case .feed:
                guard let n = value.int, (0...20).contains(n) else {
                    problems.append(FileProblem(YAMLDocument.location(of: value, file: file), "feed takes 0 to 20 lines"))
                    continue
                }
                block.number = n
            case .cut:
                break
            }
            blocks.append(block)
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        return ReceiptTemplate(blocks: blocks, name: name)
    }

    static func localizedText(_ node: Node) -> LocalizedText? {
        if let string = node.string { return LocalizedText(zh: string, en: string) }
        if let zh = node.mapping?["zh"]?.string, let en = node.mapping?["en"]?.string { return LocalizedText(zh: zh, en: en) }
        return nil
    }
}
