// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// One service's guide (办事指南): department, conditions, materials, time limits, fee,
/// how the applicant identifies. Long guides page with 7/8.
extension Canvas {
    mutating func serviceDetail(id: String, page: Int) {
        guard let service = state.catalogue.service(id: id) else {
            heading(t(.detailBig))
            navigation(standardNavigation())
            return
        }
        let department = state.catalogue.department(id: service.departmentID).map { t($0.name) } ?? service.departmentID
        heading(t(service.name), service: service,
                subtitle: t(.detailCode, ["code": service.code]) + "  " + department)
        let content = contentArea()
        // The apply button sits at the bottom right of the guide, above the navigation row.
        let apply = ButtonSpec(.apply(service.id), keys: [.digit(1)], label: t(.detailApply))
        let applyWidth = Canvas.buttonWidth(apply) + 4
        let area = Rect(x: content.x, y: content.y, width: content.width, height: content.height - 3)
        let lines = detailLines(service, department: department, width: area.width)
        let perPage = max(1, area.height)
        let pages = max(1, (lines.count + perPage - 1) / perPage)
        let shownPage = min(max(0, page), pages - 1)
        for (offset, line) in lines.dropFirst(shownPage * perPage).prefix(perPage).enumerated() {
            grid.put(line.text, x: area.x, y: area.y + offset, style: line.isHeading ? theme.heading : theme.text, clip: area)
        }
        button(apply, in: Rect(x: content.maxX - applyWidth, y: content.maxY - 3, width: applyWidth, height: 3))
        navigation(standardNavigation(page: shownPage, pages: pages))
    }

    /// The guide as wrapped lines: section headings and their indented content.
    func detailLines(_ service: Service, department: String, width: Int) -> [(text: String, isHeading: Bool)] {
        var lines: [(String, Bool)] = []
        func section(_ title: UIText, _ items: [String], numbered: Bool = false) {
            lines.append(("", false))
            lines.append((t(title), true))
            for (index, item) in items.enumerated() {
                let bullet = numbered ? "\(index + 1). " : "  "
                let indent = String(repeating: " ", count: TextWidth.width(of: bullet) + 2)
                for (row, line) in TextWidth.wrap(item, width: max(1, width - indent.count)).enumerated() {
                    lines.append(((row == 0 ? "  " + bullet : indent) + line, false))
                }
            }
        }
        for line in TextWidth.wrap(t(service.summary), width: width) { lines.append((line, false)) }
        // 一件事: every department that takes a part, and every part's conditions.
        let parts = service.isBundle ? service.parts.compactMap(state.catalogue.service(id:)) : []
        func departmentName(_ part: Service) -> String {
            state.catalogue.department(id: part.departmentID).map { t($0.name) } ?? part.departmentID
        }
        var departments = [department]
        for part in parts where !departments.contains(departmentName(part)) { departments.append(departmentName(part)) }
        section(.detailDepartment, departments)
        var conditions = service.conditions.map { t($0) }
        for part in parts {
            for condition in part.conditions.map({ t($0) }) where !conditions.contains(condition) { conditions.append(condition) }
        }
        section(.detailConditions, conditions, numbered: true)
        // Whether 秒批 is possible, part by part for a bundle.
        func approval(_ part: Service) -> String { t(part.approval == .instant ? .detailApprovalInstant : .detailApprovalReview) }
        section(.detailApproval, parts.isEmpty ? [approval(service)]
                    : parts.map { t($0.name) + "（" + departmentName($0) + "）：" + approval($0) })
        section(.detailMaterials, service.materialSpecs.map { material in
            var notes: [String] = []
            if case .elicence(_, let grade) = material.kind { notes.append(t(.detailMaterialElicence, ["grade": grade.letter])) }
            if let tolerable = material.tolerable { notes.append(t(.detailMaterialTolerable, ["days": String(tolerable.deadlineDays)])) }
            let separator = state.language == .zhHans ? "；" : "; "
            return t(material.name) + (notes.isEmpty ? "" : (state.language == .zhHans ? "（" + notes.joined(separator: separator) + "）"
                                                                                        : " (" + notes.joined(separator: separator) + ")"))
        }, numbered: true)
        let limit = service.timeLimit
        var limits = [t(.detailOnTheSpot)]
        if limit.legalDays > 0 {
            limits = [t(.detailLegalDays, ["days": String(limit.legalDays)])]
            limits.append(limit.promisedDays == 0 ? t(.detailOnTheSpot)
                                                  : t(.detailPromisedDays, ["days": String(limit.promisedDays)]))
        }
        section(.detailTimeLimit, limits)
        section(.detailFee, [t(service.fee)])
        let identity: UIText
        switch service.identity {
        case .idCard: identity = .detailIdentityCard
        case .idCardOrManual: identity = .detailIdentityCardOrManual
        case .idCardOrSocialSecurityCard: identity = state.settings.socialSecurityCardReader ? .detailIdentityCardOrSocialSecurityCard : .detailIdentityCard
        }
        section(.detailIdentity, [t(identity)])
        return lines
    }
}
