// SPDX-License-Identifier: Apache-2.0
/// A comparison operator of the rules language.
public enum Comparison: String, Sendable, Hashable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator that holds exactly when this one does not.
    var negated: Comparison {
        switch self {
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .less: return .greaterOrEqual
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        case .greaterOrEqual: return .less
        }
    }
}

/// A condition over facts, as parsed from the catalogue: comparisons of one fact with
/// constants, combined with all/any/not. Nothing is evaluated that is not one of these.
public indirect enum Condition: Sendable, Hashable, CustomStringConvertible {
    case compare(fact: String, Comparison, FactValue)
    /// `fact in [a, b, c]`
    case member(fact: String, [FactValue])
    /// `fact startswith "4401"` (region codes, credit codes).
    case prefix(fact: String, String)
    /// A yes/no fact on its own.
    case truth(fact: String)
    case all([Condition])
    case any([Condition])
    case not(Condition)

    public var description: String {
        switch self {
        case .compare(let fact, let op, let value): return "\(fact) \(op.rawValue) \(value)"
        case .member(let fact, let values): return "\(fact) in [\(values.map(\.description).joined(separator: ", "))]"
        case .prefix(let fact, let prefix): return "\(fact) startswith \"\(prefix)\""
        case .truth(let fact): return fact
        case .all(let items): return "all [\(items.map(\.description).joined(separator: ", "))]"
        case .any(let items): return "any [\(items.map(\.description).joined(separator: ", "))]"
        case .not(let inner): return "not (\(inner))"
        }
    }

    /// Every fact name the condition reads.
    public var facts: Set<String> {
        switch self {
        case .compare(let fact, _, _), .member(let fact, _), .prefix(let fact, _), .truth(let fact): return [fact]
        case .all(let items), .any(let items): return items.reduce(into: Set<String>()) { $0.formUnion($1.facts) }
        case .not(let inner): return inner.facts
        }
    }
}

/// Three-valued truth: a rule whose facts are not known (the platform is offline, an
/// optional field is empty) neither passes nor fails — it goes to a person.
public enum Truth: Sendable, Hashable {
    case yes, no, unknown

    var negated: Truth {
        switch self {
        case .yes: return .no
        case .no: return .yes
        case .unknown: return .unknown
        }
    }
}

extension Condition {
    /// The condition's truth for these facts.
    public func evaluate(_ facts: Facts) -> Truth {
        switch self {
        case .compare(let fact, let op, let value):
            guard let actual = facts[fact] else { return .unknown }
            return Self.compare(actual, op, value) ? .yes : .no
        case .member(let fact, let values):
            guard let actual = facts[fact] else { return .unknown }
            return values.contains { Self.compare(actual, .equal, $0) } ? .yes : .no
        case .prefix(let fact, let prefix):
            guard case .text(let text)? = facts[fact] else { return facts[fact] == nil ? .unknown : .no }
            return text.hasPrefix(prefix) ? .yes : .no
        case .truth(let fact):
            guard let actual = facts[fact] else { return .unknown }
            return actual == .bool(true) ? .yes : .no
        case .all(let items):
            var result = Truth.yes
            for item in items {
                switch item.evaluate(facts) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .any(let items):
            var result = Truth.no
            for item in items {
                switch item.evaluate(facts) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let inner):
            return inner.evaluate(facts).negated
        }
    }

    /// The smallest parts that keep the condition from holding, written for people:
    /// "applicant.age >= 18 (is 16)", "credit.status == good (not known)". This is what
    /// the pre-check shows under a ✗, and what `zizhu catalogue try` prints.
    public func shortfalls(_ facts: Facts) -> [String] {
        switch evaluate(facts) {
        case .yes: return []
        case .no, .unknown: break
        }
        switch self {
        case .all(let items):
            return items.flatMap { $0.shortfalls(facts) }
        case .any(let items):
            let parts = items.flatMap { $0.shortfalls(facts) }
            return parts.count <= 1 ? parts : ["none of: " + parts.joined(separator: "; ")]
        case .not(let inner):
            return ["not (\(inner))"]
        case .compare(let fact, _, _), .member(let fact, _), .prefix(let fact, _), .truth(let fact):
            return ["\(self) (" + (facts[fact].map { "is \($0)" } ?? "not known") + ")"]
        }
    }

    static func compare(_ actual: FactValue, _ op: Comparison, _ expected: FactValue) -> Bool {
        if let a = actual.ordinal, let b = expected.ordinal {
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
        switch op {
        case .equal: return actual == expected
        case .notEqual: return actual != expected
        default: return false   // the type checker only lets ordered types reach here
        }
    }
}
