// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import ZizhuWire

/// Drains the outbox to the platform: one at a time (a lock file makes it single-flight
/// across processes too), oldest first, in batches capped by count and bytes. A failing
/// or too-large batch is halved; network errors, 5xx and 429 back off (capped, full
/// jitter) and stop this drain; "already received" counts as delivered; any other 4xx for
/// a single entry dead-letters it without blocking those behind it. A drain goes on until
/// nothing is due.
public final class PlatformClient: Sendable {
    public let outbox: Outbox
    public let enrolment: Enrolment
    let client: HTTPClient
    /// Why no request can be made (the enrolment's CA does not read).
    let clientProblem: String?
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

    /// `client`: by default the one for the enrolment's platform (TLS trusting only the CA
    /// kept at enrolment; a CA that no longer reads makes every request fail, never fall back).
    public init(outbox: Outbox, enrolment: Enrolment, home: URL, client: HTTPClient? = nil, logger: Logger,
                batchCount: Int = 100, batchBytes: Int = 512 << 10, requestTimeoutSeconds: Int64 = 20) {
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.outbox = outbox
        self.enrolment = enrolment
        do {
            self.client = try client ?? enrolment.httpClient()
            self.clientProblem = nil
        } catch {
            self.client = .shared
            self.clientProblem = "\(error)"
        }
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
        /// Entries set aside because their rows could not be read from the disk.
        public var unreadable = 0
        /// 扫描纸质材料: pages the platform now holds whole (deleted here), and pages it refused.
        public var pagesDelivered = 0
        public var pagesRefused = 0
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
        var report = try await drainDue(ignoringBackoff: ignoringBackoff, progress: progress)
        report.unreadable = outbox.unreadableCount
        return report
    }

    private func drainDue(ignoringBackoff: Bool, progress: @Sendable (Progress) -> Void) async throws -> Report {
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
        try await uploadPages(secret: secret, report: &report)
        return report
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
        let status: Int, data: Data
        do {
            // Authenticated or thrown: a "stored" nobody can prove came from the platform
            // deletes nothing.
            (status, data) = try await exchange("POST", path, body: body, secret: secret, limit: 4 << 20)
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
