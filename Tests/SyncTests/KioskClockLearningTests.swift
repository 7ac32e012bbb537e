// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuOutbox

/// `KioskClock`: what it learns from the platform's signed time, what it refuses to learn,
/// and that it remembers across a restart.
@Suite("The kiosk's clock, corrected by the platform's")
struct KioskClockLearningTests {
    let platform: Int64 = 1_796_380_800_000   // 2026-12-04T08:00:00Z

    @Test func aClockFourHundredDaysBehindIsCorrectedAndRemembered() throws {
        let home = Scratch.folder("clock-learn")
        let clock = KioskClock(home: home)
        #expect(clock.reading == nil && clock.appliedOffsetMilliseconds == 0)
        let own = Date(timeIntervalSince1970: Double(platform) / 1000 - 400 * 86_400)
        #expect(clock.learn(platformMilliseconds: platform, sent: own, received: own.addingTimeInterval(0.2)))
        let offset = clock.appliedOffsetMilliseconds
        #expect((offset - 400 * 86_400_000).magnitude <= 200, "\(offset)")
        #expect((clock.now().timeIntervalSinceNow - 400 * 86_400).magnitude < 5)
        #expect(KioskClock.describe(offset) == "behind by 400 d 0 h")
        // A restart (a new process) starts from what was learned: the RTC is as wrong as before.
        #expect(KioskClock(home: home).appliedOffsetMilliseconds == offset)
        // The technician fixes the clock: the next answer brings the offset back to nothing.
        let fixed = Date(timeIntervalSince1970: Double(platform) / 1000)
        #expect(clock.learn(platformMilliseconds: platform, sent: fixed, received: fixed.addingTimeInterval(0.1)))
        #expect(clock.appliedOffsetMilliseconds == 0 && KioskClock(home: home).appliedOffsetMilliseconds == 0)
    }

    @Test func noiseHeldBackAnswersAndNonsenseTeachNothing() {
        let clock = KioskClock(home: nil)
        let own = Date(timeIntervalSince1970: Double(platform) / 1000)
        // Within the network's noise: remembered as a reading, not applied.
        #expect(!clock.learn(platformMilliseconds: platform + 800, sent: own, received: own.addingTimeInterval(0.05)))
        #expect(clock.appliedOffsetMilliseconds == 0 && clock.reading?.offsetMilliseconds ?? 0 > 0)
        // A slow answer (10 s round trip) 3.5 s off: within what the round trip can explain.
        #expect(!clock.learn(platformMilliseconds: platform + 3_500, sent: own.addingTimeInterval(-5), received: own.addingTimeInterval(5)))
        #expect(clock.appliedOffsetMilliseconds == 0 && ((clock.reading?.uncertaintyMilliseconds ?? 0) - 5_000).magnitude <= 1)
        // The same 3.5 s over a quick link is a wrong clock: applied.
        #expect(clock.learn(platformMilliseconds: platform + 3_500, sent: own.addingTimeInterval(-0.1), received: own.addingTimeInterval(0.1)))
        #expect((clock.appliedOffsetMilliseconds - 3_500).magnitude <= 1, "\(clock.appliedOffsetMilliseconds)")
        #expect(clock.learn(platformMilliseconds: platform, sent: own, received: own.addingTimeInterval(0.05)))
        #expect(clock.appliedOffsetMilliseconds == 0)
        // An answer held back for a minute could shift the clock by half the hold: ignored.
        #expect(!clock.learn(platformMilliseconds: platform + 86_400_000, sent: own, received: own.addingTimeInterval(60)))
        // Answered before it was asked (the kiosk's clock jumped): ignored.
        #expect(!clock.learn(platformMilliseconds: platform + 86_400_000, sent: own, received: own.addingTimeInterval(-1)))
        // A platform time outside 2000…2200, or absurd values: ignored, no trap.
        for nonsense in [Int64.min, -1, 0, 946_684_799_000, Int64.max] {
            #expect(!clock.learn(platformMilliseconds: nonsense, sent: own, received: own), "\(nonsense)")
        }
        #expect(!clock.learn(platformMilliseconds: platform, sent: .distantFuture, received: .distantFuture))
        #expect(clock.appliedOffsetMilliseconds == 0)
        // A dead RTC that says 1970 is still corrected.
        let epoch = Date(timeIntervalSince1970: 5)
        #expect(clock.learn(platformMilliseconds: platform, sent: epoch, received: epoch.addingTimeInterval(0.1)))
        #expect(KioskClock.describe(clock.appliedOffsetMilliseconds).hasPrefix("behind by 20"))
    }

    @Test func aDamagedClockFileIsIgnored() throws {
        let home = Scratch.folder("clock-damaged")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        for text in ["", "{", "{\"offsetMilliseconds\": 9223372036854775807, \"uncertaintyMilliseconds\": 0, \"learnedAt\": \"x\"}"] {
            try text.write(to: home.appendingPathComponent("clock.json"), atomically: true, encoding: .utf8)
            #expect(KioskClock(home: home).appliedOffsetMilliseconds == 0, "\(text)")
        }
    }
}
