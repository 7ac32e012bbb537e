// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import ZizhuWire

/// What the platform stores, whichever database holds it. The same storage test suite runs
/// against SQLite and PostgreSQL.
public protocol CentralStorage: StaffStorage {
    func createToken() async throws -> String
    /// The database answers (a trivial query): what readiness (`GET /ready`) asks.
    func ping() async throws
    /// Forgets what no request can need any more: nonces older than the skew window (a
    /// request that old is refused as stale before its nonce is looked at) and staff
    /// sessions idle for longer than `sessionsIdleFor`. `serve` runs it every minute.
    func prune(now: Date, sessionsIdleFor: TimeInterval) async throws -> PruneReport
    /// Spends the token and returns the kiosk's new secret (base64).
    func enrol(token: String, kioskID: String, site: String) async throws -> String
    /// What checking a kiosk's request needs, in one read: its secret, and why an operator
    /// disabled it (nil: enabled). Nil for a kiosk that is not enrolled.
    func credentials(kioskID: String) async throws -> KioskCredentials?
    /// Enrols many kiosks at once (a province's roll-out, a benchmark), in one transaction,
    /// without tokens: each gets a new secret, sealed as enrolment seals it. Nothing is
    /// stored if any id is already enrolled (`EnrolmentProblem.kioskExists`) or repeated.
    func importKiosks(_ kiosks: [(id: String, site: String)]) async throws -> [ImportedKiosk]
    /// Records a request's nonce; false when it was seen before (a replay).
    func remember(nonce: String, kioskID: String, timestamp: Int64, skew: Int64) async throws -> Bool
    func stats() async throws -> CentralStats
    func keys(kioskID: String) async throws -> [String]
    func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer?
    /// 查询进度 by ID card: the applicant's cases, newest first.
    func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer]
    /// Stores a batch of one kind in one transaction, as `CentralRules` decides: each entry
    /// once by its key (a repeat answers the original result, another payload under the same
    /// key is a conflict), ratings and tickets once per reference (one rating per case, one
    /// record per printed ticket). Applications start where the platform's `verdicts` (by
    /// key) say; payloads are sealed with the platform key.
    ///
    /// With `once`, the request's nonce is recorded in the same transaction, first: a replay
    /// stores nothing and answers nil (one commit per request instead of two).
    func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String,
                      verdicts: [String: CentralRules.Verdict], once nonce: NonceUse?) async throws -> [SubmissionResult]?
    /// An application's payload, opened with the platform key (for a signed-in reviewer).
    func casePayload(acceptanceNumber: String) async throws -> String?
    /// Seals every value under the platform key's current sealing key (after a rotation).
    func reseal() async throws -> PlatformSeal.Census
    /// How many ratings there are at each level (1…5).
    func ratingCounts() async throws -> [Int: Int]
    /// Cases waiting for a person, oldest first.
    func reviewQueue(limit: Int) async throws -> [ReviewItem]
    /// 证照寄递: the courier of an approved case's mailed result (a second call corrects the
    /// first). Whether the citizen chose 邮寄 is the caller's to check (it is in the sealed
    /// payload).
    func recordCourier(acceptanceNumber: String, _ dispatch: CourierDispatch) async throws -> CourierOutcome
    /// 扫描纸质材料: one chunk of a page of an application `kioskID` submitted (see `PageChunk`).
    func storePageChunk(_ chunk: PageChunk, from kioskID: String) async throws -> PageChunkOutcome
    /// The pages of a case, whole or on their way.
    func casePages(acceptanceNumber: String) async throws -> [CasePage]
    /// One whole page, opened with the platform key (a reviewer's look at it); nil if not whole.
    func casePage(acceptanceNumber: String, material: String, number: Int) async throws -> Data?
    /// A reviewer's decision on a case in manual review.
    func decide(acceptanceNumber: String, approve: Bool, reason: String) async throws -> ReviewOutcome
    /// Keeps the kiosk's latest heartbeat and adds it to the kiosk's day (`HeartbeatDay`), in
    /// one transaction: the history is kept as one row per kiosk per UTC day, not a row a minute.
    /// With `once`, the request's nonce is recorded first in the same transaction; false (and
    /// nothing recorded) for a replay.
    func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat, at: Date, once nonce: NonceUse?) async throws -> Bool
    /// A kiosk's days from `since` (UTC, `2026-11-22`) on, oldest first.
    func heartbeatDays(kioskID: String, since: String) async throws -> [HeartbeatDay]
    /// Every enrolled kiosk with its last heartbeat.
    func fleet() async throws -> [FleetKiosk]
    /// Submissions received per UTC hour (`2026-11-22T10` → count) since a time.
    func submissionsPerHour(since: Date) async throws -> [String: Int]
    func createHelp(kioskID: String, _ request: HelpRequest) async throws -> Int64
    func help(id: Int64, kioskID: String) async throws -> HelpTicket?
    func openHelp() async throws -> [OpenHelp]
    /// Staff acknowledged it; false when there is no such open request.
    func acknowledgeHelp(id: Int64) async throws -> Bool
}

