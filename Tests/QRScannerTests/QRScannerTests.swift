// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
@testable import QRScanner

/// Bytes from a scanner into codes, and the scanner profiles: what a misread, an endless
/// line or a bad profile becomes.
@Suite("QR scanner: codes from bytes, profiles")
struct QRScannerTests {
    static let profile = ScannerProfile(name: LocalizedText(zh: "扫码器", en: "Scanner"), maxLength: 16)

    @Test func codesEndAtTheTerminatorAndArriveInAnyPieces() {
        var assembler = CodeAssembler(profile: Self.profile)
        #expect(assembler.feed(Array("ZZEID1.".utf8)).isEmpty && assembler.isPartial)
        #expect(assembler.feed(Array("ABC\rSECOND\r".utf8)) == [.code("ZZEID1.ABC"), .code("SECOND")])
        #expect(!assembler.isPartial)
        // Empty lines are nothing; CR LF under `crlf` is one end.
        var lines = CodeAssembler(profile: ScannerProfile(name: Self.profile.name, terminator: .crlf))
        #expect(lines.feed(Array("\r\nONE\r\n\r\nTWO\n".utf8)) == [.code("ONE"), .code("TWO")])
    }

    @Test func aMisreadOrEndlessScanIsGarbledAndNeverHalfTaken() {
        var assembler = CodeAssembler(profile: Self.profile)
        // A control byte spoils the whole scan up to its end; the next scan is whole again.
        let pieces = assembler.feed(Array("ZZE".utf8) + [0x07] + Array("ID\rGOOD\r".utf8))
        #expect(pieces == [.garbled("byte 0x7 is not part of a code"), .code("GOOD")])
        #expect(assembler.feed([0xE4, 0xB8, 0xAD, 0x0D]) == [.garbled("byte 0xE4 is not part of a code")])
        // Longer than the profile allows: garbled, not cut to length.
        #expect(assembler.feed(Array(String(repeating: "A", count: 40).utf8) + [0x0D]) == [.garbled("longer than 16 characters without an end")])
        #expect(assembler.feed(Array("OK\r".utf8)) == [.code("OK")])
    }

    @Test func codesAreShownOnlyMasked() {
        #expect(maskedCode("ZZEID1.DEMO.440106198806150019.7F3A91C2") == "ZZEI…(39 chars)")
        #expect(maskedCode("SHORT") == "*****")
    }

    @Test func theShippedProfileLoadsAndMistakesNameTheirLine() throws {
        let shipped = try ScannerProfile.parse("""
            name: {zh: 扫码器（串口）, en: QR scanner (serial)}
            transport: serial
            baud: 9600
            terminator: cr
            max_length: 512
            """, file: "serial.yaml")
        #expect(shipped.baud == 9600 && shipped.terminator == .cr && shipped.maxLength == 512)
        do {
            _ = try ScannerProfile.parse("""
                name: {zh: 扫码器, en: Scanner}
                transport: bluetooth
                baud: 9601
                terminator: tab
                max_length: 5
                colour: red
                """, file: "bad.yaml")
            Issue.record("a bad profile was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("bad.yaml:2:") && text.contains("transport 'bluetooth'"), "\(text)")
            #expect(text.contains("bad.yaml:3:") && text.contains("baud 9601"), "\(text)")
            #expect(text.contains("bad.yaml:4:") && text.contains("terminator 'tab'"), "\(text)")
            #expect(text.contains("bad.yaml:5:") && text.contains("max_length"), "\(text)")
            #expect(text.contains("colour"), "\(text)")
        }
    }
}
