// SPDX-License-Identifier: Apache-2.0
/// Bytes from a scanner → whole codes. A code is printable ASCII (what e-ID codes, 粤省事码
/// and URLs are) ended by the profile's terminator; anything else — a control byte, a byte
/// above 0x7E, a run longer than the profile allows — makes that scan garbled, and the
/// bytes up to the next terminator are thrown away with it (never half a code taken).
public struct CodeAssembler: Sendable {
    public enum Piece: Sendable, Hashable {
        case code(String)
        /// The scan was not a code: why, in words for the technician.
        case garbled(String)
    }

    let terminator: ScannerProfile.Terminator
    let maxLength: Int
    private var current: [UInt8] = []
    private var spoiled: String?

    public init(profile: ScannerProfile) {
        terminator = profile.terminator
        maxLength = profile.maxLength
    }

    /// Feeds bytes as they arrive; returns what they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        for byte in bytes {
            if terminator.ends(byte) {
                if let why = spoiled {
                    pieces.append(.garbled(why))
                } else if !current.isEmpty {
                    pieces.append(.code(String(decoding: current, as: UTF8.self)))
                }
                current.removeAll(keepingCapacity: true)
                spoiled = nil
                continue
            }
            guard spoiled == nil else { continue }
            if byte < 0x20 || byte > 0x7E {
                spoiled = "byte 0x\(String(byte, radix: 16, uppercase: true)) is not part of a code"
                current.removeAll(keepingCapacity: true)
            } else if current.count >= maxLength {
                spoiled = "longer than \(maxLength) characters without an end"
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        return pieces
    }

    /// Whether part of a scan is waiting for its end (a scanner unplugged mid-code).
    public var isPartial: Bool { !current.isEmpty || spoiled != nil }

    /// Gives up the scan in progress (its end may have been lost): garbled if there was one.
    public mutating func abandon(_ why: String) -> [Piece] {
        defer {
            current.removeAll(keepingCapacity: true)
            spoiled = nil
        }
        return isPartial ? [.garbled(why)] : []
    }
}

/// What a technician may see of a code: its length and first characters (an e-ID code is a
/// credential while it lives; it is never logged or printed whole).
public func maskedCode(_ code: String) -> String {
    let count: Int = code.count
    if count <= 8 { return String(repeating: "*", count: count) }
    let start: String = String(code.prefix(4))
    return "\(start)…(\(count) chars)"
}
