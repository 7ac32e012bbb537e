// SPDX-License-Identifier: Apache-2.0

/// A page drawn in a terminal: braille cells, each 2 dots wide and 4 high, a dot raised
/// where the page is dark. Needs no colours and no graphics protocol, so it shows on the
/// kiosk's screen, over SSH and in a test's tmux capture alike; the citizen sees whether the
/// page is there, the right way round and straight.
public enum PagePreview {
    /// The page fitted into `columns` × `rows` cells (its proportions kept; a cell is about
    /// twice as tall as wide), one string per row.
    public static func braille(_ page: ScannedPage, columns: Int, rows: Int) -> [String] {
        guard columns > 0, rows > 0 else { return [] }
        // Dots available, and the scale that fits the page inside them.
        let dotsWide = columns * 2, dotsHigh = rows * 4
        let scale = max(Double(page.width) / Double(dotsWide), Double(page.height) / Double(dotsHigh))
        let usedColumns = max(1, min(columns, Int((Double(page.width) / scale / 2).rounded(.up))))
        let usedRows = max(1, min(rows, Int((Double(page.height) / scale / 4).rounded(.up))))
        // A dot is dark when the mean of the page area it covers is below the page's own
        // middle (so a faint pencil page still shows its lines).
        let threshold = threshold(page)
        func dark(_ dotX: Int, _ dotY: Int) -> Bool {
            let x0 = Int(Double(dotX) * scale), y0 = Int(Double(dotY) * scale)
            let x1 = min(page.width, max(x0 + 1, Int(Double(dotX + 1) * scale)))
            let y1 = min(page.height, max(y0 + 1, Int(Double(dotY + 1) * scale)))
            guard x0 < page.width, y0 < page.height else { return false }
            var sum = 0, count = 0
            // Every dot of a small area; a sample of a large one.
            let step = max(1, (x1 - x0) / 4)
            for y in stride(from: y0, to: y1, by: step) {
                for x in stride(from: x0, to: x1, by: step) {
                    sum &+= Int(page.at(x, y))
                    count &+= 1
                }
            }
            return count > 0 && sum / count < threshold
        }
        // Braille dot numbering: bits 0-2 and 6 down the left column, 3-5 and 7 down the right.
        let bits: [(dx: Int, dy: Int, bit: UInt32)] = [(0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08), (1, 1, 0x10), (1, 2, 0x20),
                                                       (0, 3, 0x40), (1, 3, 0x80)]
        var lines: [String] = []
        for row in 0..<usedRows {
            var line = ""
            for column in 0..<usedColumns {
                var pattern: UInt32 = 0
                for dot in bits where dark(column * 2 + dot.dx, row * 4 + dot.dy) { pattern |= dot.bit }
                line.unicodeScalars.append(Unicode.Scalar(0x2800 + pattern) ?? " ")
            }
            lines.append(line)
        }
        return lines
    }

    /// Halfway between the page's darkest and lightest tenths, never above mid-gray.
    static func threshold(_ page: ScannedPage) -> Int {
        let small = page.shrunk(toFit: 200)
        var histogram = [Int](repeating: 0, count: 256)
        for value in small.pixels { histogram[Int(value)] &+= 1 }
        func percentile(_ share: Double) -> Int {
            let wanted = Int(Double(small.pixels.count) * share)
            var seen = 0
            for (value, count) in histogram.enumerated() {
                seen &+= count
                if seen > wanted { return value }
            }
            return 255
        }
        return min(128, (percentile(0.1) + percentile(0.9)) / 2 + 1)
    }
}
