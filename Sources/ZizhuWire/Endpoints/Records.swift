// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/records: 电子证照 and credit for 智能预填/预审.

/// The applicant's records the platform holds (电子证照 with trust grades, credit status).
/// The ID number travels in the signed body, never in a URL.
public struct RecordsRequest: Codable, Sendable, Hashable {
    public var idNumber: String
    public init(idNumber: String) { self.idNumber = idNumber }
}

public struct RecordsResponse: Codable, Sendable, Hashable {
    public struct Licence: Codable, Sendable, Hashable {
        public var type: String
        /// A, B, C or D.
        public var grade: String
        public var attributes: [String: String]
        public init(type: String, grade: String, attributes: [String: String]) {
            self.type = type
            self.grade = grade
            self.attributes = attributes
        }
    }

    public var elicences: [Licence]
    public var credit: String?
    public init(elicences: [Licence], credit: String?) {
        self.elicences = elicences
        self.credit = credit
    }
}
