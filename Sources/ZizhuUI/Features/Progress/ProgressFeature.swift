// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 查询进度: a 受理编号 typed (the date digits on the keypad, the rest digits or A–F), or
/// the ID card on the reader; the answer from the platform, or this kiosk's own record.
enum ProgressFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .feature(.progress):
            state.push(.progressLookup(typed: ""))
            state.progress = nil
            state.identify.cardLookup = false
            return []
        case .hexLetter(let letter):
            guard case .progressLookup(let typed) = state.screen, AcceptanceNumberEntry.canAppend(letter, to: typed) else { return [] }
            state.screen = .progressLookup(typed: typed + String(letter))
            return []
        default:
            return nil
        }
    }

    static func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
        guard case .progressLookup(let typed) = state.screen else { return [] }
        switch key {
        case .digit(let digit):
            guard let character = String(digit).first, AcceptanceNumberEntry.canAppend(character, to: typed) else { return [] }
            state.screen = .progressLookup(typed: typed + String(character))
            return []
        case .delete:
            if typed.isEmpty { state.goBack() } else { state.screen = .progressLookup(typed: String(typed.dropLast())) }
            return []
        case .confirm:
            guard let number = AcceptanceNumberEntry.number(typed) else { return [] }
            state.progress = .looking
            state.push(.progressResult)
            return [.log("progress lookup"), .lookUpProgress(number)]
        }
    }

    /// 查询进度 by ID card: the number asks the platform; nobody is identified.
    static func cardRead(_ state: inout AppState, _ card: IdentityCard) -> [Effect] {
        state.identify.cardLookup = false
        state.idleSeconds = 0
        state.progress = .looking
        state.push(.progressResult)
        return [.log("progress lookup by card: \(card.idNumber.masked)"), .stopCardReading, .lookUpProgressByCard(card.idNumber)]
    }

    static func lookedUp(_ state: inout AppState, _ result: ProgressLookup) -> [Effect] {
        guard state.progress == .looking else { return [] }
        state.progress = result
        switch result {
        case .found(let found):
            switch found.source {
            case .platform: return [.log("progress from the platform: \(found.progress)")]
            case .kiosk: return [.log("progress from this kiosk's record: \(found.progress)")]
            }
        case .cases(let cases): return [.log("progress: \(cases.count) cases for the card")]
        case .notFound: return [.log("progress: no such case")]
        case .unavailable: return [.log("progress: platform unreachable, no local record")]
        case .looking: return []
        }
    }
}
