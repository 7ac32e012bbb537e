// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 预约签到: the 6-digit code typed or the ID card placed; today's appointments found, and
/// the check-in that prints the appointment's own number.
enum AppointmentFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .feature(.appointment):
            state.push(.appointment(typed: ""))
            state.appointment = nil
            state.identify.cardLookup = false
            return [.checkPrinter]
        case .checkIn(let code):
            guard state.screen == .appointmentFound, case .found(let items)? = state.appointment,
                  let appointment = items.first(where: { $0.code == code }), state.ticket != .printing else { return [] }
            state.ticket = .printing
            state.push(.ticket)
            return [.log("appointment check-in: \(appointment.categoryID) \(appointment.time)"), .checkIn(appointment, state.language)]
        default:
            return nil
        }
    }

    static func keypad(_ state: inout AppState, _ key: KeypadKey) -> [Effect] {
        guard case .appointment(let typed) = state.screen else { return [] }
        switch key {
        case .digit(let digit):
            guard typed.count < 6, (0...9).contains(digit) else { return [] }
            state.screen = .appointment(typed: typed + String(digit))
            return []
        case .delete:
            if typed.isEmpty { state.goBack() } else { state.screen = .appointment(typed: String(typed.dropLast())) }
            return []
        case .confirm:
            guard typed.count == 6 else { return [] }
            return find(&state, .code(typed))
        }
    }

    /// 预约签到 by ID card: the number is used for the lookup only; nobody is identified.
    static func cardRead(_ state: inout AppState, _ card: IdentityCard) -> [Effect] {
        state.identify.cardLookup = false
        state.idleSeconds = 0
        return [.log("appointment lookup by card: \(card.idNumber.masked)"), .stopCardReading] + find(&state, .card(card.idNumber))
    }

    /// Looks today's appointments up (the card reader stops: the answer is on its way).
    static func find(_ state: inout AppState, _ key: AppointmentKey) -> [Effect] {
        state.appointment = .looking
        state.push(.appointmentFound)
        return [.findAppointment(key)]
    }

    static func found(_ state: inout AppState, _ result: AppointmentLookup) -> [Effect] {
        guard state.screen == .appointmentFound, state.appointment == .looking else { return [] }
        state.appointment = result
        switch result {
        case .found(let items): return [.log("appointments found: \(items.count)")]
        case .notFound: return [.log("appointment not found")]
        case .unavailable: return [.log("appointments: platform unavailable")]
        case .looking: return []
        }
    }
}
