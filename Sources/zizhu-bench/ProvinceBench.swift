// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import NIOSSL
import ZizhuCentral
import ZizhuProcess
import ZizhuTestSupport

/// Issue 20's province run: N simulated kiosks, enrolled in bulk, talk through HAProxy to
/// three `zizhu-central` instances on one PostgreSQL for M minutes (`ProvinceLoad` says what
/// each kiosk does). Printed per endpoint: p50/p99 latency and errors; requests/s; CPU and
/// RSS of each instance, HAProxy and PostgreSQL; the database's growth; and the exact count
/// check (every application the kiosks made stored once). With `restarts`, each instance in
/// turn gets SIGTERM and comes back mid-run, then PostgreSQL is stopped hard and started
/// again, and the latency spike around those moments is printed.
struct ProvinceBench {
    let zizhu: String
    let kioskCounts: [Int]
    let minutes: Double
    let peakPerMinute: Double
    let restarts: Bool
    let scratch: URL
    var report: Report
    /// Count checks that failed (the run goes on to the next scale, then fails).
    var failures: [String] = []

    /// One scale's cost figures, for the growth table at the end.
    struct Cost {
        var kiosks: Int
        var requestsPerSecond: Double
        var cpuPerThousand: Double
        var bytesPerSubmission: Double
        var worstP99: Double
        var errors: Int
    }

    mutating func run() async throws {
        report.section("A province on one platform: HAProxy, 3 instances, PostgreSQL (issue 20)")
        let folder = scratch.appendingPathComponent("province-postgres")
        let postgres = try await ChildProcess.detached { try PrivatePostgres(folder: folder) }
        defer { postgres.stop() }
        let version = try await ChildProcess.detached { try postgres.query("postgres", "SHOW server_version") }
        let haproxy = try await ChildProcess.runDetached(["/usr/sbin/haproxy", "-v"], environment: ["PATH": "/usr/bin:/bin"])
        report.note("PostgreSQL \(version) (synchronous_commit on), \(haproxy.stdout.split(separator: "\n").first ?? "haproxy ?"); "
                    + "\(ProcessInfo.processInfo.activeProcessorCount) cores shared by the kiosks' simulator, the balancer, the instances and the database")
        var costs: [Cost] = []
        for count in kioskCounts {
            costs.append(try await scale(count, postgres: postgres))
        }
        report.section("How the cost grows with the fleet")
        for cost in costs {
            report.add("\(cost.kiosks) kiosks: CPU-seconds per 1,000 answered requests", cost.cpuPerThousand, unit: "CPU-s",
                       note: String(format: "%.0f requests/s; %.0f bytes per stored submission; worst endpoint p99 %.1f ms; %d errors",
                                    cost.requestsPerSecond, cost.bytesPerSubmission, cost.worstP99, cost.errors))
        }
        if !failures.isEmpty { throw BenchError.failed(failures.joined(separator: "; ")) }
    }

    private mutating func scale(_ count: Int, postgres: PrivatePostgres) async throws -> Cost {
        report.section("\(count) kiosks for \(String(format: "%g", minutes)) min\(restarts ? ", with rolling restarts" : "")")
        let folder = scratch.appendingPathComponent("province-\(count)")
        let central = URL(fileURLWithPath: zizhu).deletingLastPathComponent().appendingPathComponent("zizhu-central").path
        let platform = try await ProvincePlatform(scratch: folder, central: central,
                                                  catalogue: try ProvincePlatform.repositoryFile("Kiosk/catalogue"), postgres: postgres)
        defer { platform.stop() }
        try await platform.start()

        // Enrolled in bulk, as a province's roll-out is (`zizhu-central kiosk import`).
        let store = try await CentralDatabase.open(platform.database, keyring: try PlatformKeyring.load(platform.platformKey))
        let importStart = now()
        let kiosks = try await store.importKiosks((0..<count).map { (id: String(format: "gd-%05d", $0), site: "site-\($0 / 20)") })
            .map { (id: $0.kioskID, secret: SymmetricKey(data: Data(base64Encoded: $0.secret) ?? Data())) }
        report.add("enrol \(count) kiosks in one import", now() - importStart, unit: "s")
        let database = platform.database
        func size() async throws -> Int {
            Int(try await ChildProcess.detached { try postgres.query(database, "SELECT pg_database_size(current_database())") }) ?? 0
        }
        let sizeBefore = try await size()

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(platform.ca.path))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // Kiosks each hold a connection of their own; one simulator shares a pool of them.
        configuration.connectionPool = .init(idleTimeout: .seconds(50), concurrentHTTP1ConnectionsPerHostSoftLimit: 512)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let load = try ProvinceLoad(client: client, front: platform.front, kiosks: kiosks, seconds: minutes * 60, peakPerMinute: peakPerMinute)
        let usageBefore = platform.usage()
        let ownBefore = ProvincePlatform.usage(getpid()).cpu
        let started = now()
        let running = Task { await load.run() }
        var windows: [(from: Double, to: Double, what: String)] = []
        if restarts { windows = try await rollingRestarts(platform, postgres: postgres, load: load) }
        await running.value
        let wall = now() - started
        let usageAfter = platform.usage()
        let own = ProvincePlatform.usage(getpid()).cpu - ownBefore
        try await client.shutdown()

