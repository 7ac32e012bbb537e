// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 查询进度: type the 受理编号 (digits on the keypad, A–F by touch), then the answer and
/// where it came from.
extension Canvas {
    mutating func progressLookup(typed: String) {
        heading(t(.progressHeadline), big: .progressBig, subtitle: t(.progressPrompt))
        let (keypad, keyHeight, right) = keypadWithPane(keyRows: 5)
        let letters = "ABCDEF".map { ButtonSpec(.hexLetter($0), keys: [], label: String($0)) }
        buttonGrid(letters, in: Rect(x: keypad.x, y: keypad.y + keyHeight * 4, width: keypad.width, height: keyHeight),
                   columns: 6, rowHeight: keyHeight, rowGap: 0, columnGap: 1)

        grid.put(t(.progressNumber), x: right.x, y: right.y, style: theme.heading, clip: right)
        let shown = "ZZ" + AcceptanceNumberEntry.formatted(typed) + (typed.count < AcceptanceNumberEntry.length ? "_" : "")
        grid.put(TextWidth.truncate(shown, toWidth: right.width), x: right.x, y: right.y + 2, style: theme.heading, clip: right)
        let hint = typed.count < 8 ? t(.progressHintDate) : typed.count < AcceptanceNumberEntry.length ? t(.progressHintCode) : t(.progressHintReady)
        paragraph(hint, in: Rect(x: right.x, y: right.y + 4, width: right.width, height: right.height - 4), y: right.y + 4, style: theme.muted)
        cardLookupButton(in: right)
        navigation([backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])])
    }

    mutating func progressResult() {
        heading(t(.progressHeadline), big: .progressBig)
        let area = contentArea()
        var y = area.y + 1
        switch state.progress ?? .looking {
        case .looking:
            paragraph(t(.progressLooking), in: area, y: y, style: theme.muted)
        case .notFound:
            // A number that is not known, or a card with no case on the platform.
            let byCard = state.history.last == .progressLookup(typed: "")
            paragraph(t(byCard ? .progressNoCases : .progressNotFound), in: area, y: y, style: theme.warning)
        case .cases(let cases):
            let fromKiosk = cases.contains { if case .kiosk = $0.source { return true } else { return false } }
            y = paragraph(fromKiosk ? t(.progressCasesFromKiosk) : t(.progressCases, ["count": String(cases.count)]), in: area, y: y,
                          style: fromKiosk ? theme.warning : theme.heading) + 1
            for found in cases where y < area.maxY {
                let service = state.catalogue.service(id: found.serviceID).map { t($0.name) } ?? found.serviceID
                let line = found.acceptanceNumber + "  " + t(Self.progressText(found.progress)) + "  " + service
                grid.put(TextWidth.truncate(line, toWidth: area.width), x: area.x, y: y, style: theme.text, clip: area)
                y += 1
                if let reason = found.reason, !reason.isEmpty, y < area.maxY {
                    grid.put(TextWidth.truncate("    " + t(.progressReason, ["reason": reason]), toWidth: area.width), x: area.x, y: y,
                             style: theme.muted, clip: area)
                    y += 1
                }
                if let courier = found.courier, y < area.maxY {
                    grid.put(TextWidth.truncate("    " + t(.progressCourier, ["courier": t(courier)]), toWidth: area.width), x: area.x, y: y,
                             style: theme.heading, clip: area)
                    y += 1
                }
            }
        case .unavailable:
            paragraph(t(.progressUnavailable), in: area, y: y, style: theme.warning)
        case .found(let found):
            grid.put(t(.submittedNumber, ["number": found.acceptanceNumber]), x: area.x, y: y, style: theme.heading, clip: area)
            y += 1
            let service = state.catalogue.service(id: found.serviceID).map { t($0.name) } ?? found.serviceID
            grid.put(TextWidth.truncate(t(.progressService, ["service": service]), toWidth: area.width), x: area.x, y: y, style: theme.text, clip: area)
            y += 1
            y = paragraph(t(.progressStatus, ["status": t(Self.progressText(found.progress))]), in: area, y: y, style: theme.heading)
            if let reason = found.reason, !reason.isEmpty {
                y = paragraph(t(.progressReason, ["reason": reason]), in: area, y: y, style: theme.text)
            }
            if let courier = found.courier {
                y = paragraph(t(.progressCourier, ["courier": t(courier)]), in: area, y: y, style: theme.heading)
            }
            y += 1
            switch found.source {
            case .platform:
                paragraph(t(.progressFromPlatform), in: area, y: y, style: theme.muted)
            case .kiosk(let uploaded):
                paragraph(t(.progressFromKiosk) + t(uploaded ? .progressUploaded : .progressNotUploaded), in: area, y: y, style: theme.warning)
            }
        }
        navigation([backButton(), homeButton(), helpButton()])
    }

    static func progressText(_ progress: String) -> UIText {
        progress == "approved" ? .progressApproved : progress == "refused" ? .progressRefused : .progressInReview
    }
}
