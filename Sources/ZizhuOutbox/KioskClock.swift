// SPDX-License-Identifier: Apache-2.0
import DurableFiles
import Foundation
import ZizhuWire

/// The best time this kiosk knows: its own clock, corrected by the offset it learned from
/// the platform's authenticated answers (`X-Zizhu-Time`, signed with the kiosk's secret over
/// its own request's nonce, so no one in between can move it).
///
/// A village kiosk whose RTC battery died boots 400 days in the past with no NTP. Its
/// signatures would be refused as stale for ever, and its 受理编号, receipts and 容缺
/// deadlines would carry last year's date. With this clock the first refusal teaches it the
/// platform's time, the request is signed again at once, the backlog drains, and everything
/// it numbers or prints from then on carries the right date. The offset is kept in
/// `$ZIZHU_HOME/clock.json` (the RTC keeps the same error across a restart).
///
/// ```swift
/// let clock = KioskClock(home: home)
/// clock.now()                       // own clock + learned offset
/// clock.learn(platformMilliseconds: 1_764_842_400_000, sent: sent, received: Date())
/// ```
public final class KioskClock: @unchecked Sendable {
    /// What the kiosk learned last, as kept on disk.
    public struct Reading: Codable, Sendable, Hashable {
        /// Platform time minus this kiosk's clock, in milliseconds (positive: the kiosk is behind).
        public var offsetMilliseconds: Int64
        /// Half the round trip it was measured over: how far off the offset itself may be.
        public var uncertaintyMilliseconds: Int64
        /// The platform's time when it was learned (ISO 8601).
        public var learnedAt: String
    }

    /// Offsets smaller than this are the network's noise, not a wrong clock: not applied.
    public static let negligibleMilliseconds: Int64 = 2_000
    /// An answer that took longer than this to arrive teaches nothing (a held-back answer
    /// could otherwise shift the clock by half the hold).
    public static let longestUsefulRoundTrip: TimeInterval = 30

    private let file: URL?
    private let lock = NSLock()
    private var learned: Reading?

    public init(home: URL?) {
        file = home?.appendingPathComponent("clock.json")
        learned = file.flatMap { FileManager.default.contents(atPath: $0.path) }
            .flatMap { try? JSONDecoder().decode(Reading.self, from: $0) }
            .flatMap { Self.plausible($0.offsetMilliseconds) ? $0 : nil }
    }

    /// The last reading, nil when the platform has never been heard from.
    public var reading: Reading? { lock.withLock { learned } }

    /// The offset applied to this kiosk's clock: 0 when it is unknown, or when the clock may
    /// be right after all — the error is below the noise once the measurement's own
    /// uncertainty (half its round trip) is allowed for. A slow answer on a loaded link
    /// (10 s round trip, offset 3.5 s) proves nothing about the kiosk's clock.
    public var appliedOffsetMilliseconds: Int64 {
        guard let reading else { return 0 }
        let (threshold, overflow) = Self.negligibleMilliseconds.addingReportingOverflow(max(0, reading.uncertaintyMilliseconds))
        return overflow || reading.offsetMilliseconds.magnitude < threshold.magnitude ? 0 : reading.offsetMilliseconds
    }

    /// The best time this kiosk knows.
    public func now() -> Date { Date(timeIntervalSinceNow: Double(appliedOffsetMilliseconds) / 1000) }

    /// Learns from one authenticated answer: the platform read its clock (`platformMilliseconds`)
    /// about halfway between `sent` and `received` (both this kiosk's own, uncorrected clock).
    /// Returns whether the applied offset changed.
    @discardableResult
    public func learn(platformMilliseconds: Int64, sent: Date, received: Date) -> Bool {
        let roundTrip = received.timeIntervalSince(sent)
        guard roundTrip >= 0, roundTrip <= Self.longestUsefulRoundTrip,
              let platform = Self.platformMilliseconds(Double(platformMilliseconds)) else { return false }
        // This kiosk's own clock may say anything (a dead RTC says 1970): only finite is asked.
        let own = (sent.timeIntervalSince1970 + roundTrip / 2) * 1000
        guard own.isFinite, own.magnitude < 9e15 else { return false }
        let midpoint = Int64(own)
        let (offset, overflow) = platform.subtractingReportingOverflow(midpoint)
        guard !overflow, Self.plausible(offset) else { return false }
        let before = appliedOffsetMilliseconds
        let reading = Reading(offsetMilliseconds: offset, uncertaintyMilliseconds: Int64(roundTrip * 500),
                              learnedAt: UTCTime.iso(Date(timeIntervalSince1970: Double(platform) / 1000)))
        lock.withLock { learned = reading }
        let changed = appliedOffsetMilliseconds != before
        // Written when what is applied changes (not on every answer: the disk is not a log).
        if changed || (before == 0 && !FileManager.default.fileExists(atPath: file?.path ?? "")) { save(reading) }
        return changed
    }

    /// The platform's time between 2000 and 2200: anything else is not a time to learn from.
    static func platformMilliseconds(_ value: Double) -> Int64? {
        guard value.isFinite, value > 946_684_800_000, value < 7_258_118_400_000 else { return nil }
        return Int64(value)
    }

    /// At most about 100 years either way (a dead RTC resets to 1970 or 2000).
    static func plausible(_ offset: Int64) -> Bool { offset.magnitude < 3_200_000_000_000 }

    private func save(_ reading: Reading) {
        guard let file, let data = try? CanonicalJSON.encode(reading) else { return }
        try? DurableFile.replace(file, with: data)
    }

    /// "on time", "behind by 400 d 0 h", "ahead by 12 s": how far this kiosk's clock is off.
    public static func describe(_ offsetMilliseconds: Int64) -> String {
        guard offsetMilliseconds.magnitude >= negligibleMilliseconds.magnitude else { return "on time" }
        // Rounded to the unit shown: 399 d 23 h 59 min 59.9 s is "400 d 0 h".
        let seconds = (offsetMilliseconds.magnitude + 500) / 1000
        let amount: String
        switch seconds {
        case ..<120: amount = "\(seconds) s"
        case ..<7200: amount = "\((seconds + 30) / 60) min"
        case ..<172_800:
            let minutes = (seconds + 30) / 60
            amount = "\(minutes / 60) h \(minutes % 60) min"
        default:
            let hours = (seconds + 1800) / 3600
            amount = "\(hours / 24) d \(hours % 24) h"
        }
        return (offsetMilliseconds > 0 ? "behind by " : "ahead by ") + amount
    }
}
