// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuWire

extension CentralRules {
    /// A heartbeat as the platform keeps it: every figure a kiosk (or whoever holds one
    /// kiosk's secret) reports is brought into range before it is stored, so no page or
    /// report built from it can trap (`1e19` seconds, `-1e300` bytes, a megabyte of text).
    public static func clamped(_ heartbeat: Heartbeat) -> Heartbeat {
        func figure(_ value: Double?, within range: ClosedRange<Double>) -> Double? {
            guard let value, value.isFinite else { return nil }
            return min(max(value, range.lowerBound), range.upperBound)
        }
        func text(_ value: String, _ limit: Int) -> String {
            String(value.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(limit).map(Character.init))
        }
        var kept = heartbeat
        kept.status = ["ok", "warning", "error"].contains(heartbeat.status) ? heartbeat.status : "error"
        kept.devices = Dictionary(heartbeat.devices.sorted { $0.key < $1.key }.prefix(16).map { (text($0.key, 32), text($0.value, 32)) },
                                  uniquingKeysWith: { first, _ in first })
        kept.diskFreeBytes = min(max(heartbeat.diskFreeBytes, -1), 1 << 60)
        kept.outboxPending = min(max(heartbeat.outboxPending, 0), 1_000_000_000)
        kept.deadLetters = min(max(heartbeat.deadLetters, 0), 1_000_000_000)
        // Ten years of backlog, a hundred years of clock: anything beyond is not a figure.
        kept.outboxOldestSeconds = figure(heartbeat.outboxOldestSeconds, within: 0...315_360_000)
        kept.clockOffsetSeconds = figure(heartbeat.clockOffsetSeconds, within: -3_153_600_000...3_153_600_000)
        kept.version = text(heartbeat.version, 64)
        kept.deviceTime = text(heartbeat.deviceTime, 40)
        kept.catalogueVersion = heartbeat.catalogueVersion.map { text($0, 128) }
        kept.catalogueRefused = heartbeat.catalogueRefused.map { text($0, 300) }
        return kept
    }

    /// Days of heartbeat history the platform keeps (13 months: this month against the same
    /// month a year ago); older days go with the scheduled prune.
    public static let heartbeatDaysKept = 400

    /// The first UTC day (`2026-11-22`) still kept at `now`.
    public static func heartbeatHorizon(now: Date) -> String {
        String(UTCTime.iso(now.addingTimeInterval(-Double(heartbeatDaysKept) * 86_400)).prefix(10))
    }

    /// The UTC day a heartbeat received at `date` counts for.
    public static func heartbeatDay(_ date: Date) -> String { String(UTCTime.iso(date).prefix(10)) }
}
