// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// What the platform said about the applicant's records (e-licences, credit).
public enum RecordsLookup: Sendable, Hashable {
    /// Asked, no answer yet.
    case pending
    /// The platform answered (possibly with nothing on file).
    case found
    /// The platform could not be asked (offline, error): e-licences are not available and
    /// the prefill from them fails visibly.
    case unavailable
}

/// One application in progress at the kiosk: the form, the records behind its prefill,
/// the field being entered. Session data, wiped with the session.
public struct Application: Sendable, Hashable {
    public var serviceID: String
    public var form: ApplicationForm
    public var records: RecordsLookup
    /// The kiosk's date for this application (dates in validation, deadlines, dated rules).
    public var today: CalendarDate
    /// What is being typed into the current field (keypad or keyboard), before 确认.
    public var entry: String
    /// What was wrong with the last 确认 on the current field.
    public var problem: FieldProblem?
    /// Pinyin keyboard: the letters typed so far for the next character, and the page of
    /// candidates shown.
    public var pinyin: String
    public var candidatePage: Int
    /// Chinese text fields: handwriting or pinyin, and what is drawn on the pad.
    public var inputMode: InputMode = .pinyin
    public var drawing = Drawing()
    /// A field is being changed from 核对信息: taking it goes back there, not on.
    public var returningToReview = false
    /// The fields asked when that change began: a change that asks more (自取 → 邮寄 asks
    /// for an address and a phone) walks through the new ones before going back.
    public var askedWhenEditing: Set<Int> = []
    /// Where submitting stands (nil: not submitted yet).
    public var submission: SubmissionState?
    /// The 受理回执: printing, printed, or why not.
    public var receipt: ReceiptState?
    /// 好差评 for this case (one per case).
    public var rating: RatingState?
    /// 扫描纸质材料: the material whose pages are being scanned, and where that stands.
    public var scan: ScanStep?

    public init(service: Service, citizen: IdentityCard?, today: CalendarDate) {
        serviceID = service.id
        form = ApplicationForm(service: service, card: citizen, records: ApplicantRecords())
        records = .pending
        self.today = today
        entry = ""
        pinyin = ""
        candidatePage = 0
    }

    /// The platform answered: prefill again from the records, keeping what the citizen
    /// has already entered.
    mutating func recordsArrived(_ found: ApplicantRecords?, service: Service, citizen: IdentityCard?) {
        records = found == nil ? .unavailable : .found
        var fresh = ApplicationForm(service: service, card: citizen, records: found ?? ApplicantRecords())
        for (id, origin) in form.origins where origin == .entered {
            fresh.values[id] = form.values[id]
            fresh.origins[id] = .entered
        }
        fresh.committed = form.committed
        fresh.scanned = form.scanned
        form = fresh
    }

    /// Fields the citizen walks through: every field of the service (bundles: the shared
    /// fields of their parts, asked once).
    public func fields(_ service: Service) -> [Field] { service.fields }

    /// The fields the citizen is asked as the form stands, by index into `fields` (the
    /// mailing address only once 邮寄 is chosen).
    public func askedIndices(_ service: Service, citizen: IdentityCard?) -> [Int] {
        let facts = form.facts(service, card: citizen, today: today)
        return fields(service).indices.filter { fields(service)[$0].isAsked(facts) }
    }

    /// 领取方式 as chosen so far (nil for services whose result is not handed over).
    public func delivery(_ service: Service) -> DeliveryChoice? {
        service.delivery?.choice(form.values)
    }

    /// The services decided: the service itself, or each part of a bundle.
    public func decidedServices(_ service: Service, catalogue: Catalogue) -> [Service] {
        service.isBundle ? service.parts.compactMap(catalogue.service(id:)) : [service]
    }

    /// The decisions as they stand (pre-check): one per decided service.
    public func decisions(_ service: Service, catalogue: Catalogue, citizen: IdentityCard?) -> [Decision] {
        decidedServices(service, catalogue: catalogue).map { part in
            Decider.decide(part, facts: form.facts(part, card: citizen, today: today), today: today)
        }
    }

    /// The materials that concern this applicant (only_if not false), in catalogue order.
    public func materials(_ service: Service, citizen: IdentityCard?) -> [Material] {
        let facts = form.facts(service, card: citizen, today: today)
        return service.materialSpecs.filter { $0.onlyIf?.evaluate(facts) != .no }
    }
}

