// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import SocialSecurityCard
import ZizhuKiosk
import ZizhuProcess

/// `zizhu diagnose` through the real binary: the reader simulator on a pty, a private
/// cupsd with the emulated printer, a local `zizhu-central` — healthy, then each fault.
@Suite("zizhu diagnose against real devices and a real platform", .serialized)
struct DiagnoseTests {
    struct Report: Decodable {
        struct Check: Decodable {
            struct Fact: Decodable {
                struct Label: Decodable { var en: String }
                var label: Label
                var value: String
            }
            var area: String
            var status: String
            var facts: [Fact]
            func fact(_ label: String) -> String? { facts.first { $0.label.en == label }?.value }
        }
        var healthy: Bool
        var checks: [Check]
        func check(_ area: String) -> Check? { checks.first { $0.area == area } }
    }

    @Test func healthyThenPaperOutThenNoPlatformThenNoReader() async throws {
        // The reader simulator on a pty as a serial reader, a private cupsd, a local platform.
        let rig = try await ProductionRig(qrScanner: true)
        defer { rig.stop() }
        let (printer, central, simulator, link) = (rig.printer, rig.central, rig.simulator, rig.link)
        #expect(await waitForFile(URL(fileURLWithPath: link)) != nil || FileManager.default.fileExists(atPath: link))
        // The 社保卡 reader (kiosk.yaml configures one): pcscd with the vsmartcard reader, a card in it.
        let scratch = rig.scratch.appendingPathComponent("sscard")
        let devices = Built.repository.appendingPathComponent("Devices")
        let cards = try await ChildProcess.detached { try SmartCardEmulation(folder: scratch, devices: devices) }
        defer { Thread { cards.stop() }.start() }   // only for a test that throws; stopped below
        let card = try #require(try SmartCardEmulation.cards(from: devices.appendingPathComponent("simulator/demo-sscards.yaml")).first)
        try await cards.inserting(card)

        func diagnose(_ extra: [String] = ["--json"]) async throws -> Run {
            try await printer.zizhu(["diagnose", "--timeout", "3"] + extra, environment: cards.environment)
        }
        let healthy = try await diagnose()
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(healthy.stdout.utf8))
        #expect(report.healthy)
        #expect(report.checks.map(\.area) == ["reader", "printer", "network", "outbox", "catalogue", "disk", "versions", "errors"])
        #expect(report.check("reader")?.status == "ok" && report.check("reader")?.fact("SAM ID") == "05.01-20200101-0000000001-0000000002",
                "\(healthy.stdout)")
        #expect(report.check("reader")?.fact("SSCard reader") == "Zizhu SSCard 00 00 (有卡 / card in)", "\(healthy.stdout)")
        let qrLine = rig.scratch.appendingPathComponent("qr-line").path
        #expect(report.check("reader")?.fact("QR scanner") == "serial: serial \(qrLine) 9600 8N1", "\(healthy.stdout)")
        #expect(report.check("printer")?.status == "ok" && report.check("printer")?.fact("Health") == "ready", "\(printer.cups.report())")
        let network = try #require(report.check("network"))
        #expect(network.status == "ok" && network.fact("Platform") == central.url, "\(healthy.stdout)")
        // Same machine, same clock: the offset is well under a second.
        let offset = Double(network.fact("Clock offset")?.split(separator: " ").first ?? "") ?? 99
        #expect(abs(offset) < 1.0, "\(network.facts)")
        #expect(report.check("outbox")?.status == "ok" && report.check("catalogue")?.fact("Services") == "33")

        // Paper runs out: unhealthy, exit 1, the printer says why.
        try "paper-out".write(to: printer.stateFile, atomically: true, encoding: .utf8)
        let paperOut = try await diagnose([])
        #expect(paperOut.status == 1, "\(paperOut.stdout)\(paperOut.stderr)")
        #expect(paperOut.stdout.contains("✗ printer [failed] 缺纸：请换纸 / Out of paper: refill it"), "\(paperOut.stdout)")
        #expect(paperOut.stdout.contains("UNHEALTHY"))
        try "ok".write(to: printer.stateFile, atomically: true, encoding: .utf8)

        // cupsd crashes: the technician is told the printer service is down, not the printer.
        printer.cups.signal(SIGKILL)
        let died = ContinuousClock.now + .seconds(5)
        while printer.cups.isRunning && ContinuousClock.now < died { try await Task.sleep(for: .milliseconds(10)) }
        let cupsDown = try await diagnose([])
        #expect(cupsDown.status == 1 && cupsDown.stdout.contains("✗ printer [failed] 打印服务（CUPS）未响应")
                && cupsDown.stdout.contains("printer service down (CUPS)"), "\(cupsDown.stdout)\n\(printer.cups.report())")
        // Back (as systemd restarts it): ready again, nothing to do at the kiosk.
        try await printer.cups.start()
        let back = try JSONDecoder().decode(Report.self, from: Data(try await diagnose().stdout.utf8))
        #expect(back.check("printer")?.status == "ok", "\(printer.cups.report())")

        // pcscd stops: a warning that names it; citizens still have the ID card, so still healthy.
        await cards.shutdown()
        let noPcscd = try await diagnose()
        #expect(noPcscd.status == 0, "\(noPcscd.stdout)")
        let warned = try JSONDecoder().decode(Report.self, from: Data(noPcscd.stdout.utf8))
        #expect(warned.check("reader")?.status == "warning" && warned.check("reader")?.fact("SSCard reader")?.contains("pcscd unavailable") == true,
                "\(noPcscd.stdout)")
        // The QR scanner's cable pulled: a warning that names the port; still healthy.
        try rig.scan("unplug")
        let gone = ContinuousClock.now + .seconds(10)
        while FileManager.default.fileExists(atPath: qrLine) && ContinuousClock.now < gone { try await Task.sleep(for: .milliseconds(50)) }
        let noScanner = try await diagnose()
        #expect(noScanner.status == 0, "\(noScanner.stdout)")
        let scannerWarned = try JSONDecoder().decode(Report.self, from: Data(noScanner.stdout.utf8))
        #expect(scannerWarned.check("reader")?.fact("QR scanner fault")?.contains("not connected: \(qrLine)") == true, "\(noScanner.stdout)")

        // The platform goes away: the network check fails, the rest still answers.
        ChildProcess.stop(central.pid, signal: SIGKILL, grace: 5)
        let offline = try await diagnose()
        #expect(offline.status == 1)
        let without = try JSONDecoder().decode(Report.self, from: Data(offline.stdout.utf8))
        #expect(without.check("network")?.status == "failed" && without.check("outbox")?.status == "ok", "\(offline.stdout)")

        // The reader is unplugged (the simulator stops): the reader check fails with its error.
        ChildProcess.stop(simulator)
        let unplugged = try await diagnose()
        let noReader = try JSONDecoder().decode(Report.self, from: Data(unplugged.stdout.utf8))
        #expect(noReader.check("reader")?.status == "failed" && noReader.check("reader")?.fact("Last error") != "-", "\(unplugged.stdout)")
        // Nothing personal in any report.
        for run in [healthy, paperOut, offline, unplugged] {
            #expect(!run.stdout.contains("11010519491231002X") && !run.stdout.contains("440106198806150019"))
        }
    }
}
