// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The session around every journey: the idle countdown and its wipe, going home (the
/// same reset, `AppState.wiped`), language and elder mode, back, paging.
enum SessionFeature {
    static func tick(_ state: inout AppState) -> [Effect] {
        guard state.wantsTicks else { return [] }
        state.idleSeconds += 1
        if let remaining = state.countdown {
            if remaining <= 1 {
                state = state.wiped()
                return [.endSession, .log("session wiped after idle timeout"), .log("screen home")]
            }
            state.countdown = remaining - 1
            return []
        }
        if state.idleSeconds >= state.idleTimeoutSeconds {
            state.countdown = state.countdownSeconds
            state.pressed = nil
            return [.beep, .log("idle countdown started")]
        }
        return []
    }

    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .toggleElderMode:
            state.elderMode.toggle()
            if state.screen == .homeMore && !state.elderMode { state.goBack() }
            state.clampPage()
            return [.log(state.elderMode ? "elder mode on" : "elder mode off")]
        case .toggleLanguage:
            state.language = state.language.toggled
            if case .printerDiagnostics(let sample, _) = state.screen {
                state.printerDiagnostics.preview = nil
                return [.log("language \(state.language.rawValue)"), .previewReceipt(sample, state.language)]
            }
            return [.log("language \(state.language.rawValue)")]
        case .more:
            state.push(.homeMore)
        case .back:
            state.goBack()
        case .goHome:
            // Home (and 完成) is where the next citizen starts: nothing of this visit stays
            // behind, its language and elder mode included.
            let ended = state.citizen != nil || state.technician.session != nil
            state = state.wiped()
            if ended { return [.endSession] }
        case .pagePrevious, .pageNext:
            state.turnPage(by: button == .pageNext ? 1 : -1)
        case .continueSession:
            break
        default:
            return nil
        }
        return []
    }
}
