// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Lays a receipt out for one printer: wraps by display width (a Hanzi is two columns),
/// encodes ESC/POS with GB18030 text, and falls back to raster images where the printer
/// cannot do it itself (QR codes without `GS ( k`, lines with characters its font lacks).
public struct ReceiptRenderer: Sendable {
    public let profile: PrinterProfile
    /// Unifont glyphs for lines the printer's font cannot show (loaded by the caller).
    public let fallbackGlyphs: BigGlyphFont?

    public init(profile: PrinterProfile, fallbackGlyphs: BigGlyphFont? = nil) {
        self.profile = profile
        self.fallbackGlyphs = fallbackGlyphs
    }

    /// What rendering produced: the exact bytes, a text preview, and notes (raster lines).
    public struct Output: Sendable, Hashable {
        public var bytes: [UInt8]
        public var previewLines: [String]
        public var rasterLines: [String]

        /// The preview inside paper edges.
        public func preview(columns: Int) -> String {
            let edge = "+" + String(repeating: "-", count: columns) + "+"
            let body = previewLines.map { line -> String in
                let fitted = TextWidth.prefix(line, width: columns)
                return "|" + fitted + String(repeating: " ", count: max(0, columns - TextWidth.width(of: fitted))) + "|"
            }
            return ([edge] + body + [edge]).joined(separator: "\n")
        }
    }

    /// Unicode scalars a receipt needs from the fallback font (to load only those glyphs).
    public func fallbackScalars(_ receipt: Receipt) -> Set<UInt32> {
        guard !profile.fourByteGB18030 else { return [] }
        var scalars = Set<UInt32>()
        for text in receipt.texts where ESCPOS.needsFourByteSequences(text) {
            for scalar in text.unicodeScalars { scalars.insert(scalar.value) }
        }
        return scalars
    }

    public func render(_ receipt: Receipt) -> Output {
        var out = ESCPOS()
        var preview: [String] = []
        var raster: [String] = []
        let columns = profile.columns
        out.initialize()
        out.chineseMode(true)

        func emit(_ text: String, centred: Bool, widthInColumns: Int) {
            let padding = centred ? max(0, (widthInColumns - TextWidth.width(of: text)) / 2) : 0
            preview.append(String(repeating: " ", count: padding) + text)
            if !profile.fourByteGB18030 && ESCPOS.needsFourByteSequences(text), let font = fallbackGlyphs {
                raster.append(text)
                let line = Bitmap.text(text, font: font, scale: 1, maxWidth: profile.dots)
                out.raster(centred ? centre(line) : line)
                return
            }
            if !out.line(text) { out.line(String(text.map { ESCPOS.gb18030(String($0)) == nil ? "?" : $0 })) }
        }

        for block in receipt.blocks {
            switch block {
            case .title(let text):
                out.align(.center); out.bold(true); out.size(width: 2, height: 2)
                for line in TextWidth.wrap(text, width: columns / 2) { emit(line, centred: true, widthInColumns: columns / 2) }
                out.size(width: 1, height: 1); out.bold(false); out.align(.left)
            case .heading(let text):
                out.align(.center); out.bold(true)
                for line in TextWidth.wrap(text, width: columns) { emit(line, centred: true, widthInColumns: columns) }
                out.bold(false); out.align(.left)
            case .bigNumber(let text):
                out.align(.center); out.bold(true); out.size(width: 4, height: 4)
                for line in TextWidth.wrap(text, width: columns / 4) { emit(line, centred: true, widthInColumns: columns / 4) }
                out.size(width: 1, height: 1); out.bold(false); out.align(.left)
            case .text(let text, let centred):
                if centred { out.align(.center) }
                for line in TextWidth.wrap(text, width: columns) { emit(line, centred: centred, widthInColumns: columns) }
                if centred { out.align(.left) }
            case .pair(let label, let value):
                let head = Receipt.labelHead(label)
                let one = head + value
                if TextWidth.width(of: one) <= columns {
                    emit(one, centred: false, widthInColumns: columns)
                } else {
                    emit(head, centred: false, widthInColumns: columns)
                    for line in TextWidth.wrap(value, width: columns - 2) { emit("  " + line, centred: false, widthInColumns: columns) }
                }
            case .bullets(let items):
                for (index, item) in items.enumerated() {
                    let marker = "\(index + 1). "
                    let indent = String(repeating: " ", count: marker.count)
                    for (row, line) in TextWidth.wrap(item, width: columns - marker.count).enumerated() {
                        emit((row == 0 ? marker : indent) + line, centred: false, widthInColumns: columns)
                    }
                }
            case .rule(let character):
                emit(String(repeating: character, count: columns / max(1, TextWidth.width(of: character))), centred: false, widthInColumns: columns)
            case .qr(let payload):
                out.align(.center)
                let scale = qrScale(payload)
                if profile.nativeQR {
                    out.qr(payload, moduleSize: scale)
                    out.lineFeed()
                } else if let bitmap = Bitmap.qr(payload, scale: scale) {
                    out.raster(centre(bitmap))
                }
                out.align(.left)
                preview += qrPreview(payload)
            case .feed(let lines):
                out.feed(lines: lines)
                preview += Array(repeating: "", count: lines)
            case .cut:
                if profile.cutter {
                    out.feed(lines: 4)
                    out.cut(partial: true)
                    preview += ["", "", "", "", String(repeating: "~", count: columns)]
                } else {
                    out.feed(lines: 5)   // a tear-off margin
                    preview += ["", "", "", "", ""]
                }
            }
        }
        return Output(bytes: out.bytes, previewLines: preview, rasterLines: raster)
    }

    /// A bitmap padded on the left so it sits in the middle of the paper (GS v 0 prints
    /// from the left margin whatever the alignment).
    func centre(_ bitmap: Bitmap) -> Bitmap {
        let offset = max(0, (profile.dots - bitmap.width) / 2) / 8 * 8
        guard offset > 0 else { return bitmap }
        var wide = Bitmap(width: min(profile.dots, bitmap.width + offset), height: bitmap.height)
        for y in 0..<bitmap.height {
            for x in 0..<bitmap.width where bitmap[x, y] { wide[x + offset, y] = true }
        }
        return wide
    }

    /// Dots per QR module: 6 on 80 mm paper, 4 on 58 mm, less for a long payload (a proof's
    /// seal) so the code always fits the paper's width.
    func qrScale(_ payload: String) -> Int {
        let preferred = profile.dots >= 576 ? 6 : 4
        guard let modules = Bitmap.qr(payload, scale: 1)?.width, modules > 0 else { return preferred }
        return max(1, min(preferred, profile.dots / modules))
    }

    func qrPreview(_ payload: String) -> [String] {
        guard let bitmap = Bitmap.qr(payload, scale: 1, quietZone: 1), bitmap.width <= profile.columns else {
            return ["[QR]"] + TextWidth.wrap(payload, width: profile.columns)
        }
        let lines = bitmap.preview()
        let padding = String(repeating: " ", count: max(0, (profile.columns - bitmap.width) / 2))
        return lines.map { padding + $0 }
    }
}

extension Receipt {
    /// Every text the receipt prints.
    var texts: [String] {
        blocks.flatMap { block -> [String] in
            switch block {
            case .title(let t), .heading(let t), .bigNumber(let t): return [t]
            case .text(let t, _): return [t]
            case .pair(let label, let value): return [label, value]
            case .bullets(let items): return items
            case .rule, .qr, .feed, .cut: return []
            }
        }
    }
}
