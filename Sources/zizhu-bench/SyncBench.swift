// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import GRDB
import Logging
import ZizhuCentral
import ZizhuKiosk
import ZizhuOutbox
import ZizhuProcess
import ZizhuTestSupport
import ZizhuWire

/// Issue 6's figures: durable submit latency against python persist-queue with the same
/// durability, draining 10,000 submissions to a local server, and central ingest with 100
/// simulated kiosks on SQLite and on PostgreSQL.
struct SyncBench {
    let zizhu: String
    let submits: Int
    let drain: Int
    let scratch: URL
    var report: Report

    static let payload = SubmissionPayload(
        service: "business-licence-print", applicant: .init(idNumber: "440106198806150019", name: "演示用户", cardKind: "resident"),
        fields: ["credit_code": "91440106MA9W0DEM01", "is_legal_representative": "yes", "copies": "2"], committed: [],
        decisions: ["business-licence-print": .init(outcome: "approved", decidedBy: ["legal-representative", "material.id-card"], owed: [])],
        decision: .init(outcome: "approved", decidedBy: ["legal-representative", "material.id-card"], owed: []),
        catalogueVersion: "bench")

    mutating func run() async throws {
        report.section("Outbox and central platform (issue 6)")
        try await durableSubmit()
        try await drainToServer()
        // Side by side in one run: batches of 20, and of 100 (a kiosk's default batch, what
        // it sends when it has a backlog to deliver).
        for perBatch in [20, 100] {
            try await ingest(postgres: false, perBatch: perBatch)
            try await ingest(postgres: true, perBatch: perBatch)
        }
    }

    /// Outbox.submit (AES-GCM seal, SHA-256, one WAL commit with synchronous=FULL) vs
    /// persist-queue's SQLiteAckQueue put() (WAL, synchronous=FULL set explicitly), same payload size.
    mutating func durableSubmit() async throws {
        let home = scratch.appendingPathComponent("submit")
        let outbox = try Outbox(home: home, kioskID: "bench")
        guard try outbox.writerSynchronous() == 2 else { throw BenchError.failed("synchronous is not FULL") }
        var times: [Double] = []
        for _ in 0..<submits {
            let start = now()
            _ = try outbox.submit(Self.payload)
            times.append((now() - start) * 1e6)
        }
        let ours = Samples(values: times)
        let size = try CanonicalJSON.encode(Self.payload).count
        report.add("durable submit (seal + hash + FULL commit): p50", ours.median, unit: "µs",
                   note: String(format: "p99 %.0f µs, %d submissions, %d-byte payload", ours.percentile(99), submits, size))
        try submitStages(size: size)

        // The same workload through persist-queue in a venv of our own.
        let venv = scratch.appendingPathComponent("venv")
        for argv in [["/usr/bin/python3", "-m", "venv", venv.path],
                     [venv.appendingPathComponent("bin/pip").path, "install", "--quiet", "--disable-pip-version-check", "persist-queue==1.1.0"]] {
            let result = try await ChildProcess.runDetached(argv, environment: ProcessInfo.processInfo.environment)
            guard result.status == 0 else { throw BenchError.failed("\(argv.joined(separator: " ")): \(result.stderr)") }
        }
        let script = scratch.appendingPathComponent("pq.py")
        try """
            import json, os, statistics, sys, time
            import persistqueue
            n, size, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            q = persistqueue.SQLiteAckQueue(path, auto_commit=True, multithreading=False)
            q._putter.execute('PRAGMA synchronous=FULL')
            assert q._putter.execute('PRAGMA synchronous').fetchone()[0] == 2
            item = {'payload': os.urandom(size).hex()[:size]}
            times = []
            for _ in range(n):
                t = time.perf_counter(); q.put(item); times.append((time.perf_counter() - t) * 1e6)
            times.sort()
            print(json.dumps({'p50': times[len(times) // 2], 'p99': times[int(len(times) * 0.99)]}))
            """.write(to: script, atomically: true, encoding: .utf8)
        let python = try await ChildProcess.runDetached(
            [venv.appendingPathComponent("bin/python").path, script.path, String(submits), String(size + 60),
             scratch.appendingPathComponent("pq").path], environment: ProcessInfo.processInfo.environment)
        guard python.status == 0, let data = python.stdout.data(using: .utf8),
              let figures = try JSONSerialization.jsonObject(with: data) as? [String: Double],
              let p50 = figures["p50"], let p99 = figures["p99"] else {
            throw BenchError.failed("persist-queue run failed: \(python.stderr)")
        }
        report.add("persist-queue 1.1.0 SQLiteAckQueue.put (WAL, FULL): p50", p50, unit: "µs",
                   note: String(format: "p99 %.0f µs; ours/theirs p50 %.2f, p99 %.2f (lower is faster)",
                                p99, ours.median / p50, ours.percentile(99) / p99))
    }

