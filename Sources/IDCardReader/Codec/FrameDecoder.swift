// SPDX-License-Identifier: Apache-2.0
/// What the streaming decoder found in the bytes it was fed.
public enum DecoderEvent: Sendable, Hashable {
    /// A complete frame with a correct checksum.
    case frame(SAMFrame)
    /// Bytes that are not part of any frame (skipped while resynchronising on the
    /// preamble). Only the first bytes are kept, so a flood of noise stays small.
    case garbage(count: Int, prefix: [UInt8])
    /// A frame whose checksum is wrong; it is dropped.
    case badChecksum(length: Int, expected: UInt8, received: UInt8)
    /// A preamble followed by an impossible length (too small or over the maximum).
    case badLength(Int)
}

/// A streaming decoder for SAM frames: feed it whatever a read returned, get back every
/// complete frame. It reassembles frames split at any byte, yields several frames from
/// one read, resynchronises on the preamble after garbage, rejects absurd lengths and
/// wrong checksums, and never holds more than one frame's worth of bytes.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    public static let garbagePrefixKept = 16

    public init() {}

    /// Bytes held while waiting for the rest of a frame.
    public var pendingCount: Int { buffer.count - start }

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [DecoderEvent] {
        buffer.append(contentsOf: bytes)
        var events: [DecoderEvent] = []
        while true {
            guard let event = next() else { break }
            events.append(event)
        }
        compact()
        return events
    }

    /// Ends the stream: whatever is left is reported as garbage (a truncated frame).
    public mutating func finish() -> [DecoderEvent] {
        defer { buffer = []; start = 0 }
        let left = pendingCount
        guard left > 0 else { return [] }
        return [.garbage(count: left, prefix: Array(buffer[start..<min(buffer.count, start + Self.garbagePrefixKept)]))]
    }

    /// Forgets any partial frame (after a timeout, before a new request).
    public mutating func reset() {
        buffer = []
        start = 0
    }

    private mutating func next() -> DecoderEvent? {
        let available = buffer.count - start
        guard available > 0 else { return nil }
        guard let at = findPreamble() else {
            // Keep a tail that could still be the beginning of a preamble.
            let keep = partialPreambleSuffix()
            let skipped = available - keep
            guard skipped > 0 else { return nil }
            defer { start += skipped }
            return garbage(count: skipped)
        }
        if at > start {
            defer { start = at }
            return garbage(count: at - start)
        }
        guard available >= SAMFrame.headerLength else { return nil }
        let length = Int(buffer[start + 5]) << 8 | Int(buffer[start + 6])
        guard length >= 3, length <= SAMFrame.maximumLength else {
            start += 1   // this preamble leads nowhere: look for the next one
            return .badLength(length)
        }
        guard available >= SAMFrame.headerLength + length else { return nil }
        let bodyStart = start + SAMFrame.headerLength
        let checksumIndex = bodyStart + length - 1
        var x = buffer[start + 5] ^ buffer[start + 6]
        for index in bodyStart..<checksumIndex { x ^= buffer[index] }
        let received = buffer[checksumIndex]
        let body = Array(buffer[bodyStart..<checksumIndex])
        start = checksumIndex + 1
        guard x == received else { return .badChecksum(length: length, expected: x, received: received) }
        return .frame(SAMFrame(body: body))
    }

    private func garbage(count: Int) -> DecoderEvent {
        .garbage(count: count, prefix: Array(buffer[start..<(start + min(count, Self.garbagePrefixKept))]))
    }

    private func findPreamble() -> Int? {
        let p = SAMFrame.preamble
        var index = start
        let last = buffer.count - p.count
        while index <= last {
            if buffer[index] == 0xAA && buffer[index + 1] == 0xAA && buffer[index + 2] == 0xAA
                && buffer[index + 3] == 0x96 && buffer[index + 4] == 0x69 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Length of the longest buffer suffix that is a proper prefix of the preamble.
    private func partialPreambleSuffix() -> Int {
        let p = SAMFrame.preamble
        let available = buffer.count - start
        for keep in stride(from: min(p.count - 1, available), to: 0, by: -1) {
            if Array(buffer[(buffer.count - keep)...]) == Array(p[0..<keep]) { return keep }
        }
        return 0
    }

    private mutating func compact() {
        if start > 0 && (start == buffer.count || start > 8192) {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
