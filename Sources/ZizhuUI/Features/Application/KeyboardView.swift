// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Free text where it cannot be avoided: a touch keyboard. Chinese through pinyin with
/// candidate selection (touch, or keys 1–6 and 7/8 to page); credit codes as upper-case
/// letters with digits from the keypad.
extension Canvas {
    static let keyboardRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    static let candidatesPerPage = 6

    mutating func keyboard(field index: Int) {
        heading(t(.keyboardHeadline))
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID),
              application.fields(service).indices.contains(index) else {
            navigation(standardNavigation())
            return
        }
        let field = application.fields(service)[index]
        let latin = field.type == .creditCode
        let area = contentArea()
        var y = area.y
        let hint = latin ? t(.keyboardLatinHint) : (context.pinyin == nil ? t(.keyboardNoDictionary) : t(.keyboardPinyinHint))
        grid.put(TextWidth.truncate(t(field.label) + "  " + hint, toWidth: area.width), x: area.x, y: y,
                 style: !latin && context.pinyin == nil ? theme.warning : theme.muted, clip: area)
        y += 1
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
        }
        y += 3
        var navigation = latin ? [backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])] : [backButton()]
        if !latin {
            let candidates = context.pinyin?.candidates(application.pinyin) ?? []
            let pages = max(1, (candidates.count + Canvas.candidatesPerPage - 1) / Canvas.candidatesPerPage)
            let page = min(application.candidatePage, pages - 1)
            let shown = Array(candidates.dropFirst(page * Canvas.candidatesPerPage).prefix(Canvas.candidatesPerPage))
            let row = Rect(x: area.x, y: y, width: area.width, height: 3)
            if shown.isEmpty {
                let text = application.pinyin.isEmpty ? t(.keyboardCandidates) : t(.keyboardNoCandidates)
                grid.put(text, x: row.x + 1, y: row.y + 1, style: theme.muted, clip: row)
            } else {
                let specs = shown.enumerated().map { ButtonSpec(.candidate($0.element), keys: [.digit($0.offset + 1)], label: String($0.element)) }
                buttonGrid(specs, in: Rect(x: row.x, y: row.y, width: min(row.width, Canvas.candidatesPerPage * 12), height: 3),
                           columns: Canvas.candidatesPerPage, rowHeight: 3, rowGap: 0, columnGap: 1)
            }
            if page > 0 { navigation.append(previousButton()) }
            if page < pages - 1 { navigation.append(nextButton()) }
            navigation += [homeButton(), helpButton()]
            y += 3
        }
        // The letters, then 退格 / 清空 / 完成 on a row of their own.
        let keyHeight = max(1, min(3, (area.maxY - y) / 4))
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
        let actions = [ButtonSpec(.deleteDigit, keys: [], label: t(.keyboardBackspace)),
                       ButtonSpec(.clearText, keys: [], label: t(.keyboardClear)),
                       ButtonSpec(.keyboardDone, keys: [.hash, .enter], label: t(.keyboardDone))]
        var ax = area.x
        for spec in actions {
            let width = max(keyWidth * 2, Canvas.buttonWidth(spec) + 2)
            button(spec, in: Rect(x: ax, y: y, width: width, height: keyHeight))
            ax += width + 1
        }
        self.navigation(navigation)
    }
}
