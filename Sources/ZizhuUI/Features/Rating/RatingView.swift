// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 好差评.
extension Canvas {
    /// 好差评: five big buttons, best first.
    mutating func rating() {
        heading(t(.ratingHeadline), big: .ratingBig, subtitle: t(.ratingSubtitle))
        let area = contentArea()
        let specs = RatingLevel.all.enumerated().map { index, entry in
            ButtonSpec(.rate(entry.level), keys: [.digit(index + 1)], label: t(entry.text), bigKey: state.elderMode)
        }
        let rowHeight = state.elderMode ? 5 : 3
        buttonGrid(specs, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1),
                   columns: state.elderMode ? 2 : 3, rowHeight: rowHeight, rowGap: 1, columnGap: 2)
        navigation([backButton(), homeButton()])
    }

    /// A low rating: what went wrong (optional).
    mutating func ratingReason(level: Int) {
        heading(t(.ratingReasonHeadline), big: .ratingBig)
        let area = contentArea()
        let specs = RatingLevel.reasons.enumerated().map { index, reason in
            ButtonSpec(.ratingReason(reason.id), keys: [.digit(index + 1)], label: t(reason.text), bigKey: state.elderMode)
        }
        let rowHeight = state.elderMode ? 5 : 3
        buttonGrid(specs, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1),
                   columns: 2, rowHeight: rowHeight, rowGap: state.elderMode ? 0 : 1, columnGap: 2)
        navigation([backButton(), ButtonSpec(.skipRatingReason, keys: [.hash], label: t(.ratingSkip)), homeButton()])
    }

    /// Thanks (the rating is kept in the outbox and sent with the application).
    mutating func rated() {
        heading(t(.ratedHeadline), big: .ratedBig)
        let area = contentArea()
        switch state.application?.rating {
        case .failed(let zh, let en)?:
            paragraph(t(.ratedFailed) + (state.language == .zhHans ? zh : en), in: area, y: area.y + 1, style: theme.warning)
        case .saving?, nil:
            paragraph(t(.ratedSaving), in: area, y: area.y + 1, style: theme.muted)
        case .saved?:
            let y = paragraph(t(.ratedThanks), in: area, y: area.y + 1, style: theme.heading)
            // What to take away is what there is: a card only if one was read, a receipt
            // only if it printed (else the number to note).
            let number: String
            if case .done(.accepted(let accepted, _, _))? = state.application?.submission { number = accepted } else { number = "" }
            let card = state.citizen?.source == .cardReader
            let receipt = state.application?.receipt
            var text: String?
            var warning = false
            switch receipt {
            case .printed?: text = card ? t(.ratedTakeCard) : t(.submittedReceiptPrinted)
            case .notPrinted?:
                text = card ? t(.ratedTakeCardNoReceipt, ["number": number]) : t(.ratedNoReceipt, ["number": number])
                warning = true
            case .printing?, nil: text = card ? t(.ratedTakeCardOnly) : nil
            }
            if let text { paragraph(text, in: area, y: y + 1, style: warning ? theme.warning : theme.text) }
        }
        navigation([ButtonSpec(.goHome, keys: [.digit(9), .hash], label: t(.submittedDone))])
    }
}
