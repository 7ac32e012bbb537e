// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 身份核验: the ID card on the reader (or the number typed where the service allows), and
/// the reader's other uses: 刷身份证 for progress and appointments, which identify nobody.
enum IdentifyFeature {
    /// Screens that identify the citizen by their card.
    static func isIdentify(_ screen: Screen) -> Bool {
        if case .identify = screen { return true }
        return screen == .identifyForProofs
    }

    /// Screens that may have the reader polling: leaving one stops it.
    static func readsCards(_ screen: Screen) -> Bool {
        switch screen {
        case .appointment, .progressLookup: return true   // 刷身份证 instead of typing
        default: return isIdentify(screen)
        }
    }

    /// Leaving a screen that reads cards: nothing polls the reader any more.
    static func left(_ before: Screen, for state: inout AppState) -> [Effect] {
        guard readsCards(before), !readsCards(state.screen), before != .identifyForProofs || state.screen != .proofs else { return [] }
        state.identify.cardLookup = false
        return [.stopCardReading]
    }

    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .apply(let id):
            guard let service = state.catalogue.service(id: id) else { return [] }
            if state.citizen != nil { return ApplicationFeature.start(&state, service: service) }
            state.push(.identify(serviceID: id))
            state.identify.phase = state.readerConnected ? .waitingForCard : .failed(.readerNotConnected)
            state.identify.cardTaken = false
            return [.startCardReading, .checkPrinter]
        case .retryCard:
            guard isIdentify(state.screen) else { return [] }
            state.identify.phase = .waitingForCard
            return [.stopCardReading, .startCardReading]
        case .manualEntry:
            guard case .identify(let id) = state.screen, state.catalogue.service(id: id)?.identity == .idCardOrManual else { return [] }
            state.identify.phase = .manualEntry(typed: "", problem: nil)
            return [.stopCardReading]
        case .checkCharacterX:
            if case .identify = state.screen, case .manualEntry(let typed, _) = state.identify.phase, typed.count == 17 {
                state.identify.phase = .manualEntry(typed: typed + "X", problem: nil)
            }
            return []
        case .proceed:
            if state.screen == .identifyForProofs, let citizen = state.citizen { return [.stopCardReading] + ProofsFeature.show(&state, citizen) }
            guard case .identify(let id) = state.screen, state.citizen != nil,
                  let service = state.catalogue.service(id: id) else { return [] }
            let refusals = cardRefusals(state)
            if refusals.coversEverything {
                return [.log("card check: \(service.id) refused by \(refusals.ruleIDs.joined(separator: ","))")]
            }
            return ApplicationFeature.start(&state, service: service)
        case .lookUpByCard:
            switch state.screen {
            case .progressLookup, .appointment:
                guard !state.identify.cardLookup else { return [] }
                state.identify.cardLookup = true
                return [.log("waiting for an ID card"), .startCardReading]
            default:
                return []
            }
        default:
            return nil
        }
    }

    /// Typing the ID number: digits (18 at most; an X ends it), delete, confirm checks it.
    static func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
        guard case .identify = state.screen, case .manualEntry(let typed, _) = state.identify.phase else { return [] }
        switch key {
        case .digit(let digit):
            guard typed.count < 18, !typed.hasSuffix("X"), (0...9).contains(digit) else { return [] }
            state.identify.phase = .manualEntry(typed: typed + String(digit), problem: nil)
            return []
        case .delete:
            if typed.isEmpty {
                state.identify.phase = .waitingForCard
                return [.startCardReading]
            }
            state.identify.phase = .manualEntry(typed: String(typed.dropLast()), problem: nil)
            return []
        case .confirm:
            do {
                let number = try IDNumber(validating: typed)
                if let problem = number.regionProblem(state.divisions) {
                    state.identify.phase = .manualEntry(typed: typed, problem: problem)
                    return []
                }
                state.citizen = IdentityCard(kind: .resident, name: "", gender: number.gender ?? .unknown,
                                             birthDate: number.birthDate, idNumber: number, source: .manualEntry)
                state.identify.phase = .identified
                return [.log("identified by typed number: \(number.masked)")]
            } catch {
                state.identify.phase = .manualEntry(typed: typed, problem: error)
                return []
            }
        }
    }

    /// What the reader says: to the technician's test read, a card lookup, or the identify
    /// screen (ignored elsewhere, except whether the reader is there at all).
    static func reader(_ state: inout AppState, _ event: ReaderEvent) -> [Effect] {
        switch event {
        case .connected:
            state.readerConnected = true
            if isIdentify(state.screen), case .failed(.readerNotConnected) = state.identify.phase {
                state.identify.phase = .waitingForCard
                return [.log("reader connected"), .startCardReading]
            }
            return [.log("reader connected")] + TechnicianFeature.refresh(&state)
        case .disconnected:
            state.readerConnected = false
            return [.log("reader disconnected")] + TechnicianFeature.refresh(&state)
        default:
            break
        }
        if state.screen == .technicianArea(.reader), state.technician.session?.testReading == true {
            return TechnicianFeature.testRead(&state, event)
        }
        if state.identify.cardLookup, case .cardRead(let card) = event {
            switch state.screen {
            case .progressLookup: return ProgressFeature.cardRead(&state, card)
            case .appointment: return AppointmentFeature.cardRead(&state, card)
            default: break
            }
        }
        guard isIdentify(state.screen) else { return [] }
        if case .manualEntry = state.identify.phase { return [] }
        return identify(&state, event)
    }

    /// The identify screen's reader events.
    private static func identify(_ state: inout AppState, _ event: ReaderEvent) -> [Effect] {
        switch event {
        case .waitingForCard:
            if state.identify.phase != .identified { state.identify.phase = .waitingForCard }
            return []
        case .reading:
            state.identify.phase = .reading
            return []
        case .cardRead(let card):
            // Identified already: a second card on the reader does not replace the first person.
            guard state.identify.phase != .identified else { return [.log("another card ignored: \(card.idNumber.masked)")] }
            state.idleSeconds = 0   // the citizen just acted
            if card.source == .socialSecurityCard {
                // The 社保卡 identifies only for the services that take it.
                guard case .identify(let id) = state.screen, state.catalogue.service(id: id)?.identity == .idCardOrSocialSecurityCard else {
                    state.identify.phase = .failed(.socialSecurityCardNotAccepted)
                    return [.log("社保卡 not accepted here: \(card.idNumber.masked)")]
                }
            }
            state.citizen = card
            state.identify.phase = .identified
            state.identify.cardTaken = false
            return [.log((card.source == .socialSecurityCard ? "identified by 社保卡: " : "identified by card: ") + card.idNumber.masked)]
        case .readFailed(let failure):
            if state.identify.phase != .identified { state.identify.phase = .failed(failure) }
            return [.log("card not read: \(failure)")]
        case .cardRemoved:
            guard state.identify.phase == .identified else { return [] }
            state.identify.cardTaken = true
            return [.stopCardReading]   // the card is back with its owner; nothing more to read
        case .connected, .disconnected:
            return []
        }
    }
}

/// 先问关键: what the ID card alone rules out for the service being identified for (a
/// bundle: part by part), known before any form is filled.
struct CardRefusals {
    /// Each decided service with the 不予受理 checks its card-only rules reach.
    var parts: [(service: Service, checks: [Check])]
    /// Whether nothing of the application is left to apply for.
    var coversEverything: Bool
    var isEmpty: Bool { parts.isEmpty }
    var ruleIDs: [String] { parts.flatMap { $0.checks.map(\.id) } }
}

extension IdentifyFeature {
    static func cardRefusals(_ state: AppState) -> CardRefusals {
        guard case .identify(let id) = state.screen, let citizen = state.citizen,
              let service = state.catalogue.service(id: id) else { return CardRefusals(parts: [], coversEverything: false) }
        let decided = service.isBundle ? service.parts.compactMap(state.catalogue.service(id:)) : [service]
        let parts = decided.map { ($0, Decider.cardRefusals($0, card: citizen, today: state.today)) }.filter { !$0.1.isEmpty }
        return CardRefusals(parts: parts.map { (service: $0.0, checks: $0.1) }, coversEverything: !decided.isEmpty && parts.count == decided.count)
    }
}
