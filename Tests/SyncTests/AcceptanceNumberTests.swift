// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuWire

/// 受理编号 as the API document defines it, from the document's own example, and the keys
/// that are not UUIDv7s.
@Suite("受理编号 and UUIDv7 keys")
struct AcceptanceNumberTests {
    @Test func theDocumentsExampleAndKeysThatAreNotUUIDv7() {
        // openapi.yaml: x-zizhu-example of SubmissionEnvelope.acceptanceNumber.
        let key = "019ae8f3-6c00-7abc-8def-0123456789ab"
        #expect(AcceptanceNumber.from(key: key) == "ZZ20251204-0123-4567-89AB")
        #expect(UUIDv7.isValid(key))
        #expect(UUIDv7.milliseconds(key) == 0x019a_e8f3_6c00)
        // Just before midnight UTC is the next day in UTC+8.
        let late = UUIDv7.make(milliseconds: UInt64(Date(timeIntervalSince1970: 1_764_806_399).timeIntervalSince1970 * 1000))
        #expect(AcceptanceNumber.from(key: late)?.hasPrefix("ZZ20251204-") == true, "\(late)")
        for bad in ["", "019ae8f3-6c00-4abc-8def-0123456789ab", "019ae8f3-6c00-7abc-8def-0123456789a", "019ae8f3-6c00-7abc-8def-0123456789ag",
                    "019ae8f3-6c00-7abc-8def-0123456789abc", "０19ae8f3-6c00-7abc-8def-0123456789ab"] {
            #expect(AcceptanceNumber.from(key: bad) == nil, "\(bad)")
            #expect(!UUIDv7.isValid(bad), "\(bad)")
        }
        #expect(!UUIDv7.isValid(key.uppercased()), "keys are lower case")
    }

    /// `UTCTime.iso` (digits by hand) writes what Foundation's ISO 8601 formatter writes, over
    /// 10,000 seeded instants from 1970 to 9999 and the edges of days, leap years and the range.
    @Test func utcTimeWritesWhatTheISOFormatterWrites() {
        let formatter = ISO8601DateFormatter()
        var state: UInt64 = 0x150_8601
        var instants: [Double] = [0, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, 253_402_300_799, 1_764_806_399.999]
        for _ in 0..<10_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Double((state >> 11) % 253_402_300_800) + Double(state & 0x3FF) / 1024)
        }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTime.iso(date) == formatter.string(from: date), "\(seconds)")
        }
        // Outside four-digit years it still writes a time, not a trap.
        #expect(UTCTime.iso(Date(timeIntervalSince1970: 253_402_300_800)).hasPrefix("10000-01-01"))
    }

    /// `UTCTime.instant` reads what the ISO 8601 formatters read — whole seconds, fractions,
    /// `Z` and offsets — over seeded times from 1970 to 9999, and refuses what is not a time.
    @Test func utcTimeReadsWhatTheISOFormatterReads() {
        let plain = ISO8601DateFormatter()
        let precise = ISO8601DateFormatter()
        precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var state: UInt64 = 0x3339
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for round in 0..<5_000 {
            let date = Date(timeIntervalSince1970: Double(next() % 253_402_300_800))
            var text = UTCTime.iso(date)
            if round % 3 == 1 { text = String(text.dropLast()) + String(format: ".%03dZ", Int(next() % 1000)) }
            if round % 3 == 2 {
                let minutes = Int(next() % (14 * 60)), sign = next() % 2 == 0 ? "+" : "-"
                text = String(text.dropLast()) + String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
            }
            guard let expected = plain.date(from: text) ?? precise.date(from: text) else {
                Issue.record("the formatter cannot read \(text)")
                continue
            }
            let read = UTCTime.instant(text)
            #expect(read.map { abs($0.timeIntervalSince(expected)) < 0.001 } == true, "\(text): \(String(describing: read)) ≠ \(expected)")
        }
        #expect(UTCTime.instant("1970-01-02T00:00:00.5+08:00")?.timeIntervalSince1970 == 57_600.5)
        for bad in ["", "2026-11-22", "2026-11-22T10:00:00", "2026-11-22 10:00:00Z", "2026-02-29T10:00:00Z", "2026-13-01T00:00:00Z",
                    "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00Zx",
                    "2026-11-22T10:00:00+0800", "２026-11-22T10:00:00Z", "-026-11-22T10:00:00Z"] {
            #expect(UTCTime.instant(bad) == nil, "\(bad)")
        }
        #expect(UTCTime.instant("2024-02-29T23:59:59Z") != nil, "a leap day")
    }
}
