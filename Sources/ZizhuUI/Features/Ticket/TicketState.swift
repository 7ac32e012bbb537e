// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 取号: a ticket as printed.
public struct IssuedTicket: Sendable, Hashable {
    /// `A007`.
    public var number: String
    public var categoryID: String
    public var peopleAhead: Int
    public var waitMinutes: Int
    /// 预约签到: the appointment this ticket checked in (called before walk-ins).
    public var appointmentCode: String?

    public init(number: String, categoryID: String, peopleAhead: Int, waitMinutes: Int, appointmentCode: String? = nil) {
        self.number = number
        self.categoryID = categoryID
        self.peopleAhead = peopleAhead
        self.waitMinutes = waitMinutes
        self.appointmentCode = appointmentCode
    }
}

public enum TicketState: Sendable, Hashable {
    case printing
    /// CUPS confirmed it: the number counts as issued.
    case issued(IssuedTicket)
    /// It did not print; no number was issued (zh/en: why, and what to do).
    case notIssued(zh: String, en: String)
}
