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
            paragraph(t(.progressNotFound), in: area, y: y, style: theme.warning)
        case .unavailable:
            paragraph(t(.progressUnavailable), in: area, y: y, style: theme.warning)
        case .found(let found):
            grid.put(t(.submittedNumber, ["number": found.acceptanceNumber]), x: area.x, y: y, style: theme.heading, clip: area)
            y += 1
            let service = state.catalogue.service(id: found.serviceID).map { t($0.name) } ?? found.serviceID
            grid.put(TextWidth.truncate(t(.progressService, ["service": service]), toWidth: area.width), x: area.x, y: y, style: theme.text, clip: area)
            y += 1
            let status: UIText = found.progress == "approved" ? .progressApproved : found.progress == "refused" ? .progressRefused : .progressInReview
            y = paragraph(t(.progressStatus, ["status": t(status)]), in: area, y: y, style: theme.heading)
            if let reason = found.reason, !reason.isEmpty {
                y = paragraph(t(.progressReason, ["reason": reason]), in: area, y: y, style: theme.text)
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
}
