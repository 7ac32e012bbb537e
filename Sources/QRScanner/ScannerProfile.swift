// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// How a QR code scanner hands over a code (a `Devices/qr/` file): the line, its speed,
/// what ends a code, and the longest code believed.
public struct ScannerProfile: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable {
        /// A serial line or USB-CDC port, read through termios.
        case serial
        /// A USB-HID ("keyboard wedge") scanner: its own input device, grabbed through libevdev.
        case hid
    }

    /// What a scanner sends after each code.
    public enum Terminator: String, Sendable, Hashable {
        case cr, lf, crlf

        /// Whether this byte ends a code (CR LF: either ends it, the other is skipped).
        func ends(_ byte: UInt8) -> Bool {
            switch self {
            case .cr: return byte == 0x0D
            case .lf: return byte == 0x0A
            case .crlf: return byte == 0x0D || byte == 0x0A
            }
        }
    }

    public var name: LocalizedText
    public var transport: Transport
    public var baud: Int
    public var terminator: Terminator
    /// A longer run of bytes without a terminator is a garbled scan, not a code.
    public var maxLength: Int
    /// For `hid`: part of the name the input device reports (`evtest` lists them).
    public var deviceName: String?

    public init(name: LocalizedText, transport: Transport = .serial, baud: Int = 9600, terminator: Terminator = .cr, maxLength: Int = 512,
                deviceName: String? = nil) {
        self.deviceName = deviceName
        self.name = name
        self.transport = transport
        self.baud = baud
        self.terminator = terminator
        self.maxLength = maxLength
    }

    struct Raw: Decodable {
        var name: LocalizedText
        var transport: String
        var baud: Int?
        var terminator: String?
        var max_length: Int?
        var device_name: String?
    }

    static let keys: [String: Set<String>] = ["": ["name", "transport", "baud", "terminator", "max_length", "device_name"], "name": ["zh", "en"]]
    static let speeds: Set<Int> = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200]

    /// Parses and checks a profile; every problem names `file:line:column`.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> ScannerProfile {
        let loaded = try YAMLDocument.load(Raw.self, from: text, file: file, allowedKeys: keys)
        var problems = loaded.problems
        let raw = loaded.value
        let transport = Transport(rawValue: raw.transport)
        if transport == nil {
            problems.append(FileProblem(loaded.location(of: "transport"), "transport '\(raw.transport)' is not one of: serial, hid"))
        }
        if transport == .hid && (raw.device_name ?? "").isEmpty {
            problems.append(FileProblem(loaded.location(of: "transport"), "a hid scanner needs device_name: part of the name its input device reports"))
        }
        let baud = raw.baud ?? 9600
        if !speeds.contains(baud) {
            problems.append(FileProblem(loaded.location(of: "baud"), "baud \(baud) is not a serial speed (\(speeds.sorted().map(String.init).joined(separator: ", ")))"))
        }
        let terminator = Terminator(rawValue: raw.terminator ?? "cr")
        if terminator == nil {
            problems.append(FileProblem(loaded.location(of: "terminator"), "terminator '\(raw.terminator ?? "")' is not one of: cr, lf, crlf"))
        }
        let maxLength = raw.max_length ?? 512
        if !(16...4096).contains(maxLength) {
            problems.append(FileProblem(loaded.location(of: "max_length"), "max_length must be 16 to 4096 characters, not \(maxLength)"))
        }
        guard problems.isEmpty, let transport, let terminator else { throw FileProblems(problems) }
        return ScannerProfile(name: raw.name, transport: transport, baud: baud, terminator: terminator, maxLength: maxLength,
                              deviceName: raw.device_name)
    }
}
