import Foundation
import IDCardReader
import Logging
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// Starts the kiosk: guards, resources, terminal, loop. Returns the exit status.
public enum KioskLauncher {
    @MainActor
    public static func run(demo: Bool, configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        let launched = ContinuousClock.now
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
        var simulator: pid_t?
        let reader: ReaderSession?
        do {
            let readerLogger = Logger(label: "zizhu.reader") { FileLogHandler(label: $0, sink: sink) }
            if demo {
                let (pid, port) = try DemoReader.start(paths: paths, environment: environment)
                simulator = pid
                let profile = ReaderProfile(name: "demo-simulator", link: .serial(baud: 115_200))
                let connect = profile.connector(port: port)
                // The simulator starts alongside the first frame; give it a moment to appear.
                reader = ReaderSession(describe: profile.describe(port: port), logger: readerLogger) {
                    () throws(TransportError) -> any ReaderTransport in
                    let deadline = ContinuousClock.now + .seconds(5)
                    while !FileManager.default.fileExists(atPath: port) && ContinuousClock.now < deadline { usleep(5_000) }
                    return try connect()
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
        defer { if let simulator { ChildProcess.stop(simulator) } }
        let loaded = ContinuousClock.now
        logger.info("starting", metadata: [
            "load_ms": "\(milliseconds(launched.duration(to: loaded)))",
            "kiosk": "\(resources.config.kioskID)", "demo": "\(demo)", "config": "\(resources.configFile.path)",
        ])
        let config = resources.config
        let settings = SessionSettings(
            idleTimeoutSeconds: config.idleTimeoutSeconds, countdownSeconds: config.countdownSeconds,
            defaultLanguage: config.defaultLanguage, minimumWidth: config.minimumWidth,
            minimumHeight: config.minimumHeight, allowsQuit: demo)
        let context = ViewContext(strings: resources.strings, siteName: config.siteName, kioskID: config.kioskID)
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(term: environment["TERM"] ?? "", citizenMode: true)
        } catch {
            printError("zizhu: \(error)")
            return TerminalProblem.exitStatus
        }
        let runtime = KioskRuntime(state: AppState(catalogue: .empty, settings: settings), context: context,
                                   terminal: terminal, logger: logger, unifontPath: config.unifontPath, launched: launched,
                                   reader: reader,
                                   loadCatalogue: { Result { () throws(StartupError) -> Catalogue in try resources.catalogue() } })
        let status = runtime.run()
        terminal.close()
        await runtime.shutdown()
        logger.info("stopped", metadata: ["status": "\(status)"])
        return status
    }

    /// The reader simulator a demo kiosk runs as its ID card reader.
    enum DemoReader {
        static func start(paths: KioskPaths, environment: [String: String]) throws -> (pid_t, String) {
            // (A simulator that fails to start shows up as "reader not connected", with
            // the reason in $ZIZHU_HOME/run/simulator.err.)
            let run = paths.home.appendingPathComponent("run")
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            let link = run.appendingPathComponent("reader").path
            unlink(link)
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let cards = paths.shareRoot.appendingPathComponent("Devices/simulator/demo-cards.yaml").path
            let pid = try ChildProcess.spawn(
                [executable, "reader", "sim", "--cards", cards, "--link", link,
                 "--control", run.appendingPathComponent("reader-control").path, "--parent", String(getpid())],
                environment: environment,
                stdio: .files(stdout: run.appendingPathComponent("simulator.log").path,
                              stderr: run.appendingPathComponent("simulator.err").path))
            // Not waited for: the reader connects in the background after the first frame.
            return (pid, link)
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f", ms)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
