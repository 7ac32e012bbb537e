// SPDX-License-Identifier: Apache-2.0
import ChineseInput
import DocumentCapture
import Foundation
import IDCardReader
import Logging
import QRScanner
import SocialSecurityCard
import ZizhuOutbox
import ZizhuCore
import ZizhuProcess
import ZizhuResources
import ZizhuTerminal
import ZizhuUI

/// Starts the kiosk: guards, resources, terminal, loop. Returns the exit status.
public enum KioskLauncher {
    @MainActor
    public static func run(demo: Bool, configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        let launched = ContinuousClock.now
        KioskAllocator.configure()
        if let problem = TerminalGuard.check(environment: environment) {
            printError("zizhu: \(problem)")
            return TerminalProblem.exitStatus
        }
        let paths = KioskPaths.resolve(environment: environment)
        let resources: KioskResources
        do {
            try FileManager.default.createDirectory(at: paths.logs, withIntermediateDirectories: true)
            resources = try KioskResources.load(paths: paths, configPath: configPath)
        } catch let error as StartupError {
            printError("zizhu: cannot start:\n\(error)")
            return StartupError.exitStatus
        } catch {
            printError("zizhu: cannot create \(paths.home.path): \(error.localizedDescription)")
            return StartupError.exitStatus
        }
        let sink = LogSink(file: paths.logFile)
        let logger = Logger(label: "zizhu.kiosk") { FileLogHandler(label: $0, sink: sink) }
        // The ID card reader: the simulator in demo mode, the configured profile otherwise.
        var simulator: DemoReader?
        let reader: ReaderSession?
        do {
            let readerLogger = Logger(label: "zizhu.reader") { FileLogHandler(label: $0, sink: sink) }
            if demo {
                let demoReader = try DemoReader(paths: paths, environment: environment)
                simulator = demoReader
                reader = ReaderSession(describe: demoReader.profile.describe(port: demoReader.link), logger: readerLogger) {
                    () throws(TransportError) -> any ReaderTransport in try demoReader.connect()
                }
            } else if let name = resources.config.readerProfile {
                let profile = try ReaderProfiles.load(name: name, shareRoot: paths.shareRoot)
                let port = resources.config.readerPort
                reader = ReaderSession(describe: profile.describe(port: port), logger: readerLogger,
                                       connector: profile.connector(port: port))
            } else {
                reader = nil
            }
        } catch {
            printError("zizhu: cannot start:\n\(error)")
            return StartupError.exitStatus
        }
        defer { simulator?.stop() }
        // The 社保卡 reader (PC/SC), where kiosk.yaml names a profile; the demo emulates one.
        var socialSecurityProfile: SocialSecurityCardProfile?
        var demoCards: DemoSocialSecurityCards?
        if let name = resources.config.socialSecurityCardProfile {
            let url = paths.shareRoot.appendingPathComponent("Devices/sscard/\(name).yaml")
            do {
                socialSecurityProfile = try SocialSecurityCardProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
                if demo { demoCards = try DemoSocialSecurityCards(paths: paths, environment: environment) }
            } catch {
                printError("zizhu: cannot start: the 社保卡 profile \(url.path):\n\(error)")
                return StartupError.exitStatus
            }
        }
        defer { demoCards?.stop() }
        // The e-ID QR scanner, where kiosk.yaml names one; the demo plays a serial one on a
        // pseudo-terminal, driven through $ZIZHU_HOME/qr-scanner-control (`demo 1`, `scan TEXT`).
        let scannerName = resources.config.qrScannerProfile ?? (demo ? "serial" : nil)
        var scannerProfile: ScannerProfile?
        var demoScanner: QRScannerSimulator?
        if let scannerName {
            let url = paths.shareRoot.appendingPathComponent("Devices/qr/\(scannerName).yaml")
            do {
                scannerProfile = try ScannerProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
                if demo { demoScanner = try DemoQRScanner.start(paths: paths, logger: logger) }
            } catch {
                printError("zizhu: cannot start: the QR scanner profile \(url.path):\n\(error)")
                return StartupError.exitStatus
            }
        }
        defer { demoScanner?.unplug() }
        // 扫描纸质材料: the document scanner, where kiosk.yaml names a profile; the demo scans
        // from SANE's test backend, configured under $ZIZHU_HOME/sane (its test.conf says
        // what the next page shows: see SaneTestBackend).
        var scans: ScanDesk?
        if let name = resources.config.documentScannerProfile ?? (demo ? "demo" : nil) {
            let url = paths.shareRoot.appendingPathComponent("Devices/scanners/\(name).yaml")
            do {
                let profile = try DocumentScannerProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
                // The demo's own, whatever SANE_CONFIG_DIR it inherited (a test process may have
                // pointed its own at another test backend): `zizhu scanner sim` writes here.
                if demo { try SaneTestBackend(folder: paths.home.appendingPathComponent("sane")).activate() }
                scans = ScanDesk(profile: profile, logger: Logger(label: "zizhu.scanner") { FileLogHandler(label: $0, sink: sink) })
            } catch {
                printError("zizhu: cannot start: the document scanner profile \(url.path):\n\(error)")
                return StartupError.exitStatus
            }
        }
        let loaded = ContinuousClock.now
        logger.info("starting", metadata: [
            "load_ms": "\(milliseconds(launched.duration(to: loaded)))",
            "kiosk": "\(resources.config.kioskID)", "demo": "\(demo)", "config": "\(resources.configFile.path)",
        ])
        let config = resources.config
        var settings = SessionSettings(
            idleTimeoutSeconds: config.idleTimeoutSeconds, countdownSeconds: config.countdownSeconds,
            defaultLanguage: config.defaultLanguage, minimumWidth: config.minimumWidth,
            minimumHeight: config.minimumHeight, allowsQuit: demo, diagnosticsWithoutPIN: demo, queueCategories: config.queueCategories)
        settings.speaksPrompts = config.speech.enabled
        settings.staffedHours = config.staffedHours
        settings.socialSecurityCardReader = socialSecurityProfile != nil
        settings.identityCodeScanner = scannerProfile != nil
        settings.documentScanner = scans != nil
        let context = ViewContext(strings: resources.strings, siteName: config.siteName, kioskID: config.kioskID)
        let keeper = CatalogueKeeper(shipped: resources.catalogueFolder, home: paths.home)
        let inbox = EventInbox()
        var socialSecurityCards: SocialSecurityCardWatcher?
        if let socialSecurityProfile {
            var prepare: (@Sendable () -> Void)?
            if let demoCards { prepare = { demoCards.start() } }
            socialSecurityCards = SocialSecurityCardWatcher(
                profile: socialSecurityProfile, reader: demo ? nil : config.socialSecurityCardReader, inbox: inbox,
                logger: Logger(label: "zizhu.sscard") { FileLogHandler(label: $0, sink: sink) }, prepare: prepare)
        }
        var identityCodes: IdentityCodeWatcher?
        if let scannerProfile {
            identityCodes = IdentityCodeWatcher(profile: scannerProfile, port: demoScanner?.path ?? config.qrScannerPort, inbox: inbox,
                                                logger: Logger(label: "zizhu.qr") { FileLogHandler(label: $0, sink: sink) })
        }
        // Opened after the first frame: creating or opening the outbox costs fsyncs.
        let services = { () -> KioskServices in
            openServices(paths: paths, config: config, demo: demo, keeper: keeper, inbox: inbox, logger: logger)
        }
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(term: environment["TERM"] ?? "", citizenMode: true)
        } catch {
            printError("zizhu: \(error)")
            return TerminalProblem.exitStatus
        }
        // From here no library may draw on the screen: stderr goes to the log folder.
        let savedStandardError = StandardErrorCapture.redirect(to: paths.logs.appendingPathComponent("stderr.log"))
        let runtime = KioskRuntime(state: AppState(catalogue: .empty, settings: settings), context: context,
                                   terminal: terminal, logger: logger, unifontPath: config.unifontPath, launched: launched,
                                   reader: reader, socialSecurityCards: socialSecurityCards, identityCodes: identityCodes, scans: scans,
                                   printer: demo
                                       ? .demo(home: paths.home, backend: paths.shareRoot.appendingPathComponent("Devices/cups/escposnet").path,
                                               logger: logger)
                                       : .cups(server: config.printerServer, queue: config.printerQueue, logger: logger),
                                   inbox: inbox, statusFile: KioskStatusWriter(home: paths.home),
                                   technician: TechnicianDesk(lock: TechnicianLock(stored: config.technicianPIN, home: paths.home), paths: paths,
                                                              config: config, catalogueVersion: { keeper.installedLabel }),
                                   notifier: SystemdNotifier(environment: environment),
                                   speaker: config.speech.enabled ? Speaker(settings: config.speech) : nil, services: services,
                                   loadCatalogue: { keeper.load() })
        let status = runtime.run()
        terminal.close()
        savedStandardError.map(StandardErrorCapture.restore)
        // Devices get a few seconds to let go (reader, private cupsd, simulator); a device
        // that hangs must not keep a dead kiosk from exiting and being restarted.
        let done = ShutdownFlag()
        Task { @MainActor in
            await runtime.shutdown()
            done.set()
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(3))
        while !done.isSet && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if !done.isSet { logger.warning("devices did not shut down within 3 s; exiting anyway") }
        logger.info("stopped", metadata: ["status": "\(status)"])
        return status
    }

    /// The outbox, the platform desks, the receipt templates and the Chinese input methods.
    /// Each can fail on its own; the kiosk then still guides citizens and says what is missing.
    static func openServices(paths: KioskPaths, config: KioskConfig, demo: Bool, keeper: CatalogueKeeper, inbox: EventInbox,
                             logger: Logger) -> KioskServices {
        var services = KioskServices(helpDesk: HelpDesk(worker: nil, logger: logger))
        let inputFolder = paths.inputMethod
        // Started when a citizen begins a visit and let go when it ends (see KioskRuntime);
        // once started (or not), the log says so and the screen is drawn again.
        func announce<Engine>(_ name: String) -> @Sendable (Result<Engine, any Error>) -> Void {
            { result in
                switch result {
                case .success: logger.info("\(name) input ready")
                case .failure(let problem): logger.warning("\(name) input unavailable: \(problem)")
                }
                inbox.post(.inputMethodReady)
            }
        }
        let pinyin = StartedOnDemand({ try RimePinyin.shared(workFolder: inputFolder) }, whenDone: announce("pinyin"))
        let handwriting = StartedOnDemand({ try ZinniaHandwriting() }, whenDone: announce("handwriting"))
        services.pinyin = pinyin
        services.handwriting = handwriting
        services.inputMethods = [pinyin, handwriting]
        do {
            services.divisions = try KioskResources.loadDivisions(assets: paths.assets)
        } catch {
            logger.error("region codes unavailable, region fields are checked for form only: \(error)")
        }
        if demo {
            do {
                let records = try RecordsSource.demoRecords(file: paths.demoRecords)
                services.records = RecordsSource.demo(records: records)
                services.proofs = ProofDesk.demo(records: records)
                services.appointments = AppointmentDesk.demo(records: records)
                let codes = try KioskResources.readText(paths.shareRoot.appendingPathComponent("Devices/simulator/demo-identity-codes.yaml"))
                let known = try DemoIdentityCodes.parse(codes, file: "demo-identity-codes.yaml")
                services.identityCodes = { DemoIdentityCodes.check($0, in: known, today: CalendarDate.localToday()) }
            } catch {
                logger.error("demo records unavailable: \(error)")
            }
        }
        // The durable outbox: without it the kiosk still guides citizens but accepts nothing.
        do {
            let enrolment = Enrolment.load(home: paths.home)
            let store = try Outbox(home: paths.home, kioskID: enrolment?.kioskID ?? config.kioskID)
            if store.integrity != "ok" { logger.error("outbox integrity check: \(store.integrity)") }
            if let voided = try? store.voidUnconfirmedTickets(), voided > 0 {
                logger.warning("\(voided) ticket number(s) left printing by a crash are void (not reused)")
            }
            // An enrolled kiosk takes catalogue updates from the platform.
            let updates = KioskOutbox.CatalogueUpdates(keeper: keeper, everySeconds: config.catalogueCheckSeconds) { outcome in
                if let catalogue = outcome.catalogue { inbox.post(.catalogueLoaded(catalogue)) }
                if let problem = outcome.problem { inbox.post(.catalogueFailed(problem)) }
            }
            services.outbox = KioskOutbox(outbox: store, enrolment: enrolment, home: paths.home, logger: logger, version: KioskVersion.version,
                                          syncSeconds: config.syncSeconds, catalogue: updates)
            services.progressDesk = ProgressDesk(worker: nil, outbox: store)
            if let enrolment {
                // 呼叫帮办 and progress go to the platform with a short timeout (the citizen is waiting).
                let quick = PlatformClient(outbox: store, enrolment: enrolment, home: paths.home, logger: logger, requestTimeoutSeconds: 5)
                services.helpDesk = HelpDesk(worker: quick, logger: logger)
                services.progressDesk = ProgressDesk(worker: quick, outbox: store)
                // An enrolled production kiosk asks the platform for e-licences and credit.
                if !demo {
                    services.records = RecordsSource.platform(quick)
                    services.proofs = ProofDesk.platform(quick)
                    services.appointments = AppointmentDesk.platform(quick)
                    services.identityCodes = { await quick.identityCode($0) }
                }
            } else {
                logger.info("not enrolled: submissions stay in the outbox until `zizhu enroll`")
            }
        } catch {
            logger.error("outbox unavailable: \(error)")
        }
        // Receipt templates and the printer profile; without them the kiosk still serves
        // (no receipts), and says why in its log.
        do {
            services.receipts = try SampleReceipts(paths: paths, profileName: config.printerProfile, unifontPath: config.unifontPath,
                                                   kioskID: config.kioskID)
        } catch {
            logger.error("receipts unavailable: \(error)")
        }
        return services
    }

    /// The reader simulator a demo kiosk uses as its ID card reader. It is started by the
    /// reader session's first connection attempt (after the first frame, off the UI
    /// thread), and stopped when the kiosk exits; it also exits by itself if the kiosk dies.
    final class DemoReader: @unchecked Sendable {
        let link: String
        let profile = ReaderProfile(name: "demo-simulator", link: .serial(baud: 115_200))
        private let child: DemoChild

        init(paths: KioskPaths, environment: [String: String]) throws {
            let run = paths.home.appendingPathComponent("run")
            link = run.appendingPathComponent("reader").path
            let cards = paths.shareRoot.appendingPathComponent("Devices/simulator/demo-cards.yaml").path
            child = try DemoChild(["reader", "sim", "--cards", cards, "--link", link, "--control", run.appendingPathComponent("reader-control").path],
                                  name: "simulator", paths: paths, environment: environment)
            unlink(link)
        }

        /// Starts the simulator if it is not running, then opens its pseudo-terminal.
        func connect() throws(TransportError) -> any ReaderTransport {
            do {
                try child.start()
            } catch {
                throw .notConnected("cannot start the demo reader simulator: \(error)")
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while !FileManager.default.fileExists(atPath: link) && ContinuousClock.now < deadline { usleep(5_000) }
            return try profile.connector(port: link)()
        }

        func stop() { child.stop() }
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f", ms)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// Set once, read from anywhere.
final class ShutdownFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
