// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuProcess
import ZizhuResources

/// The 社保卡 side of a demo kiosk: `zizhu sscard sim` (a private pcscd with vsmartcard's
/// reader) started off the first frame's path, cards inserted on command through
/// `$ZIZHU_HOME/run/sscard-control` (`insert 1`, `remove`). It exits with the kiosk.
final class DemoSocialSecurityCards: @unchecked Sendable {
    private let argv: [String]
    private let environment: [String: String]
    private let run: URL
    private let lock = NSLock()
    private var pid: pid_t?

    /// Points this process's pcsc-lite at the emulation's pcscd (before any PC/SC call:
    /// pcsc-lite reads the variable once).
    init(paths: KioskPaths, environment: [String: String]) throws {
        run = paths.home.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let folder = run.appendingPathComponent("sscard")
        setenv("PCSCLITE_CSOCK_NAME", folder.appendingPathComponent("run/pcscd/pcscd.comm").path, 1)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        argv = [executable, "sscard", "sim", "--folder", folder.path, "--control", run.appendingPathComponent("sscard-control").path,
                "--parent", String(getpid())]
        self.environment = environment
    }

    /// Starts the emulation (on the 社保卡 watcher's thread) and waits until pcscd answers.
    func start() {
        let log = run.appendingPathComponent("sscard-sim.log")
        lock.withLock {
            pid = try? ChildProcess.spawn(argv, environment: environment,
                                          stdio: .files(stdout: log.path, stderr: run.appendingPathComponent("sscard-sim.err").path))
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("control:") { return }
            if let pid = lock.withLock({ pid }), ChildProcess.poll(pid) != nil { return }   // the watcher logs what pcscd says
            usleep(20_000)
        }
    }

    func stop() {
        lock.withLock {
            if let pid { ChildProcess.stop(pid) }
            pid = nil
        }
    }
}
