// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import ZizhuCore
import ZizhuWire

/// The rules every store obeys, written once: which entries are admitted, how a repeat
/// delivery is answered, where a case's progress starts and how a reviewer moves it, how
/// applicants and ratings are counted. A store only moves rows; it decides nothing.
///
/// A batch is stored in three steps, the same on SQLite and PostgreSQL:
/// ```swift
/// let plan = CentralRules.admit(batch, kind: .rating, kioskID: "kiosk-a")
/// // in one transaction: insert each admitted entry unless its key (or its reference) is
/// // held already, then read back what is held for the ones not inserted
/// let settled = plan.settle(inserted: inserted, held: held)
/// // bump the counters by settled.repeats and settled.conflicts; answer settled.results
/// ```
public enum CentralRules {
    // MARK: Progress

    /// A case's progress on the platform.
    public enum Progress: String, Sendable {
        case approved
        case manualReview = "manual_review"
        case refused

        /// A reviewer's decision; only a case in `manualReview` can take one.
        public static func reviewed(approve: Bool) -> Progress { approve ? .approved : .refused }
    }

    /// Where an application's progress starts: the platform's own decision, made before the
    /// batch reaches the store (`PlatformAdjudicator`). An application without one goes to a
    /// person, flagged: nothing is approved on the kiosk's word alone.
    public struct Verdict: Sendable, Hashable {
        public var progress: Progress
        /// Why a person must look although the kiosk decided otherwise (shown to reviewers).
        public var flag: String?
        /// The applicant's ID number as the adjudicator read it from the payload, so the
        /// store indexes the case without decoding the payload a second time (never stored).
        public var applicant: String?

        public init(progress: Progress, flag: String? = nil, applicant: String? = nil) {
            self.progress = progress
            self.flag = flag
            self.applicant = applicant
        }

        static let undecided = Verdict(progress: .manualReview, flag: "the platform did not decide this case; a person must")
    }

    // MARK: Ratings, secrets

    /// What the database keeps of an enrolment token: its SHA-256 (the token itself is shown
    /// once, to the operator who made it).
    public static func tokenKey(_ token: String) -> String { Hex.string(SHA256.hash(data: Data(token.utf8))) }

