// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
@testable import ZizhuUI

@Suite("Cell grid: East Asian width, clipping and half overwrites")
struct CellGridTests {
    @Test func asciiTakesOneCellEach() {
        var grid = CellGrid(width: 10, height: 1)
        let advanced = grid.put("abc", x: 0, y: 0, style: .plain)
        #expect(advanced == 3)
        #expect(grid.plainText() == "abc")
    }

    @Test func cjkTakesTwoCellsWithAContinuation() {
        var grid = CellGrid(width: 10, height: 1)
        let advanced = grid.put("社保", x: 1, y: 0, style: .plain)
        #expect(advanced == 4)
        #expect(grid[1, 0].character == "社")
        #expect(grid[2, 0].isContinuation)
        #expect(grid[3, 0].character == "保")
        #expect(grid[4, 0].isContinuation)
        #expect(!grid[5, 0].isContinuation)
        #expect(grid.plainText() == " 社保")
    }

    @Test func cjkAndAsciiLineUpLikeTheTerminal() {
        // The check the research did in tmux: a bar after 8 Hanzi lands where it lands after 16 ASCII.
        var grid = CellGrid(width: 40, height: 2)
        let a = grid.put("社保参保证明打印", x: 0, y: 0, style: .plain)
        let b = grid.put("ABCDEFGHIJKLMNOP", x: 0, y: 1, style: .plain)
        grid.put("|", x: a, y: 0, style: .plain)
        grid.put("|", x: b, y: 1, style: .plain)
        #expect(a == b)
        #expect(grid[16, 0].character == "|" && grid[16, 1].character == "|")
    }

    @Test func fullwidthPunctuationIsWide() {
        #expect(TextWidth.width(of: "，。：（）！？「」") == 18)
        #expect(TextWidth.width(of: "１２３") == 6)
    }

    @Test func rareExtensionBNameCharacterIsWide() {
        // 𠮷 (U+20BB7, CJK Extension B) is a real surname variant; it must take two cells.
        var grid = CellGrid(width: 8, height: 1)
        grid.put("吉𠮷", x: 0, y: 0, style: .plain)
        #expect(grid[2, 0].character == "𠮷")
        #expect(grid[3, 0].isContinuation)
        #expect(TextWidth.width(of: "𠮷") == 2)
    }

    @Test func codePointsNewerThanTheTerminalBecomeAFallbackGlyph() {
        // U+31350 (CJK Extension H, Unicode 15) is unknown to glibc 2.36: ncurses would draw a blank.
        let extH = Character(Unicode.Scalar(0x31350)!)
        #expect(TextWidth.sanitized(extH) == TextWidth.wideReplacement)
        var grid = CellGrid(width: 4, height: 1)
        grid.put(String(extH), x: 0, y: 0, style: .plain)
        #expect(grid[0, 0].character == "〓")
        #expect(grid[1, 0].isContinuation)
    }

    @Test func wideCharacterCrossingTheRightEdgeBecomesABlank() {
        var grid = CellGrid(width: 5, height: 1)
        let advanced = grid.put("ab社保", x: 0, y: 0, style: .plain)
        // a b 社 fill 4 cells; 保 would need cells 4 and 5 but the grid ends at 5: blank.
        #expect(grid.plainText() == "ab社")
        #expect(grid[4, 0].character == " ")
        #expect(!grid[4, 0].isContinuation)
        #expect(advanced == 6)
    }

    @Test func wideCharacterCrossingAClipEdgeBecomesABlank() {
        var grid = CellGrid(width: 10, height: 1)
        grid.put("..........", x: 0, y: 0, style: .plain)
        grid.put("社保社", x: 1, y: 0, style: .plain, clip: Rect(x: 1, y: 0, width: 5, height: 1))
        #expect(grid.row(0) == ".社保 ....")
    }

    @Test func textNeverWrapsByItself() {
        var grid = CellGrid(width: 6, height: 2)
        grid.put("社保参保证明打印", x: 0, y: 0, style: .plain)
        #expect(grid.plainText() == "社保参\n")
    }

    @Test func overwritingTheLeftHalfBlanksTheRightHalf() {
        var grid = CellGrid(width: 6, height: 1)
        grid.put("社保", x: 0, y: 0, style: .plain)
        grid.put("x", x: 0, y: 0, style: .plain)
        #expect(grid[1, 0].character == " ")
        #expect(!grid[1, 0].isContinuation)
        #expect(grid.plainText() == "x 保")
    }

