// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Find a service by its number code: an on-screen keypad that the physical keypad
/// mirrors digit for digit, the code typed so far, and the services it matches.
extension Canvas {
    /// The digit keypad of the code screens: 1–9, 删除 (`*`), 0, 确认 (`#`), 3 × 4.
    /// The keypad screens' layout: the keypad on the left of the content area (3 × 4 keys,
    /// `rows` key rows high in all, so a screen can add a row beneath), the rest returned
    /// for what was typed and what it means.
    mutating func keypadWithPane(keyRows rows: Int = 4) -> (keypad: Rect, keyHeight: Int, pane: Rect) {
        let area = contentArea()
        let keypadWidth = min(42, area.width / 2)
        let keyHeight = min(3, area.height / rows)
        let keypad = Rect(x: area.x, y: area.y, width: keypadWidth, height: area.height)
        codeKeypad(in: keypad, keyHeight: keyHeight)
        let pane = Rect(x: area.x + keypadWidth + 3, y: area.y, width: area.maxX - area.x - keypadWidth - 3, height: area.height)
        return (keypad, keyHeight, pane)
    }

    /// 刷身份证: the card instead of typing, at the bottom of the pane. Every button has a
    /// key: while nothing is typed, `#` (there is nothing to confirm yet) chooses the card.
    /// Once chosen, the pane says where to put the card.
    mutating func cardLookupButton(in pane: Rect) {
        if state.identify.cardLookup {
            paragraph(t(.cardLookupWaiting), in: pane, y: pane.maxY - 2, style: theme.heading)
            return
        }
        let typed: String
        switch state.screen {
        case .progressLookup(let text), .appointment(let text): typed = text
        default: typed = ""
        }
        let spec = ButtonSpec(.lookUpByCard, keys: typed.isEmpty ? [.hash] : [], label: t(.cardLookupButton))
        button(spec, in: Rect(x: pane.x, y: pane.maxY - 3, width: min(pane.width, Canvas.buttonWidth(spec) + 6), height: 3))
    }

    mutating func codeKeypad(in area: Rect, keyHeight: Int) {
        var pad = digitKeys()
        pad.append(ButtonSpec(.deleteDigit, keys: [.star, .backspace], label: t(.searchDelete)))
        pad.append(digitKey(0))
        pad.append(ButtonSpec(.confirm, keys: [.hash, .enter], label: t(.searchConfirm)))
        buttonGrid(pad, in: Rect(x: area.x, y: area.y, width: area.width, height: keyHeight * 4),
                   columns: 3, rowHeight: keyHeight, rowGap: 0, columnGap: 1)
    }

    mutating func search(code: String) {
        heading(t(.searchHeadline), big: .searchBig, subtitle: t(.searchPrompt))
        // Left: the keypad; right: the code, a message, and the matching services (touch to open).
        let right = keypadWithPane().pane
        grid.put(t(.searchCode), x: right.x, y: right.y, style: theme.heading, clip: right)
        let shown = code.isEmpty ? "_" : code
        if BigDigits.canRender(code) && !code.isEmpty {
            for (index, line) in BigDigits.render(code).enumerated() {
                grid.put(line, x: right.x, y: right.y + 1 + index, style: theme.heading, clip: right)
            }
        } else {
            grid.put(shown, x: right.x, y: right.y + 2, style: theme.heading, clip: right)
        }
        let matches = state.catalogue.services(codePrefix: code)
        // A name too long for one row (English runs long) takes a second row, never "...".
        let labelRoom = right.width - 3   // inside the border, after the space the button leaves
        let labels = matches.map { TextWidth.wrap($0.code + " " + t($0.name), width: labelRoom) }
        let listRows = right.maxY - (right.y + 6)
        let itemHeight = labels.prefix(max(0, listRows / 3)).contains { $0.count > 1 } ? 4 : 3
        let room = max(0, listRows / itemHeight)
        var message: String
        var messageStyle = theme.muted
        if case .noServiceWithCode(let missing) = state.notice {
            message = t(.searchNotFound, ["code": missing])
            messageStyle = theme.warning
        } else if code.isEmpty {
            message = t(.searchPrompt)
        } else if matches.isEmpty {
            message = t(.searchNoMatch, ["code": code])
            messageStyle = theme.warning
        } else {
            // Room for the list below a two-line message: if not all fit, say how many show
            // and how to narrow them down (never "找到 9 项" with 5 on screen and no word why).
            message = matches.count <= room ? t(.searchMatches, ["count": String(matches.count)])
                : t(.searchMatchesMore, ["count": String(matches.count), "shown": String(room)])
        }
        let messageLines = TextWidth.wrap(message, width: right.width).prefix(2)
        for (index, line) in messageLines.enumerated() {
            grid.put(line, x: right.x, y: right.y + 4 + index, style: messageStyle, clip: right)
        }
        let listTop = right.y + 4 + messageLines.count
        for (index, service) in matches.prefix(room).enumerated() {
            let lines = labels[index]
            let detail = lines.count > 1 ? TextWidth.truncate(lines.dropFirst().joined(separator: " "), toWidth: labelRoom) : nil
            button(ButtonSpec(.service(service.id), keys: [], label: lines.first ?? service.code, detail: detail),
                   in: Rect(x: right.x, y: listTop + index * itemHeight, width: right.width, height: itemHeight))
        }
        // 9 and 0 are digits here, so home and help are touch-only; Esc goes back.
        navigation([backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])])
    }
}
