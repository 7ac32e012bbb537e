// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore

extension JSONValue {
    /// Reads RFC 8259 JSON into a value in one pass over its UTF-8 bytes; nil for anything
    /// that is not exactly one JSON text. Stricter than `JSONDecoder` where that decoder is
    /// lenient: a trailing comma, a key twice in one object (which reader sees which value
    /// would otherwise depend on the reader) and nesting deeper than `maximumDepth` are
    /// refused. A number is `.integer` when its decimal value is exactly a whole number that
    /// fits 64 bits (`5`, `5.0`, `1e2`, as `JSONDecoder` reads them), and `.number` otherwise
    /// (`JSONDecoder` also makes `22126056914916244.4` an integer, rounded; this does not).
    ///
    /// ```swift
    /// JSONValue.parse(Data(#"{"a":[1,2.5,"x"]}"#.utf8))  // .object(["a": .array([.integer(1), .number(2.5), .string("x")])])
    /// JSONValue.parse(Data(#"{"a":1,"a":2}"#.utf8))      // nil
    /// ```
    public static func parse(_ data: Data) -> JSONValue? {
        data.withUnsafeBytes { raw in
            var reader = JSONReader(bytes: raw.bindMemory(to: UInt8.self))
            return reader.document()
        }
    }

    /// How deep arrays and objects may nest (no request of the API nests near this).
    public static let maximumDepth = 64
}

/// The parser behind `JSONValue.parse`: recursive descent, no allocation but the values.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A byte-order mark, which `JSONDecoder` also skips.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
    }

    mutating func document() -> JSONValue? {
        guard let value = value(depth: 0) else { return nil }
        skipSpace()
        return index == bytes.count ? value : nil
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        skipSpace()
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return depth < JSONValue.maximumDepth ? object(depth: depth + 1) : nil
        case UInt8(ascii: "["): return depth < JSONValue.maximumDepth ? array(depth: depth + 1) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func object(depth: Int) -> JSONValue? {
        var map: [String: JSONValue] = [:]
        let closed = elements(until: UInt8(ascii: "}")) { reader in
            reader.skipSpace()
            guard reader.current == UInt8(ascii: "\""), let key = reader.string() else { return false }
            reader.skipSpace()
            guard reader.current == UInt8(ascii: ":") else { return false }
            reader.index += 1
            guard let member = reader.value(depth: depth) else { return false }
            return map.updateValue(member, forKey: key) == nil
        }
        return closed ? .object(map) : nil
    }

    private mutating func array(depth: Int) -> JSONValue? {
        var list: [JSONValue] = []
        let closed = elements(until: UInt8(ascii: "]")) { reader in
            guard let element = reader.value(depth: depth) else { return false }
            list.append(element)
            return true
        }
        return closed ? .array(list) : nil
    }

    /// The members of an object or the elements of an array, from its opening bracket:
    /// `read` reads one; commas between them, `close` after the last, none trailing.
    private mutating func elements(until close: UInt8, _ read: (inout JSONReader) -> Bool) -> Bool {
        index += 1
        skipSpace()
        if current == close {
            index += 1
            return true
        }
        while true {
            guard read(&self) else { return false }
            skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == close {
                index += 1
                return true
            } else {
                return false
            }
        }
    }

    /// A string from its opening quote: valid UTF-8, no raw control characters, the escapes
    /// RFC 8259 names, surrogates only in pairs.
    private mutating func string() -> String? {
        index += 1
        let start = index
        // The common case: no escapes, one copy of the bytes.
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        guard let stop = current else { return nil }
        var scalars = Array(bytes[start..<index])
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(validating: scalars, as: UTF8.self)
        }
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escaped)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                scalars.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after the `u`), or of a surrogate pair `\uD8xx\uDCxx`.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        switch high {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            return nil
        default:
            return Unicode.Scalar(high)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = bytes[index].hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite.
    private mutating func number() -> JSONValue? {
        let start = index
        let negative = current == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let first = current, isDigit(first) else { return nil }
        let integerStart = index
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        let integerDigits = bytes[integerStart..<index]
        var fractionDigits = bytes[index..<index]
        var exponent = 0
        if current == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            guard let digit = current, isDigit(digit) else { return nil }
            skipDigits()
            fractionDigits = bytes[fractionStart..<index]
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            let sign = current == UInt8(ascii: "-") ? -1 : 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let digit = current, isDigit(digit) else { return nil }
            while let byte = current, isDigit(byte) {
                // Capped: beyond any double, and no overflow however many digits are sent.
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 100_000)
                index += 1
            }
            exponent *= sign
        }
        // A whole value that fits 64 bits is an integer however it is written (as
        // `JSONDecoder` reads `5.0`, `1e2`), computed exactly from the digits.
        if let integer = Self.exactInteger(negative: negative, digits: Array(integerDigits) + Array(fractionDigits),
                                           exponent: exponent - fractionDigits.count) {
            return .integer(integer)
        }
        guard let double = Double(String(decoding: bytes[start..<index], as: UTF8.self)), double.isFinite else { return nil }
        return .number(double)
    }

    /// `digits × 10^exponent` (with its sign) when that is a whole number that fits 64 bits.
    static func exactInteger(negative: Bool, digits: [UInt8], exponent: Int) -> Int64? {
        var significant = digits.drop { $0 == UInt8(ascii: "0") }
        if significant.isEmpty { return 0 }
        var exponent = exponent
        while significant.last == UInt8(ascii: "0") {
            significant.removeLast()
            exponent += 1
        }
        guard exponent >= 0, significant.count + exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for digit in significant + Array(repeating: UInt8(ascii: "0"), count: exponent) {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }
}
