// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
@testable import ZizhuUI

@Suite("Lint over all UI strings and screens")
struct UILintTests {
    /// Box drawing and block elements are ambiguous width but drawn narrow by design.
    static func allowed(_ scalar: Unicode.Scalar) -> Bool { (0x2500...0x259F).contains(scalar.value) }

    @Test(arguments: Language.allCases)
    func noAmbiguousWidthCharactersInUIText(_ language: Language) throws {
        let table = try #require(Fixtures.resources.strings[language])
        for key in UIText.allCases {
            let text = table[key.rawValue]
            let bad = text.unicodeScalars.filter { TextWidth.isAmbiguous($0) && !Self.allowed($0) }
            #expect(bad.isEmpty, "\(language.rawValue) \(key.rawValue) has ambiguous-width \(bad.map { String(format: "U+%04X", $0.value) })")
        }
    }

    /// In YAML, ` #` starts a comment: an unquoted string with one loses its end silently
    /// ("请按 # 查询" became "请按"). Such values must be quoted.
    @Test(arguments: Language.allCases)
    func noUnquotedValueIsCutByAComment(_ language: Language) throws {
        let file = Repository.paths.assets.appendingPathComponent("strings/\(language.rawValue).yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.hasPrefix("#"), let colon = line.range(of: ": ") else { continue }
            let value = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !value.hasPrefix("\""), !value.hasPrefix("'") else { continue }
            #expect(!value.contains(" #"), "\(file.lastPathComponent):\(index + 1): quote this value, ' #' starts a YAML comment")
        }
    }

    @Test func catalogueTextHasNoAmbiguousWidthCharacters() {
        for service in Fixtures.catalogue.services {
            var texts = [service.name, service.summary, service.fee] + service.conditions + service.materials
            for field in service.fields {
                texts.append(field.label)
                texts += field.options.map(\.label)
                if let hint = field.hint { texts.append(hint) }
            }
            texts += service.materialSpecs.compactMap(\.tolerable?.commitment)
            texts += service.rules.map(\.reason) + service.rules.compactMap(\.remedy)
            for text in texts {
                for language in Language.allCases {
                    let bad = text[language].unicodeScalars.filter { TextWidth.isAmbiguous($0) }
                    #expect(bad.isEmpty, "\(service.id): '\(text[language])' has ambiguous-width characters")
                }
            }
        }
    }

    @Test func eLicenceNamesHaveNoAmbiguousWidthCharacters() {
        for licence in Fixtures.catalogue.elicences {
            for language in Language.allCases {
                #expect(licence.name[language].unicodeScalars.allSatisfy { !TextWidth.isAmbiguous($0) }, "\(licence.id)")
            }
        }
    }

    @Test func placeholdersAgreeAcrossLanguages() throws {
        func placeholders(_ text: String) -> Set<String> {
            var found = Set<String>()
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                found.insert(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return found
        }
        let zh = try #require(Fixtures.resources.strings[.zhHans])
        let en = try #require(Fixtures.resources.strings[.en])
        for key in UIText.allCases {
            #expect(placeholders(zh[key.rawValue]) == placeholders(en[key.rawValue]), "\(key.rawValue)")
        }
    }

    @Test func bigHeadlinesHaveGlyphsAndFitTheNarrowestScreen() throws {
        let font = try #require(Fixtures.glyphs, "GNU Unifont is needed (apt-get install unifont)")
        for language in Language.allCases {
            let table = try #require(Fixtures.resources.strings[language])
            for key in UIText.bigHeadlines {
                let text = table[key.rawValue]
                #expect(font.canRender(text), "\(language.rawValue) \(key.rawValue): '\(text)' lacks glyphs")
                #expect(font.width(of: text) <= 76, "\(language.rawValue) \(key.rawValue): '\(text)' is \(font.width(of: text)) cells")
            }
        }
    }

    @Test func everyScreenOffersAWayBackOrHome() {
        for (name, build) in ScreenCatalogue.states() where !name.hasPrefix("home") || name == "home-more" {
            for variant in ScreenCatalogue.variants {
                let state = ScreenCatalogue.state(build, width: variant.width, height: variant.height,
                                                  language: variant.language, elder: variant.elder)
                let buttons = render(state, Fixtures.context()).hits.map(\.button)
                let ok = buttons.contains(.back) || buttons.contains(.goHome) || buttons.contains(.continueSession)
                #expect(ok, "\(name)-\(variant.suffix) has neither back nor home")
            }
        }
    }

    @Test func everyButtonLabelFitsAtTheMinimumSize() {
        // Navigation and home buttons must never be cut short (service names in lists may be).
        for (name, build) in ScreenCatalogue.states() {
            for variant in ScreenCatalogue.variants where variant.width == 80 {
                let state = ScreenCatalogue.state(build, width: 80, height: 24, language: variant.language, elder: variant.elder)
                let frame = render(state, Fixtures.context())
                for hit in frame.hits {
                    switch hit.button {
                    case .service, .department: continue
                    default: break
                    }
                    let rows = (hit.rect.y..<hit.rect.maxY).map { frame.grid.row($0) }
                    let inside = rows.map { row -> String in
                        var cells = ""
                        var column = 0
                        for character in row {
                            if column >= hit.rect.x && column < hit.rect.maxX { cells.append(character) }
                            column += TextWidth.width(of: character)
                        }
                        return cells
                    }
                    #expect(!inside.joined().contains("..."), "\(name)-\(variant.suffix): \(hit.button) is truncated")
                }
            }
        }
    }

    /// Text never overflows its box: nothing on any screen, in either language, at either
    /// size, is cut short with "..." — it wraps, pages or takes a second row instead. (The
    /// idle countdown's "7..." is the countdown itself.)
    @Test func noTextIsCutOnAnyScreen() {
        for (name, build) in ScreenCatalogue.states() where name != "idle-countdown" {
            for variant in ScreenCatalogue.variants {
                let state = ScreenCatalogue.state(build, width: variant.width, height: variant.height,
                                                  language: variant.language, elder: variant.elder)
                let text = render(state, Fixtures.context()).grid.plainText()
                let cut = text.split(separator: "\n").filter { $0.contains("...") }
                #expect(cut.isEmpty, "\(name)-\(variant.suffix): \(cut)")
            }
        }
    }

    @Test func everyKeypadNumberIsUniqueOnAScreen() {
        for (name, build) in ScreenCatalogue.states() {
            for variant in ScreenCatalogue.variants {
                let state = ScreenCatalogue.state(build, width: variant.width, height: variant.height,
                                                  language: variant.language, elder: variant.elder)
                let keys = render(state, Fixtures.context()).hits.flatMap(\.keys)
                #expect(Set(keys).count == keys.count, "\(name)-\(variant.suffix) binds a key twice")
            }
        }
    }
}
