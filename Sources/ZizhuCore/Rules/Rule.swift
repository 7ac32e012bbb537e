// SPDX-License-Identifier: Apache-2.0
/// What a failing rule decides. The most severe failure decides the application.
public enum Severity: Int, Sendable, Hashable, Comparable {
    /// 转人工审核: a person looks at it.
    case manual = 1
    /// 不予受理: the application cannot be accepted.
    case refuse = 2

    public init?(keyword: String) {
        switch keyword {
        case "manual": self = .manual
        case "refuse": self = .refuse
        default: return nil
        }
    }

    public var keyword: String { self == .manual ? "manual" : "refuse" }
    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
}

/// One 秒批 rule: a requirement, when it applies, what its failure decides, and why —
/// in words a citizen reads on the pre-check screen.
public struct Rule: Sendable, Hashable, Identifiable {
    public var id: String
    /// What must hold for the applicant.
    public var require: Condition
    /// The rule applies only when this holds (else it is shown as not applicable).
    public var onlyIf: Condition?
    public var otherwise: Severity
    /// The requirement in words ("申请人须年满18周岁").
    public var reason: LocalizedText
    /// What the citizen can do when it fails.
    public var remedy: LocalizedText?
    /// In force from / until (inclusive): rules change on dates, not on deployments.
    public var effectiveFrom: CalendarDate?
    public var effectiveTo: CalendarDate?
    public var location: SourceLocation

    public init(id: String, require: Condition, onlyIf: Condition? = nil, otherwise: Severity, reason: LocalizedText,
                remedy: LocalizedText? = nil, effectiveFrom: CalendarDate? = nil, effectiveTo: CalendarDate? = nil,
                location: SourceLocation) {
        self.id = id
        self.require = require
        self.onlyIf = onlyIf
        self.otherwise = otherwise
        self.reason = reason
        self.remedy = remedy
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.location = location
    }

    /// Whether the ID card alone decides it: it reads only what the card says (age, gender,
    /// region, card kind) and the date, nothing the citizen fills in or the platform knows.
    public var readsOnlyTheCard: Bool {
        require.facts.union(onlyIf?.facts ?? []).allSatisfy { $0.hasPrefix("applicant.") || $0 == "today" }
    }

    public func isInForce(on date: CalendarDate) -> Bool {
        (effectiveFrom.map { date >= $0 } ?? true) && (effectiveTo.map { date <= $0 } ?? true)
    }

    /// The dates as a condition on `today` (for the load-time checks).
    var inForce: [Condition] {
        var parts: [Condition] = []
        if let from = effectiveFrom { parts.append(.compare(fact: "today", .greaterOrEqual, .date(from))) }
        if let to = effectiveTo { parts.append(.compare(fact: "today", .lessOrEqual, .date(to))) }
        return parts
    }

    /// When the rule applies and is in force.
    var applies: Condition { .all(inForce + (onlyIf.map { [$0] } ?? [])) }

    /// Exactly when this rule fails (and so decides).
    var fails: Condition { .all(inForce + (onlyIf.map { [$0] } ?? []) + [.not(require)]) }
}

/// Load-time checks of a service's rules (DMN-style hit-policy checks for our PRIORITY
/// policy: 不予受理 > 转人工审核 > 秒批通过). Each finding names the rule's file position.
public enum RuleChecks {
    public static func problems(_ rules: [Rule], schema: FactSchema, approval: Approval, service: String) -> [FileProblem] {
        let solver = Satisfiability(schema: schema)
        var problems: [FileProblem] = []
        var usable: [Rule] = []
        func sat(_ condition: Condition, _ rule: Rule) -> Bool? {
            do {
                return try solver.isSatisfiable(condition)
            } catch {
                problems.append(FileProblem(rule.location, "rule '\(rule.id)' is too complex to check (more than \(Satisfiability.maximumTerms) cases); split it"))
                return nil
            }
        }
        for rule in rules {
            if let from = rule.effectiveFrom, let to = rule.effectiveTo, to < from {
                problems.append(FileProblem(rule.location, "rule '\(rule.id)' ends (\(to)) before it starts (\(from))"))
                continue
            }
            guard let applies = sat(rule.applies, rule) else { continue }
            if !applies {
                problems.append(FileProblem(rule.location, "rule '\(rule.id)' is unreachable: its only_if can never hold while it is in force"))
                continue
            }
            guard let canFail = sat(rule.fails, rule) else { continue }
            if !canFail {
                problems.append(FileProblem(rule.location, "rule '\(rule.id)' is unreachable: its requirement always holds where it applies, so it never decides"))
                continue
            }
            usable.append(rule)
        }
        // Overlap: a rule that can only fail when another rule, deciding at least as
        // severely, fails too never decides anything of its own.
        var shadowed = Set<String>()
        for later in usable {
            for earlier in usable where earlier.id != later.id && earlier.otherwise >= later.otherwise && !shadowed.contains(earlier.id) {
                guard let escapes = sat(.all([later.fails, .not(earlier.fails)]), later), !escapes else { continue }
                problems.append(FileProblem(later.location,
                    "rule '\(later.id)' overlaps rule '\(earlier.id)' (\(earlier.location.line):\(earlier.location.column)): "
                    + "whenever it fails, '\(earlier.id)' fails too and decides \(earlier.otherwise.keyword), so '\(later.id)' never decides"))
                shadowed.insert(later.id)
                break
            }
        }
        // 秒批 must be possible: some applicant passes every rule at once.
        if approval == .instant && !usable.isEmpty, let location = usable.first?.location {
            let passesAll = Condition.all(usable.map { .not($0.fails) })
            if let possible = try? solver.isSatisfiable(passesAll), !possible {
                var pair = ""
                outer: for (i, a) in usable.enumerated() {
                    for b in usable.dropFirst(i + 1) where (try? solver.isSatisfiable(.all([.not(a.fails), .not(b.fails)]))) == false {
                        pair = ": '\(a.id)' and '\(b.id)' cannot both hold"
                        break outer
                    }
                }
                problems.append(FileProblem(location, "no applicant can ever be approved for '\(service)'\(pair)"))
            }
        }
        return problems
    }
}
