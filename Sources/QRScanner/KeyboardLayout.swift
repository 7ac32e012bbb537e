// SPDX-License-Identifier: Apache-2.0
/// A USB-HID scanner "types" its code as a keyboard with the US layout would: Linux key
/// codes (`<linux/input-event-codes.h>`), Shift held for capitals and symbols, Enter at the
/// end. This maps a key press to the character it types, and back (for the simulator).
public enum KeyboardLayout {
    public static let leftShift: UInt16 = 42
    public static let rightShift: UInt16 = 54
    public static let enter: UInt16 = 28
    public static let keypadEnter: UInt16 = 96

    /// (key code, unshifted, shifted) for every key a code can use.
    static let keys: [(UInt16, Character, Character)] = [
        (2, "1", "!"), (3, "2", "@"), (4, "3", "#"), (5, "4", "$"), (6, "5", "%"), (7, "6", "^"), (8, "7", "&"), (9, "8", "*"),
        (10, "9", "("), (11, "0", ")"), (12, "-", "_"), (13, "=", "+"),
        (16, "q", "Q"), (17, "w", "W"), (18, "e", "E"), (19, "r", "R"), (20, "t", "T"), (21, "y", "Y"), (22, "u", "U"), (23, "i", "I"),
        (24, "o", "O"), (25, "p", "P"), (26, "[", "{"), (27, "]", "}"),
        (30, "a", "A"), (31, "s", "S"), (32, "d", "D"), (33, "f", "F"), (34, "g", "G"), (35, "h", "H"), (36, "j", "J"), (37, "k", "K"),
        (38, "l", "L"), (39, ";", ":"), (40, "'", "\""), (41, "`", "~"), (43, "\\", "|"),
        (44, "z", "Z"), (45, "x", "X"), (46, "c", "C"), (47, "v", "V"), (48, "b", "B"), (49, "n", "N"), (50, "m", "M"),
        (51, ",", "<"), (52, ".", ">"), (53, "/", "?"), (57, " ", " "),
    ]

    static let byCode: [UInt16: (Character, Character)] = Dictionary(keys.map { ($0.0, ($0.1, $0.2)) }, uniquingKeysWith: { first, _ in first })
    static let byCharacter: [Character: (UInt16, Bool)] = {
        var map: [Character: (UInt16, Bool)] = [:]
        for (code, plain, shifted) in keys {
            if map[plain] == nil { map[plain] = (code, false) }
            if map[shifted] == nil { map[shifted] = (code, true) }
        }
        return map
    }()

    /// The byte a key press types (CR for Enter); nil for a key no code uses.
    public static func byte(for code: UInt16, shift: Bool) -> UInt8? {
        if code == enter || code == keypadEnter { return 0x0D }
        guard let pair = byCode[code] else { return nil }
        return (shift ? pair.1 : pair.0).asciiValue
    }

    /// The key (and whether Shift is held) that types a character; nil for one a US
    /// keyboard cannot type.
    public static func key(for character: Character) -> (code: UInt16, shift: Bool)? {
        byCharacter[character].map { (code: $0.0, shift: $0.1) }
    }

    /// Every key code the layout uses (a virtual keyboard enables these).
    public static var allCodes: [UInt16] { keys.map(\.0) + [leftShift, enter] }
}
