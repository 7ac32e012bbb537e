// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 好差评: the five levels, best first; the keypad digit of each is its position (1 = 非常满意).
public enum RatingLevel {
    public static let all: [(level: Int, text: UIText)] = [
        (5, .ratingVerySatisfied), (4, .ratingSatisfied), (3, .ratingAcceptable), (2, .ratingDissatisfied), (1, .ratingVeryDissatisfied),
    ]
    /// The two lowest levels ask (optionally) why.
    public static func asksWhy(_ level: Int) -> Bool { level <= 2 }

    /// Reasons offered for a low rating; the platform receives the Chinese text.
    public static let reasons: [(id: String, text: UIText)] = [
        ("waiting", .ratingReasonWaiting), ("complicated", .ratingReasonComplicated), ("device", .ratingReasonDevice),
        ("unclear", .ratingReasonUnclear), ("outcome", .ratingReasonOutcome),
    ]
}

/// What the kiosk stores for one rating (the case's 受理编号, the level, a reason).
public struct RatingRequest: Sendable, Hashable {
    public var acceptanceNumber: String
    public var serviceID: String
    public var level: Int
    /// The id of the reason chosen (see `RatingLevel.reasons`), or nil.
    public var reason: String?

    public init(acceptanceNumber: String, serviceID: String, level: Int, reason: String?) {
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.level = level
        self.reason = reason
    }
}

/// Where the case's rating stands.
public enum RatingState: Sendable, Hashable {
    case saving
    case saved
    case failed(zh: String, en: String)
}
