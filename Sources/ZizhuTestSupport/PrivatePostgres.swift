// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuKiosk
import ZizhuProcess

/// A private PostgreSQL cluster for tests and benchmarks: `initdb` in a folder of its own,
/// started on a free loopback port (as the `postgres` user when running as root, which
/// PostgreSQL refuses to run as), one database per caller, stopped with `stop()`.
public final class PrivatePostgres: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    let bin: String
    private let asPostgres: Bool
    private let lock = NSLock()
    private var counter = 0
    private var running = false

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Creates and starts the cluster. Blocks for a few seconds: call it off Swift
    /// concurrency's threads (`ChildProcess.detached`).
    public init(folder: URL) throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.sorted().last(where: {
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }) else {
            throw Problem(description: "PostgreSQL server binaries not found (apt-get install postgresql)")
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        asPostgres = geteuid() == 0
        if asPostgres {
            try Self.run(["/bin/chown", "-R", "postgres:postgres", folder.path])
            // The postgres user must be able to reach the folder.
            var parent = folder.deletingLastPathComponent()
            while parent.path != "/" && parent.path.hasPrefix("/tmp") {
                chmod(parent.path, 0o755)
                parent = parent.deletingLastPathComponent()
            }
        }
        port = Self.freePort()
        let data = folder.appendingPathComponent("data").path
        try run(["\(bin)/initdb", "-D", data, "-A", "trust", "-U", "zizhu", "-E", "UTF8", "--no-sync"])
        try startServer()
        running = true
    }

    /// Starts the server on the cluster (again, after `crash()`), on the same port.
    public func startServer() throws {
        try run(["\(bin)/pg_ctl", "-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("log").path,
                 "-w", "-t", "60", "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c max_connections=300", "start"])
    }

    /// Stops the server as a crash would (immediate: no checkpoint, connections cut); the
    /// cluster stays, to be started again with `startServer()`.
    public func crash() throws {
        try run(["\(bin)/pg_ctl", "-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"])
    }

    /// A fresh, empty database: its URL.
    public func newDatabase() throws -> String {
        let name = lock.withLock { () -> String in
            counter += 1
            return "zizhu_\(getpid())_\(counter)"
        }
        try run(["\(bin)/createdb", "-h", "127.0.0.1", "-p", String(port), "-U", "zizhu", name])
        return "postgres://zizhu@127.0.0.1:\(port)/\(name)"
    }

    public func stop() {
        guard lock.withLock({ () -> Bool in defer { running = false }; return running }) else { return }
        try? run(["\(bin)/pg_ctl", "-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"])
    }

    /// One SQL statement through `psql` against a database `newDatabase()` made: its output,
    /// unaligned, without headers (`SELECT pg_database_size(current_database())` → "8192").
    /// Blocks: call it off Swift concurrency's threads.
    public func query(_ database: String, _ sql: String) throws -> String {
        let name = database.split(separator: "/").last.map(String.init) ?? ""
        return try Self.run(["\(bin)/psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "zizhu", "-d", name, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// PostgreSQL's processes (the postmaster and every backend) as `ps` names them: their pids.
    public func processes() -> [pid_t] {
        let data = folder.appendingPathComponent("data").path
        guard let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let postmaster = pid_t(first) else { return [] }
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return [postmaster] + all.compactMap { pid_t($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == postmaster
        }
    }

    @discardableResult
    func run(_ argv: [String]) throws -> String {
        try Self.run(asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv : argv)
    }

    /// Output to a file, not a pipe: the server pg_ctl starts would hold a pipe open for ever.
    @discardableResult
    static func run(_ argv: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-pg-\(UUID().uuidString).out").path
        defer { unlink(log) }
        let pid = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"],
                                         stdio: .files(stdout: log, stderr: log))
        let status = ChildProcess.wait(pid)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Problem(description: "\(argv.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
