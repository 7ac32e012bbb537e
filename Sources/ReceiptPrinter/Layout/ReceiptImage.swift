// SPDX-License-Identifier: Apache-2.0
import CSPNG
import ZizhuCore

/// A picture of a receipt for people to look at (technicians, reviewers): the layout the
/// printer gets, drawn with GNU Unifont glyphs and the real QR code, written as PNG by
/// libspng. A preview, not the printer's own rendering: fonts differ.
extension ReceiptRenderer {
    /// Characters the picture needs from Unifont.
    public func imageScalars(_ receipt: Receipt) -> Set<UInt32> {
        Set(receipt.texts.flatMap { $0.unicodeScalars.map(\.value) } + "：=-~0123456789. ".unicodeScalars.map(\.value))
    }

    /// The receipt as a 1-bit picture `profile.dots` wide.
    public func image(_ receipt: Receipt, font: BigGlyphFont) -> Bitmap {
        var pieces: [Bitmap] = []
        let margin = max(0, (profile.dots - profile.columns * 8) / 2)
        func textLine(_ text: String, scale: Int = 1, centred: Bool = false) {
            let line = Bitmap.text(text, font: font, scale: scale, maxWidth: profile.dots)
            var row = Bitmap(width: profile.dots, height: line.height + 8)
            let x0 = centred ? max(0, (profile.dots - line.width) / 2) : margin
            for y in 0..<line.height { for x in 0..<line.width where line[x, y] { row[x0 + x, y + 4] = true } }
            pieces.append(row)
        }
        let columns = profile.columns
        for block in receipt.blocks {
            switch block {
            case .title(let text): TextWidth.wrap(text, width: columns / 2).forEach { textLine($0, scale: 2, centred: true) }
            case .heading(let text): TextWidth.wrap(text, width: columns).forEach { textLine($0, centred: true) }
            case .bigNumber(let text): TextWidth.wrap(text, width: columns / 4).forEach { textLine($0, scale: 4, centred: true) }
            case .text(let text, let centred): TextWidth.wrap(text, width: columns).forEach { textLine($0, centred: centred) }
            case .pair(let label, let value):
                let one = Receipt.labelHead(label) + value
                if TextWidth.width(of: one) <= columns {
                    textLine(one)
                } else {
                    textLine(Receipt.labelHead(label))
                    TextWidth.wrap(value, width: columns - 2).forEach { textLine("  " + $0) }
                }
            case .bullets(let items):
                for (index, item) in items.enumerated() {
                    for (row, line) in TextWidth.wrap(item, width: columns - 3).enumerated() {
                        textLine((row == 0 ? "\(index + 1). " : "   ") + line)
                    }
                }
            case .rule(let character): textLine(String(repeating: character, count: columns))
            case .qr(let payload):
                if let qr = Bitmap.qr(payload, scale: profile.dots >= 576 ? 6 : 4) { pieces.append(centre(qr)) }
            case .feed(let lines): pieces.append(Bitmap(width: profile.dots, height: 24 * lines))
            case .cut:
                var line = Bitmap(width: profile.dots, height: 24)
                for x in stride(from: 0, to: profile.dots, by: 8) { for dx in 0..<4 { line[x + dx, 12] = true } }
                pieces.append(line)
            }
        }
        let height = pieces.reduce(16) { $0 + $1.height }
        var page = Bitmap(width: profile.dots, height: height)
        var y = 8
        for piece in pieces {
            for py in 0..<piece.height { for px in 0..<min(piece.width, profile.dots) where piece[px, py] { page[px, y + py] = true } }
            y += piece.height
        }
        return page
    }
}

extension Bitmap {
    /// The bitmap as an 8-bit greyscale PNG (black dots on white), encoded by libspng.
    public func png() -> [UInt8]? {
        guard width > 0, height > 0, let context = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else { return nil }
        defer { spng_ctx_free(context) }
        guard spng_set_option(context, SPNG_ENCODE_TO_BUFFER, 1) == 0 else { return nil }
        var header = spng_ihdr(width: UInt32(width), height: UInt32(height), bit_depth: 8,
                               color_type: UInt8(SPNG_COLOR_TYPE_GRAYSCALE.rawValue), compression_method: 0,
                               filter_method: 0, interlace_method: 0)
        guard spng_set_ihdr(context, &header) == 0 else { return nil }
        var pixels = dots.map { $0 ? UInt8(0) : UInt8(255) }
        guard spng_encode_image(context, &pixels, pixels.count, Int32(SPNG_FMT_PNG.rawValue), Int32(SPNG_ENCODE_FINALIZE.rawValue)) == 0 else {
            return nil
        }
        var length = 0
        var error: Int32 = 0
        guard let buffer = spng_get_png_buffer(context, &length, &error), error == 0 else { return nil }
        defer { free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
