// SPDX-License-Identifier: Apache-2.0
/// How a citizen writes Chinese at the kiosk: phrase pinyin (`PinyinComposer`) or
/// handwriting on the touch screen (`HandwritingRecognizer`). The views ask them for
/// candidates while drawing a frame; the reducer only records what was chosen, so the
/// core stays pure and the engines (librime, Zinnia: the `ChineseInput` target) are
/// adapters like the card reader.
///
/// ```swift
/// let composer: any PinyinComposer = try RimePinyin.shared(workFolder: folder)
/// composer.candidates(for: "guangdongsheng", limit: 6).first   // 广东省, nothing left
/// ```

/// How Chinese is being written into a field.
public enum InputMode: String, Sendable, Hashable {
    /// 手写: on the touch screen, a character at a time.
    case handwriting
    /// 拼音: letters on the touch keyboard, whole phrases at a time.
    case pinyin
}

/// How long a pinyin spelling may grow before a candidate must be chosen (an address line
/// like guangzhoushitianhequzhongshandadao fits).
public enum PinyinLimits {
    public static let letters = 40
}

/// One candidate: the text it writes and the letters still to convert after it ("广东"
/// for "guangdongsheng" leaves "sheng"; a handwritten character leaves nothing).
public struct InputCandidate: Sendable, Hashable {
    public var text: String
    public var remaining: String

    public init(text: String, remaining: String = "") {
        self.text = text
        self.remaining = remaining
    }
}

/// Phrase pinyin: letters in (`zhangsan`, `guangzhoushitianhequ`), phrases out, best first.
public protocol PinyinComposer: Sendable {
    /// At most `limit` candidates for the letters (lower-case a–z); none for anything else.
    func candidates(for letters: String, limit: Int) -> [InputCandidate]
    /// Whether it answers (an engine still starting, or one that failed, does not).
    var isReady: Bool { get }
}

/// Handwriting: strokes in, characters out, best first.
public protocol HandwritingRecognizer: Sendable {
    /// At most `limit` characters the drawing may be; none for an empty drawing.
    func recognise(_ drawing: Drawing, limit: Int) -> [String]
    var isReady: Bool { get }
}

extension PinyinComposer {
    public var isReady: Bool { true }
}

extension HandwritingRecognizer {
    public var isReady: Bool { true }
}

/// What the finger drew on the handwriting pad: strokes of points in pad pixels (a cell
/// is one pixel wide and two high, as the half-block cells show them).
public struct Drawing: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var x: Int
        public var y: Int
        public init(x: Int, y: Int) {
            self.x = x
            self.y = y
        }
    }

    /// The pad's size in pixels.
    public var width: Int
    public var height: Int
    public private(set) var strokes: [[Point]] = []
    /// Whether the finger is on the pad (a move then continues the last stroke).
    public private(set) var penDown = false

    /// A character has at most this many strokes (齉 has 36): more is a hand resting on the screen.
    public static let maximumStrokes = 40
    /// Points kept per stroke (a slow finger reports many): enough for any stroke's shape.
    public static let maximumPoints = 256

    public init(width: Int = 0, height: Int = 0) {
        self.width = width
        self.height = height
    }

    public var isEmpty: Bool { strokes.isEmpty }

    /// The finger came down at a cell of the pad (cells are turned into pixels here).
    public mutating func penDown(cellX: Int, cellY: Int) {
        guard strokes.count < Self.maximumStrokes else { return }
        strokes.append([pixel(cellX, cellY)])
        penDown = true
    }

    /// The finger moved to a cell (a move without a press, which a terminal can merge
    /// away, starts a stroke).
    public mutating func penMoved(cellX: Int, cellY: Int) {
        guard penDown, let last = strokes.indices.last else { return penDown(cellX: cellX, cellY: cellY) }
        let point = pixel(cellX, cellY)
        guard strokes[last].last != point, strokes[last].count < Self.maximumPoints else { return }
        strokes[last].append(point)
    }

    public mutating func penUp() { penDown = false }

    /// Takes the last stroke back (重写 takes them all: a fresh `Drawing`).
    public mutating func undoStroke() {
        if !strokes.isEmpty { strokes.removeLast() }
        penDown = false
    }

    private func pixel(_ cellX: Int, _ cellY: Int) -> Point {
        Point(x: min(max(0, cellX), max(0, width - 1)), y: min(max(0, cellY), max(0, height / 2 - 1)) * 2 + 1)
    }

    /// The drawing as pixels, strokes joined point to point (what the pad shows).
    public func pixels() -> Set<Point> {
        var lit = Set<Point>()
        for stroke in strokes {
            guard var previous = stroke.first else { continue }
            lit.insert(previous)
            for point in stroke.dropFirst() {
                let steps = max(abs(point.x - previous.x), abs(point.y - previous.y))
                for step in 1...max(1, steps) {
                    lit.insert(Point(x: previous.x + (point.x - previous.x) * step / max(1, steps),
                                     y: previous.y + (point.y - previous.y) * step / max(1, steps)))
                }
                previous = point
            }
        }
        return lit
    }
}
