// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuOutbox
import ZizhuUI
import ZizhuWire

/// 预约: finds today's appointments by the code the citizen types or the ID card they
/// place, from the platform (the demo kiosk: from demo-records.yaml). The check-in itself
/// is a ticket (`TicketDesk.issue(… appointment:)`), synced like every ticket.
public struct AppointmentDesk: Sendable {
    let find: @Sendable (AppointmentKey) async -> [AppointmentList.Item]?
    let timeZone: TimeZone

    public init(timeZone: TimeZone = BeijingTime.zone, find: @escaping @Sendable (AppointmentKey) async -> [AppointmentList.Item]?) {
        self.find = find
        self.timeZone = timeZone
    }

    public static let unavailable = AppointmentDesk { _ in nil }

    public static func platform(_ worker: PlatformClient) -> AppointmentDesk {
        AppointmentDesk { key in
            switch key {
            case .code(let code): return await worker.appointments(AppointmentQuery(code: code))?.appointments
            case .card(let number): return await worker.appointments(AppointmentQuery(idNumber: number.unmasked))?.appointments
            }
        }
    }

    /// The demo platform: the records' appointments are for today.
    public static func demo(records: [String: ApplicantRecords], timeZone: TimeZone = BeijingTime.zone) -> AppointmentDesk {
        AppointmentDesk(timeZone: timeZone) { key in
            let today = QueueDay.of(Date(), timeZone: timeZone)
            let held: [HeldAppointment]
            switch key {
            case .code(let code): held = records.values.flatMap(\.appointments).filter { $0.code == code }
            case .card(let number): held = records[number.unmasked]?.appointments ?? []
            }
            return held.map { AppointmentList.Item(code: $0.code, category: $0.category, day: today, time: $0.time) }
        }
    }

    /// Today's appointments for the key (another day's booking is not checked in here).
    public func lookUp(_ key: AppointmentKey, now: Date = Date()) async -> AppointmentLookup {
        guard let items = await find(key) else { return .unavailable }
        let today = QueueDay.of(now, timeZone: timeZone)
        let found = items.filter { $0.day == today }.map { Appointment(code: $0.code, categoryID: $0.category, time: $0.time) }
        return found.isEmpty ? .notFound : .found(found)
    }
}
