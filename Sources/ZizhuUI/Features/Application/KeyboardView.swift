// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Free text where it cannot be avoided. Chinese by handwriting on a pad (strokes drawn as
/// they are written, the recogniser's characters above it) or by phrase pinyin on a touch
/// keyboard (whole words at a time; touch a candidate, or keys 1–5 and 7/8 to page); credit
/// codes as upper-case letters with digits from the keypad.
extension Canvas {
    static let keyboardRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    static let candidatesPerPage = 5

    mutating func keyboard(field index: Int) {
        heading(t(.keyboardHeadline))
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID),
              application.fields(service).indices.contains(index) else {
            navigation(standardNavigation())
            return
        }
        let field = application.fields(service)[index]
        let latin = field.type == .creditCode
        let handwriting = !latin && application.inputMode == .handwriting
        let area = contentArea()
        var y = area.y
        let unavailable = handwriting ? context.handwriting?.isReady != true : (!latin && context.pinyin?.isReady != true)
        let hint: String
        if latin { hint = t(.keyboardLatinHint) }
        else if handwriting { hint = unavailable ? t(.keyboardNoHandwriting) : t(.keyboardHandwritingHint) }
        else { hint = unavailable ? t(.keyboardNoDictionary) : t(.keyboardPinyinHint) }
        // The hint wraps onto a second row rather than being cut (English runs long).
        let hintLines = TextWidth.wrap(t(field.label) + "  " + hint, width: area.width)
        for (row, line) in hintLines.prefix(2).enumerated() {
            let text = row == 1 && hintLines.count > 2 ? TextWidth.truncate(hintLines[1...].joined(separator: " "), toWidth: area.width) : line
            grid.put(text, x: area.x, y: y + row, style: unavailable ? theme.warning : theme.muted, clip: area)
        }
        y += min(2, hintLines.count)
        // What is typed so far, the pinyin being spelled after it.
        let box = Rect(x: area.x, y: y, width: area.width, height: 3)
        grid.box(box, style: theme.buttonBorder, line: .single)
        var x = box.x + 2
        x += grid.put(application.entry, x: x, y: box.y + 1, style: theme.heading, clip: box)
        if !application.pinyin.isEmpty { grid.put(application.pinyin, x: x, y: box.y + 1, style: theme.warning, clip: box) }
        else { grid.put("_", x: x, y: box.y + 1, style: theme.muted, clip: box) }
        if let problem = application.problem {
            let text = "! " + (state.language == .zhHans ? problem.zh : problem.en)
            let w = TextWidth.width(of: text)
            if w + 4 < box.width / 2 { grid.put(text, x: box.maxX - w - 2, y: box.y + 1, style: theme.warning, clip: box) }
        } else if let maximum = field.maxLength ?? (latin ? 18 : nil) {
            // The limit, said before it bites: how many of how many.
            let text = t(latin ? .keyboardCountCode : .keyboardCount, ["count": String(application.entry.count), "maximum": String(maximum)])
            let w = TextWidth.width(of: text)
            grid.put(text, x: box.maxX - w - 2, y: box.y + 1, style: application.entry.count >= maximum ? theme.warning : theme.muted, clip: box)
        }
        y += 3
        var navigation = latin ? [backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])] : [backButton()]
        if !latin {
            let candidates: [InputCandidate]
            let limit = (application.candidatePage + 1) * Canvas.candidatesPerPage + 1
            // 姓氏优先: a name's first character is a surname; look further down the engine's
            // list for one, so it can come first.
            let surnameFirst = field.type == .personName && application.entry.isEmpty
            let asked = surnameFirst ? limit + 2 * Canvas.candidatesPerPage : limit
            var found: [InputCandidate]
            if handwriting {
                found = (context.handwriting?.recognise(application.drawing, limit: asked) ?? []).map { InputCandidate(text: $0) }
            } else {
                found = context.pinyin?.candidates(for: application.pinyin, limit: asked) ?? []
            }
            if surnameFirst { found = Surnames.first(found, text: \.text) }
            candidates = Array(found.prefix(limit))
            let pages = max(1, (candidates.count + Canvas.candidatesPerPage - 1) / Canvas.candidatesPerPage)
            let page = min(application.candidatePage, pages - 1)
            let shown = Array(candidates.dropFirst(page * Canvas.candidatesPerPage).prefix(Canvas.candidatesPerPage))
            let row = Rect(x: area.x, y: y, width: area.width, height: 3)
            if shown.isEmpty {
                let text: String
                if handwriting { text = application.drawing.isEmpty ? t(.keyboardCandidates) : t(.keyboardUnrecognised) }
                else { text = application.pinyin.isEmpty ? t(.keyboardCandidates) : t(.keyboardNoCandidates) }
                grid.put(text, x: row.x + 1, y: row.y + 1, style: theme.muted, clip: row)
            } else {
                let specs = shown.enumerated().map { ButtonSpec(.candidate($0.element), keys: [.digit($0.offset + 1)], label: $0.element.text) }
                buttonGrid(specs, in: Rect(x: row.x, y: row.y, width: min(row.width, Canvas.candidatesPerPage * 19), height: 3),
                           columns: Canvas.candidatesPerPage, rowHeight: 3, rowGap: 0, columnGap: 1)
            }
            if page > 0 { navigation.append(previousButton()) }
            if page < pages - 1 { navigation.append(nextButton()) }
            navigation += [homeButton(), helpButton()]
            y += 3
        }
        if handwriting {
            handwritingPad(Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), drawing: application.drawing)
        } else {
            letterKeys(Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), latin: latin)
        }
        self.navigation(navigation)
    }

    /// The letters, then 退格 / 清空 / 手写 / 完成 on a row of their own.
    private mutating func letterKeys(_ area: Rect, latin: Bool) {
        var y = area.y
        let keyHeight = max(1, min(3, area.height / 4))
        let keyWidth = max(4, (area.width - 9) / 10)
        for (rowIndex, letters) in Canvas.keyboardRows.enumerated() {
            var kx = area.x + rowIndex * (keyWidth / 2)
            for letter in letters where kx + keyWidth <= area.maxX {
                button(ButtonSpec(.letter(letter), keys: [], label: latin ? letter.uppercased() : String(letter)),
                       in: Rect(x: kx, y: y, width: keyWidth, height: keyHeight))
                kx += keyWidth + 1
            }
            y += keyHeight
        }
        var actions = [ButtonSpec(.deleteDigit, keys: [], label: t(.keyboardBackspace)),
                       ButtonSpec(.clearText, keys: [], label: t(.keyboardClear))]
        if !latin { actions.append(ButtonSpec(.inputMode(.handwriting), keys: [], label: t(.keyboardModeHandwriting))) }
        actions.append(ButtonSpec(.keyboardDone, keys: [.hash, .enter], label: t(.keyboardDone)))
        var ax = area.x
        for spec in actions {
            let width = max(keyWidth * 2, Canvas.buttonWidth(spec) + 2)
            button(spec, in: Rect(x: ax, y: y, width: width, height: keyHeight))
            ax += width + 1
        }
    }

    /// A square pad (a cell is twice as high as wide) with the strokes drawn in half-block
    /// cells as they are written; 重写 / 退格 / 拼音 / 完成 beside it.
    private mutating func handwritingPad(_ area: Rect, drawing: Drawing) {
        let side = max(3, min(area.height, (area.width - 22) / 2 + 2))
        let frameRect = Rect(x: area.x, y: area.y, width: side * 2, height: side)
        grid.box(frameRect, style: theme.focusedBorder, line: .single)
        let inside = frameRect.inset(dx: 1, dy: 1)
        pad = inside
        if drawing.isEmpty {
            let label = t(.keyboardWriteHere)
            grid.put(label, x: inside.x + max(0, (inside.width - TextWidth.width(of: label)) / 2), y: inside.y + inside.height / 2,
                     style: theme.muted, clip: inside)
        }
        // Pixels: one wide, two high per cell (upper half ▀, lower half ▄, both █).
        var cells: [Int: (upper: Bool, lower: Bool)] = [:]
        for pixel in drawing.pixels() where pixel.x >= 0 && pixel.x < inside.width && pixel.y >= 0 && pixel.y < inside.height * 2 {
            let key = (pixel.y / 2) * inside.width + pixel.x
            var cell = cells[key] ?? (false, false)
            if pixel.y % 2 == 0 { cell.upper = true } else { cell.lower = true }
            cells[key] = cell
        }
        for (key, cell) in cells {
            let glyph = cell.upper && cell.lower ? "█" : (cell.upper ? "▀" : "▄")
            grid.put(glyph, x: inside.x + key % inside.width, y: inside.y + key / inside.width, style: theme.heading, clip: inside)
        }
        let actions = [ButtonSpec(.clearDrawing, keys: [], label: t(.keyboardClearDrawing)),
                       ButtonSpec(.deleteDigit, keys: [], label: t(.keyboardBackspace)),
                       ButtonSpec(.inputMode(.pinyin), keys: [], label: t(.keyboardModePinyin)),
                       ButtonSpec(.keyboardDone, keys: [.hash, .enter], label: t(.keyboardDone))]
        let column = Rect(x: frameRect.maxX + 2, y: area.y, width: max(0, area.maxX - frameRect.maxX - 2), height: area.height)
        let height = max(1, min(3, column.height / actions.count))
        for (row, spec) in actions.enumerated() {
            button(spec, in: Rect(x: column.x, y: column.y + row * height, width: min(column.width, 18), height: height))
        }
    }
}
