// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import DocumentCapture
import Foundation
import ZizhuCore
import ZizhuResources

/// `zizhu scanner list|scan`: the document scanner for technicians, through SANE.
struct DocumentScannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scanner", abstract: "The document scanner for paper materials (SANE): list scanners, scan a page.",
        subcommands: [List.self, Scan.self, Simulate.self])

    static func profile(_ name: String) throws -> DocumentScannerProfile {
        let url = KioskPaths.resolve().shareRoot.appendingPathComponent("Devices/scanners/\(name).yaml")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ValidationError("no scanner profile \(url.path) (profiles are in Devices/scanners/)")
        }
        do {
            return try DocumentScannerProfile.parse(text, file: url.path)
        } catch {
            FileHandle.standardError.write(Data("zizhu: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    static let pictures: [String: SaneTestBackend.Picture] = ["grid": .grid, "white": .white, "black": .black, "pattern": .pattern]
    static let outcomes: [String: SaneTestBackend.Outcome] = ["scans": .scans, "no-paper": .noPaper, "jammed": .jammed,
                                                              "cover-open": .coverOpen, "unplugged": .unplugged, "busy": .busy]

    /// `zizhu scanner sim`: what the demo kiosk's scanner (SANE's test backend, configured in
    /// $ZIZHU_HOME/sane) gives at its next scan.
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim", abstract: "Set what the demo kiosk's scanner gives next: a page (grid, white, black, pattern) or a fault.",
            discussion: "Writes $ZIZHU_HOME/sane/test.conf, which SANE's test backend reads at every scan.")
        @Option(help: "What the next page shows: grid, white (a page the wrong side up), black, pattern.") var picture = "grid"
        @Option(help: "How the next scan ends: scans, no-paper, jammed, cover-open, unplugged, busy.") var outcome = "scans"

        func run() throws {
            guard let picture = DocumentScannerCommand.pictures[picture] else {
                throw ValidationError("--picture is one of \(DocumentScannerCommand.pictures.keys.sorted().joined(separator: ", "))")
            }
            guard let outcome = DocumentScannerCommand.outcomes[outcome] else {
                throw ValidationError("--outcome is one of \(DocumentScannerCommand.outcomes.keys.sorted().joined(separator: ", "))")
            }
            let folder = KioskPaths.resolve().home.appendingPathComponent("sane")
            try SaneTestBackend(folder: folder).load(picture, then: outcome)
            print("the demo scanner's next scan: \(picture.rawValue), \(outcome.rawValue) (\(folder.path)/test.conf)")
        }
    }

    /// `--demo`: SANE's test backend in a folder of its own, showing `picture` and ending as `outcome`.
    struct Demo: ParsableArguments {
        @Flag(help: "Use SANE's test backend (no scanner needed), in a temporary config folder.") var demo = false
        @Option(help: "With --demo, what the page shows: grid, white, black, pattern.") var picture = "grid"
        @Option(help: "With --demo, how the scan ends: scans, no-paper, jammed, cover-open, unplugged, busy.") var outcome = "scans"

        func activate() throws {
            guard demo else { return }
            let (pictures, outcomes) = (DocumentScannerCommand.pictures, DocumentScannerCommand.outcomes)
            guard let picture = pictures[picture] else { throw ValidationError("--picture is one of \(pictures.keys.sorted().joined(separator: ", "))") }
            guard let outcome = outcomes[outcome] else { throw ValidationError("--outcome is one of \(outcomes.keys.sorted().joined(separator: ", "))") }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-sane-demo-\(getpid())")
            let backend = try SaneTestBackend(folder: folder)
            try backend.load(picture, then: outcome)
            backend.activate()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The scanners SANE finds (local ones) and the document cameras (V4L2).",
                                                        discussion: "Exit status: 0 with at least one scanner or camera, 1 with none.")
        @OptionGroup var demo: Demo
        @Flag(help: "One JSON array.") var json = false

        func run() throws {
            try demo.activate()
            var devices: [SaneScanners.Device]
            do {
                devices = try SaneScanners.list()
            } catch {
                if !json { print("no SANE scanner: \(error)") }
                devices = []
            }
            // Document cameras, in the same shape: the device path, its driver and card, type "camera".
            devices += DocumentCameras.list().map { SaneScanners.Device(name: $0.path, vendor: $0.driver, model: $0.name, type: "camera") }
            if json {
                let data = try JSONEncoder().encode(devices)
                print(String(decoding: data, as: UTF8.self))
            } else {
                if devices.isEmpty { print("no scanner: SANE lists none (unplugged, or no backend for it in dll.conf), and no camera") }
                for device in devices { print("\(device.name)\t\(device.vendor) \(device.model) (\(device.type))") }
            }
            if devices.isEmpty { throw ExitCode(1) }
        }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan one page (or take one from a document camera): its size, the quality gate's verdict, a preview, the WebP if asked.",
            discussion: "Exit status: 0 for a page that passes the gate, 2 for one it sends back, 1 when the scanner fails, 78 for a bad profile.")

        @OptionGroup var demo: Demo
        @Option(help: "A profile in Devices/scanners/ (default: kiosk.yaml's document_scanner.profile, else flatbed-a4; demo with --demo).")
        var profile: String?
        @Option(help: "Write the page here as WebP.") var output: String?
        @Flag(help: "Draw the page in the terminal (braille).") var preview = false
        @Flag(help: "One JSON object.") var json = false

        func run() throws {
            try demo.activate()
            let config = try? KioskResources.load(paths: KioskPaths.resolve(), configPath: nil).config
            let loaded = try DocumentScannerCommand.profile(profile ?? (demo.demo ? "demo" : config?.documentScannerProfile ?? "flatbed-a4"))
            let page: ScannedPage
            do {
                page = try DocumentCapture.capture(loaded)
            } catch {
                if json {
                    print(Self.object(["event": "fault", "fault": error.description, "zh": error.zh, "en": error.en]))
                } else {
                    print("scan failed: \(error)\n  \(error.zh)\n  \(error.en)")
                }
                throw ExitCode(1)
            }
            let report = PageQuality.check(page)
            let webp = try PageCodec.webp(page)
            if let output { try Data(webp).write(to: URL(fileURLWithPath: output), options: .atomic) }
            if json {
                print(Self.object(["event": "page", "width": String(page.width), "height": String(page.height), "dpi": String(page.dpi),
                                   "webp_bytes": String(webp.count), "problems": report.problems.map(\.description).joined(separator: "; "),
                                   "skew": report.skew.map { String(format: "%.2f", $0) } ?? ""]))
            } else {
                print("page: \(page.width)×\(page.height) dots at \(page.dpi) dpi, WebP \(webp.count) bytes"
                      + (report.skew.map { String(format: ", lines at %.1f°", $0) } ?? ""))
                print(report.problems.isEmpty ? "quality: ok" : "quality: " + report.problems.map { "\($0)\n  \($0.zh)\n  \($0.en)" }.joined(separator: "\n"))
                if preview { PagePreview.braille(page, columns: 40, rows: 20).forEach { print($0) } }
            }
            if !report.problems.isEmpty { throw ExitCode(2) }
        }

        static func object(_ fields: [String: String]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
