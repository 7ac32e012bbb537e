// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ZizhuWire

/// The platform's storage in PostgreSQL, for fleets: the same tables and the same answers
/// as the SQLite store. Each batch is one transaction; a key is stored once
/// (`INSERT … ON CONFLICT DO NOTHING`), so two servers racing on one repeat cannot both
/// store it.
public final class PostgresCentralStore: CentralStorage, StaffStorage {
    let client: PostgresClient
    /// Seals payloads and kiosk secrets, keys the applicant index (`PlatformKeyring`).
    public let keyring: PlatformKeyring?
    private let runner: Task<Void, Never>
    let logger = Logger(label: "zizhu.central.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `postgres://user[:password]@host[:port]/database[?sslmode=MODE[&sslrootcert=CA.pem]]`:
    /// `disable` (the default, for a database on this machine), `require` (encrypted, any
    /// certificate) or `verify-full` (encrypted, the certificate checked against
    /// `sslrootcert` — or the system's roots — and the host name).
    public init(url: String, keyring: PlatformKeyring?) async throws {
        self.keyring = keyring
        guard let components = URLComponents(string: url), let host = components.host,
              let user = components.user, components.path.count > 1 else {
            throw ProblemResponse(error: "bad database URL", detail: "expected postgres://user[:password]@host[:port]/database")
        }
        let tls = try Self.tls(components.queryItems ?? [])
        let database = String(components.path.dropFirst())
        // One connection first, on its own: the pool retries a connection that fails (a TLS
        // mismatch, a wrong password) for as long as a query waits, so a bad URL would hang;
        // a single attempt fails at once with the server's own reason.
        do {
            let probe = PostgresConnection.Configuration(host: host, port: components.port ?? 5432, username: user,
                                                         password: components.password, database: database,
                                                         tls: try tls.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
            let quiet = Logger(label: "zizhu.central.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            try await PostgresConnection.connect(configuration: probe, id: 0, logger: quiet).close()
        } catch {
            let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
            throw ProblemResponse(error: "database unreachable",
                                  detail: "cannot connect to PostgreSQL at \(host) (sslmode: \(mode)): \(String(reflecting: error))")
        }
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database, tls: tls.map { .require($0) } ?? .disable)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        runner = Task { await client.run() }
        try await migrate()
        if let keyring { try await sealPlaintext(keyring, everything: false) }
    }

    deinit { runner.cancel() }

    /// The TLS `sslmode` asks for: nil for `disable` (the default, a database on this
    /// machine), any certificate for `require`, a checked one for `verify-full` (against
    /// `sslrootcert`, else the system's roots, and the host name). Never a fallback to plain text.
    static func tls(_ query: [URLQueryItem]) throws -> TLSConfiguration? {
        let mode = query.first { $0.name == "sslmode" }?.value ?? "disable"
        switch mode {
        case "disable":
            return nil
        case "require":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return tls
        case "verify-full":
            var tls = TLSConfiguration.makeClientConfiguration()
            if let root = query.first(where: { $0.name == "sslrootcert" })?.value {
                do {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root))
                } catch {
                    throw ProblemResponse(error: "bad database URL", detail: "sslrootcert \(root): \(error)")
                }
            }
            return tls
        default:
            throw ProblemResponse(error: "bad database URL", detail: "sslmode is disable, require or verify-full, not \(mode)")
        }
    }

    func migrate() async throws {
        try await PostgresMigrations.apply(on: client, logger: logger)
    }

    public func createToken() async throws -> String {
        let token = CentralRules.newToken()
        try await client.query("INSERT INTO token(token) VALUES (\(CentralRules.tokenKey(token)))", logger: logger)
        return token
    }

    public func enrol(token: String, kioskID: String, site: String) async throws -> String {
        let secret = CentralRules.newSecret()
        let sealed = try sealing().seal(secret, context: PlatformSeal.secret(kioskID))
        let logger = self.logger
        do {
            try await enrolInTransaction(token: token, kioskID: kioskID, site: site, secret: sealed, logger: logger)
        } catch let error as PostgresTransactionError {
            // The reason, not the transaction wrapper (the same errors as the SQLite store).
            if let problem = error.closureError as? EnrolmentProblem { throw problem }
            throw error
        }
        return secret
    }