/// A kiosk enrolled in bulk and its new signing secret (base64): what goes into its
/// `enrolment.json`.
public struct ImportedKiosk: Sendable, Hashable, Codable {
    public var kioskID: String
    public var secret: String
}

/// A signed request's nonce, to be recorded with the request's own write (`storeEntries`,
/// `recordHeartbeat`) rather than in a statement and a commit of its own; recording it also
/// marks the kiosk seen now, with its clock's skew.
public struct NonceUse: Sendable, Hashable {
    public var nonce: String
    public var timestamp: Int64
    public var skew: Int64

    public init(nonce: String, timestamp: Int64, skew: Int64) {
        self.nonce = nonce
        self.timestamp = timestamp
        self.skew = skew
    }
}

/// An enrolled kiosk's secret and, when an operator disabled it, why.
public struct KioskCredentials: Sendable {
    public var secret: SymmetricKey
    public var disabledReason: String?
}

/// What one `prune` removed (made only by the stores).
public struct PruneReport: Sendable, Hashable {
    public var nonces: Int
    public var sessions: Int
    /// Heartbeat days older than `CentralRules.heartbeatDaysKept`.
    public var heartbeatDays: Int
}

/// One kiosk's heartbeats over one UTC day, as the platform keeps its history: how many came
/// (1,440 is a whole day online), how many said warning or error, the longest backlog and
/// the least free disk reported.
public struct HeartbeatDay: Sendable, Hashable, Codable {
    public var day: String
    public var beats: Int
    public var warnings: Int
    public var errors: Int
    public var maxPending: Int
    public var minDiskFreeBytes: Int64

    public init(day: String, beats: Int, warnings: Int, errors: Int, maxPending: Int, minDiskFreeBytes: Int64) {
        self.day = day
        self.beats = beats
        self.warnings = warnings
        self.errors = errors
        self.maxPending = maxPending
        self.minDiskFreeBytes = minDiskFreeBytes
    }
}

extension CentralStorage {
    /// An enrolled kiosk's secret (nil: not enrolled).
    public func secret(kioskID: String) async throws -> SymmetricKey? { try await credentials(kioskID: kioskID)?.secret }

    /// Records a heartbeat received now.
    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat) async throws {
        _ = try await recordHeartbeat(kioskID: kioskID, heartbeat, at: Date(), once: nil)
    }

    /// Records a heartbeat (its nonce recorded apart, or not at all).
    public func recordHeartbeat(kioskID: String, _ heartbeat: Heartbeat, at: Date) async throws {
        _ = try await recordHeartbeat(kioskID: kioskID, heartbeat, at: at, once: nil)
    }

    /// Stores a batch whose request's nonce was recorded apart (or a batch from no request).
    public func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String,
                             verdicts: [String: CentralRules.Verdict]) async throws -> [SubmissionResult] {
        try await storeEntries(batch, kind: kind, from: kioskID, verdicts: verdicts, once: nil) ?? []
    }
}

