// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import IDCardReader
import Logging
import ZizhuCore
import ZizhuKiosk
import ZizhuOutbox
import ZizhuResources

/// `zizhu diagnose [--json]`: every technician check, for remote support.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Check every part of the kiosk: reader, printer, network, outbox, catalogue, disk, versions, recent errors.",
        discussion: """
            Exits 0 when every part a journey needs works (warnings included), 1 when something \
            is unhealthy. While the kiosk runs, the reader is reported by the kiosk itself \
            (run/kiosk.json) rather than opened a second time. No personal data is printed.
            """)

    @OptionGroup var kiosk: KioskConfigOption

    @Flag(help: "Print JSON (the same report the technician screens show).")
    var json = false

    @Option(help: "Seconds to wait for the reader and the platform.")
    var timeout: Int = 5

    func run() async throws {
        let (paths, resources) = try kiosk.load()
        var inputs = KioskDiagnostics.Inputs(paths: paths, config: resources.config)
        let running = KioskStatusFile.running(home: paths.home)
        inputs.reader = await readerInfo(resources.config, paths: paths, running: running)
        let server = running?.printerServer ?? resources.config.printerServer
        let link = ReceiptPrinterLink.cups(server: server, queue: running?.printerQueue ?? resources.config.printerQueue)
        inputs.printer = link
        let logger = Logger(label: "zizhu.diagnose") { _ in SwiftLogNoOpLogHandler() }
        do {
            let enrolment = Enrolment.load(home: paths.home)
            let outbox = try Outbox(home: paths.home, kioskID: enrolment?.kioskID ?? resources.config.kioskID)
            inputs.outbox = outbox
            if let enrolment {
                inputs.worker = PlatformClient(outbox: outbox, enrolment: enrolment, home: paths.home, logger: logger,
                                           requestTimeoutSeconds: Int64(max(1, timeout)))
            }
        } catch {
            inputs.outboxProblem = "\(error)"
        }
        let keeper = CatalogueKeeper(shipped: resources.catalogueFolder, home: paths.home)
        inputs.catalogue = keeper.load()
        inputs.catalogueVersion = keeper.installedLabel
        let report = await KioskDiagnostics.collect(inputs)
        await link.shutdown()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(JSONReport(report, config: resources.configFile.path, catalogue: keeper.folder.path)), as: UTF8.self))
        } else {
            print(Self.text(report))
        }
        if !report.healthy { throw ExitCode(1) }
    }

    /// The reader: as the running kiosk last saw it, else opened here for a health check.
    func readerInfo(_ config: KioskConfig, paths: KioskPaths, running: KioskStatusFile?) async -> ReaderInfo? {
        if let running {
            if var info = running.reader {
                info.transport += " (reported by the running kiosk, pid \(running.pid))"
                return info
            }
            if config.readerProfile == nil { return nil }
            return ReaderInfo(transport: "held by the running kiosk (pid \(running.pid))", connected: false,
                              lastError: "the kiosk has not reported its reader yet")
        }
        guard let name = config.readerProfile else { return nil }
        do {
            let profile = try ReaderProfiles.load(name: name, shareRoot: paths.shareRoot)
            let session = ReaderSession(describe: profile.describe(port: config.readerPort), reconnectInterval: Double(max(1, timeout)),
                                        logger: Logger(label: "zizhu.reader") { _ in SwiftLogNoOpLogHandler() },
                                        connector: profile.connector(port: config.readerPort))
            await session.start()
            let info = await session.currentInfo
            await session.shutdown()
            return info
        } catch {
            return ReaderInfo(transport: "profile \(name)", connected: false, lastError: "\(error)")
        }
    }

    static func text(_ report: DiagnosticReport) -> String {
        var lines = ["zizhu diagnose: kiosk \(report.kioskID) at \(report.takenAt): "
                     + (report.healthy ? (report.status == .warning ? "healthy, with warnings" : "healthy") : "UNHEALTHY")]
        for check in report.checks {
            lines.append("")
            lines.append("\(check.status.mark) \(check.area.rawValue) [\(check.status.rawValue)] \(check.summary.zh) / \(check.summary.en)")
            let width = check.facts.map { $0.label.en.count }.max() ?? 0
            for fact in check.facts {
                lines.append("    " + fact.label.en.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + fact.value)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON form: `healthy`, `status` and the checks.
    struct JSONReport: Encodable {
        var kiosk: String
        var takenAt: String
        var healthy: Bool
        var status: DiagnosticStatus
        var checks: [DiagnosticCheck]
        /// The config file read and the catalogue folder the kiosk runs on (installed from
        /// the platform under the home, else the shipped one).
        var config: String
        var catalogue: String

        init(_ report: DiagnosticReport, config: String, catalogue: String) {
            self.config = config
            self.catalogue = catalogue
            kiosk = report.kioskID
            takenAt = report.takenAt
            healthy = report.healthy
            status = report.status
            checks = report.checks
        }

        enum CodingKeys: String, CodingKey { case kiosk, takenAt = "taken_at", healthy, status, config, catalogue, checks }
    }
}

/// `zizhu technician pin-hash`: the line for kiosk.yaml that stores a technician PIN.
struct TechnicianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "technician",
        abstract: "Technician mode (Shift+F12 on the attract screen, then the PIN).",
        subcommands: [PINHash.self])

    struct PINHash: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pin-hash",
            abstract: "Read a PIN (6 to 12 digits) from standard input and print the kiosk.yaml lines that store it hashed.",
            discussion: "PBKDF2-SHA256 with a random salt. Example: read -rs PIN; printf '%s\\n' \"$PIN\" | zizhu technician pin-hash")

        func run() throws {
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no PIN on standard input") }
            do {
                let stored = try TechnicianLock.hash(line.trimmingCharacters(in: .whitespaces))
                print("technician:\n  pin_hash: \"\(stored.text)\"")
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }
}
