// SPDX-License-Identifier: Apache-2.0
import Foundation

/// What the outbox carries. Every kind travels with the same guarantees (a key minted once,
/// a sealed payload, its hash, per-item results) to its own endpoint.
public enum OutboxKind: String, Codable, Sendable, CaseIterable {
    /// An application (`/v1/submissions`).
    case submission
    /// 好差评: one rating for one case (`/v1/ratings`).
    case rating
    /// 取号 and 预约签到: a queue ticket or an appointment check-in (`/v1/tickets`).
    case ticket

    public var path: String {
        switch self {
        case .submission: "/v1/submissions"
        case .rating: "/v1/ratings"
        case .ticket: "/v1/tickets"
        }
    }
}

/// A batch of outbox entries other than applications (ratings, tickets).
public struct EntryBatch: Codable, Sendable {
    public var entries: [SubmissionEnvelope]
    public init(entries: [SubmissionEnvelope]) { self.entries = entries }
}
