// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The kiosk's state machine: applies one event to the state and says what the
/// runtime must do. Pure: no I/O, no clock, no devices.
///
/// This function only routes: an adapter's answer goes to the feature that asked for it, a
/// button to the feature it belongs to, keypad input (digits, delete, confirm) to the
/// feature of the screen showing. Each feature lives in `ZizhuUI/Features/<Feature>/`.
public func update(_ state: inout AppState, _ event: Event) -> [Effect] {
    let before = state.screen
    var effects = apply(&state, event)
    // 语音提示: a screen a person reached (not the attract screen coming back by itself).
    if state.settings.speaksPrompts, state.screen != before, event != .tick, let prompt = state.screen.spokenPrompt {
        effects.append(.speak(prompt, state.language))
    }
    return effects
}

private func apply(_ state: inout AppState, _ event: Event) -> [Effect] {
    if let effects = answer(&state, event) { return effects }

    // Everything below is a person touching the kiosk.
    state.idleSeconds = 0
    if state.countdown != nil {
        // The first touch or key only answers "还在吗?"; it does not also act.
        state.countdown = nil
        state.pressed = nil
        return [.log("idle countdown dismissed")]
    }
    switch event {
    case .pressed(let button):
        state.pressed = button
        return []
    case .pressCancelled:
        state.pressed = nil
        return []
    case .focusMoved(let index):
        state.focus = index
        return []
    case .key(let key):
        return unboundKey(&state, key)
    case .pen(let pen):
        return ApplicationFeature.pen(&state, pen)
    case .activated(let button):
        state.pressed = nil
        state.notice = nil
        let before = state.screen
        var effects = activate(&state, button)
        if state.screen != before {
            state.focus = nil
            if state.screen.name != before.name { effects.append(.log("screen \(state.screen.name)")) }
            effects += IdentifyFeature.left(before, for: &state)
            effects += TechnicianFeature.left(before, for: &state)
        }
        return effects
    default:
        return []
    }
}

/// What an adapter answered (or the clock, or the terminal), to the feature that asked;
/// nil for a person's input.
private func answer(_ state: inout AppState, _ event: Event) -> [Effect]? {
    switch event {
    case .tick:
        return SessionFeature.tick(&state)
    case .resized(let width, let height):
        state.width = width
        state.height = height
        state.clampPage()
        return []
    case .inputMethodReady:
        return []
    case .quitRequested:
        return state.settings.allowsQuit ? [.log("quit requested"), .quit] : []
    case .clock(let today):
        state.today = today
        return []
    case .hallStaffed(let staffed):
        state.hallStaffed = staffed
        return [.log(staffed ? "hall staffed" : "hall unstaffed: help points to 12345")]
    case .storageChecked(let problem):
        state.storageProblem = problem
        return [.log(problem.map { "out of service: \($0.en)" } ?? "storage available")]
    case .divisionsLoaded(let divisions):
        state.divisions = divisions
        return [.log("region codes: \(divisions.currentCount) current of \(divisions.count)")]
    case .catalogueLoaded, .catalogueFailed:
        return CatalogueFeature.answer(&state, event)
    case .reader(let reader):
        return IdentifyFeature.reader(&state, reader)
    case .printerChecked, .receiptPreviewed, .testPageFinished:
        return PrinterDiagnosticsFeature.answer(&state, event)
    case .submitted, .receiptPrinted, .recordsLookedUp, .pageScanned:
        return ApplicationFeature.answer(&state, event)
    case .helpUpdated(let status):
        return HelpFeature.updated(&state, status)
    case .ticketIssued(let result):
        return TicketFeature.issued(&state, result)
    case .progressLookedUp(let result):
        return ProgressFeature.lookedUp(&state, result)
    case .rated(let result):
        return RatingFeature.rated(&state, result)
    case .appointmentsFound(let result):
        return AppointmentFeature.found(&state, result)
    case .proofsListed, .proofPrinted:
        return ProofsFeature.answer(&state, event)
    case .technicianPINChecked, .diagnosed, .technicianNote:
        return TechnicianFeature.answer(&state, event)
    case .pressed, .pressCancelled, .focusMoved, .key, .activated, .pen:
        return nil
    }
}

/// Keypad input on the screen showing: a digit, delete, confirm.
enum KeypadKey: Equatable {
    case digit(Int)
    case delete
    case confirm
}

/// A button, to the feature it belongs to. The application's screens come first: its form
/// takes digits of its own.
func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect] {
    if let effects = ApplicationFeature.activate(&state, button) { return effects }
    switch button {
    case .digit(let digit): return keypad(&state, .digit(digit))
    case .deleteDigit: return keypad(&state, .delete)
    case .confirm: return keypad(&state, .confirm)
    default: break
    }
    let features: [(inout AppState, ButtonID) -> [Effect]?] = [
        SessionFeature.activate, CatalogueFeature.activate, IdentifyFeature.activate, HelpFeature.activate, ProofsFeature.activate,
        AppointmentFeature.activate, TicketFeature.activate, ProgressFeature.activate, RatingFeature.activate,
        TechnicianFeature.activate, PrinterDiagnosticsFeature.activate,
    ]
    for feature in features {
        if let effects = feature(&state, button) { return effects }
    }
    return []
}

/// Keypad input goes to the feature whose screen shows.
private func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
    switch state.screen {
    case .appointment: return AppointmentFeature.keypad(&state, key)
    case .technicianPIN: return TechnicianFeature.keypad(&state, key)
    case .progressLookup: return ProgressFeature.keypad(&state, key)
    case .search: return CatalogueFeature.keypad(&state, key)
    case .identify: return IdentifyFeature.keypad(&state, key)
    default: return []
    }
}

/// Keys that are not a button on the screen: delete on keypad screens, letters from a
/// keyboard, the help key, back, and the technician's keys on the attract screen.
private func unboundKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    switch (state.screen, key) {
    case (.search, .backspace), (.identify, .backspace), (.applicationForm, .backspace), (.keyboard, .backspace),
         (.appointment, .backspace), (.progressLookup, .backspace), (.technicianPIN, .backspace):
        return activate(&state, .deleteDigit)
    case (.keyboard, .digit(let digit)):
        // Codes take digits from the keypad (pinyin candidates claim theirs as buttons).
        return activate(&state, .digit(digit))
    case (.progressLookup, .character(let character)) where character.isASCII && character.isHexDigit:
        // A hardware keyboard types the letters A–F as the screen's buttons do.
        let upper = Character(character.uppercased())
        return activate(&state, upper.isNumber ? .digit(Int(String(upper)) ?? 0) : .hexLetter(upper))
    case (.keyboard, .character(let character)) where character.isASCII && character.isLetter:
        // A technician's (or an accessible) keyboard types the same letters as the screen.
        return activate(&state, .letter(character))
    case (_, .function(1)):
        // The keypad's help key works on every screen, keypad fields included (there 0 is a digit).
        return activate(&state, .feature(.help))
    case (_, .escape), (_, .backspace):
        return activate(&state, .back)
    case (.home, .function(12)), (.home, .function(24)):
        return TechnicianFeature.chord(&state, key)
    default:
        return []
    }
}
