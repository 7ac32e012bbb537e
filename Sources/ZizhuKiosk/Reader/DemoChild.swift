// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuProcess
import ZizhuResources

/// A `zizhu` subcommand a demo kiosk runs beside itself (the ID card reader simulator, the
/// 社保卡 emulation): started when first needed, off the first frame's path; told the
/// kiosk's pid, so it exits by itself if the kiosk dies; stopped when the kiosk exits. Its
/// output goes to `$ZIZHU_HOME/run/<name>.log` and `.err`.
final class DemoChild: @unchecked Sendable {
    /// `$ZIZHU_HOME/run`, where the children keep their links, FIFOs and logs.
    let run: URL
    let log: URL
    private let argv: [String]
    private let environment: [String: String]
    private let errors: URL
    private let lock = NSLock()
    private var pid: pid_t?

    /// `arguments` follow `zizhu`; `--parent <this pid>` is added.
    init(_ arguments: [String], name: String, paths: KioskPaths, environment: [String: String]) throws {
        run = paths.home.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        argv = [executable] + arguments + ["--parent", String(getpid())]
        self.environment = environment
        log = run.appendingPathComponent("\(name).log")
        errors = run.appendingPathComponent("\(name).err")
    }

    /// Starts the child unless it is running.
    func start() throws {
        try lock.withLock {
            guard pid == nil || pid.flatMap(ChildProcess.poll) != nil else { return }
            pid = try ChildProcess.spawn(argv, environment: environment, stdio: .files(stdout: log.path, stderr: errors.path))
        }
    }

    /// Whether it has ended (or never started).
    var ended: Bool { lock.withLock { pid.map { ChildProcess.poll($0) != nil } ?? true } }

    func stop() {
        lock.withLock {
            if let pid { ChildProcess.stop(pid) }
            pid = nil
        }
    }
}
