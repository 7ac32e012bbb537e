import Crypto
import Foundation

/// What travels between a kiosk and the central platform. Both sides compile these
/// types, so a field renamed on one side is a build error on the other.

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

/// What the outbox carries. Every kind travels with the same guarantees (a key minted once,
/// a sealed payload, its hash, per-item results) to its own endpoint.
public enum OutboxKind: String, Codable, Sendable, CaseIterable {
    /// An application (`/v1/submissions`).
    case submission
    /// 好差评: one rating for one case (`/v1/ratings`).
    case rating
    /// 取号 and 预约签到: a queue ticket or an appointment check-in (`/v1/tickets`).
    case ticket

    public var path: String {
        switch self {
        case .submission: "/v1/submissions"
        case .rating: "/v1/ratings"
        case .ticket: "/v1/tickets"
        }
    }
}

/// A batch of outbox entries other than applications (ratings, tickets).
public struct EntryBatch: Codable, Sendable {
    public var entries: [SubmissionEnvelope]
    public init(entries: [SubmissionEnvelope]) { self.entries = entries }
}

/// 好差评: the citizen's rating of one case, five levels (5 非常满意 … 1 非常不满意); a reason
/// is asked only for the two lowest.
public struct RatingPayload: Codable, Sendable, Hashable {
    /// The 受理编号 of the rated case.
    public var acceptanceNumber: String
    public var serviceID: String
    public var level: Int
    public var reason: String?
    public var ratedAt: String

    public init(acceptanceNumber: String, serviceID: String, level: Int, reason: String?, ratedAt: String) {
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.level = level
        self.reason = reason
        self.ratedAt = ratedAt
    }

    public static let levels: [(level: Int, zh: String, en: String)] = [
        (5, "非常满意", "Very satisfied"), (4, "满意", "Satisfied"), (3, "基本满意", "Acceptable"),
        (2, "不满意", "Dissatisfied"), (1, "非常不满意", "Very dissatisfied"),
    ]
}

/// The printable proofs the platform holds for an applicant (打印证明).
public struct ProofsRequest: Codable, Sendable, Hashable {
    public var idNumber: String
    public init(idNumber: String) { self.idNumber = idNumber }
}

public struct ProofList: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }
    public var proofs: [Item]
    public init(proofs: [Item]) { self.proofs = proofs }
}

/// 预约: today's appointments found by their code or the applicant's ID number (one of the two).
public struct AppointmentQuery: Codable, Sendable, Hashable {
    public var code: String?
    public var idNumber: String?
    public init(code: String? = nil, idNumber: String? = nil) {
        self.code = code
        self.idNumber = idNumber
    }
}

public struct AppointmentList: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var code: String
        public var category: String
        /// yyyy-MM-dd and HH:mm, local time of the hall.
        public var day: String
        public var time: String
        public init(code: String, category: String, day: String, time: String) {
            self.code = code
            self.category = category
            self.day = day
            self.time = time
        }
    }
    public var appointments: [Item]
    public init(appointments: [Item]) { self.appointments = appointments }
}

/// One proof document as the platform issues it: printed as it comes, with a verification
/// code anyone can check with the issuer.
public struct ProofDocument: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var issuer: String
    public var lines: [String]
    public var verificationCode: String
    public var issuedAt: String

    public init(id: String, title: String, issuer: String, lines: [String], verificationCode: String, issuedAt: String) {
        self.id = id
        self.title = title
        self.issuer = issuer
        self.lines = lines
        self.verificationCode = verificationCode
        self.issuedAt = issuedAt
    }
}

/// 查询进度 by ID card (`POST /v1/progress` with `ProofsRequest`'s {idNumber}): the
/// applicant's cases, newest first.
public struct ProgressList: Codable, Sendable, Hashable {
    public var cases: [ProgressAnswer]
    public init(cases: [ProgressAnswer]) { self.cases = cases }
}

/// A case's progress as the platform answers `GET /v1/progress/{number}`.
public struct ProgressAnswer: Codable, Sendable, Hashable {
    public var acceptanceNumber: String
    /// approved | manual_review | refused
    public var progress: String
    public var serviceID: String?
    /// The reviewer's reason, when a person decided.
    public var reason: String?
    public var updatedAt: String?

