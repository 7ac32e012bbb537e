// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess
import ZizhuTestSupport

/// A province's platform as it is deployed: three `zizhu-central` instances on one
/// PostgreSQL behind HAProxy with the configuration the repository ships
/// (Devices/platform/haproxy.cfg, TLS ending at the balancer), started by the test. Kiosks
/// enrol and sync through the balancer while each instance in turn is stopped (SIGTERM:
/// it drains) and started again.
@Suite("Province: instances behind HAProxy on PostgreSQL", .serialized)
struct BalancerTests {
    /// `curl` through TLS trusting `ca`: the status code and the body.
    static func get(_ url: String, ca: URL) async throws -> (status: Int, body: String) {
        let run = try await Run.program("/usr/bin/curl", ["-sS", "--max-time", "5", "--cacert", ca.path, "-w", "\n%{http_code}", url],
                                        environment: ["PATH": "/usr/bin:/bin"])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func kiosksSyncThroughTheBalancerWhileEachInstanceRestartsInTurn() async throws {
        let haproxy = "/usr/sbin/haproxy"
        try #require(FileManager.default.isExecutableFile(atPath: haproxy), "haproxy (Debian package) is not installed: make deps installs it")
        let scratch = Built.temporaryDirectory("balancer")
        let postgres = try await ChildProcess.detached { try PrivatePostgres(folder: scratch.appendingPathComponent("postgres")) }
        defer { postgres.stop() }
        let database = try await ChildProcess.detached { try postgres.newDatabase() }
        let pki = try await TestCertificates.make(in: scratch)
        let certificate = pki.bundle

        // Three instances started together on one database and one platform key file (the
        // first to start makes the key; the others take it).
        let instances = (0..<3).map { _ in
            let central = SyncFaultTests.Central(scratch: scratch)
            central.database = database
            central.extraArguments = ["--drain-seconds", "3", "--trusted-proxy", "127.0.0.1"]
            return central
        }
        let ports = (0..<3).map { _ in PrivatePostgres.freePort() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (central, port) in zip(instances, ports) { group.addTask { try await central.start(port: port) } }
            try await group.waitForAll()
        }
        defer { for central in instances { let pid = central.pid; Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start() } }

        // HAProxy with the shipped configuration; addresses from the environment.
        let (balancerPort, staffPort) = (PrivatePostgres.freePort(), PrivatePostgres.freePort())
        var environment = ["PATH": "/usr/sbin:/usr/bin:/bin",
                           "ZIZHU_BALANCER_ADDRESS": "127.0.0.1:\(balancerPort)", "ZIZHU_BALANCER_STAFF_ADDRESS": "127.0.0.1:\(staffPort)",
                           "ZIZHU_BALANCER_CERTIFICATE": certificate.path]
        for (index, central) in instances.enumerated() {
            environment["ZIZHU_CENTRAL_\(index + 1)"] = "127.0.0.1:\(central.port)"
            environment["ZIZHU_CENTRAL_STAFF_\(index + 1)"] = String(central.staffURL.dropFirst("http://".count))
        }
        let configuration = Built.repository.appendingPathComponent("Devices/platform/haproxy.cfg").path
        let checked = try await Run.program(haproxy, ["-c", "-f", configuration], environment: environment)
        #expect(checked.status == 0, "haproxy -c: \(checked.stdout)\(checked.stderr)")
        let balancerLog = scratch.appendingPathComponent("haproxy.log").path
        let balancer = try ChildProcess.spawn([haproxy, "-db", "-f", configuration], environment: environment,
                                              stdio: .files(stdout: balancerLog, stderr: balancerLog))
        defer { Thread { _ = ChildProcess.stop(balancer, signal: SIGTERM, grace: 5) }.start() }
        let front = "https://127.0.0.1:\(balancerPort)"
        var ready = (status: 0, body: "")
        for _ in 0..<100 where ready.status != 200 {
            ready = try await Self.get(front + "/ready", ca: pki.ca)
            if ready.status != 200 { try await Task.sleep(for: .milliseconds(200)) }
        }
        try #require(ready.status == 200, "the balancer never answered ready: \(ready)\n\((try? String(contentsOfFile: balancerLog, encoding: .utf8)) ?? "")")
        // The staff side through its own frontend: the sign-in page, nothing without it.
        let signIn = try await Self.get("https://127.0.0.1:\(staffPort)/dashboard/login", ca: pki.ca)
        #expect(signIn.status == 200 && signIn.body.contains("<form"), "\(signIn.status)")

        // Three kiosks enrolled through the balancer (trusting the platform's CA), 10
        // applications each to begin with.
        let perKiosk = 10
        var homes: [URL] = []
        for index in 1...3 {
            let home = scratch.appendingPathComponent("kiosk-\(index)")
            try SyncFaultTests.writeConfig(home, ["id: zizhu-demo-001": "id: province-\(index)",
                                                  "catalogue: catalogue": "catalogue: \(Built.repository.path)/Kiosk/catalogue"])
            let token = try #require(try await instances[index % 3].run(["token", "create"]).split(separator: " ").last)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let enrolled = try await SyncFaultTests.zizhu(["enroll", "--central", front, "--token", token, "--ca-file", pki.ca.path], home: home)
            try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
            for _ in 0..<perKiosk {
                let submitted = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
                try #require(submitted.status == 0, "\(submitted.stderr)")
            }
            homes.append(home)
        }

        // The kiosks take applications and sync them in small batches, again and again, while
        // each instance in turn gets SIGTERM (it drains: /ready says so while it still
        // serves) and is started again.
        let syncing = SyncLoop(homes: homes)
        let loop = Task.detached { await syncing.run() }
        var drainingSeen = 0
        for central in instances {
            try await Task.sleep(for: .seconds(2))
            let direct = central.url
            kill(central.pid, SIGTERM)
            try await Task.sleep(for: .milliseconds(500))
            let duringDrain = try await Self.get(direct + "/ready", ca: pki.ca)
            if duringDrain.status == 503 && duringDrain.body.contains("draining") { drainingSeen += 1 }
            let health = try await Self.get(direct + "/health", ca: pki.ca)
            #expect(health.status == 200, "an instance that drains is still alive: \(health)")
            let exited = await ChildProcess.stopDetached(central.pid, signal: SIGTERM, grace: 30)
            #expect(exited == 0, "the instance did not exit cleanly after draining (status \(exited))")
            try await central.start(port: central.port)
            // Back in rotation once HAProxy's checks pass twice (1 s apart).
            try await Task.sleep(for: .seconds(3))
        }
        syncing.stop()
        let runs = await loop.value
        // PostgreSQL goes down: the instances say they are not ready (the database does not
        // answer); it comes back: they reconnect by themselves, and a kiosk syncs again.
        try await ChildProcess.detached { try postgres.crash() }
        let databaseDown = try await Self.get(instances[1].url + "/ready", ca: pki.ca)
        #expect(databaseDown.status == 503 && databaseDown.body.contains("database"), "\(databaseDown)")
        try await ChildProcess.detached { try postgres.startServer() }
        var back = (status: 0, body: "")
        for _ in 0..<50 where back.status != 200 {
            back = try await Self.get(front + "/ready", ca: pki.ca)
            if back.status != 200 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(back.status == 200, "the instances did not reconnect to PostgreSQL: \(back)")
        let after = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: homes[0])
        #expect(after.status == 0, "\(after.stderr)")

        // Whatever a stopped run left is sent now. Right after PostgreSQL is back, HAProxy's
        // checks (1 s apart, two to change a server's state) may still take every instance
        // out of rotation for a moment, and its own unsigned 503 stops a run (exit status 4)
        // as it would stop a kiosk's: the kiosk runs again later, and so does this, a few
        // times. Nothing may be lost or stored twice either way (counted below).
        for home in homes {
            var last = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
            for _ in 0..<5 where last.status == 4 {
                try await Task.sleep(for: .seconds(2))
                last = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
            }
            #expect(last.status == 0, "\(last.stdout)\(last.stderr)")
            let pending = try await SyncFaultTests.zizhu(["queue", "list", "--state", "pending"], home: home)
            #expect(pending.stdout.isEmpty, "still pending: \(pending.stdout.prefix(300))")
        }
        // Exactly what the kiosks hold, each application once.
        var held = 0
        for home in homes {
            let rows = try await SyncFaultTests.zizhu(["queue", "list"], home: home).stdout.split(separator: "\n")
            #expect(rows.allSatisfy { $0.contains("\tconfirmed") }, "\(rows.prefix(3))")
            held += rows.count
        }
        let stats = try await instances[0].stats()
        #expect(held == perKiosk * homes.count + runs.submitted + 1, "held \(held), submitted \(perKiosk * homes.count) + \(runs.submitted) + 1")
        #expect(stats["submissions"] == held, "platform \(stats), kiosks hold \(held)")
        #expect(stats["kiosks"] == homes.count)
        #expect(runs.submitted > 0 && runs.total > instances.count, "the kiosks did not keep working during the restarts: \(runs)")
        #expect(drainingSeen == instances.count, "an instance did not say it was draining after SIGTERM")
        print("balancer: 3 instances restarted in turn while kiosks made \(runs.submitted) applications and \(runs.total) sync runs "
              + "through HAProxy (\(runs.stopped) stopped early and were run again); stored \(stats["submissions"] ?? -1) of \(held), "
              + "lost 0, repeats \(stats["repeats"] ?? -1)")
    }
}

/// For each kiosk an application (`zizhu submit`) and `zizhu sync --now --batch 2`, over and
/// over, until told to stop: how many applications, how many sync runs and how many of those
/// stopped early (exit status other than 0).
final class SyncLoop: @unchecked Sendable {
    let homes: [URL]
    private let lock = NSLock()
    private var stopping = false

    init(homes: [URL]) { self.homes = homes }

    func stop() { lock.withLock { stopping = true } }
    var isStopping: Bool { lock.withLock { stopping } }

    func run() async -> (submitted: Int, total: Int, stopped: Int) {
        var submitted = 0, total = 0, stopped = 0
        while !isStopping {
            for home in homes {
                if let made = try? await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home), made.status == 0 {
                    submitted += 1
                }
                guard let run = try? await SyncFaultTests.zizhu(["sync", "--now", "--batch", "2"], home: home) else { continue }
                total += 1
                if run.status != 0 { stopped += 1 }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return (submitted, total, stopped)
    }
}
