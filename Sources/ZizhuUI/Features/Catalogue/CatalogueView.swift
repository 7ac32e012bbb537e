// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The 办事 hub: by theme (个人/企业), by department, hot items, or by number code.
extension Canvas {
    mutating func catalogueHub() {
        heading(t(.catalogueHeadline), big: .catalogueBig, subtitle: t(.catalogueSubtitle))
        let area = contentArea()
        guard !state.catalogue.services.isEmpty else {
            paragraph(t(.catalogueEmpty), in: area, y: area.y + 1, style: theme.warning)
            navigation(standardNavigation())
            return
        }
        let big = state.elderMode
        let specs = [
            ButtonSpec(.catalogue(.personal), keys: [.digit(1)], label: t(.cataloguePersonal), detail: t(.cataloguePersonalDetail), bigKey: big),
            ButtonSpec(.catalogue(.business), keys: [.digit(2)], label: t(.catalogueBusiness), detail: t(.catalogueBusinessDetail), bigKey: big),
            ButtonSpec(.catalogue(.departments), keys: [.digit(3)], label: t(.catalogueDepartments), detail: t(.catalogueDepartmentsDetail), bigKey: big),
            ButtonSpec(.catalogue(.hot), keys: [.digit(4)], label: t(.catalogueHot), detail: t(.catalogueHotDetail), bigKey: big),
            ButtonSpec(.catalogue(.search), keys: [.digit(5)], label: t(.catalogueSearch), detail: t(.catalogueSearchDetail), bigKey: big),
        ]
        buttonGrid(specs, in: area, columns: 2, rowHeight: 5, columnGap: state.elderMode ? 4 : 2)
        navigation(standardNavigation())
    }

    /// A page of items (services or departments), each a numbered one-line button.
    mutating func itemList(_ items: [(ButtonID, String, String)], page: Int, in area: Rect) -> Int {
        let capacity = state.listCapacity
        let pages = max(1, (items.count + capacity - 1) / capacity)
        let page = min(max(0, page), pages - 1)
        let itemHeight = state.elderMode ? 5 : 3
        let rowHeight = state.elderMode ? 4 : 3
        for (offset, item) in items.dropFirst(page * capacity).prefix(capacity).enumerated() {
            let rect = Rect(x: area.x, y: area.y + offset * itemHeight, width: area.width, height: rowHeight)
            let (id, label, trailing) = item
            let trailingWidth = TextWidth.width(of: trailing)
            button(ButtonSpec(id, keys: [.digit(offset + 1)], label: label), in: Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height))
            // The code or count sits at the right end of the button's text row.
            let textRow = rect.y + rect.height / 2
            let style = state.pressed == id ? theme.pressed : theme.buttonDetail
            if trailingWidth + 4 < rect.width {
                grid.put(" " + trailing + " ", x: rect.maxX - trailingWidth - 3, y: textRow, style: style)
            }
        }
        return pages
    }

    mutating func serviceList(_ kind: ServiceListKind, page: Int) {
        let services = state.services(for: kind)
        let title: String
        let big: UIText
        switch kind {
        case .theme(.personal): title = t(.cataloguePersonal); big = .listPersonalBig
        case .theme(.business): title = t(.catalogueBusiness); big = .listBusinessBig
        case .hot: title = t(.catalogueHot); big = .listHotBig
        case .department(let id):
            title = state.catalogue.department(id: id).map { t($0.name) } ?? id
            big = .listDepartmentBig
        }
        let capacity = state.listCapacity
        let pages = max(1, (services.count + capacity - 1) / capacity)
        let shownPage = min(max(0, page), pages - 1)
        heading(title, big: big, subtitle: t(.listSubtitle, [
            "count": String(services.count), "page": String(shownPage + 1), "pages": String(pages),
        ]))
        let items = services.map { (ButtonID.service($0.id), t($0.name), t(.listCode, ["code": $0.code])) }
        _ = itemList(items, page: shownPage, in: contentArea())
        navigation(standardNavigation(page: shownPage, pages: pages))
    }

    mutating func departmentList(page: Int) {
        let departments = state.catalogue.departmentsWithServices
        let capacity = state.listCapacity
        let pages = max(1, (departments.count + capacity - 1) / capacity)
        let shownPage = min(max(0, page), pages - 1)
        heading(t(.departmentsHeadline), big: .departmentsBig, subtitle: t(.departmentsSubtitle, [
            "count": String(departments.count), "page": String(shownPage + 1), "pages": String(pages),
        ]))
        let items = departments.map { department in
            (ButtonID.department(department.id), t(department.name),
             t(.departmentsCount, ["count": String(state.catalogue.services(department: department.id).count)]))
        }
        _ = itemList(items, page: shownPage, in: contentArea())
        navigation(standardNavigation(page: shownPage, pages: pages))
    }
}
