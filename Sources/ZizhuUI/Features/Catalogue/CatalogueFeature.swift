// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 办事: the catalogue hub, lists by theme and department, search by number code, a
/// service's guide; and the catalogue itself arriving (held while a citizen applies).
enum CatalogueFeature {
    static func answer(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case .catalogueLoaded(let catalogue):
            if state.application != nil {
                state.pendingCatalogue = catalogue
                return [.log("catalogue update held until this citizen's session ends")]
            }
            state.pendingCatalogue = nil
            state.catalogue = catalogue
            state.catalogueProblem = nil
            state.clampPage()
            return [.log("catalogue loaded: \(catalogue.services.count) services")] + TechnicianFeature.refresh(&state)
        case .catalogueFailed(let problem):
            state.catalogueProblem = problem
            return [.log("catalogue not loaded: \(problem)")] + TechnicianFeature.refresh(&state)
        default:
            return []
        }
    }

    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .feature(.services):
            state.push(state.serviceStop == nil ? .catalogue : .outOfService)
        case .catalogue(let entry):
            switch entry {
            case .personal: state.push(.services(.theme(.personal), page: 0))
            case .business: state.push(.services(.theme(.business), page: 0))
            case .hot: state.push(.services(.hot, page: 0))
            case .departments: state.push(.departments(page: 0))
            case .search: state.push(.search(code: ""))
            }
        case .department(let id):
            state.push(.services(.department(id), page: 0))
        case .service(let id):
            guard state.catalogue.service(id: id) != nil else { return [] }
            state.push(.serviceDetail(id: id, page: 0))
        default:
            return nil
        }
        return []
    }

    /// The search screen's keypad: up to six digits of a service's code.
    static func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
        guard case .search(let code) = state.screen else { return [] }
        switch key {
        case .digit(let digit):
            guard code.count < 6, (0...9).contains(digit) else { return [] }
            state.screen = .search(code: code + String(digit))
        case .delete:
            if code.isEmpty { state.goBack() } else { state.screen = .search(code: String(code.dropLast())) }
        case .confirm:
            guard !code.isEmpty else { return [] }
            if let service = state.catalogue.service(code: code) {
                state.push(.serviceDetail(id: service.id, page: 0))
            } else {
                state.notice = .noServiceWithCode(code)
            }
        }
        return []
    }
}
