// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Testing
import ZizhuProcess

/// `zizhu scanner list|scan` and the scanner in `zizhu diagnose`, through the real binary and
/// the real libsane, with SANE's test backend configured in a folder of the test's own.
@Suite("Document scanner through SANE (zizhu scanner, zizhu diagnose)", .serialized)
struct DocumentScannerCommandTests {
    static func zizhu(_ arguments: [String], sane: SaneTestBackend?, home: URL) async throws -> Run {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "ZIZHU_HOME": home.path]
        if let sane { environment.merge(sane.environment) { $1 } }
        return try await Run.program(Built.zizhu, arguments, environment: environment)
    }

    @Test func listScanAndEachFaultSaidPlainly() async throws {
        let scratch = Built.temporaryDirectory("scanner-command")
        let sane = try SaneTestBackend(folder: scratch.appendingPathComponent("sane"))
        let home = scratch.appendingPathComponent("home")
        let listed = try await Self.zizhu(["scanner", "list", "--json"], sane: sane, home: home)
        #expect(listed.status == 0, "\(listed.stdout)\(listed.stderr)")
        let devices = try JSONDecoder().decode([SaneScanners.Device].self, from: Data(listed.stdout.utf8))
        #expect(devices.map(\.name) == ["test:0", "test:1"])

        // A page: its size, the gate's verdict, the WebP written, a preview drawn.
        let output = scratch.appendingPathComponent("page.webp")
        let scanned = try await Self.zizhu(["scanner", "scan", "--profile", "demo", "--output", output.path, "--preview"], sane: sane, home: home)
        #expect(scanned.status == 0, "\(scanned.stdout)\(scanned.stderr)")
        #expect(scanned.stdout.contains("page: 1240×17") && scanned.stdout.contains("at 150 dpi") && scanned.stdout.contains("quality: ok"),
                "\(scanned.stdout)")
        #expect(scanned.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "no preview drawn: \(scanned.stdout)")
        let webp = try #require(FileManager.default.contents(atPath: output.path))
        let page = try #require(PageCodec.page(fromWebP: Array(webp)))
        #expect(page.width == 1240 && PageQuality.check(page).problems.isEmpty)

        // The wrong side up: sent back with what to fix (status 2).
        try sane.load(.white)
        let blank = try await Self.zizhu(["scanner", "scan", "--profile", "demo", "--json"], sane: sane, home: home)
        #expect(blank.status == 2 && blank.stdout.contains("\"problems\":\"blank\""), "\(blank.stdout)\(blank.stderr)")

        // The device's faults: status 1, in the citizen's words and SANE's.
        for (outcome, words) in [(SaneTestBackend.Outcome.noPaper, "没有检测到纸张"), (.jammed, "卡纸"), (.unplugged, "扫描中断")] {
            try sane.load(.grid, then: outcome)
            let failed = try await Self.zizhu(["scanner", "scan", "--profile", "demo"], sane: sane, home: home)
            #expect(failed.status == 1 && failed.stdout.contains(words) && failed.stdout.contains("scan failed"), "\(outcome): \(failed.stdout)")
        }

        // No scanner at all (SANE has no backend for it): said, status 1.
        try "".write(to: sane.folder.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        let none = try await Self.zizhu(["scanner", "list"], sane: sane, home: home)
        #expect(none.status == 1 && none.stdout.contains("no scanner"), "\(none.stdout)")
        let cannot = try await Self.zizhu(["scanner", "scan", "--profile", "demo"], sane: sane, home: home)
        #expect(cannot.status == 1 && cannot.stdout.contains("no scanner 'test'"), "\(cannot.stdout)")
        // A profile that does not parse: its place, status 78.
        let bad = try await Self.zizhu(["scanner", "scan", "--profile", "nonesuch"], sane: sane, home: home)
        #expect(bad.status != 0 && (bad.stdout + bad.stderr).contains("Devices/scanners/"), "\(bad.stdout)\(bad.stderr)")
    }

    @Test func diagnoseNamesTheScannerAndWarnsWhenItIsGone() async throws {
        let rig = try await ProductionRig(socialSecurityCard: false, documentScanner: true)
        defer { rig.stop() }
        let sane = try #require(rig.documentScanner)
        let healthy = try await rig.printer.zizhu(["diagnose", "--timeout", "3", "--json"], environment: sane.environment)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        let report = try JSONDecoder().decode(DiagnoseTests.Report.self, from: Data(healthy.stdout.utf8))
        #expect(report.check("reader")?.fact("Document scanner") == "demo: test:0 (Noname frontend-tester)", "\(healthy.stdout)")
        #expect(report.check("reader")?.fact("Scanner fault") == nil)

        try "".write(to: sane.folder.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        let gone = try await rig.printer.zizhu(["diagnose", "--timeout", "3", "--json"], environment: sane.environment)
        #expect(gone.status == 0, "a missing scanner is a warning, paper can go to a counter: \(gone.stdout)")
        let warned = try JSONDecoder().decode(DiagnoseTests.Report.self, from: Data(gone.stdout.utf8))
        #expect(warned.check("reader")?.status == "warning", "\(gone.stdout)")
        #expect(warned.check("reader")?.fact("Scanner fault")?.contains("no scanner 'test': SANE lists no scanner") == true, "\(gone.stdout)")
    }
}
