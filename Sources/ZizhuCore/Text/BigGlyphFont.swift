// SPDX-License-Identifier: Apache-2.0
/// Big block-glyph headlines for elder mode, from GNU Unifont bitmaps.
///
/// Each Unifont glyph is 16 pixels high and 8 (Latin) or 16 (Hanzi) wide. Two pixel
/// rows become one text row of half blocks (▀ ▄ █), so a Hanzi is 16 cells × 8 rows.
/// Only the fixed UI vocabulary is loaded. The font is read from the system's `unifont`
/// package at run time (GPL-2+ with the font embedding exception); it is not copied here.
public struct BigGlyphFont: Sendable, Hashable {
    /// One glyph: `width` pixels (8 or 16) by 16 rows, each row's pixels in the low bits.
    public struct Glyph: Sendable, Hashable {
        public var width: Int
        public var rows: [UInt16]

        public init(width: Int, rows: [UInt16]) {
            self.width = width
            self.rows = rows
        }
    }

    public private(set) var glyphs: [UInt32: Glyph]
    public static let rows = 8

    public init(glyphs: [UInt32: Glyph]) { self.glyphs = glyphs }

    /// Parses Unifont's `.hex` format (`4E00:0000...`), keeping only the code points asked for.
    /// Malformed lines are skipped and counted, never fatal.
    public static func parse(hex text: String, only wanted: Set<UInt32>) -> (font: BigGlyphFont, malformedLines: Int) {
        var glyphs: [UInt32: Glyph] = [:]
        var malformed = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { malformed += 1; continue }
            guard let code = parseHex(line[line.startIndex..<colon]), wanted.contains(UInt32(code)) else { continue }
            let bits = line[line.index(after: colon)...]
            let digits = bits.count
            guard digits == 32 || digits == 64 else { malformed += 1; continue }
            let width = digits == 32 ? 8 : 16
            let perRow = width / 4
            var rows: [UInt16] = []
            var index = bits.startIndex
            var ok = true
            for _ in 0..<16 {
                let end = bits.index(index, offsetBy: perRow)
                guard let value = parseHex(bits[index..<end]) else { ok = false; break }
                rows.append(UInt16(value))
                index = end
            }
            if ok { glyphs[UInt32(code)] = Glyph(width: width, rows: rows) } else { malformed += 1 }
        }
        return (BigGlyphFont(glyphs: glyphs), malformed)
    }

    static func parseHex(_ bytes: Substring.UTF8View.SubSequence) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard let digit = byte.hexDigitValue else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// Whether every character of the text has a glyph.
    public func canRender(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { glyphs[$0.value] != nil }
    }

    /// Width in cells of the rendered text.
    public func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (glyphs[$1.value]?.width ?? 0) }
    }

    /// The text as `BigGlyphFont.rows` lines of half-block characters.
    public func render(_ text: String) -> [String] {
        var lines = Array(repeating: "", count: Self.rows)
        for scalar in text.unicodeScalars {
            guard let glyph = glyphs[scalar.value] else { continue }
            for row in 0..<Self.rows {
                let top = glyph.rows[row * 2], bottom = glyph.rows[row * 2 + 1]
                for column in 0..<glyph.width {
                    let bit = UInt16(1) << UInt16(glyph.width - 1 - column)
                    switch (top & bit != 0, bottom & bit != 0) {
                    case (false, false): lines[row].append(" ")
                    case (true, false): lines[row].append("▀")
                    case (false, true): lines[row].append("▄")
                    case (true, true): lines[row].append("█")
                    }
                }
            }
        }
        return lines
    }
}