        let (samples, acknowledged, made) = load.results
        printEndpoints(samples)
        let requestsPerSecond = Double(samples.count) / min(wall, minutes * 60)
        report.add("requests, all endpoints", Double(samples.count), unit: "req",
                   note: String(format: "%.0f requests/s sent, %.0f/s answered; %d applications made", requestsPerSecond,
                                Double(samples.filter { !$0.failed }.count) / min(wall, minutes * 60), made))
        var serverCPU = 0.0
        for (index, (before, after)) in zip(usageBefore.instances, usageAfter.instances).enumerated() {
            let cpu = restarts ? after.cpu : after.cpu - before.cpu
            serverCPU += cpu
            report.add("instance \(index + 1): CPU", cpu, unit: "CPU-s",
                       note: String(format: "RSS at the end %.1f MiB%@", Double(after.rss) / 1_048_576, restarts ? "; since its last start" : ""))
        }
        let balancerCPU = usageAfter.balancer.cpu - usageBefore.balancer.cpu
        let postgresCPU = max(0, usageAfter.postgres.cpu - usageBefore.postgres.cpu)
        report.add("HAProxy: CPU", balancerCPU, unit: "CPU-s", note: String(format: "RSS %.1f MiB", Double(usageAfter.balancer.rss) / 1_048_576))
        report.add("PostgreSQL (all its processes): CPU", postgresCPU, unit: "CPU-s",
                   note: String(format: "RSS %.1f MiB summed over processes (shared memory counted in each)", Double(usageAfter.postgres.rss) / 1_048_576))
        report.add("the kiosks' simulator (signing, TLS): CPU", own, unit: "CPU-s")
        let platformCPU = serverCPU + balancerCPU + postgresCPU
        let answered = samples.filter { !$0.failed }.count
        let cpuPerThousand = platformCPU / Double(max(answered, 1)) * 1000
        report.add("platform CPU per 1,000 answered requests (instances + HAProxy + PostgreSQL)", cpuPerThousand, unit: "CPU-s",
                   note: String(format: "%.2f cores on average over the run, the simulator's %.2f besides", platformCPU / wall, own / wall))

        // PostgreSQL's growth and what one stored submission costs on disk.
        let sizeAfter = try await size()
        let stored = try await ChildProcess.detached { try postgres.query(database, "SELECT key FROM submission") }
            .split(separator: "\n").map(String.init)
        let relation = Int(try await ChildProcess.detached {
            try postgres.query(database, "SELECT pg_total_relation_size('submission')")
        }) ?? 0
        let bytesPerSubmission = Double(relation) / Double(max(stored.count, 1))
        report.add("PostgreSQL database growth over the run", Double(sizeAfter - sizeBefore) / 1_048_576, unit: "MiB",
                   note: String(format: "%.0f bytes per stored submission (table, indexes, TOAST)", bytesPerSubmission))

        // A year of this fleet on disk: one heartbeat-day row per kiosk per day, and the
        // applications (30 a kiosk a day, a busy hall's figure) at the measured row sizes.
        let dayRows = try await ChildProcess.detached {
            try postgres.query(database, "SELECT pg_total_relation_size('heartbeat_day') || ' ' || count(*) FROM heartbeat_day")
        }.split(separator: " ").compactMap { Double($0) }
        if dayRows.count == 2, dayRows[1] > 0 {
            let perDay = dayRows[0] / dayRows[1]
            let year = Double(count) * 365 * (perDay + 30 * bytesPerSubmission)
            report.add("a year of \(count) kiosks on disk (PostgreSQL)", year / 1e9, unit: "GB",
                       note: String(format: "heartbeat history %.0f bytes per kiosk-day; 30 applications a kiosk a day at %.0f bytes",
                                    perDay, bytesPerSubmission))
        }

