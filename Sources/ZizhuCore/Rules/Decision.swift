// SPDX-License-Identifier: Apache-2.0
/// How an application ends at the kiosk.
public enum Outcome: String, Sendable, Hashable, Codable {
    /// 秒批通过: approved by the rules on the spot.
    case approved
    /// 转人工审核 / 待人工审核: accepted, a person decides.
    case manualReview = "manual_review"
    /// 不予受理: cannot be accepted.
    case refused

    public var name: LocalizedText {
        switch self {
        case .approved: return LocalizedText(zh: "秒批通过", en: "Approved instantly")
        case .manualReview: return LocalizedText(zh: "转人工审核", en: "Sent for staff review")
        case .refused: return LocalizedText(zh: "不予受理", en: "Cannot be accepted")
        }
    }
}

/// One line of the pre-check (智能预审): a rule or a material, and how it came out.
public struct Check: Sendable, Hashable, Identifiable {
    public enum Status: Sendable, Hashable {
        case passed
        case failed(Severity)
        /// A fact it needs is not known (platform offline, optional field left empty).
        case notVerified
        /// Its only_if does not hold for this applicant.
        case notApplicable
        /// A missing material the applicant committed to supply (告知承诺/容缺).
        case committed(deadline: CalendarDate)
        /// A paper material scanned at the kiosk (扫描纸质材料): handed in, and a person checks
        /// the pages, so the application goes to staff.
        case scanned
    }

    /// The rule's id, `material.<id>`, or a built-in check's name.
    public var id: String
    public var requirement: LocalizedText
    public var status: Status
    public var remedy: LocalizedText?
    /// For people who write rules: which comparisons kept it from passing.
    public var shortfalls: [String]

    public init(id: String, requirement: LocalizedText, status: Status, remedy: LocalizedText? = nil, shortfalls: [String] = []) {
        self.id = id
        self.requirement = requirement
        self.status = status
        self.remedy = remedy
        self.shortfalls = shortfalls
    }

    /// What it pushes the outcome towards (nil: nothing).
    var severity: Severity? {
        switch status {
        case .failed(let severity): return severity
        case .notVerified, .scanned: return .manual
        case .passed, .notApplicable, .committed: return nil
        }
    }
}

/// A material still owed after 容缺受理, and by when.
public struct OwedMaterial: Sendable, Hashable {
    public var material: LocalizedText
    public var deadline: CalendarDate

    public init(material: LocalizedText, deadline: CalendarDate) {
        self.material = material
        self.deadline = deadline
    }
}

/// The decision for one (sub-)application: outcome, every check, and which checks decided.
public struct Decision: Sendable, Hashable {
    public var serviceID: String
    public var outcome: Outcome
    public var checks: [Check]
    /// The ids of the checks that decided the outcome (never empty).
    public var decidedBy: [String]
    public var owed: [OwedMaterial]
    public var date: CalendarDate

    /// 容缺受理: accepted with materials to follow.
    public var isToleratedMissing: Bool { !owed.isEmpty && outcome != .refused }
}

public enum Decider {
    /// The id of the built-in checks.
    public static let commitmentCreditCheck = "commitment-credit"
    public static let reviewCheck = "staff-review"

    /// Decides one service for the facts (fields, applicant, materials, credit, today).
    public static func decide(_ service: Service, facts: Facts, today: CalendarDate) -> Decision {
        var facts = facts
        facts["today"] = .date(today)
        var checks: [Check] = []
        for rule in service.rules where rule.isInForce(on: today) {
            checks.append(check(rule, facts))
        }
        var owed: [OwedMaterial] = []
        for material in service.materialSpecs {
            let result = check(material, facts, today: today)
            if case .committed(let deadline) = result.status { owed.append(OwedMaterial(material: material.name, deadline: deadline)) }
            checks.append(result)
        }
        if !owed.isEmpty {
            // 告知承诺 is not for applicants with a dishonesty record (失信).
            let requirement = LocalizedText(zh: "告知承诺/容缺受理须无失信记录", en: "Commitment-based acceptance needs a clean credit record")
            let status: Check.Status
            switch facts["credit.status"] {
            case .choice("dishonest")?: status = .failed(.manual)
            case .choice?: status = .passed
            default: status = .notVerified
            }
            checks.append(Check(id: commitmentCreditCheck, requirement: requirement, status: status,
                                remedy: LocalizedText(zh: "请携带全部材料到人工窗口办理", en: "Please bring all materials to a staffed counter")))
        }
        let worst = checks.compactMap(\.severity).max()
        let outcome: Outcome
        var decidedBy: [String]
        switch worst {
        case .refuse?:
            outcome = .refused
            decidedBy = checks.filter { $0.severity == .refuse }.map(\.id)
        case .manual?:
            outcome = .manualReview
            decidedBy = checks.filter { $0.severity == .manual }.map(\.id)
        case nil where service.approval == .instant:
            outcome = .approved
            decidedBy = checks.filter { if case .notApplicable = $0.status { return false }; return true }.map(\.id)
        case nil:
            outcome = .manualReview
            checks.append(Check(id: reviewCheck, requirement: LocalizedText(zh: "本事项须工作人员审核", en: "This service is always reviewed by staff"),
                                status: .passed))
            decidedBy = [reviewCheck]
        }
        if decidedBy.isEmpty { decidedBy = [reviewCheck] }
        return Decision(serviceID: service.id, outcome: outcome, checks: checks, decidedBy: decidedBy, owed: owed, date: today)
    }

