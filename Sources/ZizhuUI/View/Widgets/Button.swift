// SPDX-License-Identifier: Apache-2.0
/// A button as a view describes it; `draw` puts it on the grid and returns its hit region.
import ZizhuCore
struct ButtonSpec {
    var id: ButtonID
    var keys: [Key]
    var label: String
    var detail: String?
    /// Draw the key number with big box-drawing digits (elder mode).
    var bigKey = false

    init(_ id: ButtonID, keys: [Key], label: String, detail: String? = nil, bigKey: Bool = false) {
        self.id = id
        self.keys = keys
        self.label = label
        self.detail = detail
        self.bigKey = bigKey
    }
}

/// Drawing context shared by all views of one frame.
struct Canvas {
    var grid: CellGrid
    var hits: [HitRegion] = []
    var pad: Rect?
    let theme: Theme
    let state: AppState
    let t: Localizer
    let context: ViewContext

    init(state: AppState, context: ViewContext) {
        self.state = state
        self.context = context
        self.theme = state.elderMode ? .highContrast : .standard
        self.t = Localizer(context, state.language)
        self.grid = CellGrid(width: state.width, height: state.height, fill: theme.background)
    }

    var frame: Frame { Frame(grid: grid, hits: hits, pad: pad) }

    /// Draws a bordered button and records its hit region. Focus doubles the border and
    /// adds ►; a pressed button is drawn in reverse video.
    mutating func button(_ spec: ButtonSpec, in rect: Rect) {
        guard rect.width >= 4, rect.height >= 1 else { return }
        if bigDigitKey(spec, in: rect) { return }
        let index = hits.count
        let focused = state.focus == index
        let pressed = state.pressed == spec.id
        let fill = pressed ? theme.pressed : theme.background
        grid.fill(rect, style: fill)
        let border = pressed ? theme.pressed : (focused ? theme.focusedBorder : theme.buttonBorder)
        let label = pressed ? theme.pressed : (focused ? theme.focusedLabel : theme.buttonLabel)
        let detailStyle = pressed ? theme.pressed : theme.buttonDetail
        if rect.height >= 3 {
            grid.box(rect, style: border, line: focused ? theme.focusedLine : theme.buttonLine)
        }
        let inner = rect.height >= 3 ? rect.inset(dx: 1, dy: 1) : rect
        let keyText = spec.keys.first.map { $0.label } ?? ""
        var x = inner.x + 1
        let marker = focused ? "►" : " "
        let labelRow = inner.y + max(0, (inner.height - (spec.detail == nil ? 1 : 2)) / 2)
        grid.put(marker, x: inner.x, y: spec.bigKey ? inner.y + (inner.height - 1) / 2 : labelRow, style: label, clip: inner)
        if spec.bigKey, case .digit = spec.keys.first, inner.height >= 3, BigDigits.canRender(keyText) {
            let lines = BigDigits.render(keyText)
            let top = inner.y + (inner.height - 3) / 2
            for (row, line) in lines.enumerated() {
                grid.put(line, x: x + 1, y: top + row, style: pressed ? theme.pressed : theme.buttonLabel, clip: inner)
            }
            x += BigDigits.width(of: keyText) + 3
            let textRows = spec.detail == nil ? 1 : 2
            let textTop = inner.y + (inner.height - textRows) / 2
            let room = Rect(x: x, y: inner.y, width: inner.maxX - x, height: inner.height)
            grid.put(TextWidth.truncate(spec.label, toWidth: room.width), x: x, y: textTop, style: label, clip: room)
            if let detail = spec.detail {
                grid.put(TextWidth.truncate(detail, toWidth: room.width), x: x, y: textTop + 1, style: detailStyle, clip: room)
            }
        } else {
            let textRows = (spec.detail != nil && inner.height >= 2) ? 2 : 1
            let textTop = inner.y + max(0, (inner.height - textRows) / 2)
            if !keyText.isEmpty {
                x += grid.put(" \(keyText) ", x: x, y: textTop, style: pressed ? theme.pressed : theme.buttonKey, clip: inner)
                x += 1
            }
            let room = Rect(x: x, y: inner.y, width: inner.maxX - x, height: inner.height)
            grid.put(TextWidth.truncate(spec.label, toWidth: room.width), x: x, y: textTop, style: label, clip: room)
            if textRows == 2, let detail = spec.detail {
                grid.put(TextWidth.truncate(detail, toWidth: room.width), x: x, y: textTop + 1, style: detailStyle, clip: room)
            }
        }
        hits.append(HitRegion(rect: rect, button: spec.id, keys: spec.keys))
    }

    /// The keypad's digit keys 1–9 in order; in elder mode their numbers are drawn big.
    func digitKeys() -> [ButtonSpec] { (1...9).map(digitKey) }

    func digitKey(_ digit: Int) -> ButtonSpec {
        ButtonSpec(.digit(digit), keys: [.digit(digit)], label: "", bigKey: state.elderMode)
    }

    /// A keypad key only three rows high with nothing but its digit: the digit drawn big,
    /// without a border (there is no room for both).
    private mutating func bigDigitKey(_ spec: ButtonSpec, in rect: Rect) -> Bool {
        guard spec.bigKey, spec.label.isEmpty, spec.detail == nil, rect.height == 3, case .digit = spec.keys.first,
              let keyText = spec.keys.first?.label, BigDigits.canRender(keyText), rect.width >= BigDigits.width(of: keyText) + 2
        else { return false }
        let pressed = state.pressed == spec.id
        let focused = state.focus == hits.count
        // Keys in a keypad touch each other (no gap between rows): the big digits alone mark
        // them, as on a telephone, and the whole key is drawn reversed while pressed.
        grid.fill(rect, style: pressed ? theme.pressed : theme.background)
        let style = pressed ? theme.pressed : theme.buttonLabel
        let x = rect.x + (rect.width - BigDigits.width(of: keyText)) / 2
        for (row, line) in BigDigits.render(keyText).enumerated() {
            grid.put(line, x: x, y: rect.y + row, style: style, clip: rect)
        }
        if focused { grid.put("►", x: rect.x, y: rect.y + 1, style: style, clip: rect) }
        hits.append(HitRegion(rect: rect, button: spec.id, keys: spec.keys))
        return true
    }

    /// The width a one-line button needs for its key and label.
    static func buttonWidth(_ spec: ButtonSpec) -> Int {
        let key = spec.keys.first.map { TextWidth.width(of: " \($0.label) ") + 1 } ?? 0
        return 2 + 1 + key + TextWidth.width(of: spec.label) + 1
    }

    /// Lays buttons out in a grid of `columns` and draws them inside `area`.
    mutating func buttonGrid(_ specs: [ButtonSpec], in area: Rect, columns: Int, rowHeight: Int,
                             rowGap: Int = 1, columnGap: Int = 2) {
        guard !specs.isEmpty, columns > 0 else { return }
        let rows = (specs.count + columns - 1) / columns
        let width = (area.width - columnGap * (columns - 1)) / columns
        let height = min(rowHeight, (area.height - rowGap * (rows - 1)) / max(1, rows))
        for (index, spec) in specs.enumerated() {
            let row = index / columns, column = index % columns
            let rect = Rect(x: area.x + column * (width + columnGap), y: area.y + row * (height + rowGap),
                            width: width, height: height)
            button(spec, in: rect)
        }
    }
}