    public init(acceptanceNumber: String, progress: String, serviceID: String? = nil, reason: String? = nil, updatedAt: String? = nil) {
        self.acceptanceNumber = acceptanceNumber
        self.progress = progress
        self.serviceID = serviceID
        self.reason = reason
        self.updatedAt = updatedAt
    }
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

public struct EnrolmentRequest: Codable, Sendable {
    public var token: String
    public var kioskID: String
    public var siteName: String
    public init(token: String, kioskID: String, siteName: String) {
        self.token = token
        self.kioskID = kioskID
        self.siteName = siteName
    }
}

public struct EnrolmentResponse: Codable, Sendable {
    public var kioskID: String
    /// Base64 of the 256-bit HMAC secret, shown once.
    public var secret: String
    public init(kioskID: String, secret: String) {
        self.kioskID = kioskID
        self.secret = secret
    }
}

/// A problem answer from the platform: what is wrong, in words.
public struct ProblemResponse: Codable, Sendable, Error, CustomStringConvertible {
    public var error: String
    public var detail: String
    public init(error: String, detail: String) {
        self.error = error
        self.detail = detail
    }
    public var description: String { "\(error): \(detail)" }
}

public enum Hex {
    public static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    public var sha256Hex: String { Hex.string(SHA256.hash(data: self)) }
}

/// Canonical JSON (sorted keys, no escaped slashes) so both sides hash the same bytes.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. Sorts by time.
public enum UUIDv7 {
    public static func make(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8((milliseconds >> (8 * (5 - UInt64(index)))) & 0xFF) }
        var generator = SystemRandomNumberGenerator()
        for index in 6..<16 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.string(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                     hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The milliseconds a UUIDv7 carries, or nil for anything else.
    public static func milliseconds(_ key: String) -> UInt64? {
        let hex = key.replacingOccurrences(of: "-", with: "")
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit), Array(hex)[12] == "7",
              let value = UInt64(hex.prefix(12), radix: 16) else { return nil }
        return value
    }

    public static func isValid(_ key: String) -> Bool {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && milliseconds(key) != nil && key == key.lowercased()
    }
}

/// 受理编号: `ZZ` + the key's date (UTC+8, the kiosks' time zone) + 12 characters of the key's
/// random part, e.g. `ZZ20261122-7F3A-91C2-4B0D`. Unique because the key is; readable aloud.
public enum AcceptanceNumber {
    public static func from(key: String) -> String? {
        guard let milliseconds = UUIDv7.milliseconds(key) else { return nil }
        let (year, month, day) = UTCTime.civil(days: Int64(milliseconds / 1000 + 8 * 3600) / 86_400)
        let hex = key.replacingOccurrences(of: "-", with: "").uppercased()
        let random = Array(hex.suffix(12))
        let date = String(format: "%04d%02d%02d", year, month, day)
        return "ZZ\(date)-\(String(random[0..<4]))-\(String(random[4..<8]))-\(String(random[8..<12]))"
    }
}

/// ISO 8601 times without Foundation's formatters (slow to create, not to be shared across
/// threads): the outbox stamps every submission.
public enum UTCTime {
    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
    public static func civil(days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    /// `2026-11-22T10:00:00Z`.
    /// `2026-11-22T10:00:00.123Z`: log lines (arithmetic only: no ICU at start-up).
    public static func isoMilliseconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let base = iso(Date(timeIntervalSince1970: Double(seconds)))
        return String(base.dropLast()) + String(format: ".%03dZ", Int(milliseconds - seconds * 1000))
    }

    public static func iso(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }
}
/// Sent every minute while the kiosk is online.
public struct Heartbeat: Codable, Sendable, Hashable {
    /// ok | warning | error, as the kiosk sees itself.
    public var status: String
    /// Device → state: reader (ok, disconnected, error), printer (ready, paper_low, paper_out,
    /// offline, …), disk (ok, low).
    public var devices: [String: String]
    public var diskFreeBytes: Int64
    public var outboxPending: Int
    public var outboxOldestSeconds: Double?
    public var deadLetters: Int
    public var version: String
    /// The kiosk's clock when it sent this (ISO 8601).
    public var deviceTime: String
    /// The catalogue the kiosk runs (its ETag), and why the last update was refused.
    public var catalogueVersion: String?
    public var catalogueRefused: String?

