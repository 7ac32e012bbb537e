// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/submissions: accepted applications, idempotent by key.

/// One accepted application, as the platform receives it.
public struct SubmissionEnvelope: Codable, Sendable, Hashable {
    /// The idempotency key: a UUIDv7 minted once at submit time, sent on every retry.
    public var key: String
    /// 受理编号, derived from the key (printed on the receipt).
    public var acceptanceNumber: String
    /// The kiosk's own sequence number for this entry (gaps show lost entries).
    public var sequence: Int64
    public var kioskID: String
    public var serviceID: String
    /// Device time at submit (ISO 8601, UTC); the platform records its own time too.
    public var createdAt: String
    /// SHA-256 (hex) of `payload` in canonical form: the platform recomputes it.
    public var payloadHash: String
    /// The application itself (canonical JSON: sorted keys, no insignificant space).
    public var payload: String
    /// What the entry is when it is not an application (`rating`, `ticket`); absent for
    /// applications, so older kiosks and platforms agree.
    public var kind: String?

    public init(key: String, acceptanceNumber: String, sequence: Int64, kioskID: String, serviceID: String,
                createdAt: String, payloadHash: String, payload: String, kind: String? = nil) {
        self.kind = kind
        self.key = key
        self.acceptanceNumber = acceptanceNumber
        self.sequence = sequence
        self.kioskID = kioskID
        self.serviceID = serviceID
        self.createdAt = createdAt
        self.payloadHash = payloadHash
        self.payload = payload
    }
}

public struct SubmissionBatch: Codable, Sendable {
    public var submissions: [SubmissionEnvelope]
    public init(submissions: [SubmissionEnvelope]) { self.submissions = submissions }
}

/// The platform's answer for one submission of a batch.
public struct SubmissionResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        /// Stored now.
        case accepted
        /// Stored before with the same payload: the original result stands.
        case duplicate
        /// The same key with a different payload: never stored twice, never overwritten.
        case conflict
        /// Malformed (bad hash, unknown service, wrong kiosk): will not be accepted on retry.
        case rejected
    }

    public var key: String
    public var status: Status
    /// The platform's progress state for it (`approved`, `manual_review`, `refused`, …).
    public var progress: String?
    public var reason: String?

    public init(key: String, status: Status, progress: String? = nil, reason: String? = nil) {
        self.key = key
        self.status = status
        self.progress = progress
        self.reason = reason
    }

    /// Whether the kiosk may forget the payload: the platform holds it.
    public var isConfirmed: Bool { status == .accepted || status == .duplicate }
}

public struct SubmissionBatchResult: Codable, Sendable {
    public var results: [SubmissionResult]
    public init(results: [SubmissionResult]) { self.results = results }
}

/// What the citizen applied for, as it is stored (sealed) and sent.
public struct SubmissionPayload: Codable, Sendable, Hashable {
    public struct Applicant: Codable, Sendable, Hashable {
        public var idNumber: String
        public var name: String
        public var cardKind: String
        public init(idNumber: String, name: String, cardKind: String) {
            self.idNumber = idNumber
            self.name = name
            self.cardKind = cardKind
        }
    }

    public struct DecisionSummary: Codable, Sendable, Hashable {
        public var outcome: String
        public var decidedBy: [String]
        /// Materials still owed after 容缺受理: name and deadline.
        public var owed: [[String: String]]
        public init(outcome: String, decidedBy: [String], owed: [[String: String]]) {
            self.outcome = outcome
            self.decidedBy = decidedBy
            self.owed = owed
        }
    }

    public var service: String
    public var applicant: Applicant
    public var fields: [String: String]
    public var committed: [String]
    /// One decision per decided service (a bundle has several).
    public var decisions: [String: DecisionSummary]
    /// The overall decision (the worst of the parts) the kiosk reached: a claim the platform
    /// checks by deciding again (`PlatformAdjudicator`).
    public var decision: DecisionSummary
    /// The catalogue the kiosk decided with (`CatalogueBundle.version` of its files): the
    /// platform decides again with the same one.
    public var catalogueVersion: String?
    /// 扫描纸质材料: the pages scanned at the kiosk for paper materials (nil: none). They follow
    /// the application in chunks once the platform holds it.
    public var pages: [PageManifest]?

    public init(service: String, applicant: Applicant, fields: [String: String], committed: [String],
                decisions: [String: DecisionSummary], decision: DecisionSummary, catalogueVersion: String? = nil,
                pages: [PageManifest]? = nil) {
        self.pages = pages
        self.catalogueVersion = catalogueVersion
        self.service = service
        self.applicant = applicant
        self.fields = fields
        self.committed = committed
        self.decisions = decisions
        self.decision = decision
    }
}