    @Test func overwritingTheRightHalfBlanksTheLeftHalf() {
        var grid = CellGrid(width: 6, height: 1)
        grid.put("社保", x: 0, y: 0, style: .plain)
        grid.put("x", x: 1, y: 0, style: .plain)
        #expect(grid[0, 0].character == " ")
        #expect(grid.plainText() == " x保")
    }

    @Test func wideOverMisalignedWideBlanksBothNeighbours() {
        var grid = CellGrid(width: 6, height: 1)
        grid.put("社保", x: 0, y: 0, style: .plain)   // 社 at 0-1, 保 at 2-3
        grid.put("证", x: 1, y: 0, style: .plain)     // covers the right half of 社 and the left half of 保
        #expect(grid.plainText() == " 证")
        #expect(grid[0, 0].character == " ")
        #expect(grid[3, 0].character == " " && !grid[3, 0].isContinuation)
    }

    @Test func controlCharactersAreReplaced() {
        var grid = CellGrid(width: 12, height: 1)
        grid.put("a\u{1B}[2Jb\tc\u{7}", x: 0, y: 0, style: .plain)
        #expect(grid.plainText() == "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}")
        #expect(!grid.plainText().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func combiningMarksRideOnTheirBase() {
        var grid = CellGrid(width: 4, height: 1)
        let advanced = grid.put("e\u{301}x", x: 0, y: 0, style: .plain)
        #expect(advanced == 2)
        #expect(grid[0, 0].character == "e\u{301}")
    }

    @Test func textStartingLeftOfTheClipShowsNoHalfCharacter() {
        var grid = CellGrid(width: 6, height: 1)
        grid.put("社保", x: 1, y: 0, style: .plain, clip: Rect(x: 2, y: 0, width: 4, height: 1))
        #expect(grid.plainText() == "   保")
    }

    @Test func boxesAreClosedAroundCJK() {
        var grid = CellGrid(width: 10, height: 3)
        grid.box(Rect(x: 0, y: 0, width: 10, height: 3), style: .plain)
        grid.put("办事指南", x: 1, y: 1, style: .plain)
        #expect(grid.plainText() == "┌────────┐\n│办事指南│\n└────────┘")
    }
}

@Suite("Text width: wrapping and truncation")
struct TextWidthTests {
    @Test func wrapsChineseBetweenAnyCharacters() {
        #expect(TextWidth.wrap("社保参保证明打印", width: 6) == ["社保参", "保证明", "打印"])
    }

    @Test func keepsClosingPunctuationOffTheStartOfALine() {
        let lines = TextWidth.wrap("一二三，四五", width: 6)
        #expect(lines == ["一二", "三，四", "五"])
        #expect(lines.allSatisfy { TextWidth.width(of: $0) <= 6 })
        #expect(!lines.contains { $0.hasPrefix("，") })
    }

    @Test func wrapsLatinAtSpaces() {
        #expect(TextWidth.wrap("Social insurance enrolment certificate", width: 18)
                == ["Social insurance", "enrolment", "certificate"])
    }

    @Test func splitsAWordLongerThanALine() {
        #expect(TextWidth.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }

    @Test func wrapsMixedTextWithinWidth() {
        let text = "打印本人《个人所得税纳税记录》，可用于购房、购车、落户、签证等。Tax record for visa use."
        for width in [10, 17, 32, 48] {
            let lines = TextWidth.wrap(text, width: width)
            #expect(lines.allSatisfy { TextWidth.width(of: $0) <= width }, "width \(width): \(lines)")
            #expect(lines.joined().replacingOccurrences(of: " ", with: "") == text.replacingOccurrences(of: " ", with: ""))
        }
    }

    @Test func wrapsIntoAFewRowsAndMarksTheCut() {
        #expect(TextWidth.wrap("社保参保证明打印", width: 6, rows: 3) == ["社保参", "保证明", "打印"])
        // Too long for two rows: the second shows as much as fits and says it was cut.
        #expect(TextWidth.wrap("社保参保证明打印", width: 6, rows: 2) == ["社保参", "保..."])
        #expect(TextWidth.wrap("Social insurance enrolment certificate", width: 18, rows: 2)
                == ["Social insurance", "enrolment certi..."])
        #expect(TextWidth.wrap("社保", width: 6, rows: 0).isEmpty)
    }

    @Test func truncatesByDisplayWidth() {
        #expect(TextWidth.truncate("社保参保证明打印", toWidth: 9) == "社保参...")
        #expect(TextWidth.width(of: TextWidth.truncate("社保参保证明打印", toWidth: 9)) <= 9)
        #expect(TextWidth.truncate("short", toWidth: 9) == "short")
    }
}
