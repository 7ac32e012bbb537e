import Foundation
import Logging
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// Starts the kiosk: guards, resources, terminal, loop. Returns the exit status.
public enum KioskLauncher {
    @MainActor
    public static func run(demo: Bool, configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
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
                                   loadCatalogue: { Result { () throws(StartupError) -> Catalogue in try resources.catalogue() } })
        let status = runtime.run()
        terminal.close()
        logger.info("stopped", metadata: ["status": "\(status)"])
        return status
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f", ms)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
