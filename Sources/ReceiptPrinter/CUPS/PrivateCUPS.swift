// SPDX-License-Identifier: Apache-2.0
import Foundation
#if canImport(Glibc)
import Glibc
import ZizhuProcess
#endif

/// A private CUPS scheduler: its own ServerRoot, spool and logs, a Unix socket only (no
/// TCP port, so instances never collide), backends of its own choosing. Tests start one
/// per run, demo kiosks one per kiosk. Print jobs are not kept after they finish.
public final class PrivateCUPS: @unchecked Sendable {
    public let base: URL
    public var socketPath: String { base.appendingPathComponent("cups.sock").path }
    public var errorLog: URL { base.appendingPathComponent("log/error_log") }
    private let lock = NSLock()
    private var pid: pid_t?
    /// How the last cupsd ended (exit status, or 128 + signal), once it has ended.
    private var ended: Int32?
    /// Stopped for good (`stop(remove: true)`): nothing starts here again, so a start that
    /// loses the race with its owner's shutdown leaves no cupsd behind.
    private var retired = false

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the folder tree (a short path: a Unix socket path must stay under 108 bytes).
    /// `backends` maps a name in CUPS' backend folder to an executable (e.g. escposnet).
    public init(backends: [String: String]) throws {
        var template = Array("/tmp/zc.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp: \(String(cString: strerror(errno)))") }
        base = URL(fileURLWithPath: String(cString: made))
        let fm = FileManager.default
        for folder in ["spool/temp", "log", "cache", "state", "ppd", "bin/backend"] {
            try fm.createDirectory(at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        chmod(base.path, 0o755)
        for folder in ["daemon", "filter", "notifier"] where fm.fileExists(atPath: "/usr/lib/cups/\(folder)") {
            try fm.createSymbolicLink(atPath: base.appendingPathComponent("bin/\(folder)").path, withDestinationPath: "/usr/lib/cups/\(folder)")
        }
        for (name, path) in backends {
            let target = base.appendingPathComponent("bin/backend/\(name)")
            try fm.copyItem(atPath: path, toPath: target.path)
            chmod(target.path, 0o755)
        }
        let files = """
            ServerRoot \(base.path)
            StateDir \(base.path)/state
            CacheDir \(base.path)/cache
            RequestRoot \(base.path)/spool
            TempDir \(base.path)/spool/temp
            ServerBin \(base.path)/bin
            AccessLog \(base.path)/log/access_log
            ErrorLog \(base.path)/log/error_log
            PageLog \(base.path)/log/page_log
            Printcap \(base.path)/printcap

            """
        // No job documents kept (a public kiosk's receipts), short history, no web interface.
        // Every directive has a value: since cups 2.4.2-3+deb12u10 cupsd refuses to start on
        // one without (a bare `Printcap` used to mean "none"). Job files are written at once
        // (DirtyCleanInterval 0), so a cupsd that dies mid-job knows the job when it is back,
        // as a system cupsd does after its 30 s: the case the backend's at-most-once guards.
        let daemon = """
            Listen \(socketPath)
            Browsing No
            WebInterface No
            LogLevel info
            MaxLogSize 0
            PreserveJobFiles No
            PreserveJobHistory 300
            JobRetryInterval 5
            DirtyCleanInterval 0
            <Policy default>
              <Limit All>
                Order deny,allow
              </Limit>
            </Policy>

            """
        try files.write(to: base.appendingPathComponent("cups-files.conf"), atomically: true, encoding: .utf8)
        try daemon.write(to: base.appendingPathComponent("cupsd.conf"), atomically: true, encoding: .utf8)
    }

    static var cupsd: String? {
        ["/usr/sbin/cupsd", "/sbin/cupsd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `cupsd -t` on exactly the files this instance wrote: nil when cupsd accepts them,
    /// else what it said. A package update that tightens cupsd's parser shows up here.
    public func validate() throws -> String? {
        guard let cupsd = Self.cupsd else { throw Failure(description: "cupsd is not installed (apt-get install cups)") }
        let checked = try ChildProcess.run(
            [cupsd, "-t", "-c", base.appendingPathComponent("cupsd.conf").path, "-s", base.appendingPathComponent("cups-files.conf").path],
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        let said = (checked.stdout + checked.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        return checked.status == 0 ? nil : "cupsd -t exited \(checked.status): \(said)"
    }

    /// Starts cupsd in the foreground (as our child) and waits until it answers. Also
    /// starts it again after it died (same folder: its queues and pending jobs come back).
    public func start(timeout: Double = 10) async throws {
        guard let cupsd = Self.cupsd else { throw Failure(description: "cupsd is not installed (apt-get install cups)") }
        // Checked and started under the lock: two callers never start two cupsd on one folder
        // (the second would be left running when this one stops).
        let argv = [cupsd, "-f", "-c", base.appendingPathComponent("cupsd.conf").path, "-s", base.appendingPathComponent("cups-files.conf").path]
        let stdio = ChildProcess.Stdio.files(stdout: base.appendingPathComponent("log/stdout").path,
                                             stderr: base.appendingPathComponent("log/stderr").path)
        let alreadyRunning = try lock.withLock { () throws -> Bool in
            if retired { throw Failure(description: "this private cupsd has been stopped") }
            if let pid, ended == nil {
                if let status = ChildProcess.poll(pid) { ended = status } else { return true }
            }
            pid = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], stdio: stdio, newProcessGroup: true)
            ended = nil
            return false
        }
        guard !alreadyRunning else { return }
        let client = CUPSClient(server: socketPath, queue: "probe")
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        // Always one more try after the deadline: a busy machine may not have run this task
        // for a while, and that is not cupsd's fault.
        while true {
            if FileManager.default.fileExists(atPath: socketPath), case .failure(.queueMissing) = await client.status() { return }
            if !isRunning {
                let refusal = (try? validate()).flatMap { $0 }.map { "\n\($0)" } ?? ""
                throw Failure(description: "cupsd did not start: \(report())\(refusal)")
            }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw Failure(description: "cupsd did not answer within \(timeout) s: \(report())")
    }

    /// Adds a raw queue (no PPD, no filters) to a device URI.
    public func addQueue(_ name: String, uri: String, errorPolicy: String = "stop-printer") async throws {
        let result = try await ChildProcess.runDetached(
            ["/usr/sbin/lpadmin", "-p", name, "-E", "-v", uri, "-o", "printer-error-policy=\(errorPolicy)"],
            environment: ["CUPS_SERVER": socketPath, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        guard result.status == 0 else { throw Failure(description: "lpadmin: \(result.stderr)") }
    }

    /// Runs a CUPS command-line tool against this scheduler (cupsenable, lpstat, …).
    @discardableResult
    public func tool(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(argv, environment: ["CUPS_SERVER": socketPath, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    }

    public func log() -> String {
        ((try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")
            + ((try? String(contentsOf: base.appendingPathComponent("log/stderr"), encoding: .utf8)) ?? "")
    }

    /// For a failing test or a technician: whether cupsd is alive (or how it ended: a
    /// signal such as SIGSEGV is named) and the last lines of its error_log and stderr.
    public func report(lines: Int = 25) -> String {
        let state: String
        if isRunning {
            state = "cupsd (pid \(lock.withLock { pid } ?? 0)) is running"
        } else if let ended = lock.withLock({ ended }) {
            state = "cupsd has exited: " + ChildProcess.describe(status: ended)
        } else {
            state = "cupsd was never started"
        }
        return Self.report(state: state, folder: base, lines: lines)
    }

    /// The report for a private cupsd under `folder` that another process started (a demo
    /// kiosk's), with what is known of its state.
    public static func report(state: String, folder: URL, lines: Int = 25) -> String {
        func tail(_ name: String) -> String {
            let text = (try? String(contentsOf: folder.appendingPathComponent("log/\(name)"), encoding: .utf8)) ?? ""
            let last = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines)
            return last.isEmpty ? "  (empty)" : last.map { "  " + $0 }.joined(separator: "\n")
        }
        return "\(state) [\(folder.path)]\nerror_log (last \(lines) lines):\n\(tail("error_log"))\nstderr:\n\(tail("stderr"))"
    }

    /// Sends cupsd a signal (tests: SIGKILL to play a crash). Nothing if it is not running.
    public func signal(_ signal: Int32) {
        guard let pid = lock.withLock({ pid }), isRunning else { return }
        kill(pid, signal)
    }

    /// Stops cupsd; with `remove`, deletes the folder.
    public func stop(remove: Bool = true) {
        // Marked and read under the lock that `start` spawns under: either this sees the
        // cupsd `start` made, or `start` sees it must not make one.
        let running: pid_t? = lock.withLock {
            if remove { retired = true }
            guard let pid, ended == nil else { return nil }
            if let status = ChildProcess.poll(pid) {
                ended = status
                return nil
            }
            return pid
        }
        if let running {
            let status = ChildProcess.stop(running)
            lock.withLock { ended = status }
        }
        if remove { try? FileManager.default.removeItem(at: base) }
    }

    /// Whether cupsd is alive; notices (and remembers how) it ended.
    public var isRunning: Bool {
        lock.withLock {
            guard let pid else { return false }
            if ended != nil { return false }
            if let status = ChildProcess.poll(pid) {
                ended = status
                return false
            }
            return true
        }
    }

    /// cupsd's process id while it runs.
    public var processID: pid_t? { isRunning ? lock.withLock { pid } : nil }
}
