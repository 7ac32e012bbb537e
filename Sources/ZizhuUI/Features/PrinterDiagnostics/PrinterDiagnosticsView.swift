// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印机诊断 (technician): on the left the sample receipt exactly as this kiosk's printer
/// lays it out — line breaks, centring, the QR code — paged with 7/8; on the right what
/// CUPS and the printer say, what citizens are told, the profile, and the test page.
/// Sample data only: no citizen's data ever reaches this screen.
extension Canvas {
    mutating func printerDiagnostics(sample: ReceiptSample, page: Int) {
        heading(t(.diagPrinterHeadline), subtitle: t(.diagPrinterSubtitle))
        let content = contentArea()
        let previewWidth = min(content.width - 20, (state.printerDiagnostics.preview?.columns ?? 48) + 2)
        let left = Rect(x: content.x, y: content.y, width: previewWidth, height: content.height)
        let right = Rect(x: left.maxX + 2, y: content.y, width: content.maxX - left.maxX - 2, height: content.height)

        // The preview, one page of it.
        var pages = 1
        var shownPage = 0
        if let preview = state.printerDiagnostics.preview, preview.sample == sample {
            let perPage = max(1, left.height - 1)
            pages = max(1, (preview.lines.count + perPage - 1) / perPage)
            shownPage = min(max(0, page), pages - 1)
            var title = t(.diagPrinterPreview, ["document": t(sample.name)])
            if pages > 1 { title += "  " + t(.diagPrinterPage, ["page": String(shownPage + 1), "pages": String(pages)]) }
            grid.put(TextWidth.truncate(title, toWidth: left.width), x: left.x, y: left.y, style: theme.heading, clip: left)
            for (offset, line) in preview.lines.dropFirst(shownPage * perPage).prefix(perPage).enumerated() {
                grid.put(line, x: left.x, y: left.y + 1 + offset, style: theme.text, clip: left)
            }
        } else {
            grid.put(t(.diagPrinterPreview, ["document": t(sample.name)]), x: left.x, y: left.y,
                     style: theme.heading, clip: left)
            grid.put(t(.diagPrinterPreparing), x: left.x, y: left.y + 2, style: theme.muted, clip: left)
        }

        // What the printer says, and the technician's two actions.
        let buttons = Rect(x: right.x, y: right.maxY - 6, width: min(right.width, 30), height: 6)
        let status = Rect(x: right.x, y: right.y, width: right.width, height: buttons.y - right.y - 1)
        var lines: [(String, Style)] = [(t(.diagPrinterStatus), theme.heading)]
        if state.printerDiagnostics.checkPending {
            lines.append((t(.diagPrinterChecking), theme.muted))
        } else if let health = state.printerHealth {
            lines.append((health.code, health == .ready ? theme.text : theme.warning))
            if health != .ready {
                lines.append((t(.diagPrinterCitizensSee), theme.muted))
                let told = state.language == .zhHans ? health.zh : health.en
                lines += TextWidth.wrap(told, width: status.width).prefix(2).map { ($0, theme.muted) }
            }
        } else {
            lines.append((t(.diagPrinterUnknown), theme.muted))
        }
        switch state.printerDiagnostics.testPage {
        case .printing: lines.append((t(.diagPrinterTestPrinting), theme.warning))
        case .printed(let job): lines.append((t(.diagPrinterTestPrinted, ["job": String(job)]), theme.heading))
        case .notPrinted(let health, _): lines.append((t(.diagPrinterTestFailed) + " " + health.code, theme.warning))
        case nil: break
        }
        if let preview = state.printerDiagnostics.preview {
            lines.append((t(.diagPrinterProfile, ["mm": String(preview.paperMillimetres), "columns": String(preview.columns)]), theme.text))
            lines.append((t(.diagPrinterBytes, ["bytes": String(preview.byteCount)]), theme.text))
            lines.append((t(preview.nativeQR ? .diagPrinterQRNative : .diagPrinterQRImage), theme.text))
            lines.append((t(preview.cutter ? .diagPrinterCutter : .diagPrinterNoCutter), theme.text))
            if !preview.imageLines.isEmpty {
                lines.append((t(.diagPrinterImages, ["count": String(preview.imageLines.count)]), theme.text))
            }
        }
        // Each fact wraps rather than being cut (a CUPS job line in English runs long).
        let rows = lines.flatMap { line in TextWidth.wrap(line.0, width: status.width).enumerated().map { ($0.offset == 0 ? $0.element : "  " + $0.element, line.1) } }
        for (offset, row) in rows.prefix(status.height).enumerated() {
            grid.put(row.0, x: status.x, y: status.y + offset, style: row.1, clip: status)
        }
        buttonGrid([ButtonSpec(.printTestPage, keys: [.digit(2)], label: t(.diagPrinterTestPage)),
                    ButtonSpec(.recheckPrinter, keys: [.digit(3)], label: t(.diagPrinterRecheck))],
                   in: buttons, columns: 1, rowHeight: 3, rowGap: 0)

        var navigation = [backButton(), ButtonSpec(.nextSample, keys: [.digit(1)], label: t(.diagPrinterNextSample))]
        if shownPage > 0 { navigation.append(previousButton()) }
        if shownPage < pages - 1 { navigation.append(nextButton()) }
        self.navigation(navigation)
    }
}
