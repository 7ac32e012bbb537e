// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/heartbeat: every minute while the kiosk is online.

/// Sent every minute while the kiosk is online.
public struct Heartbeat: Codable, Sendable, Hashable {
    /// ok | warning | error, as the kiosk sees itself.
    public var status: String
    /// Device → state: reader (ok, disconnected, error), printer (ready, paper_low, paper_out,
    /// offline, …), disk (ok, low).
    public var devices: [String: String]
    public var diskFreeBytes: Int64
    public var outboxPending: Int
    public var outboxOldestSeconds: Double?
    public var deadLetters: Int
    public var version: String
    /// The kiosk's clock when it sent this (ISO 8601).
    public var deviceTime: String
    /// The catalogue the kiosk runs (its ETag), and why the last update was refused.
    public var catalogueVersion: String?
    public var catalogueRefused: String?
    /// How far the kiosk's own clock is off, as it learned from the platform's signed time
    /// (platform minus kiosk, seconds; positive: the kiosk is behind). Nil: not learned yet.
    public var clockOffsetSeconds: Double?

    public init(status: String, devices: [String: String], diskFreeBytes: Int64, outboxPending: Int,
                outboxOldestSeconds: Double?, deadLetters: Int, version: String, deviceTime: String,
                catalogueVersion: String? = nil, catalogueRefused: String? = nil) {
        self.catalogueVersion = catalogueVersion
        self.catalogueRefused = catalogueRefused
        self.status = status
        self.devices = devices
        self.diskFreeBytes = diskFreeBytes
        self.outboxPending = outboxPending
        self.outboxOldestSeconds = outboxOldestSeconds
        self.deadLetters = deadLetters
        self.version = version
        self.deviceTime = deviceTime
    }
}
