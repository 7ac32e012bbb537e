import Foundation
import ReceiptPrinter
#if canImport(Glibc)
import Glibc
#endif

/// A private CUPS scheduler: its own ServerRoot, spool and logs, a Unix socket only (no
/// TCP port, so instances never collide), backends of its own choosing. Tests start one
/// per run, demo kiosks one per kiosk. Print jobs are not kept after they finish.
public final class PrivateCUPS: @unchecked Sendable {
    public let base: URL
    public var socketPath: String { base.appendingPathComponent("cups.sock").path }
    private var pid: pid_t?

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
            Printcap

            """
        // No job documents kept (a public kiosk's receipts), short history, no web interface.
        let daemon = """
            Listen \(socketPath)
            Browsing No
            WebInterface No
            LogLevel info
            MaxLogSize 0
            PreserveJobFiles No
            PreserveJobHistory 300
            JobRetryInterval 5
            <Policy default>
              <Limit All>
                Order deny,allow
              </Limit>
            </Policy>

            """
        try files.write(to: base.appendingPathComponent("cups-files.conf"), atomically: true, encoding: .utf8)
        try daemon.write(to: base.appendingPathComponent("cupsd.conf"), atomically: true, encoding: .utf8)
    }

    /// Starts cupsd in the foreground (as our child) and waits until it answers.
    public func start(timeout: Double = 10) async throws {
        guard let cupsd = ["/usr/sbin/cupsd", "/sbin/cupsd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "cupsd is not installed (apt-get install cups)")
        }
        pid = try ChildProcess.spawn(
            [cupsd, "-f", "-c", base.appendingPathComponent("cupsd.conf").path, "-s", base.appendingPathComponent("cups-files.conf").path],
            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
            stdio: .files(stdout: base.appendingPathComponent("log/stdout").path, stderr: base.appendingPathComponent("log/stderr").path),
            newProcessGroup: true)
        let client = CUPSClient(server: socketPath, queue: "probe")
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        // Always one more try after the deadline: a busy machine may not have run this task
        // for a while, and that is not cupsd's fault.
        while true {
            if FileManager.default.fileExists(atPath: socketPath), case .failure(.queueMissing) = await client.status() { return }
            if let pid, ChildProcess.poll(pid) != nil {
                self.pid = nil
                throw Failure(description: "cupsd exited: \(log())")
            }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw Failure(description: "cupsd did not answer within \(timeout) s: \(log())")
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
        ((try? String(contentsOf: base.appendingPathComponent("log/error_log"), encoding: .utf8)) ?? "")
            + ((try? String(contentsOf: base.appendingPathComponent("log/stderr"), encoding: .utf8)) ?? "")
    }

    /// Stops cupsd; with `remove`, deletes the folder.
    public func stop(remove: Bool = true) {
        if let pid { ChildProcess.stop(pid) }
        pid = nil
        if remove { try? FileManager.default.removeItem(at: base) }
    }

    public var isRunning: Bool { pid.map { ChildProcess.poll($0) == nil } ?? false }
}
