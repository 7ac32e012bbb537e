// SPDX-License-Identifier: Apache-2.0
/// A problem in a condition's text: where (a character offset into it) and what.
public struct ConditionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "at character \(offset + 1): \(message)" }
}

/// Parses the rules language and type-checks it against a fact schema. Our own small
/// grammar — nothing is handed to an interpreter:
///
///     condition := or
///     or        := and ("or" and)*
///     and       := unary ("and" unary)*
///     unary     := "not" unary | primary
///     primary   := "(" condition ")" | ("all" | "any") "[" condition ("," condition)* "]" | atom
///     atom      := FACT [ OP literal | ["not"] "in" "[" literal ("," literal)* "]" | "startswith" literal ]
///     OP        := == | != | < | <= | > | >=
///     literal   := number | "text" | 'text' | YYYY-MM-DD | A-D | yes | no | identifier
public struct ConditionParser {
    let schema: FactSchema

    public init(schema: FactSchema) { self.schema = schema }

    public func parse(_ text: String) throws(ConditionError) -> Condition {
        var parser = Parser(tokens: try Lexer.tokens(text), schema: schema, end: text.count)
        let condition = try parser.condition()
        if let extra = parser.peek {
            throw ConditionError(offset: extra.offset, "unexpected '\(extra.text)' after a complete condition")
        }
        return condition
    }

    // MARK: - Tokens

    struct Token: Equatable {
        enum Kind: Equatable { case word, number, string, date, symbol }
        var kind: Kind
        var text: String
        var offset: Int
    }

