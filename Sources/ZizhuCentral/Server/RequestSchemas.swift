// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams
import ZizhuWire

/// A JSON value as it arrived, before any Swift type reads it: booleans, integers that fit
/// 64 bits, other numbers, strings, arrays, objects and null kept apart, so a schema can
/// refuse what a lenient decoder would quietly accept (a `null`, an unknown property, an
/// integer of 2^63).
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        // Each form decodes only from its own kind of JSON; the commonest go first, since
        // every miss costs a thrown error (strings, then objects, arrays, then the rest).
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null; return }
        if let text = try? single.decode(String.self) { self = .string(text); return }
        if let map = try? single.decode([String: JSONValue].self) { self = .object(map); return }
        if let list = try? single.decode([JSONValue].self) { self = .array(list); return }
        if let flag = try? single.decode(Bool.self) { self = .bool(flag); return }
        if let whole = try? single.decode(Int64.self) { self = .integer(whole); return }
        self = .number(try single.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let flag): try single.encode(flag)
        case .integer(let whole): try single.encode(whole)
        case .number(let number): try single.encode(number)
        case .string(let text): try single.encode(text)
        case .array(let list): try single.encode(list)
        case .object(let map): try single.encode(map)
        }
    }

    /// This value read as `Value` (after it conformed to its schema).
    public func decoded<Value: Decodable>(_ type: Value.Type) -> Value? {
        (try? JSONEncoder().encode(self)).flatMap { try? JSONDecoder().decode(Value.self, from: $0) }
    }

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

extension SubmissionEnvelope {
    /// An entry that conformed to the `SubmissionEnvelope` schema, read field by field
    /// (nil if a field is missing or of another kind).
    init?(conforming value: JSONValue) {
        guard case .object(let fields) = value else { return nil }
        func text(_ name: String) -> String? { if case .string(let value)? = fields[name] { return value }; return nil }
        guard let key = text("key"), let acceptanceNumber = text("acceptanceNumber"), case .integer(let sequence)? = fields["sequence"],
              let kioskID = text("kioskID"), let serviceID = text("serviceID"), let createdAt = text("createdAt"),
              let payloadHash = text("payloadHash"), let payload = text("payload") else { return nil }
        self.init(key: key, acceptanceNumber: acceptanceNumber, sequence: sequence, kioskID: kioskID, serviceID: serviceID,
                  createdAt: createdAt, payloadHash: payloadHash, payload: payload, kind: text("kind"))
    }
}

/// The request schemas of the OpenAPI document (`openapi.yaml`), enforced as written: the
/// server refuses exactly what the document forbids. A subset of JSON Schema — `type`,
/// `properties`, `required`, `additionalProperties`, `items`, `minItems`/`maxItems`, `enum`,
/// `pattern`, `minLength`/`maxLength`, `minimum`/`maximum`, `oneOf`, `$ref` — which is all
/// the document uses; `null` is refused unless a type lists it.
///
/// ```swift
/// let problems = RequestSchemas.shared?.problems(JSONValue.parse(body), schema: "Heartbeat")
/// // ["$.outboxPending: -1 is below the minimum 0"]
/// ```
public struct RequestSchemas: Sendable {
    let schemas: [String: Schema]
    /// `METHOD /path/{template}` → the name of its request body's schema.
    let operations: [String: String]

    /// The document the server ships.
    public static let shared: RequestSchemas? = CentralServer.openAPIDocument.flatMap { try? RequestSchemas(document: $0) }

