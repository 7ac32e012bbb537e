// SPDX-License-Identifier: Apache-2.0
/// Digits three cells wide and three rows high, drawn with box-drawing characters:
/// for keypad numbers on elder-mode buttons and the idle countdown.
public enum BigDigits {
    static let shapes: [Character: [String]] = [
        "0": ["┏━┓", "┃ ┃", "┗━┛"],
        "1": [" ┓ ", " ┃ ", "╺┻╸"],
        "2": ["╺━┓", "┏━┛", "┗━╸"],
        "3": ["╺━┓", " ━┫", "╺━┛"],
        "4": ["╻ ╻", "┗━┫", "  ╹"],
        "5": ["┏━╸", "┗━┓", "╺━┛"],
        "6": ["┏━╸", "┣━┓", "┗━┛"],
        "7": ["╺━┓", "  ┃", "  ╹"],
        "8": ["┏━┓", "┣━┫", "┗━┛"],
        "9": ["┏━┓", "┗━┫", "╺━┛"],
        "*": ["╲ ╱", "╺╋╸", "╱ ╲"],
        "#": ["╋━╋", "┃ ┃", "╋━╋"],
    ]

    /// Whether every character has a big form.
    public static func canRender(_ text: String) -> Bool { text.allSatisfy { shapes[$0] != nil } }

    /// Three lines; characters are separated by one blank column.
    public static func render(_ text: String) -> [String] {
        var lines = ["", "", ""]
        for (index, character) in text.enumerated() {
            guard let shape = shapes[character] else { continue }
            for row in 0..<3 { lines[row] += (index > 0 ? " " : "") + shape[row] }
        }
        return lines
    }

    public static func width(of text: String) -> Int { max(0, text.count * 4 - 1) }
}
