import Foundation
import ZizhuCore
import ZizhuUI

/// Loads elder mode's big headline glyphs from the system's GNU Unifont (`unifont` package).
public enum GlyphLoader {
    /// The glyphs for the given code points, or nil (with a reason) when the font is missing.
    public static func load(path: String, scalars: Set<UInt32>) -> (font: BigGlyphFont?, problem: String?) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return (nil, "GNU Unifont not found at \(path); elder-mode headlines fall back to plain text (apt-get install unifont)")
        }
        let (font, malformed) = BigGlyphFont.parse(hex: text, only: scalars)
        let missing = scalars.subtracting(font.glyphs.keys)
        var notes: [String] = []
        if malformed > 0 { notes.append("\(malformed) malformed lines skipped in \(path)") }
        if !missing.isEmpty {
            let list = missing.sorted().prefix(8).map { String(format: "U+%04X", $0) }.joined(separator: " ")
            notes.append("\(missing.count) headline characters have no Unifont glyph: \(list)")
        }
        return (font, notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
