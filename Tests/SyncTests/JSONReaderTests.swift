// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCentral
import ZizhuTestSupport

/// `JSONValue.parse`, the one-pass reader every request body and payload goes through, held
/// against Foundation's `JSONDecoder` (the reader it replaced): the same value for every JSON
/// text both accept, refused wherever `JSONDecoder` refuses, and stricter on purpose where
/// `JSONDecoder` is lenient.
@Suite("The platform's JSON reader")
struct JSONReaderTests {
    /// The reader it replaced: `JSONValue`'s `Decodable` conformance through `JSONDecoder`.
    static func foundation(_ data: Data) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: data) }

    @Test(arguments: [
        ("22126056914916244.4", JSONValue.number(22_126_056_914_916_244)), ("7.952124023437e17", .integer(795_212_402_343_700_000)),
        (#"{"a":[1,2.5,"x",true,false,null],"b":{}}"#,
         JSONValue.object(["a": .array([.integer(1), .number(2.5), .string("x"), .bool(true), .bool(false), .null]), "b": .object([:])])),
        ("5.0", .integer(5)), ("1e2", .integer(100)), ("-0", .integer(0)), ("1.5", .number(1.5)),
        ("9223372036854775807", .integer(Int64.max)), ("-9223372036854775808", .integer(Int64.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        (#""\u00e9\ud83d\ude00\n\"\\\/""#, .string("é😀\n\"\\/")), (#""演示用户""#, .string("演示用户")),
        (" \t\r\n[ ] ", .array([])),
    ])
    func readsWhatJSONSays(_ text: String, _ expected: JSONValue) {
        #expect(JSONValue.parse(Data(text.utf8)) == expected, "\(text)")
        #expect(Self.foundation(Data(text.utf8)).map { Self.agrees(expected, $0) } == true, "JSONDecoder reads \(text) the same")
    }

    /// Refused by both readers.
    @Test(arguments: ["", " ", "[", "{", "[1", #"{"a"}"#, #"{"a":}"#, "01", "1.", ".5", "-", "1e", "+1", "1e400", "tru", "nul",
                      #""\ud800""#, #""\udc00x""#, #""\x""#, "\"a\u{01}b\"", "\"unterminated", "[1 2]", "{1:2}", "NaN", "[1]x"])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(JSONValue.parse(Data(text.utf8)) == nil, "\(text)")
        #expect(Self.foundation(Data(text.utf8)) == nil, "JSONDecoder refuses \(text) too")
    }

    /// Where `JSONDecoder` is lenient and the platform is not: a key twice (JSONDecoder keeps
    /// the first, `JSONSerialization` the last: two readers could see two different values),
    /// trailing commas, nesting without end, bytes that are not UTF-8.
    @Test func isStricterWhereTheOldReaderWasLenient() {
        for text in [#"{"a":1,"a":2}"#, "[1,]", #"{"a":1,}"#] {
            #expect(Self.foundation(Data(text.utf8)) != nil, "JSONDecoder accepts \(text)")
            #expect(JSONValue.parse(Data(text.utf8)) == nil, "\(text)")
        }
        let deep = String(repeating: "[", count: JSONValue.maximumDepth + 1) + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(JSONValue.parse(Data(deep.utf8)) == nil)
        let deepest = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect(JSONValue.parse(Data(deepest.utf8)) != nil)
        #expect(JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) == nil, "not UTF-8")
        #expect(JSONValue.parse(Data([0x22, 0xFF, 0x22])) == nil, "not UTF-8")
    }

    /// Random values written by `JSONEncoder`, and random byte edits of them: wherever
    /// `JSONDecoder` reads an edit, the new reader reads the same value or (only for the
    /// leniencies above) refuses it; wherever `JSONDecoder` refuses, so does the new reader.
    @Test func agreesWithJSONDecoderOnRandomValuesAndEdits() throws {
        var random = DecoderFuzzer.Random(state: 0x5EED_1503)
        // Sorted keys: the same seed makes the same texts in every process (a failure reproduces).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var compared = 0, refusedByBoth = 0, stricter = 0
        let replacements = Array(#"{}[],:"\-.e0123 tn"#.utf8), insertions = Array(#",]}"\1e"#.utf8)
        for _ in 0..<20_000 {
            let value = Self.randomValue(&random, depth: 0)
            let text = try encoder.encode(value)
            #expect(JSONValue.parse(text) == value, "\(String(decoding: text, as: UTF8.self))")
            var edited = [UInt8](text)
            for _ in 0...random.below(3) where !edited.isEmpty {
                let place = random.below(edited.count)
                switch random.below(3) {
                case 0: edited[place] = replacements[random.below(replacements.count)]
                case 1: edited.remove(at: place)
                default: edited.insert(insertions[random.below(insertions.count)], at: place)
                }
            }
            let ours = JSONValue.parse(Data(edited)), theirs = Self.foundation(Data(edited))
            if let theirs {
                if let ours {
                    #expect(Self.agrees(ours, theirs), "\(String(decoding: edited, as: UTF8.self))")
                    if ours != theirs { stricter += 1 }
                } else {
                    stricter += 1
                }
                compared += 1
            } else {
                #expect(ours == nil, "JSONDecoder refuses, the reader accepts: \(String(decoding: edited, as: UTF8.self))")
                refusedByBoth += 1
            }
        }
        print("JSON reader vs JSONDecoder: \(compared) edits both read (\(stricter) refused only here), \(refusedByBoth) refused by both")
        #expect(compared > 100 && refusedByBoth > 100)
    }

    /// The same value, or one where `JSONDecoder` rounded a number that is not whole
    /// (`22126056914916244.4`, past a double's precision) to an integer and the reader kept
    /// it a number: exactly whole numbers only are integers here.
    static func agrees(_ ours: JSONValue, _ theirs: JSONValue) -> Bool {
        switch (ours, theirs) {
        case (.number(let number), .integer(let integer)): return Double(integer) == number
        case (.array(let left), .array(let right)): return left.count == right.count && zip(left, right).allSatisfy(agrees)
        case (.object(let left), .object(let right)):
            return left.keys.sorted() == right.keys.sorted() && left.allSatisfy { key, value in right[key].map { agrees(value, $0) } ?? false }
        default: return ours == theirs
        }
    }

    static func randomValue(_ random: inout DecoderFuzzer.Random, depth: Int) -> JSONValue {
        switch random.below(depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(random.below(2) == 0)
        case 2: return .integer(Int64(bitPattern: random.next()) >> Int64(random.below(64)))
        case 3: return .number(Double((Int64(bitPattern: random.next()) >> 40) | 1) / 1024)   // odd/1024: never whole
        case 4:
            let pieces = ["a", "演", "\"", "\\", "\n", "\u{01}", "😀", "/", " ", "é"]
            return .string((0..<random.below(6)).map { _ in pieces[random.below(pieces.count)] }.joined())
        case 5: return .array((0..<random.below(4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var map: [String: JSONValue] = [:]
            for index in 0..<random.below(4) { map["k\(index)\(random.below(3))"] = randomValue(&random, depth: depth + 1) }
            return .object(map)
        }
    }
}