    public func importKiosks(_ kiosks: [(id: String, site: String)]) async throws -> [ImportedKiosk] {
        let made = try CentralRules.importing(kiosks, ring: try sealing())
        let logger = self.logger
        do {
            try await client.withTransaction(logger: logger) { connection in
                // A thousand rows to a statement: one round trip each, not one per kiosk.
                for chunk in stride(from: 0, to: made.count, by: 1000).map({ made[$0..<min($0 + 1000, made.count)] }) {
                    let ids = chunk.map(\.kiosk.id), secrets = chunk.map(\.sealed), sites = chunk.map(\.kiosk.site)
                    var taken = false
                    for try await _ in try await connection.query("SELECT 1 FROM kiosk WHERE id = ANY(\(ids))", logger: logger) { taken = true }
                    if taken { throw EnrolmentProblem.kioskExists }
                    try await connection.query("""
                        INSERT INTO kiosk(id, secret, site) SELECT * FROM unnest(\(ids)::text[], \(secrets)::text[], \(sites)::text[])
                        """, logger: logger)
                }
            }
        } catch let error as PostgresTransactionError {
            if let problem = error.closureError as? EnrolmentProblem { throw problem }
            throw error
        }
        return made.map { ImportedKiosk(kioskID: $0.kiosk.id, secret: $0.secret) }
    }

