// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import IDCardReader
import ZizhuTestSupport

@Suite("Decoder fuzzing")
struct FuzzTests {
    /// CI runs 100,000 random and mutated inputs; `make fuzz` (zizhu-bench) runs 10^6.
    static var count: Int { Int(ProcessInfo.processInfo.environment["ZIZHU_FUZZ_INPUTS"] ?? "") ?? 100_000 }

    @Test func randomAndMutatedFramesNeverCrashInventOrHoard() {
        let report = DecoderFuzzer().run(count: Self.count, seed: 0x5A1D_2026)
        #expect(report.inputs == Self.count)
        #expect(report.inventedFrames == 0, "\(report)")
        #expect(report.maximumPending <= SAMFrame.headerLength + SAMFrame.maximumLength, "\(report)")
        // The mix must really exercise every path.
        #expect(report.framesDecoded > Self.count / 10 && report.checksumErrors > 0 && report.lengthErrors > 0 && report.garbageEvents > 0, "\(report)")
    }

    @Test func cleanFramesBetweenNoiseAreAllRecovered() {
        var decoder = FrameDecoder()
        var random = DecoderFuzzer.Random(state: 7)
        var sent: [[UInt8]] = []
        var received: [[UInt8]] = []
        for _ in 0..<5_000 {
            // Noise without 0xAA cannot contain a preamble.
            let noise = (0..<random.below(20)).map { _ in random.byte() & 0x7F }
            let frame = SAMFrame(body: (0..<(3 + random.below(30))).map { _ in random.byte() }).bytes
            sent.append(frame)
            for event in decoder.feed(noise + frame) { if case .frame(let f) = event { received.append(f.bytes) } }
        }
        #expect(received == sent)
    }
}
