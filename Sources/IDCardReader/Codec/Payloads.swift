// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// A reply payload that does not have the shape its command promises.
public struct PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The SAM's identity (安全模块号), logged at start-up as `AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE`.
public struct SAMIdentifier: Sendable, Hashable, CustomStringConvertible {
    public var a: UInt16
    public var b: UInt16
    public var c: UInt32
    public var d: UInt32
    public var e: UInt32

    /// 16 bytes: u16 LE, u16 LE, u32 LE, u32 LE, u32 LE.
    public init(payload: [UInt8]) throws(PayloadError) {
        guard payload.count == 16 else { throw PayloadError("a SAM ID is 16 bytes, got \(payload.count)") }
        func u16(_ i: Int) -> UInt16 { UInt16(payload[i]) | UInt16(payload[i + 1]) << 8 }
        func u32(_ i: Int) -> UInt32 {
            UInt32(payload[i]) | UInt32(payload[i + 1]) << 8 | UInt32(payload[i + 2]) << 16 | UInt32(payload[i + 3]) << 24
        }
        a = u16(0); b = u16(2); c = u32(4); d = u32(8); e = u32(12)
    }

    public init(a: UInt16, b: UInt16, c: UInt32, d: UInt32, e: UInt32) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e
    }

    public var payload: [UInt8] {
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        return le16(a) + le16(b) + le32(c) + le32(d) + le32(e)
    }

    /// `%02d.%02d-%08u-%010u-%010u`: all decimal (public code disagrees on padding and hex).
    public var description: String {
        pad(String(a), 2) + "." + pad(String(b), 2) + "-" + pad(String(c), 8) + "-" + pad(String(d), 10) + "-" + pad(String(e), 10)
    }

    private func pad(_ s: String, _ width: Int) -> String { String(repeating: "0", count: max(0, width - s.count)) + s }
}

/// The base message (基本信息): the 256-byte text block, the 1024-byte photo (WLT, kept
/// opaque) and, for 30 10, the fingerprint data (opaque).
public struct BaseMessage: Sendable, Hashable {
    public var text: [UInt8]
    public var photo: [UInt8]
    public var fingerprint: [UInt8]?

    public init(text: [UInt8], photo: [UInt8], fingerprint: [UInt8]? = nil) {
        self.text = text
        self.photo = photo
        self.fingerprint = fingerprint
    }

    /// Parses the payload of a 30 01 (or, with `withFingerprint`, 30 10) reply:
    /// big-endian lengths first, then the parts in that order.
    public init(payload: [UInt8], withFingerprint: Bool) throws(PayloadError) {
        let lengthFields = withFingerprint ? 3 : 2
        guard payload.count >= lengthFields * 2 else { throw PayloadError("base message too short (\(payload.count) bytes)") }
        func be16(_ i: Int) -> Int { Int(payload[i]) << 8 | Int(payload[i + 1]) }
        let textLength = be16(0), photoLength = be16(2)
        let fingerprintLength = withFingerprint ? be16(4) : 0
        let headerLength = lengthFields * 2
        guard textLength == 256 else { throw PayloadError("text block length \(textLength), expected 256") }
        let expected = headerLength + textLength + photoLength + fingerprintLength
        guard payload.count == expected else {
            throw PayloadError("base message is \(payload.count) bytes but its lengths add up to \(expected)")
        }
        let textStart = headerLength, photoStart = textStart + textLength, fingerprintStart = photoStart + photoLength
        text = Array(payload[textStart..<photoStart])
        photo = Array(payload[photoStart..<fingerprintStart])
        fingerprint = withFingerprint ? Array(payload[fingerprintStart..<(fingerprintStart + fingerprintLength)]) : nil
    }

    public func payload(withFingerprint: Bool) -> [UInt8] {
        func be16(_ n: Int) -> [UInt8] { [UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] }
        var out = be16(text.count) + be16(photo.count)
        if withFingerprint { out += be16(fingerprint?.count ?? 0) }
        out += text + photo
        if withFingerprint { out += fingerprint ?? [] }
        return out
    }
}

/// The latest (appended) address a card may carry after a move (30 03).
public enum AppendedAddress {
    public static func decode(payload: [UInt8]) throws(PayloadError) -> String {
        guard payload.count % 2 == 0, payload.count <= 256 else { throw PayloadError("appended address of \(payload.count) bytes") }
        return UCS2.decode(payload[...])
    }

    public static func encode(_ address: String) -> [UInt8] { UCS2.encode(address, width: 70) }
}

/// UCS-2 little-endian text, space padded, as card text blocks store it.
enum UCS2 {
    /// Decodes and strips trailing spaces and NULs. Malformed code units become U+FFFD.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        while let last = units.last, last == 0x20 || last == 0 { units.removeLast() }
        return String(decoding: units, as: UTF16.self)
    }

    /// Encodes, pads with spaces to `width` bytes; text that does not fit is cut.
    static func encode(_ text: String, width: Int) -> [UInt8] {
        var out: [UInt8] = []
        for unit in text.utf16 {
            guard out.count + 2 <= width else { break }
            out.append(UInt8(unit & 0xFF))
            out.append(UInt8(unit >> 8))
        }
        while out.count + 2 <= width { out += [0x20, 0x00] }
        return out
    }
}