    private func enrolInTransaction(token: String, kioskID: String, site: String, secret: String, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("SELECT used_by, for_kiosk FROM token WHERE token = \(CentralRules.tokenKey(token)) FOR UPDATE", logger: logger)
            var found = false
            var used: String?, tokenFor: String?
            for try await (usedBy, forKiosk) in rows.decode((String?, String?).self) {
                found = true
                used = usedBy
                tokenFor = forKiosk
            }
            guard found else { throw EnrolmentProblem.unknownToken }
            if used != nil { throw EnrolmentProblem.tokenUsed }
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM kiosk WHERE id = \(kioskID)", logger: logger) { exists = true }
            switch try CentralRules.enrolment(tokenFor: tokenFor, kioskID: kioskID, exists: exists) {
            case .new:
                try await connection.query("INSERT INTO kiosk(id, secret, site) VALUES (\(kioskID), \(secret), \(site))", logger: logger)
            case .again:
                try await connection.query("UPDATE kiosk SET secret = \(secret) WHERE id = \(kioskID)", logger: logger)
            }
            try await connection.query("UPDATE token SET used_by = \(kioskID) WHERE token = \(CentralRules.tokenKey(token))", logger: logger)
        }
    }

    public func credentials(kioskID: String) async throws -> KioskCredentials? {
        let ring = try sealing()
        for try await (sealed, reason) in try await client.execute(KioskCredentialsStatement(kioskID: kioskID), logger: logger) {
            guard let secret = try PlatformSeal.openSecret(sealed, kioskID: kioskID, ring) else { return nil }
            return KioskCredentials(secret: secret, disabledReason: reason)
        }
        return nil
    }

    /// One statement, one commit: the nonce, and (only when it is new) the kiosk last seen now.
    public func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool {
        let statement = RememberNonceStatement(kioskID: kioskID, nonce: nonce, timestamp: timestamp, skew: skew)
        var inserted = false
        for try await count in try await client.execute(statement, logger: logger) { inserted = count > 0 }
        return inserted
    }

    public func ping() async throws {
        for try await _ in try await client.query("SELECT 1", logger: logger).decode(Int32.self) {}
    }

    public func prune(now: Date, sessionsIdleFor: TimeInterval) async throws -> PruneReport {
        func deleted(_ query: PostgresQuery) async throws -> Int {
            var count = 0
            for try await _ in try await client.query(query, logger: logger) { count += 1 }
            return count
        }
        let horizon = CentralRules.nonceHorizon(now: now)
        let idleSince = now.timeIntervalSince1970 - sessionsIdleFor
        let firstDay = CentralRules.heartbeatHorizon(now: now)
        return PruneReport(nonces: try await deleted("DELETE FROM nonce WHERE timestamp < \(horizon) RETURNING 1"),
                           sessions: try await deleted("DELETE FROM staff_session WHERE last_seen < \(idleSince) RETURNING 1"),
                           heartbeatDays: try await deleted("DELETE FROM heartbeat_day WHERE day < \(firstDay) RETURNING 1"))
    }

    public func stats() async throws -> CentralStats {
        func count(_ query: PostgresQuery) async throws -> Int {
            for try await value in try await client.query(query, logger: logger).decode(Int64.self) { return Int(value) }
            return 0
        }
        return CentralStats(kiosks: try await count("SELECT COUNT(*) FROM kiosk"),
                            submissions: try await count("SELECT COUNT(*) FROM submission"),
                            repeats: try await count("SELECT value FROM counter WHERE name = 'repeats'"),
                            conflicts: try await count("SELECT value FROM counter WHERE name = 'conflicts'"),
                            ratings: try await count("SELECT COUNT(*) FROM kiosk_entry WHERE kind = 'rating'"),
                            inReview: try await count("SELECT COUNT(*) FROM submission WHERE progress = 'manual_review'"))
    }

    public func keys(kioskID: String) async throws -> [String] {
        var keys: [String] = []
        let rows = try await client.query("SELECT key FROM submission WHERE kiosk_id = \(kioskID) ORDER BY sequence", logger: logger)
        for try await key in rows.decode(String.self) { keys.append(key) }
        return keys
    }

    /// One statement per batch — one round trip, one commit, however large the batch: the
    /// request's nonce (`once`; a replay writes nothing), its rows (`unnest` of arrays, in
    /// batch order), the kiosk's count and the hour's count, all or nothing. A key is
    /// inserted once (`ON CONFLICT DO NOTHING`), so two servers racing on
    /// one repeat cannot both store it. Only when an entry was not inserted does a second
    /// statement read what is held under its key, and a third count the repeats and
    /// conflicts. `CentralRules` decides every answer. (A batch was five round trips — begin,
    /// insert, two counts, commit — which cost PostgreSQL's ingest a third of its rate.)
    public func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String,
                             verdicts: [String: CentralRules.Verdict], once nonce: NonceUse?) async throws -> [SubmissionResult]? {
        let ring = try sealing()
        let plan = CentralRules.admit(batch, kind: kind, kioskID: kioskID, verdicts: verdicts, index: ring.applicantIndex(payload:idNumber:))
        let sealed = try plan.admitted.map { try ring.seal($0.envelope.payload, context: PlatformSeal.payload(kind, key: $0.envelope.key)) }
        var stored: Set<String> = []
        if kind == .submission && (nonce != nil || !plan.admitted.isEmpty) {
            // The nonce rides in the batch's own statement.
            guard let inserted = try await insertApplications(plan.admitted, payloads: sealed, kioskID: kioskID, once: nonce) else { return nil }
            stored = inserted
        } else {
            if let nonce, try await !remember(nonce: nonce.nonce, kioskID: kioskID, timestamp: nonce.timestamp, skew: nonce.skew) { return nil }
            if !plan.admitted.isEmpty { stored = try await insertEntries(plan.admitted, payloads: sealed, kind: kind, kioskID: kioskID) }
        }
        // A key twice in one batch: its first entry is the one stored (the statement keeps
        // the batch's order), the second is answered as a repeat or a conflict.
        var claimed: Set<String> = []
        let inserted = plan.admitted.map { entry -> Bool in
            guard stored.contains(entry.envelope.key), !claimed.contains(entry.envelope.key) else { return false }
            claimed.insert(entry.envelope.key)
            return true
        }
        let waiting = zip(plan.admitted, inserted).filter { !$1 }.map(\.0.envelope.key)
        let held = waiting.isEmpty ? [:] : try await self.held(waiting, kind: kind)
        let settled = plan.settle(inserted: inserted, held: held)
        if settled.repeats > 0 || settled.conflicts > 0 {
            let (repeats, conflicts) = (Int64(settled.repeats), Int64(settled.conflicts))
            try await client.query("""
                UPDATE counter SET value = value + CASE name WHEN 'repeats' THEN \(repeats) ELSE \(conflicts) END
                WHERE name IN ('repeats', 'conflicts')
                """, logger: logger)
        }
        return settled.results
    }

    /// Inserts the admitted applications whose key is not taken, in one statement that first
    /// records the request's nonce and also adds them to the kiosk's and the hour's counts;
    /// the keys it inserted, or nil when the nonce was used before (nothing written). Optional
    /// columns travel as '' and are stored as NULL.
    func insertApplications(_ entries: [CentralRules.Admitted], payloads: [String], kioskID: String, once nonce: NonceUse?) async throws -> Set<String>? {
        let envelopes = entries.map(\.envelope)
        let statement = StoreApplicationsStatement(
            kioskID: kioskID, keys: envelopes.map(\.key), sequences: envelopes.map(\.sequence), numbers: envelopes.map(\.acceptanceNumber),
            services: envelopes.map(\.serviceID), hashes: envelopes.map(\.payloadHash), payloads: payloads, created: envelopes.map(\.createdAt),
            progress: entries.map { ($0.progress ?? .manualReview).rawValue }, applicants: entries.map { $0.applicant ?? "" },
            flags: entries.map { $0.flag ?? "" }, shard: Int32(CentralRules.counterShard(kioskID)), nonce: nonce)
        var fresh = false
        var stored: Set<String> = []
        for try await key in try await client.execute(statement, logger: logger) {
            if let key { stored.insert(key) } else { fresh = true }
        }
        return fresh ? stored : nil
    }

    /// Inserts the admitted ratings or tickets whose key and reference are not taken, in one
    /// statement; the keys it inserted.
    func insertEntries(_ entries: [CentralRules.Admitted], payloads: [String], kind: OutboxKind, kioskID: String) async throws -> Set<String> {
        let envelopes = entries.map(\.envelope)
        let statement = StoreKioskEntriesStatement(kioskID: kioskID, kind: kind.rawValue, keys: envelopes.map(\.key), references: entries.map(\.reference),
                                                   sequences: envelopes.map(\.sequence), hashes: envelopes.map(\.payloadHash), payloads: payloads)
        var stored: Set<String> = []
        for try await key in try await client.execute(statement, logger: logger) { stored.insert(key) }
        return stored
    }

    /// What is held under these keys (one query).
    func held(_ keys: [String], kind: OutboxKind) async throws -> [String: CentralRules.Held] {
        let rows = kind == .submission
            ? try await client.query("SELECT key, payload_hash, progress FROM submission WHERE key = ANY(\(keys))", logger: logger)
            : try await client.query("SELECT key, payload_hash, NULL::text FROM kiosk_entry WHERE key = ANY(\(keys))", logger: logger)
        var held: [String: CentralRules.Held] = [:]
        for try await (key, hash, progress) in rows.decode((String, String, String?).self) {
            held[key] = CentralRules.Held(payloadHash: hash, progress: progress)
        }
        return held
    }

    public func ratingCounts() async throws -> [Int: Int] {
        let ring = try sealing()
        var payloads: [String] = []
        for try await (key, payload) in try await client.query("SELECT key, payload FROM kiosk_entry WHERE kind = 'rating'", logger: logger)
            .decode((String, String).self) { payloads.append(try ring.open(payload, context: PlatformSeal.payload(.rating, key: key))) }
        return CentralRules.levels(of: payloads)
    }

    public func reviewQueue(limit: Int) async throws -> [ReviewItem] {
        let rows = try await client.query("""
            SELECT acceptance_number, kiosk_id, service_id, received_at, review_flag FROM submission
            WHERE progress = 'manual_review' ORDER BY received_at, acceptance_number LIMIT \(limit)
            """, logger: logger)
        var items: [ReviewItem] = []
        for try await (number, kiosk, service, at, flag) in rows.decode((String, String, String, Date, String?).self) {
            items.append(ReviewItem(acceptanceNumber: number, kioskID: kiosk, serviceID: service, receivedAt: UTCTime.iso(at), flag: flag))
        }
        return items
    }

    public func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome {
        let progress = CentralRules.Progress.reviewed(approve: approve).rawValue
        let inReview = CentralRules.Progress.manualReview.rawValue
        let rows = try await client.query("""
            UPDATE submission SET progress = \(progress), progress_reason = \(reason), progress_at = now()
            WHERE acceptance_number = \(acceptanceNumber) AND progress = \(inReview) RETURNING key
            """, logger: logger)
        for try await _ in rows { return .decided }
        guard let current = try await self.progress(acceptanceNumber: acceptanceNumber) else { return .unknown }
        return .notInReview(current)
    }
}