    enum Lexer {
        static func tokens(_ text: String) throws(ConditionError) -> [Token] {
            let chars = Array(text)
            var tokens: [Token] = []
            var i = 0
            func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
            func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" }
            while i < chars.count {
                let c = chars[i]
                if c.isWhitespace { i += 1; continue }
                let start = i
                if c == "\"" || c == "'" {
                    i += 1
                    var value = ""
                    while i < chars.count && chars[i] != c { value.append(chars[i]); i += 1 }
                    guard i < chars.count else { throw ConditionError(offset: start, "text started here is never closed with \(c)") }
                    i += 1
                    tokens.append(Token(kind: .string, text: value, offset: start))
                } else if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                    i += 1
                    while i < chars.count && (chars[i].isNumber || chars[i] == "." || chars[i] == "-") { i += 1 }
                    let word = String(chars[start..<i])
                    let isDate = word.dropFirst().contains("-")
                    tokens.append(Token(kind: isDate ? .date : .number, text: word, offset: start))
                } else if isWordStart(c) {
                    while i < chars.count && isWord(chars[i]) { i += 1 }
                    tokens.append(Token(kind: .word, text: String(chars[start..<i]), offset: start))
                } else if "=!<>".contains(c) {
                    i += 1
                    if i < chars.count && chars[i] == "=" { i += 1 }
                    let op = String(chars[start..<i])
                    guard Comparison(rawValue: op) != nil else {
                        throw ConditionError(offset: start, "'\(op)' is not an operator (use ==, !=, <, <=, >, >=)")
                    }
                    tokens.append(Token(kind: .symbol, text: op, offset: start))
                } else if "()[],".contains(c) {
                    i += 1
                    tokens.append(Token(kind: .symbol, text: String(c), offset: start))
                } else {
                    throw ConditionError(offset: start, "'\(c)' cannot appear in a condition")
                }
            }
            return tokens
        }
    }

    // MARK: - Grammar

    struct Parser {
        var tokens: [Token]
        var index = 0
        let schema: FactSchema
        let end: Int

        init(tokens: [Token], schema: FactSchema, end: Int) {
            self.tokens = tokens
            self.schema = schema
            self.end = end
        }

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        mutating func next() throws(ConditionError) -> Token {
            guard let token = peek else { throw ConditionError(offset: end, "the condition ends too soon") }
            index += 1
            return token
        }

        mutating func accept(_ text: String) -> Bool {
            guard let token = peek, token.text == text, token.kind == .symbol || token.kind == .word else { return false }
            index += 1
            return true
        }

        mutating func expect(_ text: String) throws(ConditionError) {
            guard accept(text) else {
                let found = peek.map { "'\($0.text)'" } ?? "the end"
                throw ConditionError(offset: peek?.offset ?? end, "expected '\(text)' but found \(found)")
            }
        }

        static let keywords: Set<String> = ["and", "or", "not", "all", "any", "in", "startswith"]

        mutating func condition() throws(ConditionError) -> Condition {
            var items = [try conjunction()]
            while accept("or") { items.append(try conjunction()) }
            return items.count == 1 ? items[0] : .any(items)
        }

        mutating func conjunction() throws(ConditionError) -> Condition {
            var items = [try unary()]
            while accept("and") { items.append(try unary()) }
            return items.count == 1 ? items[0] : .all(items)
        }

        mutating func unary() throws(ConditionError) -> Condition {
            if accept("not") { return .not(try unary()) }
            return try primary()
        }

        mutating func primary() throws(ConditionError) -> Condition {
            if accept("(") {
                let inner = try condition()
                try expect(")")
                return inner
            }
            if let token = peek, token.kind == .word, token.text == "all" || token.text == "any" {
                index += 1
                try expect("[")
                var items = [try condition()]
                while accept(",") {
                    if peek?.text == "]" { break }
                    items.append(try condition())
                }
                try expect("]")
                return token.text == "all" ? .all(items) : .any(items)
            }
            return try atom()
        }

        mutating func atom() throws(ConditionError) -> Condition {
            let token = try next()
            guard token.kind == .word, !Self.keywords.contains(token.text) else {
                throw ConditionError(offset: token.offset, "expected a fact (such as applicant.age or field.income) but found '\(token.text)'")
            }
            let fact = token.text
            guard let type = schema[fact] else {
                throw ConditionError(offset: token.offset, "unknown fact '\(fact)'" + Self.suggestion(for: fact, in: schema))
            }
            guard let following = peek else { return try bare(fact, type, at: token.offset) }
            if following.kind == .symbol, let op = Comparison(rawValue: following.text) {
                index += 1
                if !type.isOrdered && op != .equal && op != .notEqual {
                    throw ConditionError(offset: following.offset, "'\(op.rawValue)' needs an ordered fact, but \(fact) is \(type)")
                }
                return .compare(fact: fact, op, try literal(for: type, fact: fact))
            }
            if following.kind == .word && (following.text == "in" || following.text == "not") {
                let negated = following.text == "not"
                if negated {
                    guard index + 1 < tokens.count, tokens[index + 1].text == "in" else { return try bare(fact, type, at: token.offset) }
                    index += 1
                }
                index += 1
                try expect("[")
                var values = [try literal(for: type, fact: fact)]
                while accept(",") { values.append(try literal(for: type, fact: fact)) }
                try expect("]")
                return negated ? .not(.member(fact: fact, values)) : .member(fact: fact, values)
            }
            if following.kind == .word && following.text == "startswith" {
                index += 1
                guard type == .text else {
                    throw ConditionError(offset: following.offset, "startswith needs a text fact, but \(fact) is \(type)")
                }
                let value = try next()
                guard value.kind == .string || value.kind == .number else {
                    throw ConditionError(offset: value.offset, "startswith needs text in quotes, such as \"4401\"")
                }
                return .prefix(fact: fact, value.text)
            }
            return try bare(fact, type, at: token.offset)
        }

        func bare(_ fact: String, _ type: FactType, at offset: Int) throws(ConditionError) -> Condition {
            guard type == .bool else {
                throw ConditionError(offset: offset, "\(fact) is \(type): compare it with something (==, <, in, …)")
            }
            return .truth(fact: fact)
        }

        mutating func literal(for type: FactType, fact: String) throws(ConditionError) -> FactValue {
            let token = try next()
            func wrong() -> ConditionError {
                ConditionError(offset: token.offset, "'\(token.text)' is not \(type), which \(fact) is")
            }
            switch type {
            case .number(let integer):
                guard token.kind == .number, let value = Double(token.text) else { throw wrong() }
                if integer && value != value.rounded() { throw wrong() }
                return .number(value)
            case .date:
                guard token.kind == .date, let date = CalendarDate(iso: token.text) else {
                    throw ConditionError(offset: token.offset, "'\(token.text)' is not a date (YYYY-MM-DD), which \(fact) is")
                }
                return .date(date)
            case .text:
                guard token.kind == .string || token.kind == .number else {
                    throw ConditionError(offset: token.offset, "text must be in quotes: \"\(token.text)\"")
                }
                return .text(token.text)
            case .bool:
                switch token.text {
                case "yes", "true": return .bool(true)
                case "no", "false": return .bool(false)
                default: throw wrong()
                }
            case .grade:
                guard let grade = Grade(letter: token.text) else { throw wrong() }
                return .grade(grade)
            case .choice(let options):
                guard token.kind == .word || token.kind == .string, options.contains(token.text) else { throw wrong() }
                return .choice(token.text)
            }
        }

        static func suggestion(for fact: String, in schema: FactSchema) -> String {
            let prefix = fact.split(separator: ".").first.map(String.init) ?? fact
            let near = schema.names.filter { $0.hasPrefix(prefix + ".") || $0 == prefix }
            return near.isEmpty ? "" : " (known: " + near.prefix(8).joined(separator: ", ") + (near.count > 8 ? ", …" : "") + ")"
        }
    }
}
