// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Draws the state into a frame: the one entry point from the runtime and the tests.
public func render(_ state: AppState, _ context: ViewContext) -> Frame {
    var canvas = Canvas(state: state, context: context)
    if state.isTooSmall {
        canvas.tooSmall()
        return canvas.frame
    }
    canvas.titleBar()
    switch state.screen {
    case .home: canvas.home()
    case .homeMore: canvas.homeMore()
    case .catalogue: canvas.catalogueHub()
    case .services(let kind, let page): canvas.serviceList(kind, page: page)
    case .departments(let page): canvas.departmentList(page: page)
    case .search(let code): canvas.search(code: code)
    case .serviceDetail(let id, let page): canvas.serviceDetail(id: id, page: page)
    case .identify(let id): canvas.identify(serviceID: id)
    case .identifyForProofs: canvas.identify(serviceID: nil)
    case .proofs: canvas.proofs()
    case .proofPrinting: canvas.proofPrinting()
    case .printerDiagnostics(let sample, let page): canvas.printerDiagnostics(sample: sample, page: page)
    case .applicationForm(let field): canvas.applicationForm(field: field)
    case .keyboard(let field): canvas.keyboard(field: field)
    case .materials(let page): canvas.materials(page: page)
    case .commitment(let id): canvas.commitment(materialID: id)
    case .scanMaterial(let id): canvas.scanMaterial(materialID: id)
    case .review(let page): canvas.review(page: page)
    case .precheck(let page): canvas.precheck(page: page)
    case .submitted: canvas.submitted()
    case .help: canvas.help()
    case .rating: canvas.rating()
    case .ratingReason(let level): canvas.ratingReason(level: level)
    case .rated: canvas.rated()
    case .progressLookup(let typed): canvas.progressLookup(typed: typed)
    case .progressResult: canvas.progressResult()
    case .appointment(let typed): canvas.appointment(typed: typed)
    case .appointmentFound: canvas.appointmentFound()
    case .queueCategories: canvas.queueCategories()
    case .ticket: canvas.ticket()
    case .outOfService: canvas.outOfService()
    case .technicianPIN(let typed): canvas.technicianPIN(typed: typed)
    case .technicianMenu: canvas.technicianMenu()
    case .technicianArea(let area): canvas.technicianArea(area)
    }
    canvas.footer()
    if let remaining = state.countdown {
        canvas.idleCountdown(remaining)
    }
    return canvas.frame
}

/// The parts every screen shares: title bar, heading, navigation row, footer.
extension Canvas {
    var width: Int { grid.width }
    var height: Int { grid.height }

    /// Rows 0: title bar. Site name on the left, language and elder-mode badge on the right.
    mutating func titleBar() {
        grid.fill(Rect(x: 0, y: 0, width: width, height: 1), style: theme.titleBar)
        var right = " " + t(.languageName) + " "
        if state.elderMode { right = " " + t(.elderBadge) + " |" + right }
        let rightWidth = TextWidth.width(of: right)
        let left = " " + t(.brand) + " | " + t(context.siteName)
        grid.put(TextWidth.truncate(left, toWidth: width - rightWidth - 1), x: 0, y: 0, style: theme.titleBar)
        grid.put(right, x: width - rightWidth, y: 0, style: theme.titleBar)
    }

