// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import Testing
import ZizhuKiosk
import ZizhuProcess

/// `zizhu receipt print|render` and `zizhu printer status` through the real binary, a
/// private cupsd and the emulated printer process (`zizhu printer sim`).
@Suite("zizhu printer and receipt commands against a real cupsd", .serialized)
struct PrinterCommandTests {
    final class Rig {
        let folder = Built.temporaryDirectory("printer-cli")
        let cups: PrivateCUPS
        let printer: pid_t
        let jobs: URL
        let stateFile: URL

        init() async throws {
            jobs = folder.appendingPathComponent("jobs")
            stateFile = folder.appendingPathComponent("state")
            try "ok".write(to: stateFile, atomically: true, encoding: .utf8)
            let out = folder.appendingPathComponent("sim.out")
            printer = try ChildProcess.spawn([Built.zizhu, "printer", "sim", "--out", jobs.path, "--state-file", stateFile.path],
                                             environment: ["PATH": "/usr/bin:/bin"],
                                             stdio: .files(stdout: out.path, stderr: folder.appendingPathComponent("sim.err").path))
            var port: String?
            for _ in 0..<500 where port == nil {
                port = (try? String(contentsOf: out, encoding: .utf8))?.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines)
                if port?.isEmpty == true { port = nil }
                usleep(10_000)
            }
            cups = try PrivateCUPS(backends: ["escposnet": Built.repository.appendingPathComponent("Devices/cups/escposnet").path])
            try await cups.start()
            try await cups.addQueue("zizhu-receipt", uri: "escposnet://127.0.0.1:\(port ?? "0")/")
        }

        func zizhu(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
            try await Run.program(Built.zizhu, arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "CUPS_SERVER": cups.socketPath,
                                                                   "ZIZHU_HOME": folder.appendingPathComponent("home").path].merging(extra) { $1 })
        }

        func stop() {
            cups.stop()
            ChildProcess.stop(printer)
        }
    }

    @Test func theSampleReceiptGoesThroughCUPSByteExact() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        let status = try await rig.zizhu(["printer", "status", "--json"])
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)\n\(rig.cups.report())")
        let printed = try await rig.zizhu(["receipt", "print", "--sample"])
        #expect(printed.status == 0 && printed.stdout.hasPrefix("printed: job"), "\(printed.stdout)\(printed.stderr)\n\(rig.cups.report())")
        let expected = rig.folder.appendingPathComponent("expected.bin")
        let rendered = try await rig.zizhu(["receipt", "render", "--sample", "--width", "80", "--out", expected.path])
        #expect(rendered.status == 0)
        let sent = FileManager.default.contents(atPath: rig.jobs.appendingPathComponent("job-0001.bin").path)
        #expect(sent != nil && sent == FileManager.default.contents(atPath: expected.path), "\(rig.cups.report())")
    }

    /// `zizhu submit` takes the screen's path to paper: stored first, then the 受理回执
    /// through CUPS; a printer fault leaves the application accepted and says so.
    @Test func aHeadlessSubmissionPrintsItsReceiptAfterTheCommit() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        let submitted = try await rig.zizhu(["submit", "--sample"])
        #expect(submitted.status == 0 && submitted.stdout.contains("receipt: printed"), "\(submitted.stdout)\(submitted.stderr)\n\(rig.cups.report())")
        let number = try #require(submitted.stdout.split(separator: " ").first { $0.hasPrefix("ZZ") }.map(String.init))
        let job = FileManager.default.contents(atPath: rig.jobs.appendingPathComponent("job-0001.bin").path) ?? Data()
        #expect(Array(job).firstRange(of: Array(number.utf8)) != nil, "the receipt carries \(number)")
        #expect(Array(job).firstRange(of: Array("440106198806150019".utf8)) == nil, "the full ID number never reaches paper")
        // Paper out: the application is still accepted; the receipt is not, and the output says why.
        try "paper-out".write(to: rig.stateFile, atomically: true, encoding: .utf8)
        let unprinted = try await rig.zizhu(["submit", "--sample"])
        #expect(unprinted.status == 0 && unprinted.stdout.contains("已受理") && unprinted.stdout.contains("receipt: not printed"),
                "\(unprinted.stdout)\(unprinted.stderr)")
        let never = try await rig.zizhu(["submit", "--sample", "--receipt", "never"])
        #expect(never.stdout.contains("receipt: not printed (--receipt never)"))
        let queue = try await rig.zizhu(["queue", "list"])
        #expect(queue.stdout.split(separator: "\n").count == 3, "three applications stored: \(queue.stdout)")
    }

    @Test func paperOutIsReportedInWordsForTheCitizen() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        try "paper-out".write(to: rig.stateFile, atomically: true, encoding: .utf8)
        let printed = try await rig.zizhu(["receipt", "print", "--sample"])
        #expect(printed.status == 1)
        #expect(printed.stdout.contains("paper-out") && printed.stdout.contains("打印机缺纸，暂不能打印回执"), "\(printed.stdout)\n\(rig.cups.report())")
        let status = try await rig.zizhu(["printer", "status"])
        #expect(status.status == 1 && status.stdout.contains("media-empty-error"))
        #expect(!FileManager.default.fileExists(atPath: rig.jobs.appendingPathComponent("job-0001.bin").path))
    }

    @Test func renderPrintsAPreviewThatFitsThePaper() async throws {
        let run = try await Run.program(Built.zizhu, ["receipt", "render", "--sample", "--width", "58", "--out", "/dev/null", "--preview"],
                                  environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first.map(String.init) == "+" + String(repeating: "-", count: 32) + "+")
        #expect(run.stdout.contains("受理编号：ZZ20261122-0193-4F2A"))
        let bad = try await Run.program(Built.zizhu, ["receipt", "render", "--sample", "--width", "70"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(bad.status != 0 && bad.stderr.contains("58 or 80"))
    }
}

/// The picture a person looks at: drawn from the same layout, and its QR code scans.
@Suite("Receipt pictures")
struct ReceiptPictureTests {
    @Test(arguments: ["80", "58"])
    func thePNGShowsTheReceiptAndItsQRCodeScans(_ width: String) async throws {
        let folder = Built.temporaryDirectory("receipt-png")
        let png = folder.appendingPathComponent("receipt-\(width).png")
        let run = try await Run.program(Built.zizhu, ["receipt", "render", "--sample", "--width", width, "--out", "/dev/null", "--png", png.path],
                                  environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(run.status == 0, "\(run.stderr)")
        let data = try #require(FileManager.default.contents(atPath: png.path))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // IHDR width: the printer's dots.
        let pngWidth = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(pngWidth == (width == "80" ? 576 : 384))
        let scan = try await Run.program("/usr/bin/zbarimg", ["--raw", "-q", png.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(scan.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "https://zwfw.example.gov.cn/p/ZZ20261122-0193-4F2A")
    }
}
