// SPDX-License-Identifier: Apache-2.0
import Foundation

/// What is wrong with a captured page, said so the citizen knows what to fix.
public enum PageProblem: Sendable, Hashable, CustomStringConvertible {
    /// Nothing on it: the page lies the wrong way up, or nothing was placed.
    case blank
    /// Too dark to read: the lid was open to a bright hall, or the camera saw a shadow.
    case tooDark(mean: Int)
    /// The lines of text run at an angle (degrees, positive: falling to the right).
    case skewed(degrees: Double)

    /// Whether a page with this problem may still be kept: a crooked page is legible, a blank
    /// or black one is not (it can only be scanned again).
    public var leavesThePageLegible: Bool {
        if case .skewed = self { return true }
        return false
    }

    public var zh: String {
        switch self {
        case .blank: return "这一页是空白的：请把有字的一面朝下放在玻璃上（高拍仪：有字的一面朝上）。"
        case .tooDark: return "这一页太暗，看不清：请合上盖板，或把材料平放在灯下再拍。"
        case .skewed(let degrees): return "这一页放歪了（约 \(Self.rounded(degrees)) 度）：请把材料摆正、靠紧玻璃边缘后重扫。"
        }
    }

    public var en: String {
        switch self {
        case .blank: return "This page is blank: place the printed side down on the glass (document camera: printed side up)."
        case .tooDark: return "This page is too dark to read: close the lid, or lay the page flat under the light."
        case .skewed(let degrees): return "This page is crooked (about \(Self.rounded(degrees))°): straighten it against the edge of the glass and scan again."
        }
    }

    public var description: String {
        switch self {
        case .blank: return "blank"
        case .tooDark(let mean): return "too dark (mean \(mean))"
        case .skewed(let degrees): return "skewed \(String(format: "%.1f", degrees))°"
        }
    }

    static func rounded(_ degrees: Double) -> Int { Int(abs(degrees).rounded()) }
}

/// The quality gate a page passes before it is kept: not blank, not too dark, not crooked.
/// It looks at the page shrunk to about 600 dots on its long side, so it costs the same for
/// any scanner.
public enum PageQuality {
    /// Below this mean gray a page is too dark to read.
    public static let darkestMean = 70
    /// Lines more crooked than this are sent back.
    public static let straightEnough = 2.0

    public struct Report: Sendable, Hashable {
        public var mean: Int
        /// The share of the page that is ink (dark dots), 0…1.
        public var ink: Double
        /// The lines' angle in degrees, or nil when the page has too little on it to tell.
        public var skew: Double?
        public var problems: [PageProblem]
    }

    public static func check(_ page: ScannedPage) -> Report {
        let small = page.shrunk(toFit: 600)
        let total = small.pixels.count
        var sum = 0, dark = 0
        for value in small.pixels {
            sum &+= Int(value)
            if value < 128 { dark &+= 1 }
        }
        let mean = sum / max(1, total)
        let ink = Double(dark) / Double(max(1, total))
        var problems: [PageProblem] = []
        if mean < darkestMean {
            problems.append(.tooDark(mean: mean))
            return Report(mean: mean, ink: ink, skew: nil, problems: problems)
        }
        if ink < 0.002 {
            problems.append(.blank)
            return Report(mean: mean, ink: ink, skew: nil, problems: problems)
        }
        let skew = ink < 0.5 ? Self.skew(of: small) : nil
        if let skew, abs(skew) > straightEnough { problems.append(.skewed(degrees: skew)) }
        return Report(mean: mean, ink: ink, skew: skew, problems: problems)
    }

    /// The angle of the page's lines of text: the one at which the dark dots, projected
    /// onto the page's side, bunch into the sharpest rows (the sum of the squared row
    /// counts is largest). Searched from −15° to 15° in quarter degrees.
    public static func skew(of page: ScannedPage) -> Double? {
        var dots: [(x: Int, y: Int)] = []
        for y in 0..<page.height {
            for x in 0..<page.width where page.at(x, y) < 128 { dots.append((x, y)) }
        }
        guard dots.count >= 50 else { return nil }
        let rows = page.height + page.width + 2
        var counts = [Int](repeating: 0, count: rows)
        var best = (angle: 0.0, score: -1)
        for step in -60...60 {
            let angle = Double(step) / 4
            let slope = tan(angle * .pi / 180)
            for index in counts.indices { counts[index] = 0 }
            for dot in dots {
                // The row this dot's line started in at the page's left edge.
                let row = Int((Double(dot.y) - Double(dot.x) * slope).rounded()) + page.width / 2 + 1
                if row >= 0 && row < rows { counts[row] &+= 1 }
            }
            var score = 0
            for count in counts { score &+= count &* count }
            if score > best.score { best = (angle, score) }
        }
        return best.angle
    }
}
