// SPDX-License-Identifier: Apache-2.0
import IDCardReader

/// Feeds the streaming decoder random and mutated frames in random chunk sizes and checks
/// what must always hold: no crash, memory bounded by one maximum frame, and no frame
/// that was not in the input. Used by the tests (fewer frames) and `zizhu-bench` (10^6).
public struct DecoderFuzzer {
    public struct Report: Sendable, CustomStringConvertible {
        public var inputs = 0
        public var bytes = 0
        public var framesDecoded = 0
        public var garbageEvents = 0
        public var checksumErrors = 0
        public var lengthErrors = 0
        public var maximumPending = 0
        /// Decoded frames whose bytes never appeared in the input (must stay 0).
        public var inventedFrames = 0

        public var description: String {
            "\(inputs) inputs, \(bytes) bytes: \(framesDecoded) frames, \(checksumErrors) bad checksums, \(lengthErrors) bad lengths, \(garbageEvents) garbage runs; at most \(maximumPending) bytes held; \(inventedFrames) invented frames"
        }
    }

    /// SplitMix64: fast, seedable, good enough to pick mutations.
    public struct Random {
        public var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
        public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
        /// A number in 0..<1.
        public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
    }

    public init() {}

    /// Runs `count` inputs from `seed`.
    public func run(count: Int, seed: UInt64) -> Report {
        var random = Random(state: seed)
        var decoder = FrameDecoder()
        var report = Report()
        let samples: [[UInt8]] = [
            SAMCommand.findCard.frame.bytes, SAMResponse(status: .cardFound, data: [0, 0, 0, 0]).frame.bytes,
            SAMResponse(status: .success, data: [UInt8](repeating: 0x20, count: 8)).frame.bytes,
            SAMResponse(status: .noCard).frame.bytes,
            SAMResponse(status: .success, data: BaseMessage(text: [UInt8](repeating: 0x20, count: 256),
                                                            photo: [UInt8](repeating: 0x41, count: 1024)).payload(withFingerprint: false)).frame.bytes,
        ]
        // The last bytes fed: every decoded frame must be a run of them (searched from the end).
        var recent: [UInt8] = []
        for _ in 0..<count {
            var input: [UInt8]
            switch random.below(6) {
            case 0:   // noise
                input = (0..<random.below(64)).map { _ in random.byte() }
            case 1:   // a valid frame
                input = samples[random.below(samples.count)]
            case 2:   // a valid frame with random bytes flipped
                input = samples[random.below(samples.count)]
                for _ in 0...random.below(3) { input[random.below(input.count)] ^= random.byte() | 1 }
            case 3:   // truncated
                let frame = samples[random.below(samples.count)]
                input = Array(frame.prefix(random.below(frame.count)))
            case 4:   // a preamble and a random length
                input = SAMFrame.preamble + [random.byte(), random.byte()] + (0..<random.below(32)).map { _ in random.byte() }
            default:  // a random body in a correct frame
                input = SAMFrame(body: (0..<(1 + random.below(40))).map { _ in random.byte() }).bytes
            }
            report.inputs += 1
            report.bytes += input.count
            // Split the input at random points, as reads would.
            var offset = 0
            while offset < input.count {
                let end = min(input.count, offset + 1 + random.below(80))
                recent += input[offset..<end]
                if recent.count > 3 * SAMFrame.maximumLength { recent.removeFirst(recent.count - 2 * SAMFrame.maximumLength) }
                for event in decoder.feed(input[offset..<end]) {
                    switch event {
                    case .frame(let frame):
                        report.framesDecoded += 1
                        if !Self.containsNearEnd(recent, frame.bytes) { report.inventedFrames += 1 }
                    case .garbage: report.garbageEvents += 1
                    case .badChecksum: report.checksumErrors += 1
                    case .badLength: report.lengthErrors += 1
                    }
                }
                report.maximumPending = max(report.maximumPending, decoder.pendingCount)
                offset = end
            }
        }
        return report
    }

    static func containsNearEnd(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index -= 1
        }
        return false
    }
}
