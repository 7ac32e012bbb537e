// SPDX-License-Identifier: Apache-2.0
import CLibEvdev
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
        // Events lost mid-scan: given up at once, so the next scan is not swallowed.
        #expect(assembler.feed(Array("HALF".utf8)).isEmpty)
        #expect(assembler.abandon("dropped") == [.garbled("dropped")] && assembler.abandon("dropped").isEmpty)
        #expect(assembler.feed(Array("NEXT\r".utf8)) == [.code("NEXT")])
    }

    /// The key map against the kernel's own key codes (`<linux/input-event-codes.h>`), not
    /// against itself: a HID scanner types what a US keyboard would.
    @Test func theKeyboardLayoutIsTheKernelsUSLayout() {
        #expect(KeyboardLayout.byte(for: UInt16(KEY_A), shift: false) == UInt8(ascii: "a"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_A), shift: true) == UInt8(ascii: "A"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_1), shift: true) == UInt8(ascii: "!"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_0), shift: false) == UInt8(ascii: "0"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_SLASH), shift: true) == UInt8(ascii: "?"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_DOT), shift: false) == UInt8(ascii: "."))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_MINUS), shift: true) == UInt8(ascii: "_"))
        #expect(KeyboardLayout.byte(for: UInt16(KEY_ENTER), shift: false) == 0x0D && KeyboardLayout.byte(for: UInt16(KEY_KPENTER), shift: false) == 0x0D)
        #expect(KeyboardLayout.byte(for: UInt16(KEY_F1), shift: false) == nil)
        #expect(KeyboardLayout.leftShift == UInt16(KEY_LEFTSHIFT) && KeyboardLayout.rightShift == UInt16(KEY_RIGHTSHIFT))
        // Every printable ASCII character can be typed, and typing it reads back as itself.
        for byte in UInt8(0x20)...UInt8(0x7E) {
            let character = Character(Unicode.Scalar(byte))
            guard let key = KeyboardLayout.key(for: character) else {
                Issue.record("\(character) cannot be typed")
                continue
            }
            #expect(KeyboardLayout.byte(for: key.code, shift: key.shift) == byte, "\(character)")
        }
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
