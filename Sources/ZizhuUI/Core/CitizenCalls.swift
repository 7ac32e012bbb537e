// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 呼叫帮办: where a citizen's call for help stands.
public enum HelpStatus: Sendable, Hashable {
    /// Being sent to the platform.
    case sending
    /// The link is down: the kiosk keeps the call and sends it as soon as it can.
    case queued
    /// Staff have been notified; the number is the platform's request number.
    case sent(Int64)
    /// A member of staff acknowledged it on the dashboard: help is coming.
    case acknowledged(Int64)
    /// This kiosk has no platform link at all (not enrolled).
    case unavailable
}

/// One call for help in this session: the screen it came from and its status.
public struct HelpCall: Sendable, Hashable {
    public var screen: String
    public var status: HelpStatus

    public init(screen: String, status: HelpStatus) {
        self.screen = screen
        self.status = status
    }
}

/// 好差评: the five levels, best first; the keypad digit of each is its position (1 = 非常满意).
public enum RatingLevel {
    public static let all: [(level: Int, text: UIText)] = [
        (5, .ratingVerySatisfied), (4, .ratingSatisfied), (3, .ratingAcceptable), (2, .ratingDissatisfied), (1, .ratingVeryDissatisfied),
    ]
    /// The two lowest levels ask (optionally) why.
    public static func asksWhy(_ level: Int) -> Bool { level <= 2 }

    /// Reasons offered for a low rating; the platform receives the Chinese text.
    public static let reasons: [(id: String, text: UIText)] = [
        ("waiting", .ratingReasonWaiting), ("complicated", .ratingReasonComplicated), ("device", .ratingReasonDevice),
        ("unclear", .ratingReasonUnclear), ("outcome", .ratingReasonOutcome),
    ]
}

/// What the kiosk stores for one rating (the case's 受理编号, the level, a reason).
public struct RatingRequest: Sendable, Hashable {
    public var acceptanceNumber: String
    public var serviceID: String
    public var level: Int
    /// The id of the reason chosen (see `RatingLevel.reasons`), or nil.
    public var reason: String?

    public init(acceptanceNumber: String, serviceID: String, level: Int, reason: String?) {
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.level = level
        self.reason = reason
    }
}

/// Where the case's rating stands.
public enum RatingState: Sendable, Hashable {
    case saving
    case saved
    case failed(zh: String, en: String)
}

/// 查询进度: where an answer came from.
public enum ProgressSource: Sendable, Hashable {
    /// The platform answered (authoritative).
    case platform
    /// The platform could not be asked: this kiosk's own record of the case.
    case kiosk(uploaded: Bool)
}

/// One case's progress as the lookup screen shows it.
public struct CaseProgress: Sendable, Hashable {
    public var acceptanceNumber: String
    public var serviceID: String
    /// approved | manual_review | refused
    public var progress: String
    public var reason: String?
    public var updatedAt: String?
    public var source: ProgressSource

    public init(acceptanceNumber: String, serviceID: String, progress: String, reason: String? = nil, updatedAt: String? = nil,
                source: ProgressSource) {
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.progress = progress
        self.reason = reason
        self.updatedAt = updatedAt
        self.source = source
    }
}

public enum ProgressLookup: Sendable, Hashable {
    case looking
    case found(CaseProgress)
    /// 查询进度 by ID card: the applicant's cases, newest first.
    case cases([CaseProgress])
    /// Neither the platform nor this kiosk knows the number.
    case notFound
    /// The platform cannot be asked and this kiosk has no record of it.
    case unavailable
}

/// The 受理编号 as typed on the progress screen: `ZZ` is printed already; the citizen types
/// the 8 date digits and 12 characters (0-9, A-F).
public enum AcceptanceNumberEntry {
    public static let length = 20

    public static func canAppend(_ character: Character, to typed: String) -> Bool {
        guard typed.count < length else { return false }
        if typed.count < 8 { return character.isASCII && character.isNumber }
        return "0123456789ABCDEF".contains(character)
    }

