// SPDX-License-Identifier: Apache-2.0
import Yams
import ZizhuCore

/// A receipt printer model, from `Devices/printers/<name>.yaml`.
public struct PrinterProfile: Sendable, Hashable {
    public var name: String
    public var paperMillimetres: Int
    /// Printable width in dots (384 for 58 mm, 576 for 80 mm).
    public var dots: Int
    /// Characters per line at normal size (a Hanzi takes two).
    public var columns: Int
    /// Whether the printer understands `GS ( k` (else QR codes are sent as images).
    public var nativeQR: Bool
    public var cutter: Bool
    /// Whether its font covers characters outside GBK (else those lines go out as images).
    public var fourByteGB18030: Bool

    public init(name: String, paperMillimetres: Int, dots: Int, columns: Int, nativeQR: Bool, cutter: Bool,
                fourByteGB18030: Bool = false) {
        self.name = name
        self.paperMillimetres = paperMillimetres
        self.dots = dots
        self.columns = columns
        self.nativeQR = nativeQR
        self.cutter = cutter
        self.fourByteGB18030 = fourByteGB18030
    }

    public static let eighty = PrinterProfile(name: "80mm", paperMillimetres: 80, dots: 576, columns: 48, nativeQR: true, cutter: true)
    public static let fiftyEight = PrinterProfile(name: "58mm", paperMillimetres: 58, dots: 384, columns: 32, nativeQR: false, cutter: false)

    struct File: Decodable {
        var paperMM: Int
        var dots: Int
        var columns: Int
        var nativeQR: Bool
        var cutter: Bool
        var fourByte: Bool?
        enum CodingKeys: String, CodingKey {
            case paperMM = "paper_mm", dots, columns, nativeQR = "native_qr", cutter, fourByte = "four_byte_gb18030"
        }
    }

    public static func parse(_ text: String, name: String, file: String) throws(FileProblems) -> PrinterProfile {
        let loaded = try YAMLDocument.load(File.self, from: text, file: file, allowedKeys: [
            "": ["paper_mm", "dots", "columns", "native_qr", "cutter", "four_byte_gb18030"],
        ])
        var problems = loaded.problems
        let raw = loaded.value
        if raw.dots < 128 || raw.dots > 2048 || raw.dots % 8 != 0 {
            problems.append(FileProblem(loaded.location(of: "dots"), "dots must be a multiple of 8 between 128 and 2048"))
        }
        if raw.columns < 16 || raw.columns > 96 {
            problems.append(FileProblem(loaded.location(of: "columns"), "columns must be between 16 and 96"))
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        return PrinterProfile(name: name, paperMillimetres: raw.paperMM, dots: raw.dots, columns: raw.columns,
                              nativeQR: raw.nativeQR, cutter: raw.cutter, fourByteGB18030: raw.fourByte ?? false)
    }
}
