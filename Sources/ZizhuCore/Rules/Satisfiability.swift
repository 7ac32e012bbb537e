// SPDX-License-Identifier: Apache-2.0
/// Decides whether a condition can hold for any facts of the schema's types — the basis
/// of the load-time checks (a rule that can never fail, a rule that only fails when another
/// already decides, a service no one can ever be approved for).
///
/// The condition is brought into disjunctive normal form (negations pushed down to the
/// comparisons); each conjunction is satisfiable when, fact by fact, the comparisons on that
/// fact leave some value of its type.
public struct Satisfiability {
    let schema: FactSchema
    /// Conjunctions beyond this make a condition "too complex to check" (a load-time error).
    public static let maximumTerms = 4096

    public init(schema: FactSchema) { self.schema = schema }

    public struct TooComplex: Error, Sendable {}

    public func isSatisfiable(_ condition: Condition) throws(TooComplex) -> Bool {
        try Self.normalForm(condition, negated: false).contains { conjunction in consistent(conjunction) }
    }

    // MARK: - Normal form

    enum Literal: Hashable {
        case compare(String, Comparison, FactValue)
        case member(String, [FactValue], Bool)
        case prefix(String, String, Bool)
        case truth(String, Bool)

        var fact: String {
            switch self {
            case .compare(let f, _, _), .member(let f, _, _), .prefix(let f, _, _), .truth(let f, _): return f
            }
        }
    }

    static func normalForm(_ condition: Condition, negated: Bool) throws(TooComplex) -> [[Literal]] {
        switch condition {
        case .compare(let fact, let op, let value): return [[.compare(fact, negated ? op.negated : op, value)]]
        case .member(let fact, let values): return [[.member(fact, values, !negated)]]
        case .prefix(let fact, let prefix): return [[.prefix(fact, prefix, !negated)]]
        case .truth(let fact): return [[.truth(fact, !negated)]]
        case .not(let inner): return try normalForm(inner, negated: !negated)
        case .all(let items) where !negated, .any(let items) where negated:
            var result: [[Literal]] = [[]]
            for item in items {
                let part = try normalForm(item, negated: negated)
                var product: [[Literal]] = []
                for left in result {
                    for right in part { product.append(left + right) }
                }
                guard product.count <= maximumTerms else { throw TooComplex() }
                result = product
            }
            return result
        case .all(let items), .any(let items):
            var result: [[Literal]] = []
            for item in items {
                result += try normalForm(item, negated: negated)
                guard result.count <= maximumTerms else { throw TooComplex() }
            }
            return result
        }
    }

    // MARK: - One conjunction

    func consistent(_ conjunction: [Literal]) -> Bool {
        var byFact: [String: [Literal]] = [:]
        for literal in conjunction { byFact[literal.fact, default: []].append(literal) }
        for (fact, var literals) in byFact {
            guard let type = schema[fact] else { return false }
            if let range = schema.bounds[fact] {
                literals.append(.compare(fact, .greaterOrEqual, .number(range.lowerBound)))
                literals.append(.compare(fact, .lessOrEqual, .number(range.upperBound)))
            }
            if !Self.consistent(literals, type: type) { return false }
        }
        return true
    }

    static func consistent(_ literals: [Literal], type: FactType) -> Bool {
        switch type {
        case .bool: return boolConsistent(literals)
        case .choice(let options): return finiteConsistent(literals, domain: options.map { FactValue.choice($0) })
        case .grade: return finiteConsistent(literals, domain: Grade.allCases.map { FactValue.grade($0) })
        case .text: return textConsistent(literals)
        case .number(let integer): return orderedConsistent(literals, integer: integer)
        case .date: return orderedConsistent(literals, integer: true)
        }
    }

    /// Every value of a small finite domain is tried.
    static func finiteConsistent(_ literals: [Literal], domain: [FactValue]) -> Bool {
        domain.contains { value in literals.allSatisfy { holds($0, for: value) } }
    }

    static func boolConsistent(_ literals: [Literal]) -> Bool {
        finiteConsistent(literals, domain: [.bool(true), .bool(false)])
    }

    static func holds(_ literal: Literal, for value: FactValue) -> Bool {
        switch literal {
        case .compare(_, let op, let expected): return Condition.compare(value, op, expected)
        case .member(_, let values, let positive): return values.contains { Condition.compare(value, .equal, $0) } == positive
        case .prefix(_, let prefix, let positive):
            guard case .text(let text) = value else { return !positive }
            return text.hasPrefix(prefix) == positive
        case .truth(_, let wanted): return value == .bool(wanted)
        }
    }

    /// Texts: a finite set of candidates when any equality or `in` pins the value; else
    /// the positive prefixes must extend one another and no excluded prefix may cover them.
    static func textConsistent(_ literals: [Literal]) -> Bool {
        var pinned: [FactValue]?
        for literal in literals {
            switch literal {
            case .compare(_, .equal, let value): pinned = pinned.map { $0.filter { $0 == value } } ?? [value]
            case .member(_, let values, true): pinned = pinned.map { $0.filter(values.contains) } ?? values
            default: continue
            }
        }
        if let pinned { return pinned.contains { value in literals.allSatisfy { holds($0, for: value) } } }
        var longest = ""
        for case .prefix(_, let prefix, true) in literals {
            if prefix.hasPrefix(longest) { longest = prefix } else if !longest.hasPrefix(prefix) { return false }
        }
        for case .prefix(_, let prefix, false) in literals where longest.hasPrefix(prefix) { return false }
        return true
    }

    /// Numbers, dates (day numbers) and whole numbers: an interval less some points, or a
    /// finite set of candidates when an equality or `in` pins the value.
    static func orderedConsistent(_ literals: [Literal], integer: Bool) -> Bool {
        var pinned: [Double]?
        var excluded: [Double] = []
        var low = -Double.infinity, lowStrict = false
        var high = Double.infinity, highStrict = false
        for literal in literals {
            switch literal {
            case .compare(_, let op, let value):
                guard let v = value.ordinal else { return false }
                switch op {
                case .equal: pinned = pinned.map { $0.filter { $0 == v } } ?? [v]
                case .notEqual: excluded.append(v)
                case .less: if v < high || (v == high && !highStrict) { high = v; highStrict = true }
                case .lessOrEqual: if v < high { high = v; highStrict = false }
                case .greater: if v > low || (v == low && !lowStrict) { low = v; lowStrict = true }
                case .greaterOrEqual: if v > low { low = v; lowStrict = false }
                }
            case .member(_, let values, let positive):
                let numbers = values.compactMap(\.ordinal)
                if positive { pinned = pinned.map { $0.filter(numbers.contains) } ?? numbers } else { excluded += numbers }
            case .prefix, .truth:
                return false
            }
        }
        func inside(_ v: Double) -> Bool {
            (lowStrict ? v > low : v >= low) && (highStrict ? v < high : v <= high) && !excluded.contains(v)
                && (!integer || v == v.rounded())
        }
        if let pinned { return pinned.contains(where: inside) }
        if integer {
            let first = lowStrict ? (low.rounded(.down) + 1) : low.rounded(.up)
            let last = highStrict ? (high.rounded(.up) - 1) : high.rounded(.down)
            guard first <= last else { return false }
            if first.isInfinite || last.isInfinite { return true }
            let blocked = Set(excluded.filter { $0 >= first && $0 <= last && $0 == $0.rounded() }).count
            return last - first + 1 > Double(blocked)
        }
        if low < high { return true }
        return low == high && !lowStrict && !highStrict && !excluded.contains(low)
    }
}
