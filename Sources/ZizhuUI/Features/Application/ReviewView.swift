// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 核对信息: every field as it will be submitted (ID numbers masked, choices by label) and
/// every material with its standing, paged; each field has a 修改 button (keys 1–6 on the
/// page) that opens it and comes back here. 下一步 only on the last page: nothing is
/// submitted that the citizen was not shown.
extension Canvas {
    mutating func review(page: Int) {
        let serviceNow = state.application.flatMap { state.catalogue.service(id: $0.serviceID) }
        heading(t(.reviewHeadline), big: .reviewBig, service: serviceNow, subtitle: t(.reviewSubtitle))
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID) else {
            navigation(standardNavigation())
            return
        }
        enum Row {
            case field(index: Int, label: String, value: String, empty: Bool)
            case material(label: String, status: String, mark: String, warning: Bool)
        }
        var rows: [Row] = []
        let asked = Set(application.askedIndices(service, citizen: state.citizen))
        for (index, field) in application.fields(service).enumerated() where asked.contains(index) {
            let value = application.form.values[field.id]
            rows.append(.field(index: index, label: t(field.label), value: value.map { displayValue(field, $0) } ?? t(.formNone),
                               empty: value == nil))
        }
        for material in application.materials(service, citizen: state.citizen) {
            let (mark, status, warning) = describe(MaterialStanding.of(material, in: application), material)
            rows.append(.material(label: t(.reviewMaterial, ["material": t(material.name)]), status: status, mark: mark, warning: warning))
        }
        let content = contentArea()
        let list = Rect(x: content.x, y: content.y, width: content.width, height: content.height - 3)
        let perPage = max(1, min(6, list.height / 3))
        let pages = max(1, (rows.count + perPage - 1) / perPage)
        let shownPage = min(max(0, page), pages - 1)
        for (offset, row) in rows.dropFirst(shownPage * perPage).prefix(perPage).enumerated() {
            let area = Rect(x: list.x, y: list.y + offset * 3, width: list.width, height: 3)
            switch row {
            case .field(let index, let label, let value, let empty):
                let spec = ButtonSpec(.editField(index), keys: [.digit(offset + 1)], label: t(.reviewEdit))
                let width = Canvas.buttonWidth(spec) + 2
                button(spec, in: Rect(x: area.maxX - width, y: area.y, width: width, height: 3))
                let textWidth = area.width - width - 1
                grid.put(TextWidth.truncate(label, toWidth: textWidth), x: area.x, y: area.y, style: theme.muted, clip: area)
                // A long value (an address) wraps onto the row's second line rather than being cut.
                let lines = TextWidth.wrap(value, width: max(1, textWidth - 3))
                for (line, text) in lines.prefix(2).enumerated() {
                    let shown = line == 1 && lines.count > 2 ? TextWidth.truncate(text + "…", toWidth: textWidth - 3) : text
                    grid.put(shown, x: area.x + 3, y: area.y + 1 + line, style: empty ? theme.warning : theme.heading, clip: area)
                }
            case .material(let label, let status, let mark, let warning):
                grid.put(TextWidth.truncate(label, toWidth: area.width), x: area.x, y: area.y, style: theme.muted, clip: area)
                grid.put(TextWidth.truncate("   " + mark + " " + status, toWidth: area.width), x: area.x, y: area.y + 1,
                         style: warning ? theme.warning : theme.text, clip: area)
            }
        }
        let bottom = Rect(x: content.x, y: content.maxY - 3, width: content.width, height: 3)
        if shownPage < pages - 1 {
            let text = t(.reviewReadOn, ["page": String(shownPage + 1), "pages": String(pages)])
            grid.put(TextWidth.truncate(text, toWidth: bottom.width), x: bottom.x, y: bottom.y + 1, style: theme.warning, clip: bottom)
        } else {
            let next = ButtonSpec(.toPrecheck, keys: [.hash, .enter], label: t(.reviewNext))
            let width = Canvas.buttonWidth(next) + 4
            button(next, in: Rect(x: bottom.maxX - width, y: bottom.y, width: width, height: 3))
            if pages > 1 {
                grid.put(t(.precheckPage, ["page": String(shownPage + 1), "pages": String(pages)]), x: bottom.x, y: bottom.y + 1,
                         style: theme.muted, clip: bottom)
            }
        }
        navigation(standardNavigation(page: shownPage, pages: pages))
    }
}
