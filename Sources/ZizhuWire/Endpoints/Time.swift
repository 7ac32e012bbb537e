// SPDX-License-Identifier: Apache-2.0
import Foundation

// GET /v1/time: the platform's clock.

/// `GET /v1/time`: the platform's clock, for the technician's network check (latency and
/// the kiosk's clock offset; signed requests more than 300 s off are refused).
public struct PlatformTime: Codable, Sendable, Hashable {
    public var kioskID: String
    public var epochMilliseconds: Int64
    public var now: String

    public init(kioskID: String, epochMilliseconds: Int64, now: String) {
        self.kioskID = kioskID
        self.epochMilliseconds = epochMilliseconds
        self.now = now
    }
}
