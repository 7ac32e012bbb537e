// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 申请材料, 告知承诺 and 智能预审: what the e-licences found cover (with their grade), what is
/// missing and can be committed to, and every rule's result before submitting.
extension Canvas {
    mutating func materials(page: Int) {
        let serviceNow = state.application.flatMap { state.catalogue.service(id: $0.serviceID) }
        heading(t(.materialsHeadline), big: .materialsBig, service: serviceNow, subtitle: t(.materialsSubtitle))
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID) else {
            navigation(standardNavigation())
            return
        }
        let content = contentArea()
        let next = ButtonSpec(.toReview, keys: [.hash, .enter], label: t(.materialsNext))
        let nextWidth = Canvas.buttonWidth(next) + 4
        let list = Rect(x: content.x, y: content.y, width: content.width, height: content.height - 3)
        let materials = application.materials(service, citizen: state.citizen)
        if materials.isEmpty { grid.put(t(.materialsNone), x: list.x, y: list.y, style: theme.text, clip: list) }
        let perPage = max(1, list.height / 3)
        let pages = max(1, (materials.count + perPage - 1) / perPage)
        let shownPage = min(max(0, page), pages - 1)
        var commitKey = 1
        for (offset, material) in materials.dropFirst(shownPage * perPage).prefix(perPage).enumerated() {
            let number = shownPage * perPage + offset + 1
            let row = Rect(x: list.x, y: list.y + offset * 3, width: list.width, height: 3)
            let standing = MaterialStanding.of(material, in: application)
            var textWidth = row.width
            if standing.canCommit && commitKey <= 6 {
                let spec = ButtonSpec(.commit(material.id), keys: [.digit(commitKey)], label: t(.materialsCommit))
                let width = Canvas.buttonWidth(spec) + 2
                button(spec, in: Rect(x: row.maxX - width, y: row.y, width: width, height: 3))
                textWidth -= width + 1
                commitKey += 1
            }
            // 扫描纸质材料: paper can be handed in here when the kiosk has a scanner.
            if standing.canScan, state.settings.documentScanner, commitKey <= 6 {
                let spec = ButtonSpec(.scanMaterial(material.id), keys: [.digit(commitKey)], label: t(.materialsScan))
                let width = Canvas.buttonWidth(spec) + 2
                button(spec, in: Rect(x: row.x + textWidth - width, y: row.y, width: width, height: 3))
                textWidth -= width + 1
                commitKey += 1
            }
            let (mark, status, warning) = describe(standing, material)
            grid.put(TextWidth.truncate("\(number). " + t(material.name), toWidth: textWidth), x: row.x, y: row.y, style: theme.heading, clip: row)
            // The standing takes the third row too when no 容缺 deadline needs it (English runs long).
            let tolerableShown = material.tolerable != nil && standing.canCommit
            let statusLines = TextWidth.wrap(mark + " " + status, width: textWidth - 3, rows: tolerableShown ? 1 : 2)
            for (index, text) in statusLines.enumerated() {
                grid.put((index == 0 ? "   " : "     ") + text, x: row.x, y: row.y + 1 + index,
                         style: warning ? theme.warning : theme.text, clip: row)
            }
            if let tolerable = material.tolerable, standing.canCommit {
                grid.put(TextWidth.truncate("     " + t(.materialsTolerable, ["days": String(tolerable.deadlineDays)]), toWidth: textWidth),
                         x: row.x, y: row.y + 2, style: theme.muted, clip: row)
            }
        }
        button(next, in: Rect(x: content.maxX - nextWidth, y: content.maxY - 3, width: nextWidth, height: 3))
        navigation(standardNavigation(page: shownPage, pages: pages))
    }

    /// The mark, the words and whether it needs the citizen's attention.
    func describe(_ standing: MaterialStanding, _ material: Material) -> (String, String, Bool) {
        switch standing {
        case .found(let grade): return ("✓", t(.materialsFound, ["grade": grade.letter]), false)
        case .gradeTooLow(let found, let minimum):
            return ("✗", t(.materialsGradeLow, ["grade": found.letter, "minimum": minimum.letter]), true)
        case .missing: return ("✗", t(.materialsMissing), true)
        case .paper: return ("!", t(.materialsPaper), true)
        case .scanned(let pages): return ("✓", t(.materialsScanned, ["pages": String(pages)]), false)
        case .committed(let deadline): return ("✓", t(.materialsCommitted, ["date": deadline.description]), false)
        }
    }

    mutating func commitment(materialID: String) {
        heading(t(.commitmentHeadline), big: .commitmentBig)
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID),
              let material = service.materialSpecs.first(where: { $0.id == materialID }), let tolerable = material.tolerable else {
            navigation(standardNavigation())
            return
        }
        let area = contentArea()
        var y = area.y
        grid.put(TextWidth.truncate(t(.commitmentMaterial, ["material": t(material.name)]), toWidth: area.width),
                 x: area.x, y: y, style: theme.heading, clip: area)
        y += 1
        let deadline = application.today.adding(days: tolerable.deadlineDays)?.description ?? "-"
        grid.put(t(.commitmentDeadline, ["date": deadline, "days": String(tolerable.deadlineDays)]), x: area.x, y: y, style: theme.warning, clip: area)
        y += 2
        grid.put(t(.commitmentRead), x: area.x, y: y, style: theme.muted, clip: area)
        y += 1
        let textArea = Rect(x: area.x + 2, y: y, width: area.width - 4, height: area.maxY - 4 - y)
        y = paragraph(t(tolerable.commitment), in: textArea, y: y, style: theme.text)
        y = paragraph(t(.commitmentNote), in: textArea, y: y + 1, style: theme.muted)
        let confirm = ButtonSpec(.confirmCommitment, keys: [.digit(1), .hash], label: t(.commitmentConfirm))
        button(confirm, in: Rect(x: area.x, y: area.maxY - 3, width: Canvas.buttonWidth(confirm) + 6, height: 3))
        navigation(standardNavigation())
    }

    mutating func precheck(page: Int) {
        heading(t(.precheckHeadline), big: .precheckBig)
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID) else {
            navigation(standardNavigation())
            return
        }
        let decisions = application.decisions(service, catalogue: state.catalogue, citizen: state.citizen)
        let content = contentArea()
        let submittable = decisions.contains { $0.outcome != .refused }
        let lineArea = Rect(x: content.x, y: content.y, width: content.width, height: content.height - 3)
        let lines = precheckLines(decisions, service: service, width: lineArea.width)
        let perPage = max(1, lineArea.height)
        let pages = max(1, (lines.count + perPage - 1) / perPage)
        let shownPage = min(max(0, page), pages - 1)
        for (offset, line) in lines.dropFirst(shownPage * perPage).prefix(perPage).enumerated() {
            grid.put(line.text, x: lineArea.x, y: lineArea.y + offset, style: line.style(theme), clip: lineArea)
        }
        let bottom = Rect(x: content.x, y: content.maxY - 3, width: content.width, height: 3)
        if shownPage < pages - 1 {
            // 提交申请 only once every line has been shown.
            let text = t(.precheckReadOn, ["page": String(shownPage + 1), "pages": String(pages)])
            let lines = TextWidth.wrap(text, width: bottom.width).prefix(bottom.height)
            for (index, line) in lines.enumerated() {
                grid.put(line, x: bottom.x, y: bottom.y + (lines.count == 1 ? 1 : index), style: theme.warning, clip: bottom)
            }
        } else if submittable {
            let submit = ButtonSpec(.submitApplication, keys: [.digit(1), .hash], label: t(.precheckSubmit))
            let width = Canvas.buttonWidth(submit) + 6
            button(submit, in: Rect(x: bottom.maxX - width, y: bottom.y, width: width, height: 3))
        } else {
            paragraph(t(.precheckRefusedHint), in: bottom.inset(dx: 0, dy: 1), y: bottom.y + 1, style: theme.warning)
        }
        if pages > 1 && shownPage == pages - 1 {
            let text = t(.precheckPage, ["page": String(shownPage + 1), "pages": String(pages)])
            grid.put(text, x: bottom.x, y: bottom.y + 1, style: theme.muted, clip: bottom)
        }
        navigation(standardNavigation(page: shownPage, pages: pages))
    }

    struct PrecheckLine {
        enum Kind { case outcome(Outcome), passed, failed, other, remedy }
        var text: String
        var kind: Kind

        func style(_ theme: Theme) -> Style {
            switch kind {
            case .outcome(let outcome): return outcome == .refused ? theme.warning : theme.heading
            case .failed: return theme.warning
            case .remedy, .other: return theme.muted
            case .passed: return theme.text
            }
        }
    }

    /// The outcome(s) first, then every check with ✓/✗ and what to do about a ✗.
    func precheckLines(_ decisions: [Decision], service: Service, width: Int) -> [PrecheckLine] {
        var lines: [PrecheckLine] = []
        let bundle = service.isBundle
        if !bundle, let decision = decisions.first {
            lines.append(PrecheckLine(text: t(.precheckOutcome, ["outcome": t(decision.outcome.name)]), kind: .outcome(decision.outcome)))
        }
        for decision in decisions {
            if bundle {
                let name = state.catalogue.service(id: decision.serviceID).map { t($0.name) } ?? decision.serviceID
                lines.append(PrecheckLine(text: TextWidth.truncate(t(.precheckPart, ["service": name, "outcome": t(decision.outcome.name)]), toWidth: width),
                                          kind: .outcome(decision.outcome)))
            }
            for check in decision.checks {
                let mark: String, suffix: String, kind: PrecheckLine.Kind
                switch check.status {
                case .passed: (mark, suffix, kind) = ("✓", "", .passed)
                case .failed: (mark, suffix, kind) = ("✗", "", .failed)
                case .notVerified: (mark, suffix, kind) = ("?", " (" + t(.precheckNotVerified) + ")", .other)
                case .notApplicable: (mark, suffix, kind) = ("-", " (" + t(.precheckNotApplicable) + ")", .other)
                case .committed(let deadline): (mark, suffix, kind) = ("✓", " (" + t(.precheckCommitted, ["date": deadline.description]) + ")", .passed)
                case .scanned: (mark, suffix, kind) = ("✓", " (" + t(.precheckScanned) + ")", .passed)
                }
                let wrapped = TextWidth.wrap(t(check.requirement) + suffix, width: max(1, width - 4))
                for (index, line) in wrapped.enumerated() {
                    lines.append(PrecheckLine(text: (index == 0 ? "  \(mark) " : "    ") + line, kind: kind))
                }
                let failing: Bool
                switch check.status {
                case .failed, .notVerified: failing = true
                default: failing = false
                }
                if failing, let remedy = check.remedy {
                    for line in TextWidth.wrap(t(.precheckWhatToDo, ["remedy": t(remedy)]), width: max(1, width - 6)) {
                        lines.append(PrecheckLine(text: "      " + line, kind: .remedy))
                    }
                }
            }
            if decision.isToleratedMissing {
                lines.append(PrecheckLine(text: "  " + t(.precheckOwed), kind: .other))
            }
        }
        return lines
    }
}