public struct FleetKiosk: Sendable, Hashable {
    public var id: String
    public var site: String
    public var lastSeen: Date?
    public var skewSeconds: Int64?
    public var heartbeat: Heartbeat?
    public var heartbeatAt: Date?
    public var submissions: Int
    /// Why an operator holds this kiosk (its requests are refused); nil when it may sync.
    public var disabledReason: String?
    /// Lookups of personal records in the last hour (from the audit trail; 0 when not counted).
    public var lookupsLastHour = 0

    public init(id: String, site: String, lastSeen: Date?, skewSeconds: Int64?, heartbeat: Heartbeat?, heartbeatAt: Date?,
                submissions: Int, disabledReason: String? = nil) {
        self.disabledReason = disabledReason
        self.id = id
        self.site = site
        self.lastSeen = lastSeen
        self.skewSeconds = skewSeconds
        self.heartbeat = heartbeat
        self.heartbeatAt = heartbeatAt
        self.submissions = submissions
    }
}

public struct OpenHelp: Sendable, Hashable {
    public var id: Int64
    public var kioskID: String
    public var screen: String
    public var at: String
    public var status: String
}

public enum CourierOutcome: Sendable, Equatable {
    case recorded
    case unknown
    /// Not approved (yet, or refused): nothing is sent for it.
    case notApproved(String)
}

public enum ReviewOutcome: Sendable, Equatable {
    case decided
    case unknown
    /// Decided already (instantly or by another reviewer): its progress stands.
    case notInReview(String)
}

extension CentralStorage {
    /// Applications (`/v1/submissions`), each starting where the platform decided.
    public func store(_ batch: [SubmissionEnvelope], from kioskID: String, verdicts: [String: CentralRules.Verdict]) async throws -> [SubmissionResult] {
        try await storeEntries(batch, kind: .submission, from: kioskID, verdicts: verdicts)
    }

    /// The case's progress state alone.
    public func progress(acceptanceNumber: String) async throws -> String? {
        try await progressAnswer(acceptanceNumber: acceptanceNumber)?.progress
    }
}

public enum EnrolmentProblem: Error, Equatable {
    case unknownToken, tokenUsed, kioskExists
    /// A re-enrolment token (a rotated secret) used for another kiosk id.
    case otherKiosk
}

public struct CentralStats: Codable, Sendable, Equatable {
    /// Enrolled kiosks.
    public var kiosks: Int
    /// Distinct submissions stored.
    public var submissions: Int
    /// Repeated deliveries answered with the original result.
    public var repeats: Int
    /// Same key, different payload: refused.
    public var conflicts: Int
    /// 好差评 ratings stored.
    public var ratings: Int
    /// Cases waiting for a person.
    public var inReview: Int

    public init(kiosks: Int, submissions: Int, repeats: Int, conflicts: Int, ratings: Int = 0, inReview: Int = 0) {
        self.ratings = ratings
        self.inReview = inReview
        self.kiosks = kiosks
        self.submissions = submissions
        self.repeats = repeats
        self.conflicts = conflicts
    }
}

/// Opens the storage a `--database` URL names: `sqlite://PATH` (or a bare path) or
/// `postgres://user[:password]@host[:port]/database`.
/// `keyring` seals personal data (`PlatformKeyring`); without it only what holds none
/// (staff accounts, tokens, statistics) can be used.
public enum CentralDatabase {
    public static func open(_ url: String, keyring: PlatformKeyring?) async throws -> any CentralStorage {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try await PostgresCentralStore(url: url, keyring: keyring)
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        guard !path.isEmpty else { throw ProblemResponse(error: "bad database URL", detail: "expected sqlite://PATH or postgres://...") }
        return try SQLiteCentralStore(path: path, keyring: keyring)
    }
}