    /// Where a submit's time goes: each step alone (median of many), and the floor, a bare
    /// SQLite WAL commit of a row of the same size with synchronous=FULL (one prepared
    /// statement, one transaction, nothing else): what a submit cannot go below.
    mutating func submitStages(size: Int) throws {
        let key = SymmetricKey(size: .bits256)
        func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = now()
                try body()
                times.append((now() - start) * 1e6)
            }
            return Samples(values: times).median
        }
        var canonical = Data()
        let encode = try median(2000) { canonical = try CanonicalJSON.encode(Self.payload) }
        var sealed = Data()
        let seal = try median(2000) { sealed = try AES.GCM.seal(canonical, using: key, authenticating: Data("key".utf8)).combined ?? Data() }
        let hash = median(2000) { _ = canonical.sha256Hex }
        report.add("  of which canonical JSON encoding", encode, unit: "µs")
        report.add("  of which AES-GCM seal", seal, unit: "µs")
        report.add("  of which SHA-256", hash, unit: "µs")

        let path = scratch.appendingPathComponent("floor.sqlite").path
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS entry(id INTEGER PRIMARY KEY, sealed BLOB NOT NULL)")
        }
        var times: [Double] = []
        for _ in 0..<submits {
            let start = now()
            try queue.write { db in try db.cachedStatement(sql: "INSERT INTO entry(sealed) VALUES (?)").execute(arguments: [sealed]) }
            times.append((now() - start) * 1e6)
        }
        let floor = Samples(values: times)
        report.add("floor: bare SQLite WAL commit of the same row (synchronous=FULL): p50", floor.median, unit: "µs",
                   note: String(format: "p99 %.0f µs; a submit can go no lower", floor.percentile(99)))
    }

    /// A real `zizhu-central` (release) on loopback; 10,000 queued submissions drained by the sync worker.
    mutating func drainToServer() async throws {
        let (server, url, database) = try await startCentral(database: "sqlite://" + scratch.appendingPathComponent("drain.sqlite").path)
        defer { _ = ChildProcess.stop(server, signal: SIGTERM, grace: 5) }
        let store = try await openCentral(database)
        let secret = try await store.enrol(token: try await store.createToken(), kioskID: "bench-drain", site: "bench")
        let home = scratch.appendingPathComponent("drain-kiosk")
        let outbox = try Outbox(home: home, kioskID: "bench-drain")
        for _ in 0..<drain { _ = try outbox.submit(Self.payload) }
        let worker = PlatformClient(outbox: outbox, enrolment: Enrolment(central: url, kioskID: "bench-drain", secret: secret), home: home,
                                logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }), batchCount: 200)
        let start = now()
        let result = try await worker.drain()
        let seconds = now() - start
        guard result.delivered == drain else { throw BenchError.failed("drained \(result.delivered) of \(drain)") }
        report.add("drain \(drain) queued submissions to a local server", seconds, unit: "s",
                   note: String(format: "%.0f submissions/s, %d batches of ≤200, SQLite FULL on both sides", Double(drain) / seconds, result.batches))
    }

    /// 100 kiosks, each sending 10 signed batches of `perBatch` one after the other, all
    /// kiosks at once (each on a connection of its own), into one server.
    mutating func ingest(postgres: Bool, perBatch: Int) async throws {
        var cluster: PrivatePostgres?
        let database: String
        if postgres {
            let folder = scratch.appendingPathComponent("postgres-\(perBatch)")
            let started = try await ChildProcess.detached { try PrivatePostgres(folder: folder) }
            cluster = started
            database = try await ChildProcess.detached { try started.newDatabase() }
        } else {
            database = "sqlite://" + scratch.appendingPathComponent("ingest-\(perBatch).sqlite").path
        }
        defer { cluster?.stop() }
        // The platform decides every application again (its own 秒批) with the catalogue the
        // kiosks name and its own records of the applicant: the rules engine runs for each
        // one, as in service.
        let catalogue = try ProvincePlatform.repositoryFile("Kiosk/catalogue")
        let (server, url, _) = try await startCentral(database: database, catalogue: catalogue,
                                                      records: try ProvincePlatform.repositoryFile("Devices/simulator/demo-records.yaml"))
        defer { _ = ChildProcess.stop(server, signal: SIGTERM, grace: 5) }
        let store = try await openCentral(database)
        // Enrolled in bulk, as a province's roll-out would be (`zizhu-central kiosk import`).
        let kiosks = try await store.importKiosks((0..<100).map { (id: String(format: "bench-%03d", $0), site: "bench") })
            .map { ($0.kioskID, SymmetricKey(data: Data(base64Encoded: $0.secret) ?? Data())) }
        var decided = Self.payload
        decided.catalogueVersion = try CatalogueBundle.load(folder: URL(fileURLWithPath: catalogue)).version
        let payload = String(decoding: try CanonicalJSON.encode(decided), as: UTF8.self)
        let hash = Data(payload.utf8).sha256Hex
        let batches = 10
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: kiosks.count)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        // Whose CPU a stored submission costs: the platform's (the server, PostgreSQL's
        // processes) apart from the simulated kiosks' (this process: encoding, signing).
        let cpuBefore = (server: cpuSeconds(of: [server]), database: cpuSeconds(of: cluster?.processes() ?? []), kiosks: cpuSeconds(of: [getpid()]))
        let start = now()
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, kiosk) in kiosks.enumerated() {
                group.addTask {
                    var stored = 0
                    for batch in 0..<batches {
                        let envelopes = (0..<perBatch).map { item -> SubmissionEnvelope in
                            let key = UUIDv7.make()
                            return SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "",
                                                      sequence: Int64(batch * perBatch + item + 1), kioskID: kiosk.0,
                                                      serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                                                      payloadHash: hash, payload: payload)
                        }
                        let body = try CanonicalJSON.encode(SubmissionBatch(submissions: envelopes))
                        var request = HTTPClientRequest(url: url + "/v1/submissions")
                        request.method = .POST
                        for (name, value) in RequestSigning.headers(kioskID: kiosk.0, secret: kiosk.1, method: "POST",
                                                                    path: "/v1/submissions", body: body) {
                            request.headers.add(name: name, value: value)
                        }
                        request.body = .bytes(body)
                        let response = try await client.execute(request, timeout: .seconds(60))
                        let data = try await response.body.collect(upTo: 8 << 20)
                        guard response.status.code == 200,
                              let result = try? JSONDecoder().decode(SubmissionBatchResult.self, from: Data(data.readableBytesView)) else {
                            throw BenchError.failed("kiosk \(index): HTTP \(response.status.code)")
                        }
                        stored += result.results.filter { $0.status == .accepted }.count
                    }
                    return stored
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = now() - start
        let perThousand = { (cpu: Double) in cpu / Double(kiosks.count * batches * perBatch) * 1000 }
        let serverCPU = perThousand(cpuSeconds(of: [server]) - cpuBefore.server)
        let databaseCPU = perThousand(max(0, cpuSeconds(of: cluster?.processes() ?? []) - cpuBefore.database))
        let kioskCPU = perThousand(cpuSeconds(of: [getpid()]) - cpuBefore.kiosks)
        try await client.shutdown()
        let total = kiosks.count * batches * perBatch
        guard accepted == total else { throw BenchError.failed("stored \(accepted) of \(total)") }
        // The rules engine ran for each: the bench's application is one the rules approve.
        let inReview = try await store.stats().inReview
        guard inReview == 0 else {
            let why = try await store.reviewQueue(limit: 1).first?.flag ?? "no flag"
            throw BenchError.failed("\(inReview) of \(total) went to a person, not decided by the platform's rules: \(why)")
        }
        report.add("central ingest, 100 kiosks, batches of \(perBatch), \(postgres ? "PostgreSQL" : "SQLite (WAL, FULL)")",
                   Double(total) / seconds, unit: "subm/s",
                   note: String(format: "%d submissions in %.2f s (batches of %d, signed, each decided by the platform's rules, one transaction per batch); CPU-s per 1,000: "
                                    + "zizhu-central %.2f", total, seconds, perBatch, serverCPU)
                       + (postgres ? String(format: ", PostgreSQL %.2f", databaseCPU) : "")
                       + String(format: ", the simulated kiosks %.2f", kioskCPU))
    }

    /// The platform key the bench's `zizhu-central` seals with (made by its first start).
    var platformKey: String { scratch.appendingPathComponent("platform.key").path }

    /// The store the bench's server uses, opened with the server's platform key.
    func openCentral(_ database: String) async throws -> any CentralStorage {
        try await CentralDatabase.open(database, keyring: try PlatformKeyring.load(platformKey))
    }

    /// Starts the release `zizhu-central` next to `zizhu`; returns its pid and URL.
    func startCentral(database: String, catalogue: String? = nil, records: String? = nil) async throws -> (pid_t, String, String) {
        let binary = URL(fileURLWithPath: zizhu).deletingLastPathComponent().appendingPathComponent("zizhu-central").path
        let out = scratch.appendingPathComponent("central-\(UUID().uuidString.prefix(6)).out").path
        let pid = try ChildProcess.spawn([binary, "serve", "--port", "0", "--database", database, "--platform-key", platformKey,
                                          "--proof-key", scratch.appendingPathComponent("proof.key").path]
                                             + (catalogue.map { ["--catalogue", $0] } ?? []) + (records.map { ["--records", $0] } ?? []),
                                         environment: ProcessInfo.processInfo.environment, stdio: .files(stdout: out, stderr: out))
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: out, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return (pid, String(line.dropFirst("listening on ".count)), database)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError.failed("zizhu-central did not start: \((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
    }
}
