// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ReceiptPrinter
import ZizhuCore
import ZizhuResources

enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates: [String: ReceiptTemplate] = {
        do { return try ReceiptResources.templates(assets: root.appendingPathComponent("Assets")) } catch { fatalError("\(error)") }
    }()
    static let glyphs: BigGlyphFont? = GlyphLoader.load(path: "/usr/share/unifont/unifont.hex",
                                                       scalars: Set("𠮷䶮生僻字吉".unicodeScalars.map(\.value))).font
}

/// Golden byte files under `__Golden__/`: missing ones are written and the test fails.
func assertGolden(_ bytes: [UInt8], _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let url = Repo.root.appendingPathComponent("Tests/ReceiptPrinterTests/__Golden__/\(name).hex")
    // 32 bytes a line, so diffs point at the place.
    let text = stride(from: 0, to: bytes.count, by: 32).map { hex(Array(bytes[$0..<min($0 + 32, bytes.count)])) }.joined(separator: "\n") + "\n"
    guard let golden = try? String(contentsOf: url, encoding: .utf8), ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] != "1" else {
        try? text.write(to: url, atomically: true, encoding: .utf8)
        if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] != "1" {
            Issue.record("recorded new golden bytes \(name); check them and run again", sourceLocation: sourceLocation)
        }
        return
    }
    #expect(golden == text, "golden bytes \(name) differ", sourceLocation: sourceLocation)
}

@Suite("Receipt templates and documents")
struct DocumentTests {
    @Test func everyTemplateLoadsAndEveryDocumentFillsIt() {
        let cases: [(String, ReceiptTemplate.Values)] = [
            ("acceptance", ReceiptResources.Samples.acceptance.values(.zhHans)),
            ("queue-ticket", ReceiptResources.Samples.queueTicket.values(.zhHans)),
            ("proof", ReceiptResources.Samples.proof.values(.zhHans)),
            ("test-page", ReceiptResources.Samples.testPage(.eighty).values(.zhHans)),
        ]
        for (name, values) in cases {
            let template = Repo.templates[name]
            #expect(template != nil, "\(name)")
            let provided = Set(values.strings.keys).union(values.lists.keys)
            #expect(template?.placeholders.subtracting(provided).isEmpty == true, "\(name) lacks \(template?.placeholders.subtracting(provided) ?? [])")
        }
    }

    @Test(arguments: ["80mm", "58mm"])
    func documentsHaveExactBytes(_ profileName: String) throws {
        let profile = try ReceiptResources.profile(name: profileName, shareRoot: Repo.root)
        let renderer = ReceiptRenderer(profile: profile, fallbackGlyphs: Repo.glyphs)
        let documents: [(String, ReceiptTemplate.Values)] = [
            ("acceptance", ReceiptResources.Samples.acceptance.values(.zhHans)),
            ("queue-ticket", ReceiptResources.Samples.queueTicket.values(.zhHans)),
            ("proof", ReceiptResources.Samples.proof.values(.zhHans)),
            ("test-page", ReceiptResources.Samples.testPage(profile).values(.zhHans)),
        ]
        for (name, values) in documents {
            let template = try #require(Repo.templates[name])
            let output = renderer.render(template.fill(values, language: .zhHans))
            assertGolden(output.bytes, "\(name)-\(profileName)")
            #expect(output.bytes.starts(with: [0x1B, 0x40, 0x1C, 0x26]))
            for line in output.previewLines { #expect(TextWidth.width(of: line) <= profile.columns, "\(name): \(line)") }
        }
    }

    @Test func theAcceptanceReceiptSaysWhatTheCitizenNeeds() throws {
        let template = try #require(Repo.templates["acceptance"])
        let preview = ReceiptRenderer(profile: .eighty).render(template.fill(ReceiptResources.Samples.acceptance.values(.zhHans), language: .zhHans))
            .previewLines.joined(separator: "\n")
        #expect(preview.contains("受理编号：ZZ20261122-0193-4F2A"))
        #expect(preview.contains("申请人证件：1101**********002X"))
        #expect(preview.contains("办理结果：容缺受理"))
        #expect(preview.contains("1. 劳动合同（2026-12-06前补交）"))
        #expect(preview.contains("已受理，待上传"))
        var online = ReceiptResources.Samples.acceptance
        online.uploaded = true
        online.outcome = .approved
        let approved = ReceiptRenderer(profile: .eighty).render(template.fill(online.values(.zhHans), language: .zhHans))
            .previewLines.joined(separator: "\n")
        #expect(approved.contains("秒批通过") && !approved.contains("待上传") && !approved.contains("补交"))
        let english = ReceiptRenderer(profile: .eighty).render(template.fill(ReceiptResources.Samples.acceptance.values(.en), language: .en))
            .previewLines.joined(separator: "\n")
        #expect(english.contains("Acceptance no.: ZZ20261122-0193-4F2A") && english.contains("Employment contract (by 2026-12-06)"))
        #expect(!english.contains("："), "Chinese punctuation on an English receipt")
    }

    @Test func theTestPagePrintsTheRareCharactersAsAnImage() throws {
        let template = try #require(Repo.templates["test-page"])
        #expect(Repo.glyphs != nil, "apt-get install unifont")
        let output = ReceiptRenderer(profile: .eighty, fallbackGlyphs: Repo.glyphs)
            .render(template.fill(ReceiptResources.Samples.testPage(.eighty).values(.zhHans), language: .zhHans))
        #expect(output.rasterLines.count == 1 && output.rasterLines[0].contains("𠮷"))
    }

    @Test func aBrokenTemplateNamesTheLine() {
        let text = "- heading: {zh: 甲, en: A}\n- pair: {label: 乙}\n- colour: red\n- feed: 99\n"
        do {
            _ = try ReceiptTemplate.parse(text, name: "x", file: "x.yaml")
            Issue.record("accepted")
        } catch {
            let all = error.description
            #expect(all.contains("x.yaml:2:9: pair needs {label: …, value: …}"))
            #expect(all.contains("x.yaml:3:3: each block needs exactly one of"))
            #expect(all.contains("x.yaml:4:9: feed takes 0 to 20 lines"))
        }
    }

    @Test func aBrokenPrinterProfileNamesTheLine() {
        do {
            _ = try PrinterProfile.parse("paper_mm: 80\ndots: 577\ncolumns: 48\nnative_qr: true\ncutter: true\nspeed: fast\n", name: "x", file: "p.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("p.yaml:2:7: dots must be a multiple of 8"))
            #expect(error.description.contains("p.yaml:6:1: unknown key 'speed'"))
        }
    }
}
