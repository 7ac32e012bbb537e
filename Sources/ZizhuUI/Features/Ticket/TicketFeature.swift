// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 取号: the hall's queues, and the ticket the kiosk prints (a number counts only once it
/// printed).
enum TicketFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .feature(.queueTicket):
            state.push(.queueCategories)
            return [.checkPrinter]
        case .queueCategory(let id):
            guard state.screen == .queueCategories, state.settings.queueCategories.contains(where: { $0.id == id }),
                  state.ticket != .printing else { return [] }
            state.ticket = .printing
            state.push(.ticket)
            return [.log("ticket requested: \(id)"), .issueTicket(categoryID: id, language: state.language)]
        default:
            return nil
        }
    }

    static func issued(_ state: inout AppState, _ result: TicketState) -> [Effect] {
        guard state.ticket == .printing else { return [] }
        state.ticket = result
        switch result {
        case .issued(let ticket): return [.log("ticket \(ticket.number) issued")]
        case .notIssued(_, let en): return [.log("ticket not issued: \(en)")]
        case .printing: return []
        }
    }
}
