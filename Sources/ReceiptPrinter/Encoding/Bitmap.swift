// SPDX-License-Identifier: Apache-2.0
import CQREncode
import ZizhuCore

/// A 1-bit image, row-major, `true` = black dot.
public struct Bitmap: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var dots: [Bool]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        dots = Array(repeating: false, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Bool {
        get { x >= 0 && y >= 0 && x < width && y < height ? dots[y * width + x] : false }
        set { if x >= 0 && y >= 0 && x < width && y < height { dots[y * width + x] = newValue } }
    }

    /// Rows packed 8 dots per byte, most significant bit first (the GS v 0 layout).
    public func packedRows() -> [UInt8] {
        let widthBytes = (width + 7) / 8
        var out = [UInt8](repeating: 0, count: widthBytes * height)
        for y in 0..<height {
            for x in 0..<width where dots[y * width + x] {
                out[y * widthBytes + x / 8] |= 0x80 >> UInt8(x % 8)
            }
        }
        return out
    }

    /// A QR code as a bitmap (libqrencode), `scale` dots per module, with a quiet zone
    /// (4 modules, as the standard asks, unless told otherwise).
    public static func qr(_ payload: String, scale: Int, correction: ESCPOS.QRCorrection = .medium, quietZone: Int = 4) -> Bitmap? {
        let level: QRecLevel
        switch correction {
        case .low: level = QR_ECLEVEL_L
        case .medium: level = QR_ECLEVEL_M
        case .quartile: level = QR_ECLEVEL_Q
        case .high: level = QR_ECLEVEL_H
        }
        guard let code = QRcode_encodeString8bit(payload, 0, level) else { return nil }
        defer { QRcode_free(code) }
        let modules = Int(code.pointee.width), quiet = max(0, quietZone), scale = max(1, scale)
        var bitmap = Bitmap(width: (modules + 2 * quiet) * scale, height: (modules + 2 * quiet) * scale)
        for my in 0..<modules {
            for mx in 0..<modules where code.pointee.data[my * modules + mx] & 1 == 1 {
                for dy in 0..<scale {
                    for dx in 0..<scale { bitmap[(mx + quiet) * scale + dx, (my + quiet) * scale + dy] = true }
                }
            }
        }
        return bitmap
    }

    /// A line of text drawn with Unifont glyphs (16 dots high, `scale` times), for text
    /// the printer's font lacks. Characters without a glyph become an empty box.
    public static func text(_ text: String, font: BigGlyphFont, scale: Int = 2, maxWidth: Int) -> Bitmap {
        let scale = max(1, scale)
        var width = 0
        for scalar in text.unicodeScalars { width += (font.glyphs[scalar.value]?.width ?? 16) * scale }
        var bitmap = Bitmap(width: min(max(width, 1), maxWidth), height: 16 * scale)
        var x0 = 0
        for scalar in text.unicodeScalars {
            let glyph = font.glyphs[scalar.value]
            let glyphWidth = glyph?.width ?? 16
            for row in 0..<16 {
                for column in 0..<glyphWidth {
                    let on: Bool
                    if let glyph {
                        on = glyph.rows[row] & (UInt16(1) << UInt16(glyphWidth - 1 - column)) != 0
                    } else {
                        on = row == 1 || row == 14 || column == 1 || column == glyphWidth - 2   // a box: no glyph
                    }
                    guard on else { continue }
                    for dy in 0..<scale {
                        for dx in 0..<scale { bitmap[x0 + column * scale + dx, row * scale + dy] = true }
                    }
                }
            }
            x0 += glyphWidth * scale
        }
        return bitmap
    }

    /// A rough text rendering (two dots per character cell vertically) for previews.
    public func preview() -> [String] {
        stride(from: 0, to: height, by: 2).map { y in
            String((0..<width).map { x in
                switch (self[x, y], self[x, y + 1]) {
                case (false, false): return " "
                case (true, false): return "▀"
                case (false, true): return "▄"
                case (true, true): return "█"
                }
            })
        }
    }
}
