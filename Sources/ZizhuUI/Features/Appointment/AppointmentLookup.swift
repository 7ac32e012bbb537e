// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 预约: what the kiosk looks an appointment up by.
public enum AppointmentKey: Sendable, Hashable {
    case code(String)
    /// The ID card placed on the reader (the full number goes to the adapter only).
    case card(IDNumber)
}

/// 预约: one of today's appointments.
public struct Appointment: Sendable, Hashable {
    public var code: String
    public var categoryID: String
    /// "HH:mm".
    public var time: String

    public init(code: String, categoryID: String, time: String) {
        self.code = code
        self.categoryID = categoryID
        self.time = time
    }
}

/// 预约: what the lookup found.
public enum AppointmentLookup: Sendable, Hashable {
    case looking
    case found([Appointment])
    case notFound
    /// The platform cannot be asked: the citizen can take an ordinary ticket.
    case unavailable
}
