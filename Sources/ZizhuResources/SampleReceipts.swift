// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore

/// The receipt templates and this kiosk's printer profile, loaded once: sample documents
/// for `zizhu receipt render|print`, the diagnostics preview, and the test page.
public struct SampleReceipts: Sendable {
    public let profile: PrinterProfile
    private let templates: [String: ReceiptTemplate]
    private let glyphs: GlyphCache
    private let kioskID: String

    public init(paths: KioskPaths, profileName: String, unifontPath: String, kioskID: String) throws(StartupError) {
        profile = try ReceiptResources.profile(name: profileName, shareRoot: paths.shareRoot)
        templates = try ReceiptResources.templates(assets: paths.assets)   // throws unless all four load
        glyphs = GlyphCache(path: unifontPath)
        self.kioskID = kioskID
    }

    /// The sample document filled in (fixed fake data, so its bytes are reproducible).
    public func receipt(_ sample: ReceiptSample, language: Language) -> Receipt {
        let values: ReceiptTemplate.Values
        switch sample {
        case .acceptance: values = ReceiptResources.Samples.acceptance.values(language)
        case .queueTicket: values = ReceiptResources.Samples.queueTicket.values(language)
        case .proof: values = ReceiptResources.Samples.proof.values(language)
        case .testPage: values = ReceiptResources.Samples.testPage(profile).values(language)
        }
        return fill(sample, values, language: language)
    }

    /// The technician's test page: this kiosk's number and the time it was printed.
    public func testPage(time: Date = Date(), language: Language = .zhHans) -> ReceiptRenderer.Output {
        let page = ReceiptDocuments.TestPage(kioskID: kioskID, profile: profile, time: time.formatted(.iso8601))
        return render(fill(.testPage, page.values(language), language: language))
    }

    /// Laid out and encoded for the profile, with Unifont images for characters the
    /// printer's font lacks.
    public func render(_ receipt: Receipt) -> ReceiptRenderer.Output {
        let plain = ReceiptRenderer(profile: profile)
        return ReceiptRenderer(profile: profile, fallbackGlyphs: glyphs.font(for: plain.fallbackScalars(receipt))).render(receipt)
    }

    public func render(_ sample: ReceiptSample, language: Language) -> ReceiptRenderer.Output {
        render(receipt(sample, language: language))
    }

    /// What the diagnostics screen shows.
    public func layoutPreview(_ sample: ReceiptSample, language: Language) -> ReceiptPreview {
        let output: ReceiptRenderer.Output = self.render(sample, language: language)
        let text: String = output.preview(columns: profile.columns)
        let lines: [String] = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return ReceiptPreview(sample: sample, profileName: profile.name, paperMillimetres: profile.paperMillimetres,
                              columns: profile.columns, nativeQR: profile.nativeQR, cutter: profile.cutter,
                              lines: lines, byteCount: output.bytes.count, imageLines: output.rasterLines)
    }

    /// The receipt drawn as a PNG (nil when Unifont or libspng cannot draw it).
    public func png(_ sample: ReceiptSample, language: Language) -> [UInt8]? {
        let filled = self.receipt(sample, language: language)
        let renderer = ReceiptRenderer(profile: profile)
        guard let font = glyphs.font(for: renderer.imageScalars(filled)) else { return nil }
        return renderer.image(filled, font: font).png()
    }

    /// A real acceptance receipt, laid out for this kiosk's printer.
    public func acceptance(_ document: ReceiptDocuments.Acceptance, language: Language) -> ReceiptRenderer.Output {
        render(fill(.acceptance, document.values(language), language: language))
    }

    /// A real queue ticket, laid out for this kiosk's printer.
    public func queueTicket(_ document: ReceiptDocuments.QueueTicket, language: Language) -> ReceiptRenderer.Output {
        render(fill(.queueTicket, document.values(language), language: language))
    }

    /// A real printed proof, laid out for this kiosk's printer.
    public func proof(_ document: ReceiptDocuments.Proof, language: Language) -> ReceiptRenderer.Output {
        render(fill(.proof, document.values(language), language: language))
    }

    private func fill(_ sample: ReceiptSample, _ values: ReceiptTemplate.Values, language: Language) -> Receipt {
        // `templates` holds every name in ReceiptResources.templateNames (init throws otherwise).
        guard let template = templates[sample.rawValue] else { return Receipt(blocks: []) }
        return template.fill(values, language: language)
    }
}
