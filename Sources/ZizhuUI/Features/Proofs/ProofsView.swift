// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印证明: the proofs the platform holds for the identified citizen (one key each), then
/// the chosen one printing. Offline, the kiosk says so plainly and what to do instead.
extension Canvas {
    mutating func proofs() {
        heading(t(.proofsHeadline), big: .proofsBig, subtitle: state.citizen.map { t(.proofsFor, ["id": $0.idNumber.masked]) })
        let area = contentArea()
        var y = area.y + 1
        var navigationButtons = [backButton(), homeButton(), helpButton()]
        switch state.proofs.listing ?? .loading {
        case .loading:
            paragraph(t(.proofsLoading), in: area, y: y, style: theme.muted)
        case .unavailable:
            y = paragraph(t(.proofsUnavailable), in: area, y: y, style: theme.warning) + 1
            paragraph(t(.proofsAlternatives), in: area, y: y, style: theme.text)
            navigationButtons.insert(ButtonSpec(.feature(.services), keys: [.digit(1)], label: t(.proofsApply)), at: 1)
        case .found(let items) where items.isEmpty:
            y = paragraph(t(.proofsNone), in: area, y: y, style: theme.text) + 1
            paragraph(t(.proofsAlternatives), in: area, y: y, style: theme.text)
        case .found(let items):
            if let printer = state.printerHealth, !printer.canPrint {
                y = paragraph(state.language == .zhHans ? printer.zh : printer.en, in: area, y: y, style: theme.warning) + 1
            } else {
                y = paragraph(t(.proofsChoose), in: area, y: y, style: theme.text) + 1
            }
            let canPrint = state.printerHealth?.canPrint ?? true
            let specs = items.prefix(6).enumerated().map { index, item in
                ButtonSpec(canPrint ? .proof(item.id) : .back, keys: canPrint ? [.digit(index + 1)] : [], label: item.title,
                           bigKey: state.elderMode)
            }
            if canPrint {
                buttonGrid(Array(specs), in: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), columns: 1,
                           rowHeight: state.elderMode ? 5 : 3, rowGap: 0)
            }
        }
        navigation(navigationButtons)
    }

    mutating func proofPrinting() {
        heading(t(.proofsHeadline), big: .proofsBig)
        let area = contentArea()
        var y = area.y + 1
        switch state.proofs.printing ?? .printing(title: "") {
        case .printing(let title):
            paragraph(t(.proofsPrinting, ["title": title]), in: area, y: y, style: theme.muted)
        case .printed(let title, let code):
            y = paragraph(t(.proofsPrinted, ["title": title]), in: area, y: y, style: theme.heading) + 1
            y = paragraph(t(.proofsVerification, ["code": code]), in: area, y: y, style: theme.text) + 1
            paragraph(t(.proofsTake), in: area, y: y, style: theme.heading)
        case .notPrinted(let zh, let en):
            y = paragraph(t(.proofsNotPrinted) + (state.language == .zhHans ? zh : en), in: area, y: y, style: theme.warning) + 1
            paragraph(t(.proofsAlternatives), in: area, y: y, style: theme.text)
        }
        navigation([backButton(), ButtonSpec(.goHome, keys: [.digit(9), .hash], label: t(.submittedDone)), helpButton()])
    }
}
