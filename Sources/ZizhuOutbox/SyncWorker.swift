import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import ZizhuWire

/// What `zizhu enroll` stored: where the platform is and this kiosk's signing secret.
/// `$ZIZHU_HOME/enrolment.json`, mode 0600.
public struct Enrolment: Codable, Sendable, Hashable {
    public var central: String
    public var kioskID: String
    public var secret: String

    public init(central: String, kioskID: String, secret: String) {
        self.central = central
        self.kioskID = kioskID
        self.secret = secret
    }

    public static func file(home: URL) -> URL { home.appendingPathComponent("enrolment.json") }

    public static func load(home: URL) -> Enrolment? {
        FileManager.default.contents(atPath: file(home: home).path).flatMap { try? JSONDecoder().decode(Enrolment.self, from: $0) }
    }

    public func save(home: URL) throws {
        let url = Self.file(home: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let data = try CanonicalJSON.encode(self)
        let temporary = url.appendingPathExtension("tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        if rename(temporary.path, url.path) != 0 {
            throw OutboxError(kind: .storage, zh: "无法保存注册信息", en: "\(url.path): cannot save (\(errno))")
        }
    }

    var key: SymmetricKey? { Data(base64Encoded: secret).map { SymmetricKey(data: $0) } }

    /// Registers this kiosk with a one-time token.
    public static func enrol(central: String, token: String, kioskID: String, siteName: String,
                             client: HTTPClient = .shared) async throws -> Enrolment {
        let body = try CanonicalJSON.encode(EnrolmentRequest(token: token, kioskID: kioskID, siteName: siteName))
        let (status, data) = try await PlatformLink.post(client: client, url: central + "/v1/enrol", body: body, headers: [])
        guard status == 201, let answer = try? JSONDecoder().decode(EnrolmentResponse.self, from: data) else {
            throw (try? JSONDecoder().decode(ProblemResponse.self, from: data))
                ?? ProblemResponse(error: "enrolment failed", detail: "HTTP \(status)")
        }
        return Enrolment(central: central, kioskID: answer.kioskID, secret: answer.secret)
    }
}

enum PlatformLink {
    static func post(client: HTTPClient, url: String, body: Data, headers: [(String, String)],
                     timeoutSeconds: Int64 = 30) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }
}

/// Drains the outbox to the platform: one at a time (a lock file makes it single-flight
/// across processes too), oldest first, in batches capped by count and bytes. A failing
/// or too-large batch is halved; network errors, 5xx and 429 back off (capped, full
/// jitter) and stop this drain; "already received" counts as delivered; any other 4xx for
/// a single entry dead-letters it without blocking those behind it. A drain goes on until
/// nothing is due.
public final class SyncWorker: Sendable {
    public let outbox: Outbox
    public let enrolment: Enrolment
    let client: HTTPClient
    let lockPath: String
    let logger: Logger
    public let batchCount: Int
    public let batchBytes: Int
    /// The whole request's deadline. AsyncHTTPClient keeps retrying a refused connection
    /// until the deadline, so this is also how long an unreachable platform takes to notice.
    public let requestTimeoutSeconds: Int64
    /// The batch size the next drain starts with: halved after a failed batch, doubled back
    /// (up to `batchCount`) after each delivered one, so a link that chokes on big
    /// requests still moves.
    private let startingLimit: LockedCounter

    public init(outbox: Outbox, enrolment: Enrolment, home: URL, client: HTTPClient = .shared, logger: Logger,
                batchCount: Int = 100, batchBytes: Int = 512 << 10, requestTimeoutSeconds: Int64 = 20) {
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.outbox = outbox
        self.enrolment = enrolment
        self.client = client
        self.lockPath = home.appendingPathComponent("sync.lock").path
        self.logger = logger
        self.batchCount = batchCount
        self.batchBytes = batchBytes
        self.startingLimit = LockedCounter(batchCount)
    }

    /// The batch size the next drain starts with (tests and the technician screen).
    public var nextBatchLimit: Int { startingLimit.value }

