// SPDX-License-Identifier: Apache-2.0
/// A language the kiosk can speak. Simplified Chinese first, English second.
public enum Language: String, Sendable, CaseIterable, Codable, Hashable {
    case zhHans = "zh-Hans"
    case en = "en"

    /// The other language: what the 中文/English button switches to.
    public var toggled: Language { self == .zhHans ? .en : .zhHans }
}

/// A piece of text in both kiosk languages, as catalogues and data files carry it.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public subscript(_ language: Language) -> String {
        switch language {
        case .zhHans: return zh
        case .en: return en
        }
    }
}
