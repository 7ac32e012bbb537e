// SPDX-License-Identifier: Apache-2.0
/// Display width of text on the kiosk's terminal, in cells.
///
/// The table is our own (generated from Unicode 14 data, the version glibc 2.36 and
/// ncurses on Debian 12 use), so tests do not depend on the process locale. Ambiguous
/// characters (box drawing, “quotes”, …) count as one cell: the kiosk's terminal is
/// configured with ambiguous = narrow, and UI strings avoid them (a lint test checks).
public enum TextWidth {
    /// Drawn for a control character or a narrow code point the terminal cannot know.
    public static let replacement: Character = "\u{FFFD}"
    /// Drawn for a wide code point newer than the terminal's Unicode data (e.g. CJK
    /// Extension H/I name characters): glibc would report -1 and ncurses draw a blank.
    public static let wideReplacement: Character = "〓"

    /// Width of one code point: 0, 1 or 2. Control characters report 1 (they are replaced).
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 1 }
        if value < 0x7F { return 1 }
        if contains(WidthTable.zero, value) { return 0 }
        if contains(WidthTable.wide, value) { return 2 }
        if !contains(WidthTable.assigned, value) && isDefaultWide(value) { return 2 }
        return 1
    }

    /// Width of a grapheme cluster: its first spacing code point decides (combining
    /// marks and joiners ride along); a cluster of only zero-width code points is 0.
    public static func width(of character: Character) -> Int {
        var result = 0
        for scalar in character.unicodeScalars {
            let w = width(of: scalar)
            if w > 0 { result = max(result, w); if result == 2 { break } }
        }
        return result
    }

    /// Total width of a string as the grid would draw it.
    public static func width<S: StringProtocol>(of text: S) -> Int {
        var total = 0
        for character in text { total += width(of: sanitized(character)) }
        return total
    }

    /// True for East Asian Ambiguous code points (drawn narrow here, wide by some fonts).
    public static func isAmbiguous(_ scalar: Unicode.Scalar) -> Bool {
        contains(WidthTable.ambiguous, scalar.value)
    }

    /// True when the code point is assigned in the table's Unicode version.
    public static func isKnown(_ scalar: Unicode.Scalar) -> Bool {
        contains(WidthTable.assigned, scalar.value)
    }

    /// The character the grid will really store: control characters become U+FFFD;
    /// code points the terminal cannot know become 〓 (wide) or U+FFFD (narrow).
    public static func sanitized(_ character: Character) -> Character {
        for scalar in character.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || (0x7F..<0xA0).contains(value) { return replacement }
            if value >= 0x80, !contains(WidthTable.assigned, value) {
                // Variation selectors and similar are assigned; anything unassigned
                // in Unicode 14 (or private use) cannot be trusted to render.
                return isDefaultWide(value) ? wideReplacement : replacement
            }
        }
        return character
    }

    /// UAX #11: unassigned code points in the CJK ideograph blocks default to wide;
    /// private use in the BMP is drawn wide too (GB18030-2000 mapped ideographs there).
    static func isDefaultWide(_ value: UInt32) -> Bool {
        (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x20000...0x2FFFD).contains(value)
            || (0x30000...0x3FFFD).contains(value) || (0xE000...0xF8FF).contains(value)
    }

    /// Binary search in a flat table of inclusive (start, end) pairs.
    static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = table.count / 2 - 1
        while low <= high {
            let mid = (low + high) / 2
            if value < table[mid * 2] {
                high = mid - 1
            } else if value > table[mid * 2 + 1] {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Cuts text to at most `width` cells, ending in "..." when something was cut.
    public static func truncate(_ text: String, toWidth width: Int) -> String {
        guard self.width(of: text) > width else { return text }
        guard width > 3 else { return prefix(text, width: width) }
        return prefix(text, width: width - 3) + "..."
    }

    /// The longest prefix of `text` that fits in `width` cells.
    public static func prefix(_ text: String, width: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let w = self.width(of: sanitized(character))
            if used + w > width { break }
            used += w
            result.append(character)
        }
        return result
    }

    /// Characters a line must not start with (Chinese line-breaking rule 避头点).
    static let noLineStart: Set<Character> = ["，", "。", "、", "；", "：", "！", "？", "）", "》", "」", "』", "】", ",", ".", ";", ":", "!", "?", ")", "%", "％"]

    /// Breaks text into lines of at most `width` cells. Chinese breaks between any two
    /// characters (but not before closing punctuation); Latin words break at spaces and
    /// are split only when a single word is longer than a line. Explicit newlines are kept.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrapParagraph(String(paragraph), width: width)
        }
        return lines
    }

    /// `wrap` into at most `rows` lines; when the text needs more, the last line shows as
    /// much of the rest as fits and ends in "..." (so a cut is never silent).
    public static func wrap(_ text: String, width: Int, rows: Int) -> [String] {
        let lines = wrap(text, width: width)
        guard rows > 0 else { return [] }
        guard lines.count > rows else { return lines }
        return Array(lines.prefix(rows - 1)) + [truncate(lines.dropFirst(rows - 1).joined(separator: " "), toWidth: width)]
    }

    static func wrapParagraph(_ text: String, width: Int) -> [String] {
        // Tokens: a run of non-space narrow characters (a Latin word), one wide character, or spaces.
        var tokens: [String] = []
        var word = ""
        for character in text {
            if character == " " {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(" ")
            } else if self.width(of: character) == 2 || noLineStart.contains(character) {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(character))
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { tokens.append(word) }

        var lines: [String] = []
        var line = ""
        var used = 0
        func flush() {
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
            line = ""
            used = 0
        }
        for token in tokens {
            let w = self.width(of: token)
            if token == " " {
                if used > 0 && used + 1 <= width { line += " "; used += 1 }
                continue
            }
            if used + w <= width {
                line += token
                used += w
                continue
            }
            if let first = token.first, noLineStart.contains(first), w <= 2, let last = line.last, used > 0 {
                // Keep closing punctuation off the start of a line: carry the last character down with it.
                line.removeLast()
                flush()
                line = String(last) + token
                used = self.width(of: line)
                continue
            }
            if used > 0 { flush() }
            var rest = token
            while self.width(of: rest) > width {
                let head = prefix(rest, width: width)
                if head.isEmpty { break }
                lines.append(head)
                rest.removeFirst(head.count)
            }
            line = rest
            used = self.width(of: rest)
        }
        if used > 0 || lines.isEmpty { flush() }
        return lines
    }
}