    public init(document: String) throws {
        guard let root = try Yams.load(yaml: document) as? [String: Any] else { throw Problem("the OpenAPI document is not a map") }
        let components = (root["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        schemas = components.mapValues { Schema($0) }
        var operations: [String: String] = [:]
        for (path, item) in root["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let body = (operation as? [String: Any])?["requestBody"] as? [String: Any],
                      let json = (body["content"] as? [String: Any])?["application/json"] as? [String: Any],
                      let ref = (json["schema"] as? [String: Any])?["$ref"] as? String else { continue }
                operations["\(method.uppercased()) \(path)"] = String(ref.split(separator: "/").last ?? "")
            }
        }
        self.operations = operations
    }

    struct Problem: Error { var text: String; init(_ text: String) { self.text = text } }

    /// Refuses (400, naming each problem) a body the document does not allow for this
    /// request; a batch's entries are left to `entries(_:field:)`, one by one. Returns the
    /// body as parsed (nil: the route takes no body).
    @discardableResult
    static func conform(_ body: Data, method: String, path: String) throws -> JSONValue? {
        guard let schemas = shared else {
            throw Refusal(.internalServerError, "API document missing", "this installation lacks openapi.yaml, so no request can be checked")
        }
        guard let name = schemas.schemaName(method: method, path: path) else { return nil }
        let parsed = JSONValue.parse(body)
        let problems = schemas.problems(parsed, schema: name, shallow: ["SubmissionEnvelope"])
        if !problems.isEmpty { throw Refusal(.badRequest, "not what the API document allows", problems.joined(separator: "; ")) }
        return parsed
    }

    /// A batch's entries, each checked on its own against `SubmissionEnvelope` and its payload
    /// against the schema of its kind: the conforming ones, and an answer for each of the
    /// others (`rejected`, with the problems) — one bad entry never costs the batch.
    static func entries(_ body: Data, parsed: JSONValue? = nil, field: String) -> Entries {
        guard let schemas = shared, case .object(let batch)? = parsed ?? JSONValue.parse(body), case .array(let items)? = batch[field] else {
            return Entries(valid: [], payloads: [], places: [], refused: [:])
        }
        var valid: [SubmissionEnvelope] = [], payloads: [JSONValue?] = [], places: [Int] = [], refused: [Int: SubmissionResult] = [:]
        for (place, item) in items.enumerated() {
            var problems = schemas.problems(item, schema: "SubmissionEnvelope")
            var envelope: SubmissionEnvelope?
            var parsedPayload: JSONValue?
            if problems.isEmpty {
                envelope = SubmissionEnvelope(conforming: item)
                if let payload = envelope?.payload {
                    let schema = envelope?.kind == "rating" ? "RatingPayload" : envelope?.kind == "ticket" ? "TicketPayload" : "ApplicationPayload"
                    parsedPayload = JSONValue.parse(Data(payload.utf8))
                    problems += schemas.problems(parsedPayload, schema: schema).map { "payload" + $0.dropFirst() }
                }
            }
            if let envelope, problems.isEmpty {
                valid.append(envelope)
                payloads.append(parsedPayload)
                places.append(place)
            } else {
                var key = ""
                if case .object(let fields) = item, case .string(let text)? = fields["key"] { key = String(text.prefix(64)) }
                refused[place] = SubmissionResult(key: key, status: .rejected, reason: "not what the API document allows: " + problems.joined(separator: "; "))
            }
        }
        return Entries(valid: valid, payloads: payloads, places: places, refused: refused)
    }

    /// A batch sorted by `entries(_:parsed:field:)`: the conforming envelopes with their
    /// payloads as parsed (in the same order) and places in the batch, and the refusals by place.
    struct Entries {
        var valid: [SubmissionEnvelope]
        var payloads: [JSONValue?]
        var places: [Int]
        var refused: [Int: SubmissionResult]
    }

    /// The schema a request to `path` with `method` must carry (nil: no body is read).
    public func schemaName(method: String, path: String) -> String? {
        let parts = path.split(separator: "/")
        for (key, name) in operations {
            let split = key.split(separator: " ", maxSplits: 1)
            guard split.count == 2, split[0] == method else { continue }
            let template = split[1].split(separator: "/")
            if template.count == parts.count && zip(template, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return name }
        }
        return nil
    }

    /// What is wrong with `value` against the named schema (empty: it conforms). `shallow`
    /// names schemas not looked into here (a batch's entries, checked one by one).
    public func problems(_ value: JSONValue?, schema name: String, shallow: Set<String> = []) -> [String] {
        guard let value else { return ["$: not JSON"] }
        guard let schema = schemas[name] else { return ["$: the document has no schema \(name)"] }
        var found: [String] = []
        check(value, schema, at: "$", shallow: shallow, into: &found)
        return Array(found.prefix(8))
    }

    func check(_ value: JSONValue, _ schema: Schema, at path: String, shallow: Set<String>, into found: inout [String]) {
        if let ref = schema.ref {
            guard !shallow.contains(ref) else { return }
            guard let target = schemas[ref] else { return found.append("\(path): no schema \(ref)") }
            return check(value, target, at: path, shallow: shallow, into: &found)
        }
        if let options = schema.oneOf {
            let passing = options.filter { option in
                var trial: [String] = []
                check(value, option, at: path, shallow: shallow, into: &trial)
                return trial.isEmpty
            }.count
            if passing != 1 { found.append("\(path): must match exactly one of \(options.count) forms (\(passing) match)") }
        }
        if !schema.types.isEmpty && !schema.types.contains(where: { Self.isA(value, $0) }) {
            return found.append("\(path): \(value.kind) where \(schema.types.joined(separator: " or ")) is expected")
        }
        switch value {
        case .object(let object):
            for name in schema.required where object[name] == nil { found.append("\(path).\(name): required") }
            for (name, child) in object.sorted(by: { $0.key < $1.key }) {
                if let property = schema.properties[name] {
                    check(child, property, at: "\(path).\(name)", shallow: shallow, into: &found)
                } else if let extra = schema.additional {
                    check(child, extra, at: "\(path).\(name)", shallow: shallow, into: &found)
                } else if schema.closed {
                    found.append("\(path).\(name): not a property the document declares")
                }
            }
        case .array(let items):
            if let minimum = schema.minItems, items.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let maximum = schema.maxItems, items.count > maximum { found.append("\(path): more than \(maximum) items") }
            if let itemSchema = schema.items {
                for (index, item) in items.enumerated() { check(item, itemSchema, at: "\(path)[\(index)]", shallow: shallow, into: &found) }
            }
        case .string(let text):
            if let options = schema.enumeration, !options.contains(text) { found.append("\(path): '\(text.prefix(40))' is not one of \(options)") }
            if let minimum = schema.minLength, text.count < minimum { found.append("\(path): shorter than \(minimum) characters") }
            if let maximum = schema.maxLength, text.count > maximum { found.append("\(path): longer than \(maximum) characters") }
            if let pattern = schema.pattern, !schema.matches(text) {
                found.append("\(path): does not match \(pattern)")
            }
        case .integer(let whole):
            if let minimum = schema.minimum, Double(whole) < minimum { found.append("\(path): \(whole) is below the minimum \(Schema.format(minimum))") }
            if let maximum = schema.maximum, Double(whole) > maximum { found.append("\(path): \(whole) is above the maximum \(Schema.format(maximum))") }
        case .number(let number):
            if schema.types.contains("integer") && !schema.types.contains("number") {
                found.append("\(path): \(number) is not an integer of 64 bits")
            }
            if let minimum = schema.minimum, number < minimum { found.append("\(path): \(number) is below the minimum \(Schema.format(minimum))") }
            if let maximum = schema.maximum, number > maximum { found.append("\(path): \(number) is above the maximum \(Schema.format(maximum))") }
        case .bool, .null:
            break
        }
    }

    static func isA(_ value: JSONValue, _ type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"): return true
        case (.integer, "integer"), (.integer, "number"), (.number, "number"): return true
        // 2^63 and beyond are integers the document allows in form, refused for their size above.
        case (.number(let number), "integer"): return number == number.rounded()
        default: return false
        }
    }

