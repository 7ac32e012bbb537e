// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuKiosk
import ZizhuResources

/// `zizhu printer …`: the receipt printer through CUPS.
struct PrinterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printer",
        abstract: "The receipt printer: CUPS state and reasons, a test page, an emulated ESC/POS printer.",
        subcommands: [Status.self, Test.self, Simulate.self])

    /// Which queue on which CUPS.
    struct Options: ParsableArguments {
        @OptionGroup var kiosk: KioskConfigOption

        @Option(help: "The CUPS queue (default: printer.queue in the config).")
        var queue: String?

        @Option(help: "The CUPS server: a socket path or host:port (default: the config, else CUPS_SERVER).")
        var server: String?

        func client() throws -> (CUPSClient, KioskConfig, KioskPaths) {
            let (paths, resources) = try kiosk.load()
            let config = resources.config
            return (CUPSClient(server: server ?? config.printerServer, queue: queue ?? config.printerQueue), config, paths)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the queue's state, reasons and what the kiosk makes of them.",
            discussion: "Exits 0 when receipts can be printed, 1 otherwise.")

        @OptionGroup var options: Options
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (client, _, _) = try options.client()
            let result = await client.status()
            let health: PrinterHealth
            switch result {
            case .success(let status): health = status.health
            case .failure(let error): health = error.health
            }
            if json {
                var object: [String: Any] = ["queue": client.queue, "server": client.server, "health": health.code, "can_print": health.canPrint]
                if case .success(let status) = result {
                    object["state"] = status.state.rawValue
                    object["reasons"] = status.reasons
                    object["message"] = status.message
                    object["accepting_jobs"] = status.acceptingJobs
                }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("queue      \(client.queue) on \(client.server)")
                if case .success(let status) = result {
                    print("state      \(status.state.rawValue)\(status.acceptingJobs ? "" : ", rejecting jobs")")
                    print("reasons    \(status.reasons.joined(separator: ", "))")
                    print("message    \(status.message.isEmpty ? "-" : status.message)")
                }
                print("health     \(health.code)")
                print("citizens   \(health.zh)")
            }
            if !health.canPrint { throw ExitCode(1) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the test page and wait for it to come out.")

        @OptionGroup var options: Options

        func run() async throws {
            let (client, config, paths) = try options.client()
            let output = try SampleReceipts(paths: paths, profileName: config.printerProfile, unifontPath: config.unifontPath,
                                            kioskID: config.kioskID).testPage()
            let outcome = await client.print(output.bytes, title: "test page", timeout: 30)
            switch outcome {
            case .printed(let job): print("printed: job \(job), \(output.bytes.count) bytes")
            case .cancelled(let job, let reasons): print("cancelled: job \(job) did not print in time (\(reasons.joined(separator: ", ")))")
            case .failed(let job, let health, let reasons):
                print("not printed\(job.map { ": job \($0)" } ?? ""): \(health.code) \(reasons.joined(separator: ", "))")
            }
            if !outcome.printed { throw ExitCode(1) }
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim",
            abstract: "An emulated ESC/POS network printer on 127.0.0.1: keeps each job, answers DLE EOT status.",
            discussion: "States (--state, or the first word of --state-file at any time): ok, paper-low, paper-out, runs-out, jam, cover-open.")

        @Option(help: "Port on 127.0.0.1 (0: any free one; printed on start).") var port: UInt16 = 0
        @Option(help: "Folder for the received jobs (job-NNNN.bin).") var out: String
        @Option(help: "The state to start in.") var state: String = "ok"
        @Option(help: "A file whose first word sets the state while running.") var stateFile: String?
        @Option(help: "Exit when this process is gone.") var parent: Int32?

        func run() throws {
            guard let initial = PrinterSimulator.State(rawValue: state) else {
                throw ValidationError("unknown state \(state) (\(PrinterSimulator.State.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let simulator = PrinterSimulator(outputFolder: URL(fileURLWithPath: out), state: initial,
                                             stateFile: stateFile.map { URL(fileURLWithPath: $0) })
            let actual = try simulator.start(port: port)
            print("printer simulator listening on 127.0.0.1:\(actual)")
            fflush(nil)
            let sources = SimulatorStop.watchSignals()
            while !SimulatorStop.requested(parent: parent) { usleep(100_000) }
            sources.forEach { $0.cancel() }
            simulator.stop()
        }
    }
}

/// `zizhu receipt …`: receipts without a printer.
struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Render receipts: the exact ESC/POS bytes, and a text preview.",
        subcommands: [Render.self, Print.self])

    /// Which sample document `--document` names.
    static func sample(_ name: String) throws -> ReceiptSample {
        guard let sample = ReceiptSample(rawValue: name) else {
            throw ValidationError("unknown document \(name) (\(ReceiptSample.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return sample
    }

    /// The templates, a printer profile and the glyph font, as the kiosk loads them.
    static func samples(paths: KioskPaths, profile: String? = nil) throws -> SampleReceipts {
        let config = try KioskResources.load(paths: paths, configPath: nil).config
        return try SampleReceipts(paths: paths, profileName: profile ?? config.printerProfile,
                                  unifontPath: config.unifontPath, kioskID: config.kioskID)
    }

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a sample document through CUPS and wait for it (exit 0 when it printed).")

        @Flag(help: "Use the sample data (fake citizen).") var sample = false
        @Option(help: "acceptance, queue-ticket, proof or test-page.") var document = "acceptance"
        @OptionGroup var options: PrinterCommand.Options

        func run() async throws {
            guard sample else { throw ValidationError("only --sample is available") }
            let (client, config, paths) = try options.client()
            let samples = try SampleReceipts(paths: paths, profileName: config.printerProfile, unifontPath: config.unifontPath,
                                             kioskID: config.kioskID)
            let output = samples.render(try ReceiptCommand.sample(document), language: .zhHans)
            let outcome = await client.print(output.bytes, title: "sample \(document)")
            switch outcome {
            case .printed(let job): print("printed: job \(job), \(output.bytes.count) bytes")
            case .cancelled(let job, _): print("cancelled: job \(job) did not print in time")
            case .failed(_, let health, _): print("not printed: \(health.code)\n\(health.zh)")
            }
            if !outcome.printed { throw ExitCode(1) }
        }
    }

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a sample document: bytes to --out (or stdout), a preview on stderr with --preview.")

        @Flag(help: "Use the sample data (fake citizen).") var sample = false
        @Option(help: "acceptance, queue-ticket, proof or test-page.") var document = "acceptance"
        @Option(help: "Paper width: 58 or 80 (mm).") var width = 80
        @Option(help: "zh-Hans or en.") var language = "zh-Hans"
        @Option(help: "Write the bytes here instead of standard output.") var out: String?
        @Flag(help: "Print a text preview of the layout (to standard error, or standard output with --out).") var preview = false
        @Option(help: "Also draw the receipt as a PNG picture here (Unifont glyphs, the real QR code).") var png: String?

        func run() throws {
            guard sample else { throw ValidationError("only --sample is available: real documents come from the kiosk's journeys") }
            guard width == 58 || width == 80 else { throw ValidationError("--width is 58 or 80") }
            guard let language = Language(rawValue: self.language) else { throw ValidationError("--language is zh-Hans or en") }
            let samples = try ReceiptCommand.samples(paths: KioskPaths.resolve(), profile: "\(width)mm")
            let sample = try ReceiptCommand.sample(document)
            let output = samples.render(sample, language: language)
            let profile = samples.profile
            if let png {
                guard let bytes = samples.png(sample, language: language) else {
                    throw ValidationError("cannot draw the PNG (is GNU Unifont installed? apt-get install unifont)")
                }
                try Data(bytes).write(to: URL(fileURLWithPath: png))
            }
            let text = output.preview(columns: profile.columns) + (output.rasterLines.isEmpty ? "" : "\n(printed as images: \(output.rasterLines.joined(separator: "; ")))")
            if let out {
                try Data(output.bytes).write(to: URL(fileURLWithPath: out))
                if preview { print(text) }
            } else {
                if preview { FileHandle.standardError.write(Data((text + "\n").utf8)) }
                FileHandle.standardOutput.write(Data(output.bytes))
            }
        }
    }
}