    public struct Report: Sendable, Hashable {
        public var delivered = 0
        public var repeats = 0
        public var deadLettered = 0
        public var batches = 0
        /// Why the drain stopped early (the link, authentication), nil when all due went.
        public var stoppedBecause: String?
        /// Another process was already syncing.
        public var busy = false
    }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
    }

    enum Outcome {
        case results([SubmissionResult])
        case tooLarge
        case retryable(String)
        case refused(Int, String)
        case unauthorised(String)
    }

    public func drain(ignoringBackoff: Bool = false, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw OutboxError(kind: .storage, zh: "无法打开同步锁", en: "cannot open \(lockPath)") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            report.busy = true
            return report
        }
        defer { flock(fd, LOCK_UN) }
        guard let secret = enrolment.key else {
            report.stoppedBecause = "the enrolment secret is unreadable; enrol again"
            return report
        }
        let total = try outbox.depth().pending
        var done = 0
        // Applications first: a rating or ticket may refer to one.
        for kind in OutboxKind.allCases {
            var limit = startingLimit.value
            while true {
                let entries = try outbox.due(limit: limit, maxBytes: batchBytes, kind: kind, ignoringBackoff: ignoringBackoff)
                if entries.isEmpty { break }
                report.batches += 1
                let keys = entries.map(\.envelope.key)
                switch await send(entries.map(\.envelope), kind: kind, secret: secret) {
                case .results(let results):
                    try outbox.confirm(results)
                    let confirmed = Set(results.filter(\.isConfirmed).map(\.key))
                    report.delivered += results.filter { $0.status == .accepted }.count
                    report.repeats += results.filter { $0.status == .duplicate }.count
                    for result in results where !result.isConfirmed {
                        try outbox.deadLetter([result.key], reason: "\(result.status.rawValue): \(result.reason ?? "")")
                        report.deadLettered += 1
                    }
                    // An entry the platform did not mention is tried again later.
                    let unanswered = keys.filter { key in !results.contains { $0.key == key } }
                    if !unanswered.isEmpty { try outbox.retryLater(unanswered, reason: "not answered in the batch result") }
                    done += confirmed.count + results.filter { !$0.isConfirmed }.count
                    progress(Progress(done: done, total: total))
                    try outbox.resetBackoff()   // the link works: the whole backlog is due now
                    limit = min(batchCount, max(limit, entries.count) * 2)
                    startingLimit.value = limit
                case .tooLarge where entries.count > 1:
                    limit = max(1, entries.count / 2)
                case .tooLarge:
                    try outbox.deadLetter(keys, reason: "413: too large for the platform even alone")
                    report.deadLettered += 1
                    done += 1
                case .refused(let status, let reason) where entries.count > 1:
                    // Halve to find the entry the platform will not take; the rest go through.
                    logger.warning("batch of \(entries.count) refused (\(status)): halving", metadata: ["reason": "\(reason)"])
                    limit = max(1, entries.count / 2)
                case .refused(let status, let reason):
                    try outbox.deadLetter(keys, reason: "\(status): \(reason)")
                    report.deadLettered += 1
                    done += 1
                    limit = batchCount
                case .unauthorised(let reason):
                    report.stoppedBecause = "the platform refused this kiosk: \(reason)"
                    return report
                case .retryable(let reason):
                    // Back off, and send half as much next time: a link that stalls on a big
                    // request may carry a smaller one.
                    try outbox.retryLater(keys, reason: reason)
                    startingLimit.value = max(1, entries.count / 2)
                    report.stoppedBecause = reason
                    logger.info("sync paused: \(reason)")
                    return report
                }
            }
        }
        return report
    }

    /// What this kiosk's outbox and disk look like, for a heartbeat.
    public func heartbeat(devices: [String: String], version: String, home: URL) throws -> Heartbeat {
        let depth = try outbox.depth()
        var stats = statvfs()
        let free = statvfs(home.path, &stats) == 0 ? Int64(stats.f_bavail) * Int64(stats.f_frsize) : -1
        var devices = devices
        devices["disk"] = free >= 0 && free < 200 << 20 ? "low" : "ok"
        let faulty = devices.values.contains { !["ok", "ready", "paper_low", "low", "unknown"].contains($0) }
        let worried = devices.values.contains { $0 == "paper_low" || $0 == "low" } || depth.dead > 0
        return Heartbeat(status: faulty ? "error" : worried ? "warning" : "ok", devices: devices, diskFreeBytes: free,
                         outboxPending: depth.pending, outboxOldestSeconds: depth.oldestPendingSeconds, deadLetters: depth.dead,
                         version: version, deviceTime: UTCTime.iso(Date()))
    }

    /// Sends a heartbeat; returns the HTTP status (204 when received), or nil when offline.
    @discardableResult
    public func send(heartbeat: Heartbeat) async -> Int? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(heartbeat) else { return nil }
        return try? await signedPost("/v1/heartbeat", body: body, secret: secret).0
    }

    /// 呼叫帮办: the request's number, or nil when it could not be sent (the caller queues it).
    public func requestHelp(screen: String, at: Date = Date()) async -> HelpTicket? {
        guard let secret = enrolment.key,
              let body = try? CanonicalJSON.encode(HelpRequest(screen: screen, at: UTCTime.iso(at))),
              let (status, data) = try? await signedPost("/v1/help", body: body, secret: secret), status == 201 else { return nil }
        return try? JSONDecoder().decode(HelpTicket.self, from: data)
    }

    /// 预约: today's appointments by code or ID number; nil when the platform cannot be asked.
    public func appointments(_ query: AppointmentQuery) async -> AppointmentList? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(query),
              let (status, data) = try? await signedPost("/v1/appointments", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(AppointmentList.self, from: data)
    }

    /// 打印证明: what the platform holds for an applicant; nil when it cannot be asked.
    public func proofs(idNumber: String) async -> ProofList? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/proofs", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(ProofList.self, from: data)
    }

    /// 打印证明: one proof, issued now with its verification code; nil when it cannot be had.
    public func proof(id: String, idNumber: String) async -> ProofDocument? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let escaped = id.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))),
              let (status, data) = try? await signedPost("/v1/proofs/\(escaped)", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(ProofDocument.self, from: data)
    }

    /// A help request's status ("open", "acknowledged"); nil when it cannot be asked.
    public func helpStatus(id: Int64) async -> HelpTicket? {
        guard let (status, body) = try? await signedGet("/v1/help/\(id)", limit: 16 << 10), status == 200 else { return nil }
        return try? JSONDecoder().decode(HelpTicket.self, from: body)
    }

    /// The applicant's e-licences and credit from the platform; nil when it cannot be asked.
    public func records(idNumber: String) async -> RecordsResponse? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(RecordsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/records", body: body, secret: secret), status == 200 else { return nil }
        return try? JSONDecoder().decode(RecordsResponse.self, from: data)
    }

    /// A case's progress from the platform; nil when it cannot be asked (offline), and
    /// `.unknown` when the platform has no such case.
    public enum ProgressLookup: Sendable, Equatable {
        case found(ProgressAnswer)
        case unknown
    }

    public func progress(acceptanceNumber: String) async -> ProgressLookup? {
        guard enrolment.key != nil else { return nil }
        let allowed = acceptanceNumber.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        guard allowed, !acceptanceNumber.isEmpty else { return .unknown }
        guard let (status, body) = try? await signedGet("/v1/progress/" + acceptanceNumber, limit: 64 << 10) else { return nil }
        switch status {
        case 200: return (try? JSONDecoder().decode(ProgressAnswer.self, from: body)).map { .found($0) }
        case 404: return .unknown
        default: return nil
        }
    }

    /// 查询进度 by ID card: the applicant's cases on the platform; nil when it cannot be asked.
    public func progress(idNumber: String) async -> [ProgressAnswer]? {
        guard let secret = enrolment.key, let body = try? CanonicalJSON.encode(ProofsRequest(idNumber: idNumber)),
              let (status, data) = try? await signedPost("/v1/progress", body: body, secret: secret), status == 200 else { return nil }
        return (try? JSONDecoder().decode(ProgressList.self, from: data))?.cases
    }

    public enum CatalogueFetch: Sendable {
        case notModified
        case bundle(CatalogueBundle)
        /// Offline, not distributed, or unreadable.
        case unavailable(String)
    }

    /// Asks the platform for its catalogue unless it is still `known` (the ETag).
    public func fetchCatalogue(known: String?) async -> CatalogueFetch {
        guard enrolment.key != nil else { return .unavailable("not enrolled") }
        do {
            let (status, data) = try await signedGet("/v1/catalogue", limit: 16 << 20,
                                                     headers: known.map { [("If-None-Match", "\"\($0)\"")] } ?? [])
            switch status {
            case 304: return .notModified
            case 200:
                guard let bundle = try? JSONDecoder().decode(CatalogueBundle.self, from: data) else { return .unavailable("unreadable answer") }
                guard CatalogueBundle(files: bundle.files).version == bundle.version else { return .unavailable("version does not match the files") }
                return .bundle(bundle)
            default: return .unavailable("HTTP \(status)")
            }
        } catch {
            return .unavailable("network: \(error)")
        }
    }

    /// What one signed request to the platform showed: whether it answered and accepted this
    /// kiosk's signature, how long it took, and how far this kiosk's clock is off.
    public struct LinkProbe: Sendable, Hashable {
        public var status: Int?
        public var latencyMilliseconds: Double?
        /// The platform's time minus this kiosk's (positive: the kiosk is behind).
        public var clockOffsetSeconds: Double?
        /// Why the platform could not be asked (network, refusal).
        public var problem: String?

        public init(status: Int?, latencyMilliseconds: Double?, clockOffsetSeconds: Double?, problem: String?) {
            self.status = status
            self.latencyMilliseconds = latencyMilliseconds
            self.clockOffsetSeconds = clockOffsetSeconds
            self.problem = problem
        }
    }

    /// Asks the platform for its time (`GET /v1/time`, signed) — the technician's network check.
    public func probe() async -> LinkProbe {
        let sent = Date()
        let started = ContinuousClock.now
        do {
            let (status, body) = try await signedGet("/v1/time", limit: 4 << 10)
            let elapsed = started.duration(to: .now)
            let latency = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            guard status == 200, let time = try? JSONDecoder().decode(PlatformTime.self, from: body) else {
                let refusal = (try? JSONDecoder().decode(ProblemResponse.self, from: body)).map { "\($0.error): \($0.detail)" }
                return LinkProbe(status: status, latencyMilliseconds: latency, clockOffsetSeconds: nil,
                                 problem: refusal ?? "HTTP \(status)")
            }
            // The platform read its clock about halfway through the round trip.
            let midpoint = sent.timeIntervalSince1970 + latency / 2000
            return LinkProbe(status: status, latencyMilliseconds: latency,
                             clockOffsetSeconds: Double(time.epochMilliseconds) / 1000 - midpoint, problem: nil)
        } catch {
            return LinkProbe(status: nil, latencyMilliseconds: nil, clockOffsetSeconds: nil, problem: "\(error)")
        }
    }

    /// A signed GET of one of the platform's paths: status and body.
    func signedGet(_ path: String, limit: Int, headers extra: [(String, String)] = []) async throws -> (Int, Data) {
        guard let secret = enrolment.key else { throw OutboxError(kind: .key, zh: "未注册", en: "not enrolled") }
        var request = HTTPClientRequest(url: enrolment.central + path)
        for (name, value) in RequestSigning.headers(kioskID: enrolment.kioskID, secret: secret, method: "GET", path: path, body: Data()) + extra {
            request.headers.add(name: name, value: value)
        }
        let response = try await client.execute(request, timeout: .seconds(requestTimeoutSeconds))
        let body = try await response.body.collect(upTo: limit)
        return (Int(response.status.code), Data(body.readableBytesView))
    }

    func signedPost(_ path: String, body: Data, secret: SymmetricKey) async throws -> (Int, Data) {
        let headers = RequestSigning.headers(kioskID: enrolment.kioskID, secret: secret, method: "POST", path: path, body: body)
        return try await PlatformLink.post(client: client, url: enrolment.central + path, body: body, headers: headers,
                                           timeoutSeconds: requestTimeoutSeconds)
    }

    func send(_ envelopes: [SubmissionEnvelope], kind: OutboxKind, secret: SymmetricKey) async -> Outcome {
        let path = kind.path
        let body: Data
        do {
            body = kind == .submission ? try CanonicalJSON.encode(SubmissionBatch(submissions: envelopes))
                                       : try CanonicalJSON.encode(EntryBatch(entries: envelopes))
        } catch {
            return .refused(0, "cannot encode: \(error)")
        }
        let headers = RequestSigning.headers(kioskID: enrolment.kioskID, secret: secret, method: "POST", path: path, body: body)
        let status: Int, data: Data
        do {
            (status, data) = try await PlatformLink.post(client: client, url: enrolment.central + path, body: body, headers: headers,
                                                         timeoutSeconds: requestTimeoutSeconds)
        } catch {
            return .retryable("network: \(error)")
        }
        let problem = (try? JSONDecoder().decode(ProblemResponse.self, from: data))?.description ?? "HTTP \(status)"
        switch status {
        case 200..<300:
            guard let result = try? JSONDecoder().decode(SubmissionBatchResult.self, from: data) else {
                return .retryable("unreadable answer (HTTP \(status))")
            }
            return .results(result.results)
        case 413: return .tooLarge
        case 401, 403: return .unauthorised(problem)
        case 408, 429, 500...: return .retryable("HTTP \(status): \(problem)")
        default: return .refused(status, problem)
        }
    }
}

/// An integer shared between drains (the next batch size).
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int
    init(_ value: Int) { stored = value }
    var value: Int {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
