// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 技术人员模式: the chord and the PIN from the attract screen, the menu with every part's
/// check, each area's actions (test read, sync now, catalogue reload, re-check).
enum TechnicianFeature {
    /// Shift+F12 (F24) from a keyboard inside the cabinet asks for the PIN; a demo kiosk opens
    /// on F12 too, without one. Only from the attract screen: no citizen's data is on the way.
    static func chord(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard state.screen == .home else { return [] }
        if state.settings.diagnosticsWithoutPIN && (key == .function(12) || key == .function(24)) { return open(&state) }
        guard key == .function(24) else { return [] }
        state.push(.technicianPIN(typed: ""))
        state.technician.pinCheck = nil
        return [.log("screen technician-pin")]
    }

    /// Technician mode opens on its menu and takes every check at once.
    static func open(_ state: inout AppState) -> [Effect] {
        state.screen = .technicianMenu
        state.history = [.home]
        state.technician.session = TechnicianSession()
        state.technician.session?.checking = true
        return [.log("screen technician-menu"), .runDiagnostics]
    }

    /// The PIN screen's keypad: 6 to 12 digits, delete, confirm (checked by the runtime).
    static func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
        guard case .technicianPIN(let typed) = state.screen else { return [] }
        switch key {
        case .digit(let digit):
            guard typed.count < TechnicianPIN.maximumLength, !state.technician.pinChecking, (0...9).contains(digit) else { return [] }
            state.screen = .technicianPIN(typed: typed + String(digit))
            return []
        case .delete:
            if typed.isEmpty { state.goBack() } else { state.screen = .technicianPIN(typed: String(typed.dropLast())) }
            return []
        case .confirm:
            guard typed.count >= TechnicianPIN.minimumLength, !state.technician.pinChecking else { return [] }
            state.technician.pinChecking = true
            state.technician.pinCheck = nil
            return [.log("technician PIN entered"), .verifyTechnicianPIN(typed)]
        }
    }

    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .reloadCatalogue:
            guard state.screen == .technicianArea(.catalogue) else { return [] }
            return [.log("catalogue reload requested"), .reloadCatalogue]
        case .technicianArea(let area):
            guard state.screen == .technicianMenu, state.technician.session != nil else { return [] }
            if area == .printer { return PrinterDiagnosticsFeature.open(&state) }
            state.push(.technicianArea(area))
            state.technician.session?.note = nil
            return []
        case .runDiagnostics:
            guard state.technician.session != nil, state.technician.session?.checking == false else { return [] }
            state.technician.session?.checking = true
            return [.runDiagnostics]
        case .testRead:
            guard state.screen == .technicianArea(.reader), state.technician.session?.testReading == false else { return [] }
            state.technician.session?.testReading = true
            state.technician.session?.note = nil
            return [.log("technician test read"), .startCardReading]
        case .syncNow:
            guard state.screen == .technicianArea(.outbox), state.technician.session != nil else { return [] }
            state.technician.session?.note = LocalizedText(zh: "正在上传", en: "Sending")
            return [.log("technician sync now"), .syncNow]
        default:
            return nil
        }
    }

    static func answer(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case .technicianPINChecked(let check):
            guard case .technicianPIN = state.screen, state.technician.pinChecking else { return [] }
            state.technician.pinChecking = false
            if check == .accepted {
                state.technician.pinCheck = nil
                return open(&state)
            }
            state.technician.pinCheck = check
            state.screen = .technicianPIN(typed: "")
            switch check {
            case .wrong(let left): return [.log("technician PIN wrong (\(left) tries left)")]
            case .locked(let seconds): return [.log("technician PIN locked for \(seconds) s")]
            case .notConfigured: return [.log("technician PIN not configured")]
            case .accepted: return []
            }
        case .diagnosed(let report):
            guard state.technician.session != nil else { return [] }
            state.technician.session?.report = report
            state.technician.session?.checking = false
            let failed = report.checks.filter { $0.status == .failed }.map(\.area.rawValue)
            let logged: [Effect] = [.log(failed.isEmpty ? "diagnostics: healthy" : "diagnostics: failed \(failed.joined(separator: ","))")]
            if state.technician.session?.stale == true {
                state.technician.session?.stale = false
                return logged + refresh(&state)
            }
            return logged
        case .technicianNote(let note):
            guard state.technician.session != nil else { return [] }
            state.technician.session?.note = note
            // What the action changed shows in a fresh report.
            return refresh(&state)
        default:
            return []
        }
    }

    /// A fresh report for an open technician mode (after something changed).
    static func refresh(_ state: inout AppState) -> [Effect] {
        guard state.technician.session != nil else { return [] }
        guard state.technician.session?.checking == false else {
            state.technician.session?.stale = true
            return []
        }
        state.technician.session?.checking = true
        return [.runDiagnostics]
    }

    /// Leaving the reader area during a test read stops the reader.
    static func left(_ before: Screen, for state: inout AppState) -> [Effect] {
        guard before == .technicianArea(.reader), state.technician.session?.testReading == true else { return [] }
        state.technician.session?.testReading = false
        return [.stopCardReading]
    }

    /// The technician's test read: what the card said, masked; the card is not kept.
    static func testRead(_ state: inout AppState, _ event: ReaderEvent) -> [Effect] {
        switch event {
        case .cardRead(let card):
            state.technician.session?.testReading = false
            let name = card.name.first.map { String($0) + String(repeating: "*", count: max(1, card.name.count - 1)) } ?? "-"
            // Either reader answers a test read; the note says which card it was.
            let which = card.source == .socialSecurityCard ? LocalizedText(zh: "（社保卡）", en: " (social security card)") : LocalizedText(zh: "", en: "")
            state.technician.session?.note = LocalizedText(zh: "读卡成功\(which.zh)：\(name)  \(card.idNumber.masked)",
                                                   en: "Card read\(which.en): \(name)  \(card.idNumber.masked)")
            return [.log("technician test read: \(card.idNumber.masked)"), .stopCardReading]
        case .readFailed(let failure):
            state.technician.session?.testReading = false
            state.technician.session?.note = LocalizedText(zh: "读卡失败：\(failure.zh)", en: "Read failed: \(failure.en)")
            return [.log("technician test read failed: \(failure)"), .stopCardReading]
        case .reading:
            state.technician.session?.note = LocalizedText(zh: "正在读卡", en: "Reading")
            return []
        default:
            return []
        }
    }
}
