// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 预约签到: the 6-digit code on the keypad, or the ID card on the reader; then today's
/// appointments with a check-in button each (the ticket goes ahead of walk-ins).
extension Canvas {
    mutating func appointment(typed: String) {
        heading(t(.appointmentHeadline), big: .appointmentBig, subtitle: t(.appointmentPrompt))
        let right = keypadWithPane().pane
        grid.put(t(.appointmentCode), x: right.x, y: right.y, style: theme.heading, clip: right)
        if BigDigits.canRender(typed) && !typed.isEmpty {
            for (index, line) in BigDigits.render(typed).enumerated() {
                grid.put(line, x: right.x, y: right.y + 1 + index, style: theme.heading, clip: right)
            }
        } else {
            grid.put(typed.isEmpty ? "_" : typed, x: right.x, y: right.y + 2, style: theme.heading, clip: right)
        }
        paragraph(t(.appointmentOrCard), in: Rect(x: right.x, y: right.y + 6, width: right.width, height: right.height - 6), y: right.y + 6,
                  style: theme.muted)
        cardLookupButton(in: right)
        navigation([backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])])
    }

    mutating func appointmentFound() {
        heading(t(.appointmentHeadline), big: .appointmentBig)
        let area = contentArea()
        var y = area.y + 1
        var buttons = [backButton(), homeButton(), helpButton()]
        switch state.appointment ?? .looking {
        case .looking:
            paragraph(t(.appointmentLooking), in: area, y: y, style: theme.muted)
        case .notFound:
            y = paragraph(t(.appointmentNotFound), in: area, y: y, style: theme.warning) + 1
            paragraph(t(.appointmentWalkIn), in: area, y: y, style: theme.text)
            buttons.insert(ButtonSpec(.feature(.queueTicket), keys: [.digit(1)], label: t(.appointmentTakeTicket)), at: 1)
        case .unavailable:
            y = paragraph(t(.appointmentUnavailable), in: area, y: y, style: theme.warning) + 1
            paragraph(t(.appointmentWalkIn), in: area, y: y, style: theme.text)
            buttons.insert(ButtonSpec(.feature(.queueTicket), keys: [.digit(1)], label: t(.appointmentTakeTicket)), at: 1)
        case .found(let items):
            if let printer = state.printerHealth, !printer.canPrint {
                y = paragraph(state.language == .zhHans ? printer.zh : printer.en, in: area, y: y, style: theme.warning) + 1
            } else {
                y = paragraph(t(.appointmentChoose), in: area, y: y, style: theme.text) + 1
            }
            let specs = items.prefix(4).enumerated().map { index, item in
                let queue = state.settings.queueCategories.first { $0.id == item.categoryID }.map { t($0.name) } ?? item.categoryID
                return ButtonSpec(.checkIn(item.code), keys: [.digit(index + 1)],
                                  label: t(.appointmentCheckIn, ["queue": queue, "time": item.time]), bigKey: state.elderMode)
            }
            if state.printerHealth?.canPrint != false {
                buttonGrid(Array(specs), in: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), columns: 1,
                           rowHeight: state.elderMode ? 5 : 3, rowGap: 0)
            }
        }
        navigation(buttons)
    }
}
