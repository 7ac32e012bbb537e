// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 已受理: shown only after the outbox has the application on disk. The 受理编号, the
/// outcome, what is still owed and by when; or, if it could not be stored, what to do.
extension Canvas {
    mutating func submitted() {
        let state = self.state.application?.submission
        switch state {
        case .done(.accepted)?: heading(t(.submittedAccepted), big: .submittedBig)
        default: heading(t(.submittedHeadline))
        }
        let area = contentArea()
        var y = area.y + 1
        switch state {
        case nil, .submitting?:
            grid.put(t(.submittedSaving), x: area.x, y: y, style: theme.warning, clip: area)
            navigation([homeButton(), helpButton()])
        case .done(.accepted(let number, let outcome, let owed))?:
            grid.put(t(.submittedNumber, ["number": number]), x: area.x, y: y, style: theme.heading, clip: area)
            y += 1
            grid.put(t(.submittedOutcome, ["outcome": t(outcome.name)]), x: area.x, y: y, style: theme.text, clip: area)
            y += 2
            if !owed.isEmpty {
                grid.put(t(.submittedOwed), x: area.x, y: y, style: theme.warning, clip: area)
                y += 1
                for (index, item) in owed.prefix(4).enumerated() {
                    let line = "\(index + 1). " + t(.submittedOwedItem, ["material": t(item.material), "date": item.deadline.description])
                    grid.put(TextWidth.truncate(line, toWidth: area.width - 2), x: area.x + 2, y: y, style: theme.text, clip: area)
                    y += 1
                }
                y += 1
            }
            for line in nextSteps(outcome: outcome, owed: owed) {
                y = paragraph(line, in: area, y: y, style: theme.text)
            }
            y += 1
            switch self.state.application?.receipt {
            case .printing?: y = paragraph(t(.submittedReceiptPrinting), in: area, y: y, style: theme.muted)
            case .printed?: y = paragraph(t(.submittedReceiptPrinted), in: area, y: y, style: theme.heading)
            case .notPrinted(let zh, let en)?:
                // One message: it did not print (and why), so keep the number.
                y = paragraph(t(.submittedReceiptNotPrinted) + (self.state.language == .zhHans ? zh : en), in: area, y: y, style: theme.warning)
            case nil: break
            }
            y = paragraph(t(.submittedUpload), in: area, y: y, style: theme.muted)
            if case .notPrinted? = self.state.application?.receipt {} else {
                paragraph(t(.submittedKeepNumber), in: area, y: y, style: theme.muted)
            }
            var specs = [ButtonSpec(.goHome, keys: [.digit(9), .hash], label: t(.submittedDone))]
            if self.state.application?.rating == nil { specs.insert(ButtonSpec(.startRating, keys: [.digit(1)], label: t(.submittedRate)), at: 0) }
            navigation(specs + [helpButton()])
        case .done(.failed(let zh, let en))?:
            y = paragraph(t(.submittedFailed), in: area, y: y, style: theme.warning)
            paragraph(self.state.language == .zhHans ? zh : en, in: area, y: y + 1, style: theme.text)
            navigation([homeButton(), helpButton()])
        }
    }

    /// 下一步, in words: what happens now and what the citizen does, by when and where.
    func nextSteps(outcome: Outcome, owed: [OwedMaterial]) -> [String] {
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID) else { return [] }
        var lines: [String] = []
        switch outcome {
        case .approved where owed.isEmpty: lines.append(t(.submittedNextApproved))
        case .approved, .manualReview:
            let days = service.timeLimit.promisedDays
            let date = application.today.adding(workingDays: days)?.description ?? "-"
            lines.append(t(.submittedNextReview, ["days": String(days), "date": date]))
        case .refused: break
        }
        if let first = owed.map(\.deadline).min() {
            let counter = state.catalogue.department(id: service.departmentID).map { t($0.name) } ?? t(service.name)
            lines.append(t(.submittedNextOwed, ["date": first.description, "counter": counter]))
        }
        return lines
    }
}
