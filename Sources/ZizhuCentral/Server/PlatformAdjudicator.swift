// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOConcurrencyHelpers
import ZizhuCore
import ZizhuWire

/// The platform decides every application itself. A kiosk stands in a public hall and its
/// secret can be stolen, so its 秒批 is a claim: the platform runs the same rules engine
/// (ZizhuCore) with the catalogue version the kiosk names, its own records of the applicant
/// (e-licences and credit, not the kiosk's copy) and the fields and commitments in the
/// payload. Where it reaches the kiosk's outcome, the case starts there; where it does not —
/// or cannot decide (an unknown catalogue version, an unreadable payload) — a person decides,
/// and the reviewer sees why.
///
/// ```swift
/// let judge = PlatformAdjudicator(catalogueFolder: URL(fileURLWithPath: "catalogue"), records: { records[$0] })
/// let verdicts = judge.verdicts(batch)            // key → where the case starts
/// try await store.store(batch, from: kioskID, verdicts: verdicts)
/// ```
public final class PlatformAdjudicator: Sendable {
    let catalogueFolder: URL?
    let records: @Sendable (String) -> ApplicantRecords?
    /// Catalogue versions this process has loaded (the folder's current one, and earlier ones
    /// it served before an operator replaced them), newest last.
    private let known = NIOLockedValueBox<[(version: String, catalogue: Catalogue)]>([])
    static let versionsKept = 16

    /// When the folder was last looked at: at most every few seconds (the catalogue route
    /// hands over each version it serves at once, `learn`).
    private let lastLook = NIOLockedValueBox<Date?>(nil)

    public init(catalogueFolder: URL?, records: @escaping @Sendable (String) -> ApplicantRecords?) {
        self.catalogueFolder = catalogueFolder
        self.records = records
    }

    /// The platform's answer to a records lookup, as the kiosk reads it (`RecordsSource.platform`).
    public convenience init(catalogueFolder: URL?, answers: @escaping @Sendable (String) -> RecordsResponse?) {
        self.init(catalogueFolder: catalogueFolder) { number in
            answers(number).map { answer in
                ApplicantRecords(elicences: answer.elicences.compactMap { licence in
                    Grade(letter: licence.grade).map { Elicence(type: licence.type, grade: $0, attributes: licence.attributes) }
                }, credit: answer.credit)
            }
        }
    }

    /// Where each application of the batch starts, by key. `payloads`: each envelope's payload
    /// as `RequestSchemas` parsed it (in batch order), so it is not read twice; without them
    /// each payload is parsed here.
    public func verdicts(_ batch: [SubmissionEnvelope], payloads: [JSONValue?]? = nil, now: Date = Date()) -> [String: CentralRules.Verdict] {
        refresh()
        var verdicts: [String: CentralRules.Verdict] = [:]
        for (index, envelope) in batch.enumerated() {
            let parsed = payloads.flatMap { index < $0.count ? $0[index] : nil } ?? JSONValue.parse(Data(envelope.payload.utf8))
            verdicts[envelope.key] = verdict(envelope, claim: ApplicationClaim(conforming: parsed), now: now)
        }
        return verdicts
    }

    func verdict(_ envelope: SubmissionEnvelope, claim: ApplicationClaim?, now: Date) -> CentralRules.Verdict {
        guard let payload = claim else {
            return CentralRules.Verdict(progress: .manualReview, flag: "平台无法读取申请内容 · the platform cannot read this application")
        }
        let claimed = Outcome(rawValue: payload.outcome)
        switch decide(payload, createdAt: envelope.createdAt, now: now) {
        case .failure(let why):
            // The platform cannot check the kiosk: a person decides whatever it claimed.
            return CentralRules.Verdict(progress: .manualReview, flag: claimed == .manualReview ? nil : "平台无法复核 · \(why)",
                                        applicant: payload.idNumber)
        case .success(let decided):
            if decided.outcome == claimed {
                return CentralRules.Verdict(progress: Self.progress(decided.outcome), applicant: payload.idNumber)
            }
            let reasons = decided.decisions.flatMap { decision in
                decision.checks.filter { check in decision.decidedBy.contains(check.id) }.map { "\($0.id): \($0.requirement.zh)" }
            }
            return CentralRules.Verdict(
                progress: .manualReview,
                flag: "终端判定与平台不符 · the kiosk said \(payload.outcome), the platform's rules say \(decided.outcome.rawValue)"
                    + (reasons.isEmpty ? "" : " (" + reasons.prefix(4).joined(separator: "; ") + ")"),
                applicant: payload.idNumber)
        }
    }