    /// `ZZ20261122-7F3A-91C2-4B0D` from what was typed (nil until complete).
    public static func number(_ typed: String) -> String? {
        guard typed.count == length else { return nil }
        return "ZZ" + formatted(typed)
    }

    /// What was typed so far, with the dashes where the receipt has them.
    public static func formatted(_ typed: String) -> String {
        var text = ""
        for (index, character) in typed.enumerated() {
            if index == 8 || index == 12 || index == 16 { text.append("-") }
            text.append(character)
        }
        return text
    }
}

/// 取号: a ticket as printed.
public struct IssuedTicket: Sendable, Hashable {
    /// `A007`.
    public var number: String
    public var categoryID: String
    public var peopleAhead: Int
    public var waitMinutes: Int
    /// 预约签到: the appointment this ticket checked in (called before walk-ins).
    public var appointmentCode: String?

    public init(number: String, categoryID: String, peopleAhead: Int, waitMinutes: Int, appointmentCode: String? = nil) {
        self.number = number
        self.categoryID = categoryID
        self.peopleAhead = peopleAhead
        self.waitMinutes = waitMinutes
        self.appointmentCode = appointmentCode
    }
}

/// 预约: what the kiosk looks an appointment up by.
public enum AppointmentKey: Sendable, Hashable {
    case code(String)
    /// The ID card placed on the reader (the full number goes to the adapter only).
    case card(IDNumber)
}

/// 预约: one of today's appointments.
public struct Appointment: Sendable, Hashable {
    public var code: String
    public var categoryID: String
    /// "HH:mm".
    public var time: String

    public init(code: String, categoryID: String, time: String) {
        self.code = code
        self.categoryID = categoryID
        self.time = time
    }
}

/// 预约: what the lookup found.
public enum AppointmentLookup: Sendable, Hashable {
    case looking
    case found([Appointment])
    case notFound
    /// The platform cannot be asked: the citizen can take an ordinary ticket.
    case unavailable
}

public enum TicketState: Sendable, Hashable {
    case printing
    /// CUPS confirmed it: the number counts as issued.
    case issued(IssuedTicket)
    /// It did not print; no number was issued (zh/en: why, and what to do).
    case notIssued(zh: String, en: String)
}

/// 技术人员模式: what the PIN check answered.
public enum PINCheck: Sendable, Hashable {
    case accepted
    /// Wrong; this many tries are left before the lockout.
    case wrong(attemptsLeft: Int)
    /// Too many wrong PINs: no PIN is checked for this many seconds (the delay grows).
    case locked(seconds: Int)
    /// No PIN is configured on this kiosk (technician.pin_hash in kiosk.yaml).
    case notConfigured
}

/// Technician mode, while it is open (wiped with the session).
public struct TechnicianSession: Sendable, Hashable {
    /// The last report; nil until the first one arrives.
    public var report: DiagnosticReport?
    /// A report has been asked for and has not arrived.
    public var checking = false
    /// Something changed while a report was being taken: take another when it arrives.
    public var stale = false
    /// What the last action came to (sync now, test read, reload).
    public var note: LocalizedText?
    /// The test read is waiting for a card.
    public var testReading = false

    public init() {}
}

/// 打印证明: one proof the platform holds for the identified citizen.
public struct ProofItem: Sendable, Hashable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// 打印证明: what the platform holds for the citizen.
public enum ProofListing: Sendable, Hashable {
    case loading
    case found([ProofItem])
    /// The platform cannot be asked (offline, not enrolled): nothing can be printed now.
    case unavailable
}

/// 打印证明: the chosen proof fetched and printed, or why not.
public enum ProofPrintState: Sendable, Hashable {
    case printing(title: String)
    case printed(title: String, verificationCode: String)
    case notPrinted(zh: String, en: String)
}
