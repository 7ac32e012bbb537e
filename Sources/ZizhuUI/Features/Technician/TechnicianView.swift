// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 技术人员模式: the PIN, the menu of every part with its status, and one part's facts
/// with its actions. Technicians see device facts only: no citizen's data reaches here
/// (a test read shows the card masked and keeps nothing).
extension Canvas {
    mutating func technicianPIN(typed: String) {
        heading(t(.techPinHeadline), subtitle: t(.techPinPrompt))
        let right = keypadWithPane().pane
        grid.put(t(.techPinTyped), x: right.x, y: right.y, style: theme.heading, clip: right)
        // Never the digits: one star per digit typed.
        grid.put(typed.isEmpty ? "_" : String(repeating: "* ", count: typed.count), x: right.x, y: right.y + 2, style: theme.heading, clip: right)
        let message: String?
        var style = theme.warning
        if state.technician.pinChecking {
            message = t(.techPinChecking)
            style = theme.muted
        } else {
            switch state.technician.pinCheck {
            case .wrong(let left): message = t(.techPinWrong, ["left": String(left)])
            case .locked(let seconds): message = t(.techPinLocked, ["seconds": String(seconds)])
            case .notConfigured: message = t(.techPinNotConfigured)
            case .accepted, nil: message = nil
            }
        }
        if let message {
            paragraph(message, in: Rect(x: right.x, y: right.y + 4, width: right.width, height: right.height - 4), y: right.y + 4, style: style)
        }
        navigation([backButton(keys: [.escape]), homeButton(keys: [])])
    }

    mutating func technicianMenu() {
        heading(t(.techMenuHeadline), subtitle: t(.techMenuSubtitle))
        let area = contentArea()
        let session = state.technician.session
        var y = area.y
        if let report = session?.report {
            let overall: UIText = !report.healthy ? .techUnhealthy : report.status == .warning ? .techWarnings : .techHealthy
            let line = "\(report.healthy ? (report.status == .warning ? "!" : "✓") : "✗") " + t(overall)
            let taken = t(.techTakenAt, ["time": report.takenAt])
            let style = report.healthy ? theme.heading : theme.warning
            grid.put(TextWidth.truncate(line, toWidth: area.width), x: area.x, y: y, style: style, clip: area)
            // When was it checked: on the same row if it fits, else on the row the status line leaves.
            if TextWidth.width(of: line) + 3 + TextWidth.width(of: taken) <= area.width - (session?.checking == true ? TextWidth.width(of: t(.techChecking)) + 1 : 0) {
                grid.put(taken, x: area.x + TextWidth.width(of: line) + 3, y: y, style: style, clip: area)
            } else {
                y += 1
                grid.put(TextWidth.truncate("  " + taken, toWidth: area.width), x: area.x, y: y, style: theme.muted, clip: area)
            }
        }
        if session?.checking == true {
            let text = t(.techChecking)
            grid.put(text, x: area.maxX - TextWidth.width(of: text), y: y, style: theme.muted, clip: area)
        }
        y += 1
        let specs = DiagnosticArea.allCases.enumerated().map { index, area in
            var label = t(area.title)
            if let check = session?.report?.check(area) { label += "  " + check.status.mark + " " + t(Self.statusText(check.status)) }
            return ButtonSpec(.technicianArea(area), keys: [.digit(index + 1)], label: label)
        }
        buttonGrid(specs, in: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), columns: 2, rowHeight: 3, rowGap: 0, columnGap: 2)
        navigation([ButtonSpec(.goHome, keys: [.star, .escape], label: t(.techExit)),
                    ButtonSpec(.runDiagnostics, keys: [.digit(9)], label: t(.techRecheck))])
    }

    mutating func technicianArea(_ area: DiagnosticArea) {
        heading(t(area.title), subtitle: t(.techMenuHeadline))
        let content = contentArea()
        var y = content.y
        let session = state.technician.session
        if let check = session?.report?.check(area) {
            let style = check.status == .failed ? theme.warning : theme.heading
            y = paragraph(check.status.mark + " " + t(Self.statusText(check.status)) + "  " + t(check.summary), in: content, y: y, style: style)
            let labelWidth = min(20, check.facts.map { TextWidth.width(of: t($0.label)) }.max() ?? 0)
            for fact in check.facts where y < content.maxY - 2 {
                let label = TextWidth.truncate(t(fact.label), toWidth: labelWidth)
                grid.put(label, x: content.x + 2, y: y, style: theme.muted, clip: content)
                // Long values (a refused catalogue's file:line:column, a CUPS message) wrap.
                let valueX = content.x + 4 + labelWidth
                for line in TextWidth.wrap(fact.words.map { t($0) } ?? fact.value, width: content.maxX - valueX, rows: 4) where y < content.maxY - 2 {
                    grid.put(line, x: valueX, y: y, style: theme.text, clip: content)
                    y += 1
                }
            }
        } else {
            y = paragraph(t(.techChecking), in: content, y: y, style: theme.muted)
        }
        if session?.testReading == true && session?.note == nil {
            paragraph(t(.techTestReadWaiting), in: content, y: max(y + 1, content.maxY - 2), style: theme.heading)
        } else if let note = session?.note {
            paragraph(t(note), in: content, y: max(y + 1, content.maxY - 2), style: theme.heading)
        }
        var buttons = [backButton(), ButtonSpec(.goHome, keys: [], label: t(.techExit))]
        switch area {
        case .reader: buttons.append(ButtonSpec(.testRead, keys: [.digit(1)], label: t(.techTestRead)))
        case .outbox: buttons.append(ButtonSpec(.syncNow, keys: [.digit(1)], label: t(.techSyncNow)))
        case .catalogue: buttons.append(ButtonSpec(.reloadCatalogue, keys: [.digit(1)], label: t(.diagCatalogueReload)))
        default: break
        }
        buttons.append(ButtonSpec(.runDiagnostics, keys: [.digit(9)], label: t(.techRecheck)))
        navigation(buttons)
    }

    static func statusText(_ status: DiagnosticStatus) -> UIText {
        switch status {
        case .ok: return .techStatusOK
        case .warning: return .techStatusWarning
        case .failed: return .techStatusFailed
        case .skipped: return .techStatusSkipped
        }
    }
}