        // The exact count check: every application made is stored, once.
        let storedSet = Set(stored)
        let lost = made - acknowledged.count
        let missing = acknowledged.subtracting(storedSet).count
        let extra = storedSet.subtracting(acknowledged).count
        let repeats = stored.count - storedSet.count
        report.add("exact count: made \(made), acknowledged \(acknowledged.count), stored \(stored.count)", Double(lost + missing + extra + repeats),
                   unit: "wrong", note: "\(lost) never acknowledged, \(missing) acknowledged but not stored, \(extra) stored but never made, \(repeats) stored twice")
        if lost + missing + extra + repeats > 0 {
            failures.append("the count check failed at \(count) kiosks: made \(made), acknowledged \(acknowledged.count), stored \(stored.count)")
        }
        if !windows.isEmpty { printSpike(samples, windows: windows) }
        let worst = ProvinceLoad.Endpoint.allCases.map { endpoint in
            Samples(values: samples.filter { $0.endpoint == endpoint }.map(\.milliseconds)).percentile(99)
        }.filter { !$0.isNaN }.max() ?? .nan
        return Cost(kiosks: count, requestsPerSecond: requestsPerSecond, cpuPerThousand: cpuPerThousand,
                    bytesPerSubmission: bytesPerSubmission, worstP99: worst, errors: samples.filter(\.failed).count)
    }

    private mutating func printEndpoints(_ samples: [ProvinceLoad.Sample]) {
        for endpoint in ProvinceLoad.Endpoint.allCases {
            let mine = samples.filter { $0.endpoint == endpoint }
            guard !mine.isEmpty else { continue }
            let times = Samples(values: mine.map(\.milliseconds))
            report.add("\(endpoint.rawValue): p99", times.percentile(99), unit: "ms",
                       note: String(format: "p50 %.1f ms, %d requests, %d errors", times.median, mine.count, mine.filter(\.failed).count))
        }
    }

    /// During the run: each instance in turn SIGTERM'd and started again, 20 s apart, then
    /// PostgreSQL stopped hard and started again. Returns when each happened (seconds into the run).
    private mutating func rollingRestarts(_ platform: ProvincePlatform, postgres: PrivatePostgres,
                                          load: ProvinceLoad) async throws -> [(from: Double, to: Double, what: String)] {
        var windows: [(from: Double, to: Double, what: String)] = []
        let gap = max(10, minutes * 60 / 6)
        try await Task.sleep(for: .seconds(gap))
        for index in 0..<platform.instances.count {
            let from = load.elapsed
            let seconds = try await platform.restartInstance(index)
            report.add("instance \(index + 1): SIGTERM → drained → exited → listening again", seconds, unit: "s")
            windows.append((from, load.elapsed + 3, "instance \(index + 1) restart"))
            try await Task.sleep(for: .seconds(gap))
        }
        let from = load.elapsed
        try await ChildProcess.detached { try postgres.crash() }
        try await Task.sleep(for: .seconds(2))
        try await ChildProcess.detached { try postgres.startServer() }
        windows.append((from, load.elapsed + 5, "PostgreSQL stopped hard (2 s) and started"))
        return windows
    }

    /// Latency and errors of requests sent while a restart was under way, against the rest.
    private mutating func printSpike(_ samples: [ProvinceLoad.Sample], windows: [(from: Double, to: Double, what: String)]) {
        let quiet = samples.filter { sample in !windows.contains { sample.at >= $0.from && sample.at <= $0.to } }
        let calm = Samples(values: quiet.map(\.milliseconds))
        report.add("outside the restarts: p99, all endpoints", calm.percentile(99), unit: "ms",
                   note: "\(quiet.filter(\.failed).count) errors of \(quiet.count)")
        for window in windows {
            let inside = samples.filter { $0.at >= window.from && $0.at <= window.to }
            let times = Samples(values: inside.map(\.milliseconds))
            report.add("during \(window.what): p99", times.percentile(99), unit: "ms",
                       note: String(format: "max %.0f ms, %d errors of %d requests (the kiosks sent them again)",
                                    times.max, inside.filter(\.failed).count, inside.count))
        }
    }
}
