// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 取号: choose a queue; the ticket comes out of the printer and is shown on screen.
extension Canvas {
    mutating func queueCategories() {
        heading(t(.ticketHeadline), big: .ticketBig, subtitle: t(.ticketPrompt))
        let area = contentArea()
        let specs = state.settings.queueCategories.prefix(6).enumerated().map { index, category in
            ButtonSpec(.queueCategory(category.id), keys: [.digit(index + 1)], label: "\(category.letter)  " + t(category.name),
                       bigKey: state.elderMode)
        }
        var y = area.y + 1
        if state.printerHealth?.canPrint == false {
            y = paragraph(t(.ticketPrinterDown), in: area, y: y, style: theme.warning) + 1
        }
        let rowHeight = state.elderMode ? 5 : 3
        buttonGrid(Array(specs), in: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y),
                   columns: 2, rowHeight: rowHeight, rowGap: state.elderMode ? 0 : 1, columnGap: 2)
        navigation([backButton(), homeButton(), helpButton()])
    }

    mutating func ticket() {
        heading(t(.ticketHeadline), big: .ticketBig)
        let area = contentArea()
        var y = area.y + 1
        switch state.ticket ?? .printing {
        case .printing:
            paragraph(t(.ticketPrinting), in: area, y: y, style: theme.muted)
        case .issued(let ticket):
            let category = state.settings.queueCategories.first { $0.id == ticket.categoryID }.map { t($0.name) } ?? ticket.categoryID
            grid.put(t(.ticketYourNumber), x: area.x, y: y, style: theme.text, clip: area)
            y += 1
            if BigDigits.canRender(ticket.number) {
                for line in BigDigits.render(ticket.number) {
                    grid.put(line, x: area.x, y: y, style: theme.heading, clip: area)
                    y += 1
                }
            } else {
                grid.put(ticket.number, x: area.x, y: y, style: theme.heading, clip: area)
                y += 1
            }
            y += 1
            y = paragraph(t(.ticketDetails, ["category": category, "ahead": String(ticket.peopleAhead),
                                              "wait": String(ticket.waitMinutes)]), in: area, y: y, style: theme.text)
            if ticket.appointmentCode != nil { y = paragraph(t(.ticketAppointmentFirst), in: area, y: y, style: theme.heading) }
            paragraph(t(.ticketTake), in: area, y: y + 1, style: theme.heading)
        case .notIssued(let zh, let en):
            y = paragraph(t(.ticketNotIssued) + (state.language == .zhHans ? zh : en), in: area, y: y, style: theme.warning)
            paragraph(t(.ticketWhatToDo), in: area, y: y + 1, style: theme.text)
        }
        navigation([ButtonSpec(.goHome, keys: [.digit(9), .hash], label: t(.submittedDone)), helpButton()])
    }
}