/// What the kiosk must store for one application (the effect carries it to the outbox).
public struct SubmissionRequest: Sendable, Hashable {
    public var serviceID: String
    public var idNumber: IDNumber
    public var name: String
    public var cardKind: String
    public var fields: [String: String]
    public var committed: [String]
    public var decisions: [Decision]
    /// 领取方式, for the receipt (its values travel in `fields`).
    public var delivery: DeliveryChoice?
    /// Paper materials scanned at the kiosk: material id → pages kept (the runtime holds the pages).
    public var scanned: [String: Int]

    public init(serviceID: String, idNumber: IDNumber, name: String, cardKind: String, fields: [String: String],
                committed: [String], decisions: [Decision], delivery: DeliveryChoice? = nil, scanned: [String: Int] = [:]) {
        self.delivery = delivery
        self.scanned = scanned
        self.serviceID = serviceID
        self.idNumber = idNumber
        self.name = name
        self.cardKind = cardKind
        self.fields = fields
        self.committed = committed
        self.decisions = decisions
    }
}

/// The outbox's answer.
public enum SubmitOutcome: Sendable, Hashable {
    /// Durably stored: 已受理 may be said, with this 受理编号.
    case accepted(acceptanceNumber: String, outcome: Outcome, owed: [OwedMaterial])
    /// Not stored (full disk, storage fault): the citizen is told what to do instead.
    case failed(zh: String, en: String)
}

/// What the acceptance receipt needs (no full ID number: it is printed masked).
public struct AcceptanceReceipt: Sendable, Hashable {
    public var service: LocalizedText
    public var acceptanceNumber: String
    public var maskedID: String
    public var outcome: Outcome
    public var owed: [OwedMaterial]
    public var language: Language
    /// 领取方式 (printed with the address shortened and the phone masked).
    public var delivery: DeliveryChoice?
    /// 扫描纸质材料: each material handed in as scans, with its page count.
    public var scanned: [LocalizedText]

    public init(service: LocalizedText, acceptanceNumber: String, maskedID: String, outcome: Outcome, owed: [OwedMaterial],
                language: Language, delivery: DeliveryChoice? = nil, scanned: [LocalizedText] = []) {
        self.scanned = scanned
        self.delivery = delivery
        self.service = service
        self.acceptanceNumber = acceptanceNumber
        self.maskedID = maskedID
        self.outcome = outcome
        self.owed = owed
        self.language = language
    }
}

public enum ReceiptState: Sendable, Hashable {
    case printing
    case printed
    /// Not printed (paper out, printer offline, …): what the citizen is told.
    case notPrinted(zh: String, en: String)
}

public enum SubmissionState: Sendable, Hashable {
    case submitting
    case done(SubmitOutcome)
}

/// How one material stands for the applicant (the materials screen).
public enum MaterialStanding: Sendable, Hashable {
    /// An e-licence of at least the required grade was found.
    case found(Grade)
    /// An e-licence was found but its grade is below what the service accepts.
    case gradeTooLow(found: Grade, minimum: Grade)
    /// Not found; `tolerable` says whether the applicant may commit to supply it later.
    case missing(tolerable: Bool)
    /// Paper that staff must see.
    case paper(tolerable: Bool)
    /// Paper scanned at the kiosk: these pages travel with the application, staff check them.
    case scanned(pages: Int)
    /// Committed to (告知承诺/容缺), due by the deadline.
    case committed(deadline: CalendarDate)

    static func of(_ material: Material, in application: Application) -> MaterialStanding {
        if application.form.committed.contains(material.id), let tolerable = material.tolerable,
           let deadline = application.today.adding(days: tolerable.deadlineDays) {
            return .committed(deadline: deadline)
        }
        switch material.kind {
        case .paper:
            if let pages = application.form.scanned[material.id], pages > 0 { return .scanned(pages: pages) }
            return .paper(tolerable: material.tolerable != nil)
        case .elicence(_, let minimum):
            guard let grade = application.form.grade(of: material) else { return .missing(tolerable: material.tolerable != nil) }
            return grade >= minimum ? .found(grade) : .gradeTooLow(found: grade, minimum: minimum)
        }
    }

    /// Whether it can be scanned at the kiosk (paper, not yet scanned or scanned in part).
    var canScan: Bool {
        switch self {
        case .paper, .scanned: return true
        case .found, .gradeTooLow, .missing, .committed: return false
        }
    }

    /// Whether a commitment can be offered for it now.
    var canCommit: Bool {
        switch self {
        case .missing(let tolerable), .paper(let tolerable): return tolerable
        case .found, .gradeTooLow, .committed, .scanned: return false
        }
    }
}
