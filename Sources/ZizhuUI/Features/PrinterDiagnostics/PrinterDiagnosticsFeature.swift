// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印机诊断 (technician mode's printer area) and the printer's health the journeys ask
/// for: the sample receipts as this printer lays them out, the test page, a fresh check.
enum PrinterDiagnosticsFeature {
    /// The sample receipts as this printer lays them out, and a fresh check.
    static func open(_ state: inout AppState) -> [Effect] {
        state.push(.printerDiagnostics(.acceptance, page: 0))
        state.printerDiagnostics.preview = nil
        state.printerDiagnostics.testPage = nil
        state.printerDiagnostics.checkPending = true
        return [.checkPrinter, .previewReceipt(.acceptance, state.language)]
    }

    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .nextSample:
            guard case .printerDiagnostics(let sample, _) = state.screen else { return [] }
            state.screen = .printerDiagnostics(sample.next, page: 0)
            state.printerDiagnostics.preview = nil
            return [.previewReceipt(sample.next, state.language)]
        case .printTestPage:
            guard case .printerDiagnostics = state.screen, state.printerDiagnostics.testPage != .printing else { return [] }
            state.printerDiagnostics.testPage = .printing
            return [.log("test page requested"), .printTestPage]
        case .recheckPrinter:
            guard case .printerDiagnostics = state.screen, !state.printerDiagnostics.checkPending else { return [] }
            state.printerDiagnostics.checkPending = true
            return [.checkPrinter]
        default:
            return nil
        }
    }

    static func answer(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case .printerChecked(let health):
            let changed = state.printerHealth != health
            state.printerHealth = health
            state.printerDiagnostics.checkPending = false
            return changed ? [.log("printer \(health.code)")] : []
        case .receiptPreviewed(let preview):
            // Only the preview the screen is waiting for (the technician may have moved on).
            if case .printerDiagnostics(let sample, _) = state.screen, sample == preview.sample { state.printerDiagnostics.preview = preview }
            return []
        case .testPageFinished(let result):
            state.printerDiagnostics.testPage = result
            switch result {
            case .printing: return []
            case .printed(let job): return [.log("test page printed: job \(job)")]
            case .notPrinted(let health, let reasons):
                state.printerHealth = health
                return [.log("test page not printed: \(health.code) \(reasons.joined(separator: ","))")]
            }
        default:
            return []
        }
    }
}