    public init(status: String, devices: [String: String], diskFreeBytes: Int64, outboxPending: Int,
                outboxOldestSeconds: Double?, deadLetters: Int, version: String, deviceTime: String,
                catalogueVersion: String? = nil, catalogueRefused: String? = nil) {
        self.catalogueVersion = catalogueVersion
        self.catalogueRefused = catalogueRefused
        self.status = status
        self.devices = devices
        self.diskFreeBytes = diskFreeBytes
        self.outboxPending = outboxPending
        self.outboxOldestSeconds = outboxOldestSeconds
        self.deadLetters = deadLetters
        self.version = version
        self.deviceTime = deviceTime
    }
}

/// 呼叫帮办: a citizen pressed help on this screen at this time.
public struct HelpRequest: Codable, Sendable, Hashable {
    public var screen: String
    public var at: String
    public init(screen: String, at: String) {
        self.screen = screen
        self.at = at
    }
}

public struct HelpTicket: Codable, Sendable, Hashable {
    public var id: Int64
    /// open | acknowledged
    public var status: String
    public init(id: Int64, status: String) {
        self.id = id
        self.status = status
    }
}

/// `GET /v1/time`: the platform's clock, for the technician's network check (latency and
/// the kiosk's clock offset; signed requests more than 300 s off are refused).
public struct PlatformTime: Codable, Sendable, Hashable {
    public var kioskID: String
    public var epochMilliseconds: Int64
    public var now: String

    public init(kioskID: String, epochMilliseconds: Int64, now: String) {
        self.kioskID = kioskID
        self.epochMilliseconds = epochMilliseconds
        self.now = now
    }
}

/// The applicant's records the platform holds (电子证照 with trust grades, credit status).
/// The ID number travels in the signed body, never in a URL.
public struct RecordsRequest: Codable, Sendable, Hashable {
    public var idNumber: String
    public init(idNumber: String) { self.idNumber = idNumber }
}

public struct RecordsResponse: Codable, Sendable, Hashable {
    public struct Licence: Codable, Sendable, Hashable {
        public var type: String
        /// A, B, C or D.
        public var grade: String
        public var attributes: [String: String]
        public init(type: String, grade: String, attributes: [String: String]) {
            self.type = type
            self.grade = grade
            self.attributes = attributes
        }
    }

    public var elicences: [Licence]
    public var credit: String?
    public init(elicences: [Licence], credit: String?) {
        self.elicences = elicences
        self.credit = credit
    }
}

/// The service catalogue as the platform distributes it: every file, and a version (the
/// ETag) that changes whenever any file does.
public struct CatalogueBundle: Codable, Sendable, Hashable {
    public struct File: Codable, Sendable, Hashable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    public var version: String
    public var files: [File]

    public init(files: [File]) {
        self.files = files.sorted { $0.name < $1.name }
        var hasher = SHA256()
        for file in self.files {
            hasher.update(data: Data(file.name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(file.text.utf8))
            hasher.update(data: Data([0]))
        }
        version = Hex.string(hasher.finalize())
    }
}

/// 取号 / 预约签到: one queue ticket as it was printed (issued only once CUPS confirmed it).
public struct TicketPayload: Codable, Sendable, Hashable {
    /// Unique per kiosk and day: `<kiosk>/<yyyy-mm-dd>/<number>`.
    public var reference: String
    /// The queue category (e.g. `social_insurance`).
    public var category: String
    /// The number printed, e.g. `A007`.
    public var number: String
    public var issuedAt: String
    public var peopleAhead: Int
    /// The appointment code when this ticket is an appointment's check-in.
    public var appointmentCode: String?

    public init(reference: String, category: String, number: String, issuedAt: String, peopleAhead: Int, appointmentCode: String? = nil) {
        self.reference = reference
        self.category = category
        self.number = number
        self.issuedAt = issuedAt
        self.peopleAhead = peopleAhead
        self.appointmentCode = appointmentCode
    }
}

/// A case waiting for a person (转人工审核), as the review queue lists it.
public struct ReviewItem: Codable, Sendable, Hashable {
    public var acceptanceNumber: String
    public var kioskID: String
    public var serviceID: String
    public var receivedAt: String

    public init(acceptanceNumber: String, kioskID: String, serviceID: String, receivedAt: String) {
        self.acceptanceNumber = acceptanceNumber
        self.kioskID = kioskID
        self.serviceID = serviceID
        self.receivedAt = receivedAt
    }
}