    /// 先问关键: the 不予受理 a service's rules reach from the ID card alone, known right after
    /// identification — a 38-year-old applying for 退休 learns it before filling a form, not
    /// at the pre-check after every field. Each comes with its reason and remedy.
    public static func cardRefusals(_ service: Service, card: IdentityCard, today: CalendarDate) -> [Check] {
        let facts = Facts.applicant(card, today: today)
        return service.rules.filter { $0.isInForce(on: today) && $0.readsOnlyTheCard && $0.otherwise == .refuse }
            .map { check($0, facts) }
            .filter { $0.status == .failed(.refuse) }
    }

    static func check(_ rule: Rule, _ facts: Facts) -> Check {
        let status: Check.Status
        var shortfalls: [String] = []
        switch rule.onlyIf?.evaluate(facts) ?? .yes {
        case .no:
            status = .notApplicable
        case .unknown:
            status = .notVerified
            shortfalls = rule.onlyIf?.shortfalls(facts) ?? []
        case .yes:
            switch rule.require.evaluate(facts) {
            case .yes: status = .passed
            case .no: status = .failed(rule.otherwise)
            case .unknown: status = .notVerified
            }
            shortfalls = rule.require.shortfalls(facts)
        }
        return Check(id: rule.id, requirement: rule.reason, status: status, remedy: rule.remedy, shortfalls: shortfalls)
    }

    static func check(_ material: Material, _ facts: Facts, today: CalendarDate) -> Check {
        let names = Material.factNames(material.id)
        if let onlyIf = material.onlyIf {
            let requirement = LocalizedText(zh: "材料：\(material.name.zh)", en: "Material: \(material.name.en)")
            switch onlyIf.evaluate(facts) {
            case .no: return Check(id: "material.\(material.id)", requirement: requirement, status: .notApplicable)
            case .unknown: return Check(id: "material.\(material.id)", requirement: requirement, status: .notVerified,
                                        shortfalls: onlyIf.shortfalls(facts))
            case .yes: break
            }
        }
        let committed = facts[names.committed] == .bool(true)
        let id = "material.\(material.id)"
        var remedy: LocalizedText? = material.tolerable != nil
            ? LocalizedText(zh: "可承诺后补交（容缺受理），或到人工窗口提交", en: "Commit to supply it later, or hand it in at a staffed counter")
            : LocalizedText(zh: "请携带原件到人工窗口办理", en: "Please bring the original to a staffed counter")
        switch material.kind {
        case .elicence(_, let minimum):
            let requirement = LocalizedText(
                zh: "材料：\(material.name.zh)（电子证照，\(minimum.letter)级及以上）",
                en: "Material: \(material.name.en) (e-licence, grade \(minimum.letter) or better)")
            if case .grade(let grade)? = facts[names.grade] {
                if grade >= minimum { return Check(id: id, requirement: requirement, status: .passed) }
                remedy = LocalizedText(zh: "该证照为\(grade.letter)级，需工作人员核验原件", en: "This licence is grade \(grade.letter): staff must check the original")
                return Check(id: id, requirement: requirement, status: .failed(.manual), remedy: remedy,
                             shortfalls: ["\(names.grade) >= \(minimum.letter) (is \(grade.letter))"])
            }
            if committed, let tolerable = material.tolerable, let deadline = today.adding(days: tolerable.deadlineDays) {
                return Check(id: id, requirement: requirement, status: .committed(deadline: deadline))
            }
            return Check(id: id, requirement: requirement, status: .failed(.manual), remedy: remedy, shortfalls: ["\(names.present) (not found)"])
        case .paper:
            let requirement = LocalizedText(zh: "材料：\(material.name.zh)（纸质，须核验原件）", en: "Material: \(material.name.en) (paper, original to be checked)")
            if facts[names.present] == .bool(true) {
                return Check(id: id, requirement: requirement, status: .scanned)
            }
            if committed, let tolerable = material.tolerable, let deadline = today.adding(days: tolerable.deadlineDays) {
                return Check(id: id, requirement: requirement, status: .committed(deadline: deadline))
            }
            return Check(id: id, requirement: requirement, status: .failed(.manual), remedy: remedy, shortfalls: ["paper material"])
        }
    }
}

extension Outcome {
    /// The outcome of a whole application (a 一件事 bundle has one decision per department):
    /// approved only when every part is, refused only when every part is; otherwise a person
    /// decides. The platform's progress for the case starts from it.
    public static func overall(_ decisions: [Decision]) -> Outcome {
        if !decisions.isEmpty && decisions.allSatisfy({ $0.outcome == .approved }) { return .approved }
        if !decisions.isEmpty && decisions.allSatisfy({ $0.outcome == .refused }) { return .refused }
        return .manualReview
    }
}
