// SPDX-License-Identifier: Apache-2.0
import Foundation

// The review queue (人工审核) as the platform lists it.

/// A case waiting for a person (转人工审核), as the review queue lists it.
public struct ReviewItem: Codable, Sendable, Hashable {
    public var acceptanceNumber: String
    public var kioskID: String
    public var serviceID: String
    public var receivedAt: String
    /// Why the platform put it here although the kiosk approved it (its own decision differed).
    public var flag: String?

    public init(acceptanceNumber: String, kioskID: String, serviceID: String, receivedAt: String, flag: String? = nil) {
        self.flag = flag
        self.acceptanceNumber = acceptanceNumber
        self.kioskID = kioskID
        self.serviceID = serviceID
        self.receivedAt = receivedAt
    }
}