    /// The last row: kiosk number, the citizen hotline and, in demo mode, how to quit.
    mutating func footer() {
        let y = height - 1
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: theme.footer)
        let left = " " + t(.footerKiosk, ["id": context.kioskID]) + "   " + t(.footerHotline)
        grid.put(TextWidth.truncate(left, toWidth: width), x: 0, y: y, style: theme.footer)
        if state.settings.allowsQuit {
            let right = t(.footerQuitDemo) + " "
            let w = TextWidth.width(of: right)
            if TextWidth.width(of: left) + w + 2 <= width { grid.put(right, x: width - w, y: y, style: theme.footer) }
        }
    }

    /// The heading under the title bar. In elder mode, when there is room and the
    /// Unifont glyphs are loaded, a short form is drawn in big block glyphs: a form field's
    /// own label where it fits (出生日期), else the service's short name (`service`: 居住证),
    /// else the screen's (`big`); with a label or a service the title moves into the line
    /// under it, so the step is still said.
    mutating func heading(_ title: String, big: UIText? = nil, service: Service? = nil, label: LocalizedText? = nil,
                          subtitle: String? = nil) {
        let rows = Layout.headingRows(height: height, elder: state.elderMode)
        let area = Rect(x: 2, y: 1, width: width - 4, height: rows)
        if rows >= 10, let font = context.bigGlyphs {
            let named = service != nil || label != nil
            let subtitle = named ? [title, subtitle].compactMap { $0 }.joined(separator: "  ") : subtitle
            let candidates = [label.map { t($0) }, service.map { t($0.bigName) }, big.map { t($0) }].compactMap { $0 }
            // Big glyphs leave one row for the line under them: a longer one (a reason the
            // kiosk is paused, in English) is worth more than the big letters.
            if TextWidth.width(of: subtitle ?? "") <= area.width,
               let text = candidates.first(where: { font.canRender($0) && font.width(of: $0) <= area.width }) {
                let lines = font.render(text)
                let x = area.x + (area.width - font.width(of: text)) / 2
                for (index, line) in lines.enumerated() {
                    grid.put(line, x: x, y: area.y + 1 + index, style: theme.heading, clip: area)
                }
                if let subtitle {
                    grid.putCentered(subtitle, in: area, y: area.y + 9, style: theme.muted)
                }
                return
            }
        }
        let top = rows >= 10 ? area.y + 3 : area.y + 1
        let decorated = state.elderMode ? "【" + title + "】" : title
        grid.put(TextWidth.truncate(decorated, toWidth: area.width), x: area.x, y: top, style: theme.heading, clip: area)
        if let subtitle {
            // As many rows as the heading has left; only the last is cut if it must be.
            let rows = max(1, area.maxY - (top + 1))
            for (index, line) in TextWidth.wrap(subtitle, width: area.width, rows: rows).enumerated() {
                grid.put(line, x: area.x, y: top + 1 + index, style: theme.muted, clip: area)
            }
        }
    }

    /// The area between the heading and the navigation row.
    func contentArea(navigation: Bool = true) -> Rect {
        let top = 1 + Layout.headingRows(height: height, elder: state.elderMode)
        let bottom = height - 1 - (navigation ? 3 : 0)
        return Rect(x: 2, y: top, width: width - 4, height: bottom - top)
    }

    static let backKeys: [Key] = [.star, .escape]

    func backButton(keys: [Key] = Canvas.backKeys) -> ButtonSpec { ButtonSpec(.back, keys: keys, label: t(.navBack)) }
    func homeButton(keys: [Key] = [.digit(9)]) -> ButtonSpec { ButtonSpec(.goHome, keys: keys, label: t(.navHome)) }
    func helpButton(keys: [Key] = [.digit(0)]) -> ButtonSpec { ButtonSpec(.feature(.help), keys: keys, label: t(.navHelp)) }
    func previousButton() -> ButtonSpec { ButtonSpec(.pagePrevious, keys: [.digit(7)], label: t(.navPrevious)) }
    func nextButton() -> ButtonSpec { ButtonSpec(.pageNext, keys: [.digit(8)], label: t(.navNext)) }

    /// The standard navigation row, with paging buttons only when there is another page.
    func standardNavigation(page: Int = 0, pages: Int = 1, extra: [ButtonSpec] = []) -> [ButtonSpec] {
        var specs = [backButton()] + extra
        if page > 0 { specs.append(previousButton()) }
        if page < pages - 1 { specs.append(nextButton()) }
        specs.append(homeButton())
        specs.append(helpButton())
        return specs
    }

    /// Draws the navigation row (3 rows high) above the footer.
    mutating func navigation(_ specs: [ButtonSpec]) {
        guard !specs.isEmpty else { return }
        let area = Rect(x: 2, y: height - 4, width: width - 4, height: 3)
        let gap = 1
        var widths = specs.map { Canvas.buttonWidth($0) }
        let available = area.width - gap * (specs.count - 1)
        if widths.reduce(0, +) > available {
            widths = Array(repeating: available / specs.count, count: specs.count)
        }
        var x = area.x
        for (spec, w) in zip(specs, widths) {
            button(spec, in: Rect(x: x, y: area.y, width: w, height: 3))
            x += w + gap
        }
    }

    /// Text lines in an area, starting at a row; returns the next free row.
    @discardableResult
    mutating func paragraph(_ text: String, in area: Rect, y: Int, style: Style) -> Int {
        var row = y
        for line in TextWidth.wrap(text, width: area.width) where row < area.maxY {
            grid.put(line, x: area.x, y: row, style: style, clip: area)
            row += 1
        }
        return row
    }

    mutating func tooSmall() {
        let area = grid.bounds
        let body = t(.tooSmallBody, [
            "need": "\(state.settings.minimumWidth)x\(state.settings.minimumHeight)",
            "have": "\(state.width)x\(state.height)",
        ])
        let lines = [t(.tooSmallTitle)] + TextWidth.wrap(body, width: max(1, area.width - 2))
        let top = max(0, (area.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            grid.putCentered(line, in: area, y: top + index, style: index == 0 ? theme.warning : theme.text)
        }
    }
}
