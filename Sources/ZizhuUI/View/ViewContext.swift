// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// What views need besides the state: text in both languages, the kiosk's identity and,
/// when available, the big-glyph font for elder mode.
public struct ViewContext: Sendable {
    public var strings: [Language: StringTable]
    public var siteName: LocalizedText
    public var kioskID: String
    public var bigGlyphs: BigGlyphFont?
    /// Phrase pinyin (nil: not installed; the keyboard says so).
    public var pinyin: (any PinyinComposer)?
    /// Handwriting recognition (nil: not installed; the keyboard says so).
    public var handwriting: (any HandwritingRecognizer)?

    public init(strings: [Language: StringTable], siteName: LocalizedText, kioskID: String,
                bigGlyphs: BigGlyphFont? = nil, pinyin: (any PinyinComposer)? = nil,
                handwriting: (any HandwritingRecognizer)? = nil) {
        self.strings = strings
        self.siteName = siteName
        self.kioskID = kioskID
        self.bigGlyphs = bigGlyphs
        self.pinyin = pinyin
        self.handwriting = handwriting
    }

    /// The required keys every string table must have.
    public static var requiredKeys: Set<String> { Set(UIText.allCases.map(\.rawValue)) }

    /// Every character that a big headline can show, in every language (the glyphs to load):
    /// the screens' own and the catalogue's service names drawn big.
    public func bigHeadlineScalars(catalogue: Catalogue = .empty) -> Set<UInt32> {
        var scalars = Set<UInt32>()
        for table in strings.values {
            for key in UIText.bigHeadlines {
                for scalar in table[key.rawValue].unicodeScalars { scalars.insert(scalar.value) }
            }
        }
        for service in catalogue.services {
            // Field labels short enough to be drawn big (six Hanzi fill a 100-column screen).
            let labels = service.fields.map(\.label).flatMap { [$0.zh, $0.en] }.filter { TextWidth.width(of: $0) <= Service.shortNameWidth }
            for text in [service.bigName.zh, service.bigName.en] + labels {
                for scalar in text.unicodeScalars { scalars.insert(scalar.value) }
            }
        }
        return scalars
    }
}

/// Reads the context for the state's language.
struct Localizer {
    let table: StringTable
    let language: Language

    init(_ context: ViewContext, _ language: Language) {
        self.language = language
        self.table = context.strings[language] ?? context.strings.values.first ?? StringTable(language: language, entries: [:])
    }

    func callAsFunction(_ key: UIText) -> String { table[key.rawValue] }
    func callAsFunction(_ key: UIText, _ values: [String: String]) -> String { table[key.rawValue].filling(values) }
    func callAsFunction(_ text: LocalizedText) -> String { text[language] }
}