    /// How many of these rating payloads are at each level (1…5).
    public static func levels(of payloads: [String]) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for payload in payloads {
            if let rating = try? JSONDecoder().decode(RatingPayload.self, from: Data(payload.utf8)) { counts[rating.level, default: 0] += 1 }
        }
        return counts
    }

    /// A one-time enrolment token.
    public static func newToken() -> String { "zzt-" + Hex.string(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }) }

    /// A kiosk's signing secret (base64 of 256 random bits), shown once at enrolment.
    public static func newSecret() -> String { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString() }

    /// What an enrolment token does for a kiosk id: a plain token enrols a new kiosk; a
    /// token an operator made by rotating a kiosk's secret gives that kiosk, and no other,
    /// a new secret.
    public enum Enrolment: Sendable, Equatable { case new, again }

    public static func enrolment(tokenFor: String?, kioskID: String, exists: Bool) throws(EnrolmentProblem) -> Enrolment {
        if let tokenFor {
            guard tokenFor == kioskID, exists else { throw .otherKiosk }
            return .again
        }
        if exists { throw .kioskExists }
        return .new
    }

    /// Kiosks to enrol in bulk, each with a new secret and that secret sealed as enrolment
    /// seals it; an id twice in the list is refused as one already enrolled.
    static func importing(_ kiosks: [(id: String, site: String)], ring: PlatformKeyring) throws
        -> [(kiosk: (id: String, site: String), secret: String, sealed: String)] {
        guard Set(kiosks.map(\.id)).count == kiosks.count else { throw EnrolmentProblem.kioskExists }
        return try kiosks.map { kiosk in
            let secret = newSecret()
            return (kiosk: kiosk, secret: secret, sealed: try ring.seal(secret, context: PlatformSeal.secret(kiosk.id)))
        }
    }

    /// Which of the hour's count rows a kiosk's batches add to (0…15, the same for a kiosk
    /// on every instance): concurrent batches of different kiosks rarely wait for one row.
    public static func counterShard(_ kioskID: String) -> Int {
        kioskID.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 16
    }

    /// Nonces older than this (Unix seconds) can be forgotten: a request that old is refused
    /// as stale before its nonce is looked at.
    public static func nonceHorizon(now: Date = Date()) -> Int64 { Int64(now.timeIntervalSince1970) - 2 * RequestSigning.maximumSkew }

    // MARK: Admitting a batch

    /// An entry that may be stored: what the store writes besides the envelope.
    public struct Admitted: Sendable {
        public var envelope: SubmissionEnvelope
        /// What makes a rating or ticket one of a kind (the rated case; the ticket's day and
        /// number); the acceptance number for an application.
        public var reference: String
        /// Applications: where the case's progress starts (and why a person must look), and
        /// the applicant's index (`PlatformKeyring.applicantIndex`).
        public var progress: Progress?
        public var flag: String?
        public var applicant: String?
    }

    /// What a store holds under a key already.
    public struct Held: Sendable, Hashable {
        public var payloadHash: String
        public var progress: String?

        public init(payloadHash: String, progress: String?) {
            self.payloadHash = payloadHash
            self.progress = progress
        }
    }

    /// A batch checked entry by entry: the admitted ones (in batch order, with their place)
    /// and the answers already decided for the rest.
    public struct Plan: Sendable {
        public let kind: OutboxKind
        public let admitted: [Admitted]
        let places: [Int]
        let answers: [SubmissionResult?]

        /// The answers, once the store tried to insert each admitted entry (`inserted`, one
        /// flag each, in order) and read back what it holds under the keys it did not insert.
        public func settle(inserted: [Bool], held: [String: Held]) -> (results: [SubmissionResult], repeats: Int, conflicts: Int) {
            var answers = self.answers
            var repeats = 0, conflicts = 0
            for (index, entry) in admitted.enumerated() {
                let key = entry.envelope.key
                let answer: SubmissionResult
                if index < inserted.count && inserted[index] {
                    answer = SubmissionResult(key: key, status: .accepted, progress: entry.progress?.rawValue)
                } else if let stored = held[key], stored.payloadHash == entry.envelope.payloadHash {
                    repeats += 1
                    answer = SubmissionResult(key: key, status: .duplicate, progress: stored.progress)
                } else if held[key] != nil {
                    conflicts += 1
                    answer = SubmissionResult(key: key, status: .conflict, reason: "this key was stored with a different payload")
                } else {
                    // Not inserted, yet nothing under its key: its reference is taken.
                    answer = SubmissionResult(key: key, status: .rejected, reason: CentralRules.alreadyHeld(kind, entry.reference))
                }
                answers[places[index]] = answer
            }
            return (answers.compactMap { $0 }, repeats, conflicts)
        }
    }

    /// Checks every entry of a batch sent by `kioskID` to the endpoint of `kind`; applications
    /// start where the platform's `verdicts` (by key) say, and are indexed by `index` (given
    /// the payload and, when the verdict has it, the applicant's ID number already read).
    public static func admit(_ batch: [SubmissionEnvelope], kind: OutboxKind, kioskID: String, verdicts: [String: Verdict],
                             index: (_ payload: String, _ idNumber: String?) -> String?) -> Plan {
        var admitted: [Admitted] = [], places: [Int] = [], answers: [SubmissionResult?] = []
        for (place, envelope) in batch.enumerated() {
            switch reference(envelope, kind: kind, kioskID: kioskID) {
            case .failure(let problem):
                answers.append(SubmissionResult(key: envelope.key, status: .rejected, reason: problem.reason))
            case .success(let reference):
                answers.append(nil)
                places.append(place)
                let application = kind == .submission
                let verdict = application ? verdicts[envelope.key] ?? .undecided : nil
                admitted.append(Admitted(envelope: envelope, reference: reference, progress: verdict?.progress, flag: verdict?.flag,
                                         applicant: application ? index(envelope.payload, verdict?.applicant) : nil))
            }
        }
        return Plan(kind: kind, admitted: admitted, places: places, answers: answers)
    }

    struct EntryProblem: Error { var reason: String }

    /// Why an envelope cannot be stored at all, whatever its kind.
    static func problem(_ envelope: SubmissionEnvelope, kioskID: String) -> String? {
        if envelope.kioskID != kioskID { return "submission of kiosk '\(envelope.kioskID)' sent by kiosk '\(kioskID)'" }
        if !UUIDv7.isValid(envelope.key) { return "the key is not a UUIDv7" }
        if AcceptanceNumber.from(key: envelope.key) != envelope.acceptanceNumber { return "the acceptance number does not match the key" }
        if Data(envelope.payload.utf8).sha256Hex != envelope.payloadHash { return "payload hash mismatch" }
        if envelope.serviceID.isEmpty { return "no service" }
        return nil
    }

    /// What makes an entry one of a kind, or why it cannot be stored.
    static func reference(_ envelope: SubmissionEnvelope, kind: OutboxKind, kioskID: String) -> Result<String, EntryProblem> {
        if let problem = problem(envelope, kioskID: kioskID) { return .failure(EntryProblem(reason: problem)) }
        if (envelope.kind ?? OutboxKind.submission.rawValue) != kind.rawValue {
            return .failure(EntryProblem(reason: "a \(envelope.kind ?? "submission") entry sent to \(kind.path)"))
        }
        let data = Data(envelope.payload.utf8)
        switch kind {
        case .submission:
            return .success(envelope.acceptanceNumber)
        case .rating:
            guard let rating = try? JSONDecoder().decode(RatingPayload.self, from: data) else {
                return .failure(EntryProblem(reason: "not a rating: expected acceptanceNumber, serviceID, level, ratedAt"))
            }
            guard (1...5).contains(rating.level) else { return .failure(EntryProblem(reason: "level must be 1…5, not \(rating.level)")) }
            guard rating.acceptanceNumber.hasPrefix("ZZ"), rating.acceptanceNumber.count == 25 else {
                return .failure(EntryProblem(reason: "'\(rating.acceptanceNumber)' is not a 受理编号"))
            }
            if let reason = rating.reason, reason.count > 500 { return .failure(EntryProblem(reason: "the reason is longer than 500 characters")) }
            return .success(rating.acceptanceNumber)
        case .ticket:
            guard let ticket = try? JSONDecoder().decode(TicketPayload.self, from: data), !ticket.reference.isEmpty else {
                return .failure(EntryProblem(reason: "not a ticket: expected reference, category, number, issuedAt, peopleAhead"))
            }
            guard ticket.reference.hasPrefix(kioskID + "/") else {
                return .failure(EntryProblem(reason: "ticket reference '\(ticket.reference)' is not this kiosk's"))
            }
            return .success(ticket.reference)
        }
    }

    static func alreadyHeld(_ kind: OutboxKind, _ reference: String) -> String {
        switch kind {
        case .submission: return "another submission holds acceptance number \(reference)"
        case .rating: return "case \(reference) has already been rated"
        case .ticket: return "ticket \(reference) is already recorded"
        }
    }
}

/// A verdict printed anywhere (a log line, a test's message) shows the applicant masked.
extension CentralRules.Verdict: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "Verdict(progress: \(progress.rawValue), flag: \(flag ?? "none"), applicant: \(applicant.map(IDNumber.mask) ?? "none"))"
    }

    public var debugDescription: String { description }
}