    /// One schema of the document, read once.
    final class Schema: Sendable {
        let ref: String?
        let types: [String]
        let properties: [String: Schema]
        let required: [String]
        /// `additionalProperties: false`.
        let closed: Bool
        /// `additionalProperties: {schema}`.
        let additional: Schema?
        let items: Schema?
        let oneOf: [Schema]?
        let enumeration: [String]?
        let pattern: String?
        /// `pattern`, compiled once.
        let expression: NSRegularExpression?
        let minLength: Int?, maxLength: Int?, minItems: Int?, maxItems: Int?
        let minimum: Double?, maximum: Double?

        init(_ node: Any) {
            let map = node as? [String: Any] ?? [:]
            ref = (map["$ref"] as? String).map { String($0.split(separator: "/").last ?? "") }
            if let list = map["type"] as? [String] { types = list } else { types = (map["type"] as? String).map { [$0] } ?? [] }
            properties = (map["properties"] as? [String: Any] ?? [:]).mapValues { Schema($0) }
            required = map["required"] as? [String] ?? []
            closed = map["additionalProperties"] as? Bool == false
            additional = (map["additionalProperties"] as? [String: Any]).map { Schema($0) }
            items = map["items"].map { Schema($0) }
            oneOf = (map["oneOf"] as? [Any])?.map { Schema($0) }
            enumeration = map["enum"] as? [String]
            pattern = map["pattern"] as? String
            expression = pattern.flatMap { try? NSRegularExpression(pattern: $0) }
            minLength = map["minLength"] as? Int
            maxLength = map["maxLength"] as? Int
            minItems = map["minItems"] as? Int
            maxItems = map["maxItems"] as? Int
            minimum = Self.number(map["minimum"])
            maximum = Self.number(map["maximum"])
        }

        /// Whether `text` matches `pattern` somewhere (as `range(of:options: .regularExpression)` would).
        func matches(_ text: String) -> Bool {
            guard let expression else { return pattern.map { text.range(of: $0, options: .regularExpression) != nil } ?? true }
            return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }

        static func number(_ node: Any?) -> Double? { (node as? Int).map(Double.init) ?? (node as? Double) }
        static func format(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value) }
    }
}
