// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCentral
import ZizhuTestSupport

/// Mutates a valid request body at a place its OpenAPI schema names, in a way the schema
/// forbids or at a boundary it allows, and says which (`forbidden`). Seeded, so a failure
/// names the seed that reproduces it. The schema is read the way a client reads it (the
/// document's YAML), independently of the server's own checker.
struct SchemaFuzzer {
    struct Mutation {
        var body: String
        /// Where and what, e.g. `$.outboxPending: below the minimum 0`.
        var what: String
        /// Whether the document forbids the result.
        var forbidden: Bool
    }

    enum Step: Equatable { case key(String), index(Int) }
    enum Change { case replace(String), remove(String), add(String, String) }

    let schemas: [String: Any]
    var random: DecoderFuzzer.Random

    init(document: [String: Any], seed: UInt64) {
        schemas = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        random = DecoderFuzzer.Random(state: seed)
    }

    /// SplitMix64 (the decoder fuzzer's).
    mutating func next() -> UInt64 { random.next() }

    mutating func pick<T>(_ options: [T]) -> T? { options.isEmpty ? nil : options[Int(next() % UInt64(options.count))] }

    func resolve(_ node: Any?) -> [String: Any] {
        var map = node as? [String: Any] ?? [:]
        while let ref = map["$ref"] as? String, let target = schemas[String(ref.split(separator: "/").last ?? "")] as? [String: Any] { map = target }
        return map
    }

    /// Every place in `value` with the schema that governs it.
    func places(_ value: JSONValue, _ schema: [String: Any], at path: [Step]) -> [([Step], JSONValue, [String: Any])] {
        var found = [(path, value, schema)]
        switch value {
        case .object(let object):
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (name, child) in object {
                if let property = properties[name] {
                    found += places(child, resolve(property), at: path + [.key(name)])
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    found += places(child, resolve(extra), at: path + [.key(name)])
                }
            }
        case .array(let items):
            for (index, item) in items.enumerated() { found += places(item, resolve(schema["items"]), at: path + [.index(index)]) }
        default: break
        }
        return found
    }

    mutating func mutate(_ body: String, schema name: String) -> Mutation? {
        guard let value = JSONValue.parse(Data(body.utf8)) else { return nil }
        guard let (path, current, schema) = pick(places(value, resolve(schemas[name]), at: [])) else { return nil }
        var options: [(Change?, String, Bool)] = []   // change at the place (nil: at its parent), what, forbidden
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !path.isEmpty { options.append((.replace("null"), "null", true)) }
        switch current {
        case .object:
            if schema["additionalProperties"] as? Bool == false {
                options.append((.add("zz_\(next() % 1000)", "1"), "an unknown property", true))
            }
            for required in schema["required"] as? [String] ?? [] { options.append((.remove(required), "without the required \(required)", true)) }
            options.append((.replace("[]"), "an array for an object", true))
        case .array:
            options.append((.replace("{}"), "an object for an array", true))
        case .string:
            options.append((.replace("12345"), "a number for a string", true))
            let plain = schema["pattern"] == nil && schema["enum"] == nil
            if let minimum = schema["minLength"] as? Int, minimum > 0 {
                options.append((.replace(Self.string(minimum - 1)), "shorter than minLength \(minimum)", true))
            }
            if let maximum = schema["maxLength"] as? Int {
                options.append((.replace(Self.string(maximum + 1)), "longer than maxLength \(maximum)", true))
                if plain { options.append((.replace(Self.string(maximum)), "exactly maxLength \(maximum)", false)) }
            }
            if let choices = schema["enum"] as? [String] { options.append((.replace("\"\(choices.joined())x\""), "not one of the enum", true)) }
            if let pattern = schema["pattern"] as? String, "~".range(of: pattern, options: .regularExpression) == nil {
                options.append((.replace("\"~\""), "not matching \(pattern)", true))
            }
        case .integer, .number:
            options.append((.replace("\"12\""), "a string for a number", true))
            let integer = types.contains("integer")
            if integer { options.append((.replace("9223372036854775808"), "2^63", true)) }
            if integer { options.append((.replace("1.5"), "a fraction for an integer", true)) }
            if let minimum = schema["minimum"] as? Int {
                options.append((.replace(String(minimum - 1)), "below the minimum \(minimum)", true))
                options.append((.replace(String(minimum)), "exactly the minimum \(minimum)", false))
            }
            if let maximum = schema["maximum"] as? Int, maximum < Int.max {
                options.append((.replace(String(maximum + 1)), "above the maximum \(maximum)", true))
                options.append((.replace(String(maximum)), "exactly the maximum \(maximum)", false))
            }
            if !integer && schema["maximum"] == nil { options.append((.replace("1e308"), "1e308", false)) }
        case .bool:
            options.append((.replace("\"true\""), "a string for a boolean", true))
        case .null:
            break
        }
        guard let (change, what, forbidden) = pick(options), let change else { return nil }
        let location = "$" + path.map { step in
            switch step {
            case .key(let key): return ".\(key)"
            case .index(let index): return "[\(index)]"
            }
        }.joined()
        return Mutation(body: Self.text(value, at: [], changing: path, with: change), what: "\(location): \(what)", forbidden: forbidden)
    }

    static func string(_ count: Int) -> String { "\"" + String(repeating: "字", count: max(0, count)) + "\"" }

    /// The JSON text of `value` with `change` made at `target`.
    static func text(_ value: JSONValue, at path: [Step], changing target: [Step], with change: Change) -> String {
        if path == target, case .replace(let raw) = change { return raw }
        switch value {
        case .object(var object):
            if path == target {
                if case .remove(let key) = change { object[key] = nil }
            }
            var parts = object.sorted { $0.key < $1.key }.map { key, child in
                quoted(key) + ":" + text(child, at: path + [.key(key)], changing: target, with: change)
            }
            if path == target, case .add(let key, let raw) = change { parts.append(quoted(key) + ":" + raw) }
            return "{" + parts.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.enumerated().map { text($1, at: path + [.index($0)], changing: target, with: change) }.joined(separator: ",") + "]"
        default:
            return String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
        }
    }

    static func quoted(_ text: String) -> String { String(decoding: (try? JSONEncoder().encode(text)) ?? Data(), as: UTF8.self) }
}
