// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The figures a run produced: printed as a table, optionally written as JSON.
struct Report {
    struct Row: Codable {
        var section: String
        var name: String
        var value: Double
        var unit: String
        var note: String?
    }

    var rows: [Row] = []
    var notes: [String] = []
    private var current = ""

    mutating func section(_ title: String) {
        current = title
        print("\n== \(title)")
    }

    mutating func add(_ name: String, _ value: Double, unit: String, note: String? = nil) {
        rows.append(Row(section: current, name: name, value: value, unit: unit, note: note))
        let number = value.isNaN ? "n/a" : String(format: value >= 100 ? "%.1f" : "%.3f", value)
        // Long names keep their full text (never cut): the value moves right instead.
        let padded = name.count >= 52 ? name : name.padding(toLength: 52, withPad: " ", startingAt: 0)
        print("  \(padded) \(number.leftPadded(10)) \(unit)" + (note.map { "   (\($0))" } ?? ""))
    }

    mutating func note(_ text: String) {
        notes.append(text)
        print("  note: \(text)")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(["rows": rows.map { $0 }])
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
