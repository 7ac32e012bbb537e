// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/ratings (an `EntryBatch` of these): 好差评.

/// 好差评: the citizen's rating of one case, five levels (5 非常满意 … 1 非常不满意); a reason
/// is asked only for the two lowest.
public struct RatingPayload: Codable, Sendable, Hashable {
    /// The 受理编号 of the rated case.
    public var acceptanceNumber: String
    public var serviceID: String
    public var level: Int
    public var reason: String?
    public var ratedAt: String

    public init(acceptanceNumber: String, serviceID: String, level: Int, reason: String?, ratedAt: String) {
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.level = level
        self.reason = reason
        self.ratedAt = ratedAt
    }

    public static let levels: [(level: Int, zh: String, en: String)] = [
        (5, "非常满意", "Very satisfied"), (4, "满意", "Satisfied"), (3, "基本满意", "Acceptable"),
        (2, "不满意", "Dissatisfied"), (1, "非常不满意", "Very dissatisfied"),
    ]
}
