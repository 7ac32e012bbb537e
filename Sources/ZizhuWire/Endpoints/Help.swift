// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/help and GET /v1/help/{id}: 呼叫帮办.

/// 呼叫帮办: a citizen pressed help on this screen at this time.
public struct HelpRequest: Codable, Sendable, Hashable {
    public var screen: String
    public var at: String
    public init(screen: String, at: String) {
        self.screen = screen
        self.at = at
    }
}

public struct HelpTicket: Codable, Sendable, Hashable {
    public var id: Int64
    /// open | acknowledged
    public var status: String
    public init(id: Int64, status: String) {
        self.id = id
        self.status = status
    }
}
