// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ReceiptPrinter
import ZizhuCore

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined(separator: " ") }
func bytes(_ hex: String) -> [UInt8] { hex.split(separator: " ").compactMap { UInt8($0, radix: 16) } }

@Suite("ESC/POS encoder primitives (printing.md §3.1)")
struct EncoderTests {
    @Test func primitives() {
        func one(_ build: (inout ESCPOS) -> Void) -> String {
            var e = ESCPOS()
            build(&e)
            return hex(e.bytes)
        }
        let table: [(String, (inout ESCPOS) -> Void)] = [
            ("1B 40", { (e: inout ESCPOS) in e.initialize() }),
            ("1C 26", { (e: inout ESCPOS) in e.chineseMode(true) }),
            ("1C 2E", { (e: inout ESCPOS) in e.chineseMode(false) }),
            ("1B 45 01", { (e: inout ESCPOS) in e.bold(true) }),
            ("1B 45 00", { (e: inout ESCPOS) in e.bold(false) }),
            ("1D 21 11", { (e: inout ESCPOS) in e.size(width: 2, height: 2) }),
            ("1D 21 01", { (e: inout ESCPOS) in e.size(width: 1, height: 2) }),
            ("1D 21 33", { (e: inout ESCPOS) in e.size(width: 4, height: 4) }),
            ("1B 61 01", { (e: inout ESCPOS) in e.align(.center) }),
            ("1B 64 04", { (e: inout ESCPOS) in e.feed(lines: 4) }),
            ("1D 56 01", { (e: inout ESCPOS) in e.cut(partial: true) }),
            ("1D 56 00", { (e: inout ESCPOS) in e.cut(partial: false) }),
        ]
        for (expected, build) in table {
            let got = one(build)
            #expect(got == expected)
        }
        #expect(hex(ESCPOS.statusRequest(4)) == "10 04 04")
    }

    @Test func nativeQRMatchesTheVerifiedSequence() {
        var e = ESCPOS()
        let payload = String(repeating: "A", count: 50)
        e.qr(payload, moduleSize: 6, correction: .medium)
        let expected = "1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 06 1D 28 6B 03 00 31 45 31 1D 28 6B 35 00 31 50 30 "
            + Array(repeating: "41", count: 50).joined(separator: " ") + " 1D 28 6B 03 00 31 51 30"
        #expect(hex(e.bytes) == expected)
    }

    @Test func chineseTextIsGB18030() throws {
        var e = ESCPOS()
        let encoded = e.line("粤智助：1")
        #expect(encoded)
        #expect(hex(e.bytes) == "D4 C1 D6 C7 D6 FA A3 BA 31 0A")
        #expect(hex(try #require(ESCPOS.gb18030("𠮷"))) == "95 34 B2 35")
    }

    @Test func fourByteSequencesAreDetected() {
        #expect(!ESCPOS.needsFourByteSequences("社保参保证明，ABC：123"))
        #expect(ESCPOS.needsFourByteSequences("吉𠮷"))          // Extension B
        #expect(ESCPOS.needsFourByteSequences("\u{3400}"))     // Extension A outside GBK
    }

    @Test func rasterImagesUseGSv0() {
        var bitmap = Bitmap(width: 10, height: 2)
        bitmap[0, 0] = true; bitmap[9, 0] = true; bitmap[1, 1] = true
        var e = ESCPOS()
        e.raster(bitmap)
        #expect(hex(e.bytes) == "1D 76 30 00 02 00 02 00 80 40 40 00")
    }

    @Test func qrBitmapsComeFromLibqrencode() throws {
        let bitmap = try #require(Bitmap.qr("ZZ-2026-0001", scale: 2))
        // Version 1 (21 modules) + 2 × 4 quiet modules, 2 dots each.
        #expect(bitmap.width == (21 + 8) * 2 && bitmap.height == bitmap.width)
        // The three finder patterns: solid corners.
        #expect(bitmap[8, 8] && bitmap[bitmap.width - 9, 8] && bitmap[8, bitmap.height - 9])
        #expect(!bitmap[0, 0])   // quiet zone
    }
}

