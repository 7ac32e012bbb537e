// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印证明: the ID card only; the platform's list of proofs for the person; the chosen one
/// issued and printed.
enum ProofsFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .feature(.printProof):
            // Identified by card already in this session: straight to the list.
            if let citizen = state.citizen, citizen.source != .manualEntry { return show(&state, citizen) }
            state.push(.identifyForProofs)
            state.identify.phase = state.readerConnected ? .waitingForCard : .failed(.readerNotConnected)
            state.identify.cardTaken = false
            return [.startCardReading, .checkPrinter]
        case .proof(let id):
            guard state.screen == .proofs, case .found(let items)? = state.proofs.listing, let item = items.first(where: { $0.id == id }),
                  let citizen = state.citizen, state.printerHealth?.canPrint != false else { return [] }
            if case .printing? = state.proofs.printing { return [] }
            state.proofs.printing = .printing(title: item.title)
            state.push(.proofPrinting)
            return [.log("proof requested: \(id)"), .printProof(id: id, holder: citizen.name, idNumber: citizen.idNumber, language: state.language)]
        default:
            return nil
        }
    }

    /// The list of what the platform holds for this person (asked for now).
    static func show(_ state: inout AppState, _ citizen: IdentityCard) -> [Effect] {
        state.push(.proofs)
        state.proofs.listing = .loading
        state.proofs.printing = nil
        return [.log("proofs for \(citizen.idNumber.masked)"), .listProofs(citizen.idNumber)]
    }

    static func answer(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case .proofsListed(let listing):
            guard state.screen == .proofs, state.proofs.listing == .loading else { return [] }
            state.proofs.listing = listing
            switch listing {
            case .found(let items): return [.log("proofs: \(items.count) held")]
            case .unavailable: return [.log("proofs: platform unavailable")]
            case .loading: return []
            }
        case .proofPrinted(let result):
            guard case .printing? = state.proofs.printing else { return [] }
            state.proofs.printing = result
            switch result {
            case .printed(let title, _): return [.log("proof printed: \(title)")]
            case .notPrinted(_, let en): return [.log("proof not printed: \(en)")]
            case .printing: return []
            }
        default:
            return []
        }
    }
}
