// SPDX-License-Identifier: Apache-2.0
import CWebP

/// Pages kept as WebP (libwebp): a page of text at 150 dpi is tens of kilobytes, small
/// enough for a village's mobile line, and every browser a reviewer uses shows it.
public enum PageCodec {
    /// What libwebp takes on a side.
    public static let largestSide = 16_383

    /// The page as lossy WebP at `quality` (0–100).
    public static func webp(_ page: ScannedPage, quality: Float = 80) throws(CaptureFault) -> [UInt8] {
        guard page.width <= largestSide, page.height <= largestSide else {
            throw .unusable(detail: "a page of \(page.width)×\(page.height) dots is larger than WebP holds (\(largestSide) a side)")
        }
        // libwebp encodes colour: each gray dot as three equal samples.
        var rgb = [UInt8](repeating: 0, count: page.pixels.count * 3)
        for (index, value) in page.pixels.enumerated() {
            rgb[index * 3] = value
            rgb[index * 3 + 1] = value
            rgb[index * 3 + 2] = value
        }
        var output: UnsafeMutablePointer<UInt8>?
        let size = WebPEncodeRGB(rgb, Int32(page.width), Int32(page.height), Int32(page.width * 3), max(0, min(100, quality)), &output)
        defer { WebPFree(output) }
        guard size > 0, let output else { throw .unusable(detail: "libwebp could not encode a page of \(page.width)×\(page.height)") }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// A WebP page back as gray dots, or nil when the bytes are not a WebP image.
    public static func page(fromWebP bytes: [UInt8], dpi: Int = 0) -> ScannedPage? {
        var width: Int32 = 0, height: Int32 = 0
        guard !bytes.isEmpty, let decoded = WebPDecodeRGB(bytes, bytes.count, &width, &height) else { return nil }
        defer { WebPFree(decoded) }
        let count = Int(width) * Int(height)
        var gray = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            let r = Int(decoded[index * 3]), g = Int(decoded[index * 3 + 1]), b = Int(decoded[index * 3 + 2])
            gray[index] = UInt8((r * 77 + g * 150 + b * 29) >> 8)
        }
        return ScannedPage(width: Int(width), height: Int(height), dpi: dpi, pixels: gray)
    }
}
