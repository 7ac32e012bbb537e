// SPDX-License-Identifier: Apache-2.0
import Foundation

/// An ESC/POS byte stream under construction. Pure: the commands a Chinese-market
/// thermal printer understands, checked byte for byte against python-escpos.
public struct ESCPOS: Sendable {
    public private(set) var bytes: [UInt8] = []

    public enum Alignment: UInt8, Sendable { case left = 0, center = 1, right = 2 }

    /// QR error correction (`GS ( k` fn 69).
    public enum QRCorrection: UInt8, Sendable { case low = 0x30, medium = 0x31, quartile = 0x32, high = 0x33 }

    public init() {}

    /// ESC @: clear the buffer and reset modes.
    public mutating func initialize() { bytes += [0x1B, 0x40] }

    /// FS & / FS .: two-byte (GB) character mode on or off.
    public mutating func chineseMode(_ on: Bool) { bytes += on ? [0x1C, 0x26] : [0x1C, 0x2E] }

    /// ESC E n.
    public mutating func bold(_ on: Bool) { bytes += [0x1B, 0x45, on ? 1 : 0] }

    /// GS ! n: character width and height multipliers 1–8.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(min(max(width, 1), 8) - 1), h = UInt8(min(max(height, 1), 8) - 1)
        bytes += [0x1D, 0x21, w << 4 | h]
    }

    /// ESC a n (takes effect at the start of a line).
    public mutating func align(_ alignment: Alignment) { bytes += [0x1B, 0x61, alignment.rawValue] }

    /// LF.
    public mutating func lineFeed() { bytes.append(0x0A) }

    /// ESC d n: print and feed n lines.
    public mutating func feed(lines: Int) { bytes += [0x1B, 0x64, UInt8(min(max(lines, 0), 255))] }

    /// GS V 1: partial cut (GS V 0 for a full cut).
    public mutating func cut(partial: Bool = true) { bytes += [0x1D, 0x56, partial ? 1 : 0] }

    /// One line of text in GB18030, then LF. Returns false (and writes nothing) when the
    /// text cannot be encoded.
    @discardableResult
    public mutating func line(_ text: String) -> Bool {
        guard let encoded = Self.gb18030(text) else { return false }
        bytes += encoded
        lineFeed()
        return true
    }

    /// Raw bytes (already encoded).
    public mutating func raw(_ data: [UInt8]) { bytes += data }

    /// Native QR code (`GS ( k`): model 2, module size in dots, error correction, store, print.
    public mutating func qr(_ payload: String, moduleSize: Int = 6, correction: QRCorrection = .medium) {
        let data = Array(payload.utf8)
        bytes += [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, UInt8(min(max(moduleSize, 1), 16))]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, correction.rawValue]
        let length = data.count + 3
        bytes += [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, 0x50, 0x30] + data
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]
    }

    /// GS v 0: a 1-bit raster image (QR codes on printers without native QR, lines with
    /// characters outside the printer's font).
    public mutating func raster(_ bitmap: Bitmap) {
        let widthBytes = (bitmap.width + 7) / 8
        bytes += [0x1D, 0x76, 0x30, 0x00, UInt8(widthBytes & 0xFF), UInt8(widthBytes >> 8),
                  UInt8(bitmap.height & 0xFF), UInt8(bitmap.height >> 8)]
        bytes += bitmap.packedRows()
    }

    /// DLE EOT n: real-time status request (answered with one byte).
    public static func statusRequest(_ n: UInt8) -> [UInt8] { [0x10, 0x04, n] }

    // MARK: - GB18030

    static let gb18030Encoding = String.Encoding(rawValue: 0x8000_0632)

    /// The text in GB18030 (what Chinese-market printers take in Chinese mode).
    public static func gb18030(_ text: String) -> [UInt8]? {
        text.data(using: gb18030Encoding).map { [UInt8]($0) }
    }

    /// Whether the text needs 4-byte GB18030 sequences (characters outside GBK, such as
    /// rare name characters), which printers with GB2312/GBK fonts print as garbage.
    public static func needsFourByteSequences(_ text: String) -> Bool {
        guard let bytes = gb18030(text) else { return true }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            guard index + 1 < bytes.count else { return false }
            if (0x30...0x39).contains(bytes[index + 1]) { return true }
            index += 2
        }
        return false
    }
}
