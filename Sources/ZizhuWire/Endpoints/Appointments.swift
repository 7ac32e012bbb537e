// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/appointments: 预约签到.

/// 预约: today's appointments found by their code or the applicant's ID number (one of the two).
public struct AppointmentQuery: Codable, Sendable, Hashable {
    public var code: String?
    public var idNumber: String?
    public init(code: String? = nil, idNumber: String? = nil) {
        self.code = code
        self.idNumber = idNumber
    }
}

public struct AppointmentList: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var code: String
        public var category: String
        /// yyyy-MM-dd and HH:mm, local time of the hall.
        public var day: String
        public var time: String
        public init(code: String, category: String, day: String, time: String) {
            self.code = code
            self.category = category
            self.day = day
            self.time = time
        }
    }
    public var appointments: [Item]
    public init(appointments: [Item]) { self.appointments = appointments }
}
