// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ReceiptPrinter
import ZizhuCore

/// The kiosk's way to its receipt printer: a CUPS queue (production), or — for demo
/// kiosks — a private cupsd with the escposnet backend and an emulated printer, started
/// on first use so the first frame never waits for it.
public actor ReceiptPrinterLink {
    private let makeClient: @Sendable () async throws -> CUPSClient
    private let teardown: @Sendable () -> Void
    /// Called when CUPS does not answer: a demo kiosk restarts its private cupsd (as
    /// systemd restarts a hall's cupsd); nil for production. Returns what it did, to log.
    private let revive: (@Sendable () async -> String?)?
    private let logger: Logger?
    private var client: CUPSClient?
    private var setupProblem: String?
    /// The connection being made. Callers that arrive meanwhile (the start-up printer check
    /// and a first ticket, say) wait for it: an actor runs other calls while one awaits, and
    /// each used to start a private cupsd of its own, leaving all but the last running
    /// after the kiosk stopped.
    private var connecting: Task<CUPSClient, any Error>?

    public init(make: @escaping @Sendable () async throws -> CUPSClient, teardown: @escaping @Sendable () -> Void = {},
                revive: (@Sendable () async -> String?)? = nil, logger: Logger? = nil) {
        makeClient = make
        self.teardown = teardown
        self.revive = revive
        self.logger = logger
    }

    /// A production link: the configured queue on the configured (or default) CUPS.
    public static func cups(server: String?, queue: String, logger: Logger? = nil) -> ReceiptPrinterLink {
        let client = CUPSClient(server: server, queue: queue)
        return ReceiptPrinterLink(make: { client }, logger: logger)
    }

    /// A demo link: private cupsd + emulated printer under `$ZIZHU_HOME/run/`. Write a
    /// state (ok, paper-low, paper-out, runs-out, jam, cover-open) into
    /// `run/printer-state` to rehearse printer faults; jobs land in `run/printer-out/`.
    public static func demo(home: URL, backend: String, logger: Logger? = nil) -> ReceiptPrinterLink {
        let run = home.appendingPathComponent("run")
        let box = DemoParts()
        return ReceiptPrinterLink(make: {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
            let stateFile = run.appendingPathComponent("printer-state")
            if !FileManager.default.fileExists(atPath: stateFile.path) { try "ok\n".write(to: stateFile, atomically: true, encoding: .utf8) }
            let printer = PrinterSimulator(outputFolder: run.appendingPathComponent("printer-out"), stateFile: stateFile)
            let port = try printer.start()
            let cups = try PrivateCUPS(backends: ["escposnet": backend])
            try box.set(printer: printer, cups: cups)
            try await cups.start()
            // The kiosk may have stopped while cupsd was starting: then nothing stops it later.
            try box.stopIfShutDown()
            try await cups.addQueue("zizhu-receipt", uri: "escposnet://127.0.0.1:\(port)/")
            box.set(uri: "escposnet://127.0.0.1:\(port)/")
            return CUPSClient(server: cups.socketPath, queue: "zizhu-receipt")
        }, teardown: { box.stop() }, revive: { await box.restartIfDead() }, logger: logger)
    }

    /// The demo printer's parts, stopped with the kiosk.
    final class DemoParts: @unchecked Sendable {
        struct ShutDown: Error, CustomStringConvertible {
            var description: String { "the kiosk is shutting down" }
        }

        private let lock = NSLock()
        private var printer: PrinterSimulator?
        private var cups: PrivateCUPS?
        private var uri: String?
        private var shutDown = false

        /// Takes the parts to stop with the kiosk; a kiosk already stopping stops them now
        /// (and `cups` can then never start: no cupsd outlives the kiosk).
        func set(printer: PrinterSimulator, cups: PrivateCUPS) throws {
            let late = lock.withLock { () -> Bool in
                if !shutDown { self.printer = printer; self.cups = cups }
                return shutDown
            }
            guard late else { return }
            cups.stop()
            printer.stop()
            throw ShutDown()
        }
        func set(uri: String) { lock.withLock { self.uri = uri } }

        /// Starts the private cupsd again if it died (its folder, queue and jobs are kept),
        /// and says how it had ended. Nil when it is running or the kiosk is stopping.
        func restartIfDead() async -> String? {
            guard let (cups, uri) = lock.withLock({ () -> (PrivateCUPS, String)? in
                guard !shutDown, let cups, let uri else { return nil }
                return (cups, uri)
            }) else { return nil }
            // CUPS just stopped answering: a cupsd that crashed may still be on its way out
            // (its socket closes before it can be reaped); one still there after that hangs.
            let dying = ContinuousClock.now + .seconds(2)
            while cups.isRunning && ContinuousClock.now < dying { try? await Task.sleep(for: .milliseconds(20)) }
            if cups.isRunning {
                guard await ReceiptPrinterLink.unanswered(cups) else { return nil }
                cups.stop(remove: false)
            }
            let died = cups.report(lines: 5)
            do {
                try await cups.start()
                try stopIfShutDown()
                try await cups.addQueue("zizhu-receipt", uri: uri)
                return "the demo's private cupsd had died and was started again: \(died)"
            } catch {
                return "the demo's private cupsd had died and could not be started again (\(error)): \(died)"
            }
        }

        func stop() {
            lock.withLock {
                shutDown = true
                cups?.stop()
                printer?.stop()
            }
        }

        func stopIfShutDown() throws {
            guard lock.withLock({ shutDown }) else { return }
            stop()
            throw ShutDown()
        }
    }

    /// Whether a running cupsd fails to answer a status request.
    static func unanswered(_ cups: PrivateCUPS) async -> Bool {
        if case .failure(.serviceDown) = await CUPSClient(server: cups.socketPath, queue: "probe").status() { return true }
        return false
    }

    private func connected() async -> CUPSClient? {
        if let client { return client }
        let attempt: Task<CUPSClient, any Error>
        if let connecting {
            attempt = connecting
        } else {
            let make = makeClient
            attempt = Task { try await make() }
            connecting = attempt
        }
        do {
            let made = try await attempt.value
            client = made
            setupProblem = nil
        } catch {
            setupProblem = "\(error)"
        }
        if connecting == attempt { connecting = nil }   // a failed attempt is tried afresh next time
        return client
    }

    /// The check before a transaction: a probe job, which asks the printer itself (CUPS
    /// only learns about paper when its backend runs), resumes a queue an earlier fault
    /// stopped, and so also notices a refilled printer without a technician.
    public func check() async -> PrinterHealth {
        guard let client = await connected() else { return .serviceDown(setupProblem ?? "no printer") }
        let health = await client.probe()
        guard case .serviceDown(let reason) = health else { return health }
        logger?.warning("printer service down", metadata: ["reason": "\(reason)"])
        // A demo kiosk starts its cupsd again and asks once more; a hall's cupsd is
        // systemd's to restart, and the next check finds it back.
        guard await revived() else { return health }
        return await client.probe()
    }

    /// The revive under way: callers that find CUPS down meanwhile (a check and a print)
    /// wait for it rather than start cupsd a second time.
    private var reviving: Task<String?, Never>?

    /// Runs the revive hook, if any; true when it did something.
    private func revived() async -> Bool {
        guard let revive else { return false }
        let attempt: Task<String?, Never>
        if let reviving {
            attempt = reviving
        } else {
            attempt = Task { await revive() }
            reviving = attempt
        }
        let done = await attempt.value
        if reviving == attempt {
            reviving = nil
            if let done { logger?.warning("printer service restarted", metadata: ["what": "\(done)"]) }
        }
        return done != nil
    }

    /// The CUPS server and queue, once the link has been used.
    public var endpoint: (server: String, queue: String)? { client.map { ($0.server, $0.queue) } }

    /// For technicians: the printer's health (asked through a probe job, as before a
    /// transaction), CUPS' own state and reasons, and which queue on which server.
    public func diagnose() async -> (PrinterHealth, PrinterStatus?, String) {
        guard let client = await connected() else { return (.serviceDown(setupProblem ?? "no printer"), nil, "-") }
        let health = await client.probe()
        let status = try? await client.status().get()
        return (health, status, "\(client.queue) on \(client.server)")
    }

    public func print(_ bytes: [UInt8], title: String) async -> PrintOutcome {
        guard let client = await connected() else {
            return .failed(job: nil, health: .serviceDown(setupProblem ?? "no printer"), reasons: [])
        }
        let outcome = await client.print(bytes, title: title)
        if case .failed(let job, .serviceDown(let reason), _) = outcome {
            logger?.warning("printer service down during a job", metadata: ["job": "\(job.map(String.init) ?? "-")", "reason": "\(reason)"])
            _ = await revived()
        }
        return outcome
    }

    public func shutdown() { teardown() }
}
