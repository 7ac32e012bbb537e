// SPDX-License-Identifier: Apache-2.0
/// Terminal colours the kiosk uses (the 8 ANSI colours every terminal has, plus default).
import ZizhuCore
public enum Color: UInt8, Sendable, Hashable, CaseIterable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn.
public struct Style: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(_ foreground: Color = .default, on background: Color = .default,
                bold: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }

    public static let plain = Style()
}

/// A rectangle of cells.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }
    public func inset(dx: Int, dy: Int) -> Rect { Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy) }
}

/// One cell: a grapheme and its style. The right half of a wide character is a
/// `continuation` cell that holds nothing of its own.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: Style
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }
}

/// Line styles for boxes. Box-drawing characters are ambiguous width; they count as one cell.
public enum BoxLine: Sendable {
    case single, double, heavy, rounded

    var parts: (h: Character, v: Character, tl: Character, tr: Character, bl: Character, br: Character) {
        switch self {
        case .single: return ("─", "│", "┌", "┐", "└", "┘")
        case .double: return ("═", "║", "╔", "╗", "╚", "╝")
        case .heavy: return ("━", "┃", "┏", "┓", "┗", "┛")
        case .rounded: return ("─", "│", "╭", "╮", "╰", "╯")
        }
    }
}

/// An in-memory screen: what views draw into and what the terminal backend presents.
///
/// The grid owns East Asian width: a wide character takes its cell plus a continuation
/// cell; a wide character that would cross the right edge (or a clip rectangle) becomes
/// a blank; overwriting either half of a wide character blanks the other half; text
/// never wraps by itself; control characters are replaced.
public struct CellGrid: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(style: fill), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
    }

    /// Writes one cell, keeping wide characters whole: whatever half of a wide
    /// character gets overwritten, its other half becomes a blank in the old style.
    private mutating func setCell(x: Int, y: Int, _ cell: Cell) {
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
        }
        if !old.isContinuation, x + 1 < width, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// Draws text from (x, y) to the right, clipped to `clip` (the whole grid by
    /// default). Returns the number of columns advanced.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard y >= area.y, y < area.maxY else { return TextWidth.width(of: text) }
        var column = x
        for raw in text {
            let character = TextWidth.sanitized(raw)
            let w = TextWidth.width(of: character)
            if w == 0 { continue }
            if column >= area.maxX { break }
            if column + w > area.maxX {
                // A wide character that would straddle the edge becomes a blank.
                if column >= area.x { setCell(x: column, y: y, Cell(" ", style: style)) }
                column += w
                break
            }
            if column < area.x {
                // Left of the clip: the right half of a wide character would be visible alone.
                if column + w > area.x { setCell(x: area.x, y: y, Cell(" ", style: style)) }
                column += w
                continue
            }
            setCell(x: column, y: y, Cell(character, style: style))
            if w == 2 {
                // The continuation cell may itself be the left half of another wide character.
                let next = y * width + column + 1
                if column + 2 < width, cells[next + 1].isContinuation, !cells[next].isContinuation {
                    cells[next + 1] = Cell(" ", style: cells[next + 1].style)
                }
                cells[next] = Cell(" ", style: style, isContinuation: true)
            }
            column += w
        }
        return column - x
    }

    /// Draws text centred horizontally within `rect` on row `y`.
    public mutating func putCentered(_ text: String, in rect: Rect, y: Int, style: Style) {
        let fitted = TextWidth.truncate(text, toWidth: rect.width)
        let w = TextWidth.width(of: fitted)
        put(fitted, x: rect.x + (rect.width - w) / 2, y: y, style: style, clip: rect)
    }

    /// Fills a rectangle with blanks of a style.
    public mutating func fill(_ rect: Rect, style: Style) {
        let area = rect.intersection(bounds)
        guard area.width > 0, area.height > 0 else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { setCell(x: x, y: y, Cell(" ", style: style)) }
        }
    }

    /// Draws a box border along the edge of `rect`.
    public mutating func box(_ rect: Rect, style: Style, line: BoxLine = .single) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let p = line.parts
        let horizontal = String(repeating: p.h, count: rect.width - 2)
        put(String(p.tl) + horizontal + String(p.tr), x: rect.x, y: rect.y, style: style)
        put(String(p.bl) + horizontal + String(p.br), x: rect.x, y: rect.maxY - 1, style: style)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(String(p.v), x: rect.x, y: y, style: style)
            put(String(p.v), x: rect.maxX - 1, y: y, style: style)
        }
    }

    /// The grid as plain text: one line per row, continuation cells left out (so a
    /// CJK-aware editor shows it aligned), trailing blanks trimmed. This is the
    /// snapshot format and what `tmux capture-pane` prints for the same screen.
    public func plainText() -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = ""
            for x in 0..<width {
                let cell = cells[y * width + x]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One row as text (continuation cells left out, trailing blanks kept).
    public func row(_ y: Int) -> String {
        var line = ""
        for x in 0..<width where !cells[y * width + x].isContinuation { line.append(cells[y * width + x].character) }
        return line
    }
}
