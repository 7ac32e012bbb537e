// SPDX-License-Identifier: Apache-2.0

/// One captured page: 8-bit gray, row by row, top to bottom (0 black, 255 white). Paper
/// materials are read by a reviewer, not printed: gray keeps them legible at a third of
/// the size of colour.
public struct ScannedPage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// Dots per inch as scanned (0 when the device does not say, as a camera).
    public let dpi: Int
    public let pixels: [UInt8]

    /// A page, or nil when the pixel count does not match the size (or the size is empty).
    public init?(width: Int, height: Int, dpi: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, case let (count, overflow) = width.multipliedReportingOverflow(by: height), !overflow,
              count == pixels.count else { return nil }
        self.width = width
        self.height = height
        self.dpi = dpi
        self.pixels = pixels
    }

    /// The pixel at (x, y); the caller keeps inside the page.
    @inline(__always) func at(_ x: Int, _ y: Int) -> UInt8 { pixels[y &* width &+ x] }

    /// The page shrunk so that neither side exceeds `side`, each pixel the mean of the box
    /// it covers (the quality gate and the preview look at this, not at every dot).
    public func shrunk(toFit side: Int) -> ScannedPage {
        let factor = max(1, (max(width, height) + side - 1) / max(1, side))
        guard factor > 1 else { return self }
        let w = max(1, width / factor), h = max(1, height / factor)
        var out = [UInt8](repeating: 255, count: w * h)
        let area = factor * factor
        for y in 0..<h {
            for x in 0..<w {
                var sum = 0
                for dy in 0..<factor {
                    let row = (y * factor + dy) * width + x * factor
                    for dx in 0..<factor { sum &+= Int(pixels[row + dx]) }
                }
                out[y * w + x] = UInt8(sum / area)
            }
        }
        return ScannedPage(width: w, height: h, dpi: dpi / factor, pixels: out) ?? self
    }
}
