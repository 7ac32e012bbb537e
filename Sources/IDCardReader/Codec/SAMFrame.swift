// SPDX-License-Identifier: Apache-2.0
/// The GA 467 SAM frame: `AA AA AA 96 69 | LEN (2, big-endian) | body | XOR`.
/// LEN counts every byte after itself, checksum included; the XOR covers LEN and body.
/// A request body is `CMD PARA [data]`, a response body `SW1 SW2 SW3 [data]`.
public struct SAMFrame: Sendable, Hashable {
    public static let preamble: [UInt8] = [0xAA, 0xAA, 0xAA, 0x96, 0x69]
    /// Largest LEN accepted: a base message with fingerprints is 2314; anything far
    /// beyond is a corrupted length, not a frame.
    public static let maximumLength = 4096
    /// Header bytes before the body: preamble and LEN.
    public static let headerLength = 7

    public let body: [UInt8]

    public init(body: [UInt8]) { self.body = body }

    /// The frame on the wire.
    public var bytes: [UInt8] {
        let length = body.count + 1
        var out = Self.preamble
        out.reserveCapacity(Self.headerLength + length)
        out.append(UInt8(length >> 8))
        out.append(UInt8(length & 0xFF))
        out.append(contentsOf: body)
        out.append(Self.checksum(lengthHigh: UInt8(length >> 8), lengthLow: UInt8(length & 0xFF), body: body))
        return out
    }

    static func checksum(lengthHigh: UInt8, lengthLow: UInt8, body: some Sequence<UInt8>) -> UInt8 {
        var x = lengthHigh ^ lengthLow
        for byte in body { x ^= byte }
        return x
    }

    /// Read as a reply from the reader (SW1 SW2 SW3 data).
    public var response: SAMResponse? {
        guard body.count >= 3 else { return nil }
        return SAMResponse(sw1: body[0], sw2: body[1], status: SAMStatus(rawValue: body[2]), data: Array(body[3...]))
    }

    /// Read as a request to the reader (CMD PARA data), when the command is one we know.
    public var request: SAMCommand? {
        guard body.count >= 2 else { return nil }
        let command = SAMCommand(command: body[0], parameter: body[1], data: Array(body[2...]))
        return command.isKnown ? command : nil
    }
}

/// A reply from the SAM: three status bytes and the payload.
public struct SAMResponse: Sendable, Hashable {
    public var sw1: UInt8
    public var sw2: UInt8
    public var status: SAMStatus
    public var data: [UInt8]

    public init(sw1: UInt8 = 0, sw2: UInt8 = 0, status: SAMStatus, data: [UInt8] = []) {
        self.sw1 = sw1
        self.sw2 = sw2
        self.status = status
        self.data = data
    }

    /// Only `00 00` has been seen in SW1/SW2; anything else is a protocol error.
    public var hasValidPrefix: Bool { sw1 == 0 && sw2 == 0 }

    public var frame: SAMFrame { SAMFrame(body: [sw1, sw2, status.rawValue] + data) }
}

/// A command to the SAM.
public struct SAMCommand: Sendable, Hashable, CustomStringConvertible {
    public var command: UInt8
    public var parameter: UInt8
    public var data: [UInt8]

    public init(command: UInt8, parameter: UInt8, data: [UInt8] = []) {
        self.command = command
        self.parameter = parameter
        self.data = data
    }

    public static let resetSAM = SAMCommand(command: 0x10, parameter: 0xFF)
    public static let samStatus = SAMCommand(command: 0x11, parameter: 0xFF)
    public static let samID = SAMCommand(command: 0x12, parameter: 0xFF)
    public static let findCard = SAMCommand(command: 0x20, parameter: 0x01)
    public static let selectCard = SAMCommand(command: 0x20, parameter: 0x02)
    public static let readBase = SAMCommand(command: 0x30, parameter: 0x01)
    public static let readAppendedAddress = SAMCommand(command: 0x30, parameter: 0x03)
    public static let readBaseWithFingerprint = SAMCommand(command: 0x30, parameter: 0x10)
    public static func setMaximumRFBytes(_ count: UInt8) -> SAMCommand {
        SAMCommand(command: 0x61, parameter: 0xFF, data: [count])
    }

    static let names: [UInt16: String] = [
        0x10FF: "reset SAM", 0x11FF: "SAM status", 0x12FF: "read SAM ID", 0x2001: "find card", 0x2002: "select card",
        0x3001: "read base message", 0x3003: "read appended address", 0x3010: "read base message with fingerprint",
        0x61FF: "set maximum RF bytes",
    ]

    var key: UInt16 { UInt16(command) << 8 | UInt16(parameter) }
    public var isKnown: Bool { Self.names[key] != nil }
    public var name: String { Self.names[key] ?? String(format2(command) + " " + format2(parameter)) }
    public var description: String { name }

    public var frame: SAMFrame { SAMFrame(body: [command, parameter] + data) }

    /// How long a reader may take to answer (the read commands move ~1.3–2.3 KB over RF).
    public var timeoutSeconds: Double {
        switch key {
        case 0x3001, 0x3003: return 3
        case 0x3010: return 4
        default: return 1
        }
    }
}

func format2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// Hex text of bytes, `AA AA AA 96 69 …`.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map(format2).joined(separator: " ")
}