    static func progress(_ outcome: Outcome) -> CentralRules.Progress {
        switch outcome {
        case .approved: return .approved
        case .refused: return .refused
        case .manualReview: return .manualReview
        }
    }

    /// The platform's own decision for an application, or why it cannot make one.
    func decide(_ payload: ApplicationClaim, createdAt: String, now: Date) -> Result<(outcome: Outcome, decisions: [Decision]), Why> {
        guard let version = payload.catalogueVersion, !version.isEmpty else {
            return .failure(Why("申请未注明事项目录版本 · the application names no catalogue version"))
        }
        guard let catalogue = known.withLockedValue({ list in list.last { $0.version == version }?.catalogue }) else {
            return .failure(Why("事项目录版本 \(version.prefix(12)) 不在平台 · catalogue version \(version.prefix(12)) is not one this platform serves"))
        }
        guard let service = catalogue.service(id: payload.service) else {
            return .failure(Why("事项 \(payload.service) 不在该目录 · no service \(payload.service) in that catalogue"))
        }
        guard let number = try? IDNumber(validating: payload.idNumber) else {
            return .failure(Why("申请人证件号码无效 · the applicant's ID number is not valid"))
        }
        // The kiosk's day when it decided: its submit time, never later than the platform's now.
        guard let submitted = UTCTime.instant(createdAt), submitted <= now.addingTimeInterval(Double(RequestSigning.maximumSkew)) else {
            return .failure(Why("提交时间无效 · the submit time is not a valid past time"))
        }
        let today = CalendarDate.localToday(submitted)
        let card = IdentityCard(kind: CardKind(rawValue: payload.cardKind) ?? .resident, name: payload.name,
                                gender: number.gender ?? .unknown, birthDate: number.birthDate, idNumber: number,
                                source: Self.source(payload.cardKind))
        let held = records(number.unmasked) ?? ApplicantRecords(elicences: [], credit: "good")
        let parts = service.isBundle ? service.parts.compactMap(catalogue.service(id:)) : [service]
        guard !parts.isEmpty else { return .failure(Why("一件事 \(service.id) 没有可判定的事项 · the bundle has no parts")) }
        let decisions = parts.map { part -> Decision in
            var form = ApplicationForm(service: part, card: card, records: held)
            for (id, value) in payload.fields where part.fields.contains(where: { $0.id == id }) { form.set(id, value) }
            form.committed = Set(payload.committed)
            form.scanned = payload.scanned
            return Decider.decide(part, facts: form.facts(part, card: card, today: today), today: today)
        }
        return .success((Outcome.overall(decisions), decisions))
    }

    /// How the kiosk says the applicant identified (`cardKind`), as the decision sees it.
    static func source(_ cardKind: String) -> IdentityCard.Source {
        switch cardKind {
        case "manual": return .manualEntry
        case "socialSecurityCard": return .socialSecurityCard
        case "identityCode": return .identityCode
        default: return .cardReader
        }
    }

    struct Why: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Loads the catalogue folder when its files changed since the last look (kept with the
    /// earlier versions, so applications decided on the previous catalogue still match).
    func refresh(now: Date = Date()) {
        // One look at a time, under the lock: a caller never proceeds on a half-made list.
        lastLook.withLockedValue { last in
            if let last, now.timeIntervalSince(last) < 2, now >= last { return }
            last = now
            guard let catalogueFolder, let bundle = try? CatalogueBundle.load(folder: catalogueFolder) else { return }
            learn(bundle)
        }
    }

    /// Remembers a catalogue version (the one the catalogue route just served).
    public func learn(_ bundle: CatalogueBundle) {
        if known.withLockedValue({ list in list.contains { $0.version == bundle.version } }) { return }
        guard let catalogue = try? Catalogue.load(files: bundle.files.map { (name: $0.name, text: $0.text) }) else { return }
        known.withLockedValue { list in
            list.removeAll { $0.version == bundle.version }
            list.append((bundle.version, catalogue))
            if list.count > Self.versionsKept { list.removeFirst(list.count - Self.versionsKept) }
        }
    }
}
