// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/tickets (an `EntryBatch` of these): 取号 and 预约签到 records.

/// 取号 / 预约签到: one queue ticket as it was printed (issued only once CUPS confirmed it).
public struct TicketPayload: Codable, Sendable, Hashable {
    /// Unique per kiosk and day: `<kiosk>/<yyyy-mm-dd>/<number>`.
    public var reference: String
    /// The queue category (e.g. `social_insurance`).
    public var category: String
    /// The number printed, e.g. `A007`.
    public var number: String
    public var issuedAt: String
    public var peopleAhead: Int
    /// The appointment code when this ticket is an appointment's check-in.
    public var appointmentCode: String?

    public init(reference: String, category: String, number: String, issuedAt: String, peopleAhead: Int, appointmentCode: String? = nil) {
        self.reference = reference
        self.category = category
        self.number = number
        self.issuedAt = issuedAt
        self.peopleAhead = peopleAhead
        self.appointmentCode = appointmentCode
    }
}