@Suite("Receipt layout at 32 and 48 columns")
struct LayoutTests {
    static let sample = Receipt(blocks: [
        .title("天河区政务服务中心"),
        .heading("受理回执"),
        .rule("="),
        .pair(label: "办理事项", value: "企业自助变更（经营范围、住所、注册资本）"),
        .pair(label: "受理编号", value: "ZZ20261122-0001"),
        .text("已受理，待上传。终端联网后自动上传，无需再次办理。Upload pending.", centred: false),
        .bullets(["学历、学位证书（2026-12-06前补交）", "劳动合同"]),
        .qr("ZZ20261122-0001"),
        .cut,
    ])

    @Test(arguments: [PrinterProfile.fiftyEight, .eighty])
    func everyLineFitsThePaper(_ profile: PrinterProfile) {
        let output = ReceiptRenderer(profile: profile).render(Self.sample)
        for line in output.previewLines {
            #expect(TextWidth.width(of: line) <= profile.columns, "\(profile.name): '\(line)'")
        }
        #expect(output.previewLines.contains { $0.contains("受理编号：ZZ20261122-0001") })
        // No line starts with closing punctuation.
        #expect(!output.previewLines.contains { $0.trimmingWhitespace.hasPrefix("，") || $0.trimmingWhitespace.hasPrefix("。") })
    }

    @Test func longPairsWrapUnderTheirLabel() {
        let output = ReceiptRenderer(profile: .fiftyEight).render(Receipt(blocks: [
            .pair(label: "办理事项", value: "企业自助变更（经营范围、住所、注册资本）"),
        ]))
        #expect(output.previewLines.first == "办理事项：")
        #expect(output.previewLines.dropFirst().allSatisfy { $0.hasPrefix("  ") })
    }

    @Test func titlesWrapAtHalfTheColumns() {
        let output = ReceiptRenderer(profile: .fiftyEight).render(Receipt(blocks: [.title("天河区政务服务中心二十四小时自助区")]))
        #expect(output.previewLines.allSatisfy { TextWidth.width(of: $0) <= 16 })
        #expect(output.previewLines.count == 3)   // 17 Hanzi at double width: 8 + 8 + 1
    }

    @Test func withoutNativeQRTheCodeIsARasterImage() throws {
        let fifty = ReceiptRenderer(profile: .fiftyEight).render(Receipt(blocks: [.qr("ZZ1")]))
        #expect(!hex(fifty.bytes).contains("1D 28 6B"))
        #expect(hex(fifty.bytes).contains("1D 76 30 00"))
        let eighty = ReceiptRenderer(profile: .eighty).render(Receipt(blocks: [.qr("ZZ1")]))
        #expect(hex(eighty.bytes).contains("1D 28 6B 06 00 31 50 30 5A 5A 31"))
    }

    @Test func rareNameCharactersGoOutAsImagesWhenTheFontLacksThem() throws {
        let font = BigGlyphFont(glyphs: [0x5409: .init(width: 16, rows: Array(repeating: 0xFFFF, count: 16)),
                                         0x20BB7: .init(width: 16, rows: Array(repeating: 0x8001, count: 16))])
        let receipt = Receipt(blocks: [.text("吉𠮷", centred: false), .text("普通", centred: false)])
        let renderer = ReceiptRenderer(profile: .eighty, fallbackGlyphs: font)
        #expect(renderer.fallbackScalars(receipt) == [0x5409, 0x20BB7])
        let output = renderer.render(receipt)
        #expect(output.rasterLines == ["吉𠮷"])
        #expect(hex(output.bytes).contains("1D 76 30 00 04 00 10 00"))      // 32 dots wide, 16 high
        #expect(hex(output.bytes).contains(hex(ESCPOS.gb18030("普通")! + [0x0A])))
        var canPrintIt = PrinterProfile.eighty
        canPrintIt.fourByteGB18030 = true
        #expect(ReceiptRenderer(profile: canPrintIt, fallbackGlyphs: font).render(receipt).rasterLines.isEmpty)
    }

    @Test func noCutterMeansATearOffMargin() {
        let fifty = ReceiptRenderer(profile: .fiftyEight).render(Receipt(blocks: [.cut]))
        #expect(!hex(fifty.bytes).contains("1D 56"))
        #expect(hex(ReceiptRenderer(profile: .eighty).render(Receipt(blocks: [.cut])).bytes).hasSuffix("1B 64 04 1D 56 01"))
    }
}
