// SPDX-License-Identifier: Apache-2.0
/// A document the printer diagnostics can show and print with sample (fake) data.
public enum ReceiptSample: String, Sendable, Hashable, CaseIterable, Codable {
    case acceptance
    case queueTicket = "queue-ticket"
    case proof
    case testPage = "test-page"

    /// The next document in the technician's "换一张" cycle.
    public var next: ReceiptSample {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    public var name: LocalizedText {
        switch self {
        case .acceptance: return LocalizedText(zh: "受理回执", en: "Acceptance receipt")
        case .queueTicket: return LocalizedText(zh: "排队小票", en: "Queue ticket")
        case .proof: return LocalizedText(zh: "打印证明", en: "Printed proof")
        case .testPage: return LocalizedText(zh: "测试页", en: "Test page")
        }
    }
}

/// A receipt laid out for the configured printer, as text a technician can read on the
/// diagnostics screen: the same layout (line breaks, centring, QR code) the printer gets.
public struct ReceiptPreview: Sendable, Hashable {
    public var sample: ReceiptSample
    /// The printer profile it was laid out for: name, paper width, columns, abilities.
    public var profileName: String
    public var paperMillimetres: Int
    public var columns: Int
    public var nativeQR: Bool
    public var cutter: Bool
    /// The preview inside paper edges, one string per printed line.
    public var lines: [String]
    /// Size of the ESC/POS job.
    public var byteCount: Int
    /// Lines that go out as raster images (characters outside the printer's font).
    public var imageLines: [String]

    public init(sample: ReceiptSample, profileName: String, paperMillimetres: Int, columns: Int, nativeQR: Bool,
                cutter: Bool, lines: [String], byteCount: Int, imageLines: [String]) {
        self.sample = sample
        self.profileName = profileName
        self.paperMillimetres = paperMillimetres
        self.columns = columns
        self.nativeQR = nativeQR
        self.cutter = cutter
        self.lines = lines
        self.byteCount = byteCount
        self.imageLines = imageLines
    }
}

/// What happened to the technician's test page.
public enum TestPageResult: Sendable, Hashable {
    case printing
    case printed(job: Int)
    /// Not printed; the printer's health says why (CUPS' reasons for technicians).
    case notPrinted(PrinterHealth, reasons: [String])
}
