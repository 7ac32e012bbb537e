// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A USB-HID QR scanner through libevdev with an exclusive grab, in a QEMU guest (this host
/// has no /dev/uinput): `zizhu qr sim --uinput` types codes as a uinput keyboard, `zizhu qr
/// listen --profile hid --verify-demo` finds the device by name, grabs it and reads two codes
/// (Shift for capitals and symbols) — the e-ID one identifies 演示用户 as the demo platform
/// verifies it —, a second program cannot take it, nothing reaches a plain reader of the
/// node, and pulling the device out ends the listen (Tests/EndToEndTests/VM/qr-hid-vm.sh).
extension USBReaderVMTests {
    @Test func qrCodesAreReadFromAGrabbedKeyboardAndNothingLeaks() async throws {
        let console = try await USBReaderVMTests.guest("qr-hid-vm.sh", label: "qr-hid-vm")
        func events(_ prefix: String) -> [[String: String]] {
            console.split(whereSeparator: \.isNewline).compactMap { line -> [String: String]? in
                guard let start = line.range(of: prefix + ": {") else { return nil }
                let json = "{" + line[start.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String]
            }
        }
        let listened = events("QR")
        #expect(listened.map { $0["event"] ?? "" } == ["listening", "code", "identified", "code", "not_identified", "exit"],
                "\(console.suffix(3000))")
        // The scanned e-ID code names its holder as the demo platform verifies it (masked).
        #expect(listened.first { $0["event"] == "identified" }?["id"] == "4401**********0019")
        #expect(listened.first { $0["event"] == "not_identified" }?["check"] == "unknown")
        #expect(listened.first?["transport"]?.contains("\"Zizhu QR Scanner (HID)\" (grabbed)") == true)
        #expect(listened.dropFirst().first?["code"] == "ZZEI…(39 chars)")
        // Capitals and shifted symbols come through as typed (a wrong Shift would garble it).
        #expect(listened.dropFirst(3).first?["code"] == "Hell…(16 chars)" && listened.last?["status"] == "0")
        let second = events("QR2")
        #expect(second.first?["event"] == "not_connected" && second.first?["reason"]?.contains("held by another program") == true,
                "\(second)")
        #expect(console.contains("LEAK: 0"), "a grabbed scanner's keys reached another reader:\n\(console.suffix(2000))")
        let unplugged = events("QR3")
        #expect(unplugged.map { $0["event"] ?? "" } == ["listening", "unplugged", "exit"] && unplugged.last?["status"] == "1", "\(unplugged)")
        #expect(!console.contains("440106198806150019"), "a code was printed whole")
    }
}
