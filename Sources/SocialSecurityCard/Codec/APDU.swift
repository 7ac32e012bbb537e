// SPDX-License-Identifier: Apache-2.0

/// One ISO 7816-4 command to the card (short form: at most 255 data bytes, Le up to 256).
public struct CommandAPDU: Sendable, Hashable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected response length; 0 means "up to 256", nil means none expected.
    public var le: UInt8?

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: UInt8? = nil) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = Array(data.prefix(255))
        self.le = le
    }

    /// SELECT by DF name (an application's AID or, on 社保卡, its GBK name).
    public static func selectApplication(_ name: [UInt8]) -> CommandAPDU {
        CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: name)
    }

    /// SELECT an elementary file by its two-byte identifier under the current DF.
    public static func selectFile(_ fid: UInt16) -> CommandAPDU {
        CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x00, data: [UInt8(fid >> 8), UInt8(fid & 0xFF)])
    }

    /// READ RECORD number `record` of the current file (P2 = 04: P1 is a record number).
    public static func readRecord(_ record: UInt8, expecting le: UInt8 = 0) -> CommandAPDU {
        CommandAPDU(ins: 0xB2, p1: record, p2: 0x04, le: le)
    }

    /// The bytes on the wire: CLA INS P1 P2 [Lc data] [Le].
    public var bytes: [UInt8] {
        var out: [UInt8] = [cla, ins, p1, p2]
        if !data.isEmpty {
            out.append(UInt8(data.count))
            out += data
        }
        if let le { out.append(le) }
        return out
    }

    public var description: String { HexBytes.string(bytes) }
}

/// The card's answer: data, then the two status bytes.
public struct ResponseAPDU: Sendable, Hashable, CustomStringConvertible {
    public var data: [UInt8]
    public var sw1: UInt8
    public var sw2: UInt8

    public init(data: [UInt8], sw1: UInt8, sw2: UInt8) {
        self.data = data
        self.sw1 = sw1
        self.sw2 = sw2
    }

    /// Splits a raw answer; nil when it is shorter than the two status bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        data = Array(bytes.dropLast(2))
        sw1 = bytes[bytes.count - 2]
        sw2 = bytes[bytes.count - 1]
    }

    public var status: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }
    public var isSuccess: Bool { status == 0x9000 }

    public var description: String { "\(HexBytes.string(data)) [\(StatusWord.describe(sw1, sw2))]" }
}

/// What the ISO 7816-4 status words a 社保卡 answers with mean, in words for a log line
/// and a technician's screen.
public enum StatusWord {
    public static func describe(_ sw1: UInt8, _ sw2: UInt8) -> String {
        let hex = HexBytes.string([sw1, sw2])
        switch (sw1, sw2) {
        case (0x90, 0x00): return "\(hex) success"
        case (0x61, _): return "\(hex) \(sw2) more bytes available"
        case (0x6C, _): return "\(hex) wrong length, the card has \(sw2) bytes"
        case (0x67, 0x00): return "\(hex) wrong length"
        case (0x69, 0x82): return "\(hex) security status not satisfied (needs authentication)"
        case (0x69, 0x85): return "\(hex) conditions of use not satisfied"
        case (0x69, 0x86): return "\(hex) command not allowed (no current file)"
        case (0x6A, 0x81): return "\(hex) function not supported"
        case (0x6A, 0x82): return "\(hex) file or application not found"
        case (0x6A, 0x83): return "\(hex) record not found"
        case (0x6A, 0x86): return "\(hex) incorrect P1/P2"
        case (0x6D, 0x00): return "\(hex) instruction not supported"
        case (0x6E, 0x00): return "\(hex) class not supported"
        default: return "\(hex) card error"
        }
    }
}

/// Hex in the form technicians read APDU traces in: `00 A4 04 00`.
public enum HexBytes {
    public static func string(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]]) }.joined(separator: " ")
    }
}
