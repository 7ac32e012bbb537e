// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// The libusb transport against an emulated USB reader: a QEMU guest (software
/// emulation) with `dummy_hcd` and a configfs gadget 0400:C35A whose tty is served by
/// `zizhu reader sim`; `zizhu reader read` reads two cards through libusb, with the reader
/// unplugged and plugged back in between (Tests/EndToEndTests/VM/usb-reader-vm.sh).
/// The device guests take a core each under emulation: one at a time (the power-cut guests
/// run beside them), so the rest of the suite is not starved.
@Suite("Devices in emulated VMs: the ID card reader over libusb, the QR scanner over evdev, the document camera over V4L2; the Debian packages in a fresh root", .serialized)
struct USBReaderVMTests {
    /// Runs a test guest (`Tests/EndToEndTests/VM/SCRIPT ZIZHU REPOSITORY WORK`, at most 300 s)
    /// and returns its console; a guest that did not get to its end is an issue.
    static func guest(_ script: String, label: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let work = Built.temporaryDirectory(label)
        let path = Built.repository.appendingPathComponent("Tests/EndToEndTests/VM/\(script)").path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        let run = try await Run.program("/usr/bin/timeout", ["300", path, Built.zizhu, Built.repository.path, work.path],
                                        environment: environment)
        // Without the console's escape sequences and other control characters: a failure's
        // message goes into the xunit report, which must stay well-formed XML.
        let console = String(String.UnicodeScalarView((run.stdout + run.stderr).unicodeScalars.filter {
            $0 == "\n" || $0 == "\t" || $0.value >= 0x20
        }))
        #expect(console.contains("ZIZHU-VM-DONE"), "the guest did not finish (status \(run.status)):\n\(console.suffix(3000))",
                sourceLocation: sourceLocation)
        return console
    }

    @Test func readsCardsThroughLibUSBAcrossAnUnplug() async throws {
        let console = try await Self.guest("usb-reader-vm.sh", label: "usb-vm")
        let events = console.split(whereSeparator: \.isNewline).compactMap { line -> [String: Any]? in
            guard let start = line.range(of: "READER: ") else { return nil }
            // The serial console ends lines with CR LF.
            let json = line[start.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        }
        // While the reader is away, each read the kiosk tries fails (how many depends on how
        // long the guest takes to plug it back in): one or more in a row count as one here.
        let names = events.compactMap { $0["event"] as? String }.filter { $0 != "waiting" && $0 != "reading" }
            .reduce(into: [String]()) { kept, name in if !(name == "read_failed" && kept.last == name) { kept.append(name) } }
        #expect(names == ["connected", "card_read", "card_removed", "disconnected", "read_failed", "connected", "card_read", "exit"],
                "\(names)\n\(console.suffix(3000))")
        let transports = events.filter { $0["event"] as? String == "connected" }.compactMap { $0["transport"] as? String }
        #expect(transports.count == 2 && transports.allSatisfy { $0.hasPrefix("usb 0400:C35A") && $0.contains("64-byte chunks") })
        #expect(transports.first != transports.last, "the replugged device should be a new USB device number")
        let cards = events.filter { $0["event"] as? String == "card_read" }
        #expect(cards.compactMap { $0["id"] as? String } == ["1101**********002X", "4401**********0019"])
        let failures = events.filter { $0["event"] as? String == "read_failed" }.map { "\($0["reason"] ?? "-")" }
        // A transfer cut off by the unplug ends in NO_DEVICE or, when the host controller tears
        // it down first, IO: the transport reads either as the reader gone (`disconnected`).
        let unplug = events.first { $0["event"] as? String == "disconnected" }?["reason"] as? String ?? ""
        #expect(unplug.contains("LIBUSB_ERROR_NO_DEVICE") || unplug.contains("LIBUSB_ERROR_IO"),
                "the unplug should read as LIBUSB_ERROR_NO_DEVICE or LIBUSB_ERROR_IO, not '\(unplug)'; the failures were: \(failures)")
        #expect(events.last?["status"] as? Int == 0)
        #expect(!console.contains("11010519491231002X"), "an unmasked ID number reached the console")
    }
}
