// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 扫描纸质材料: the page's preview on the left (braille, drawn from the scan), on the right
/// what to do, what the quality gate found and how many pages are kept.
extension Canvas {
    mutating func scanMaterial(materialID: String) {
        let service = state.application.flatMap { state.catalogue.service(id: $0.serviceID) }
        let material = service?.materialSpecs.first { $0.id == materialID }
        heading(t(.scanHeadline), service: service, subtitle: material.map { t(.scanSubtitle, ["material": t($0.name)]) })
        guard let application = state.application, let step = application.scan, let material else {
            navigation(standardNavigation())
            return
        }
        let content = contentArea()
        let size = ScanStep.previewSize(width: state.width, height: state.height)
        let preview = Rect(x: content.x, y: content.y, width: size.columns + 2, height: min(content.height - 3, size.rows + 2))
        let text = Rect(x: preview.maxX + 2, y: content.y, width: content.maxX - preview.maxX - 2, height: content.height - 3)
        let kept = application.form.scanned[material.id] ?? 0

        // The preview, framed like the glass.
        grid.box(preview, style: theme.muted, line: .single)
        let inside = Rect(x: preview.x + 1, y: preview.y + 1, width: preview.width - 2, height: preview.height - 2)
        if case .captured(let page) = step.phase {
            for (row, line) in page.preview.prefix(inside.height).enumerated() {
                grid.put(line, x: inside.x, y: inside.y + row, style: theme.text, clip: inside)
            }
        } else {
            paragraph(t(.scanGlass), in: inside.inset(dx: 1, dy: 0), y: inside.y + inside.height / 2 - 1, style: theme.muted)
        }

        var y = text.y
        switch step.phase {
        case .ready:
            if step.justKept { y = paragraph(t(.scanKept, ["page": String(kept)]), in: text, y: y, style: theme.heading) + 1 }
            y = paragraph(kept >= ScanStep.maximumPages ? t(.scanFull, ["pages": String(ScanStep.maximumPages)])
                                                       : t(.scanPlace, ["material": t(material.name)]), in: text, y: y, style: theme.text)
        case .scanning:
            y = paragraph(t(.scanScanning), in: text, y: y, style: theme.heading)
        case .captured(let page):
            if page.problems.isEmpty {
                y = paragraph(t(.scanClear), in: text, y: y, style: theme.heading)
            } else {
                for problem in page.problems { y = paragraph(t(problem), in: text, y: y, style: theme.warning) }
                if !page.keepable { y = paragraph(t(.scanMustRetake), in: text, y: y + 1, style: theme.muted) }
            }
        case .failed(let why):
            y = paragraph(t(why), in: text, y: y, style: theme.warning)
        }
        grid.put(TextWidth.truncate(t(.scanPages, ["pages": String(kept)]), toWidth: text.width), x: text.x, y: text.maxY - 1,
                 style: theme.muted, clip: text)

        // The buttons, by how the step stands.
        var specs: [ButtonSpec] = []
        switch step.phase {
        case .ready, .failed:
            if kept < ScanStep.maximumPages { specs.append(ButtonSpec(.startScan, keys: [.digit(1), .hash], label: t(.scanStart))) }
        case .scanning:
            break
        case .captured(let page):
            if page.keepable { specs.append(ButtonSpec(.keepPage, keys: [.digit(1), .hash], label: t(page.problems.isEmpty ? .scanKeep : .scanKeepAnyway))) }
            specs.append(ButtonSpec(.retakePage, keys: [.digit(2)], label: t(.scanRetake)))
        }
        if kept > 0, step.phase != .scanning {
            specs.append(ButtonSpec(.finishScan, keys: [.digit(3)], label: t(.scanFinish, ["pages": String(kept)])))
        }
        var x = text.x
        for spec in specs {
            let width = Canvas.buttonWidth(spec) + 4
            guard x + width <= content.maxX else { break }
            button(spec, in: Rect(x: x, y: content.maxY - 3, width: width, height: 3))
            x += width + 2
        }
        navigation(standardNavigation())
    }
}
