// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuProcess
import ZizhuTestSupport

/// A province's platform as it is deployed, for the province bench: a private PostgreSQL,
/// three release `zizhu-central` instances on it, HAProxy in front with the configuration the
/// repository ships (Devices/platform/haproxy.cfg, TLS ending at the balancer).
final class ProvincePlatform: @unchecked Sendable {
    struct Instance {
        var pid: pid_t
        let port: Int
        let staffPort: Int
        let output: String
    }

    let scratch: URL
    let central: String
    let catalogue: String
    let postgres: PrivatePostgres
    let database: String
    /// The CA kiosks trust, and the balancer's address.
    private(set) var ca = URL(fileURLWithPath: "/")
    private(set) var front = ""
    private(set) var instances: [Instance] = []
    private(set) var balancer: pid_t = 0
    private let lock = NSLock()

    /// Starts PostgreSQL with a fresh database (the caller's cluster, shared between scales).
    init(scratch: URL, central: String, catalogue: String, postgres: PrivatePostgres) async throws {
        self.scratch = scratch
        self.central = central
        self.catalogue = catalogue
        self.postgres = postgres
        database = try await ChildProcess.detached { try postgres.newDatabase() }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    var platformKey: String { scratch.appendingPathComponent("platform.key").path }

    /// Certificates, three instances one after the other (the first makes the platform key
    /// the others read), the balancer; returns once the balancer answers ready.
    func start(count: Int = 3) async throws {
        let certificate = try await makeCertificates()
        for index in 0..<count {
            let instance = Instance(pid: 0, port: PrivatePostgres.freePort(), staffPort: PrivatePostgres.freePort(),
                                    output: scratch.appendingPathComponent("central-\(index + 1).out").path)
            lock.withLock { instances.append(instance) }
            try await startInstance(index)
        }
        let haproxy = "/usr/sbin/haproxy"
        guard FileManager.default.isExecutableFile(atPath: haproxy) else {
            throw BenchError.failed("haproxy (Debian package) is not installed: make deps installs it")
        }
        let (port, staffPort) = (PrivatePostgres.freePort(), PrivatePostgres.freePort())
        var environment = ["PATH": "/usr/sbin:/usr/bin:/bin", "ZIZHU_BALANCER_ADDRESS": "127.0.0.1:\(port)",
                           "ZIZHU_BALANCER_STAFF_ADDRESS": "127.0.0.1:\(staffPort)", "ZIZHU_BALANCER_CERTIFICATE": certificate.path]
        for (index, instance) in instances.enumerated() {
            environment["ZIZHU_CENTRAL_\(index + 1)"] = "127.0.0.1:\(instance.port)"
            environment["ZIZHU_CENTRAL_STAFF_\(index + 1)"] = "127.0.0.1:\(instance.staffPort)"
        }
        let configuration = try Self.repositoryFile("Devices/platform/haproxy.cfg")
        let log = scratch.appendingPathComponent("haproxy.log").path
        balancer = try ChildProcess.spawn([haproxy, "-db", "-f", configuration], environment: environment,
                                          stdio: .files(stdout: log, stderr: log))
        front = "https://127.0.0.1:\(port)"
        for _ in 0..<150 {
            let ready = try await ChildProcess.runDetached(["/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                                                            "--cacert", ca.path, front + "/ready"], environment: environment)
            if ready.stdout == "200" { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError.failed("the balancer never answered ready: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Starts (or starts again) instance `index` on its ports; returns once it listens.
    func startInstance(_ index: Int) async throws {
        let instance = lock.withLock { instances[index] }
        try? FileManager.default.removeItem(atPath: instance.output)
        let pid = try ChildProcess.spawn([central, "serve", "--port", String(instance.port), "--staff-port", String(instance.staffPort),
                                          "--database", database, "--platform-key", platformKey,
                                          "--proof-key", scratch.appendingPathComponent("proof.key").path,
                                          "--catalogue", catalogue, "--drain-seconds", "3", "--trusted-proxy", "127.0.0.1"],
                                         environment: ProcessInfo.processInfo.environment,
                                         stdio: .files(stdout: instance.output, stderr: instance.output))
        lock.withLock { instances[index].pid = pid }
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: instance.output, encoding: .utf8), text.contains("listening on ") { return }
            if waitpid(pid, nil, WNOHANG) == pid { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError.failed("zizhu-central did not start: \((try? String(contentsOfFile: instance.output, encoding: .utf8)) ?? "")")
    }

    /// SIGTERM to instance `index` (it drains, the balancer moves away), waits for it to exit,
    /// starts it again: seconds until it listened again.
    func restartInstance(_ index: Int) async throws -> Double {
        let pid = lock.withLock { instances[index].pid }
        let start = now()
        let status = await ChildProcess.stopDetached(pid, signal: SIGTERM, grace: 30)
        guard status == 0 else { throw BenchError.failed("instance \(index + 1) did not exit cleanly after SIGTERM (status \(status))") }
        try await startInstance(index)
        return now() - start
    }

    /// CPU seconds (user + system) and resident bytes of each instance, of HAProxy and of
    /// PostgreSQL (all its processes).
    func usage() -> (instances: [(cpu: Double, rss: Int)], balancer: (cpu: Double, rss: Int), postgres: (cpu: Double, rss: Int)) {
        let pids = lock.withLock { instances.map(\.pid) }
        let database = postgres.processes().map(Self.usage).reduce((cpu: 0.0, rss: 0)) { ($0.cpu + $1.cpu, $0.rss + $1.rss) }
        return (pids.map(Self.usage), Self.usage(balancer), database)
    }

    /// One process's CPU seconds and resident bytes from /proc.
    static func usage(_ pid: pid_t) -> (cpu: Double, rss: Int) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return (0, 0)
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state(0) ppid(1) … utime(11) stime(12) … rss pages(21).
        guard fields.count > 21, let user = Double(fields[11]), let system = Double(fields[12]), let pages = Int(fields[21]) else { return (0, 0) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ((user + system) / ticks, pages * Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    func stop() {
        let pids = lock.withLock { instances.map(\.pid) } + [balancer]
        for pid in pids where pid > 0 { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }
    }

    /// A CA and a server certificate for 127.0.0.1; returns the balancer's PEM (certificate
    /// then key).
    private func makeCertificates() async throws -> URL {
        let made = try await TestCertificates.make(in: scratch)
        ca = made.ca
        return made.bundle
    }

    /// A file of the repository the bench runs from (the working directory, or above the binary).
    static func repositoryFile(_ relative: String) throws -> String {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            candidates.append(folder)
        }
        guard let found = candidates.map({ $0.appendingPathComponent(relative).path }).first(where: FileManager.default.fileExists) else {
            throw BenchError.failed("\(relative) not found: run zizhu-bench from the repository")
        }
        return found
    }
}
