// SPDX-License-Identifier: Apache-2.0
import ChineseInput
import Foundation
import Testing
import ZizhuUI

/// The two input methods through the real libraries: librime with Debian's luna_pinyin
/// dictionary, Zinnia with Debian's simplified-Chinese handwriting model.
@Suite("Chinese input through librime and Zinnia")
struct ChineseInputTests {
    static func pinyin() throws -> RimePinyin {
        try RimePinyin.shared(workFolder: FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-rime-\(getpid())"))
    }

    @Test(arguments: [("guangdongsheng", "广东省"), ("zhangsan", "张三"), ("guangzhoushitianhequ", "广州市天河区"),
                      ("zhongshanlu", "中山路"), ("shehuibaoxian", "社会保险"), ("zhufanggongjijin", "住房公积金")])
    func aWholePhraseComesFirst(_ letters: String, _ phrase: String) throws {
        let first = try #require(try Self.pinyin().candidates(for: letters, limit: 6).first)
        #expect(first == InputCandidate(text: phrase, remaining: ""), "\(letters)")
    }

    @Test func aPartOfThePhraseLeavesTheRestToConvert() throws {
        let candidates = try Self.pinyin().candidates(for: "guangdongsheng", limit: 9)
        #expect(candidates.contains(InputCandidate(text: "广东", remaining: "sheng")), "\(candidates)")
        #expect(candidates.contains(InputCandidate(text: "广", remaining: "dongsheng")), "\(candidates)")
        // Every candidate's text plus what it leaves spells no more than was typed.
        #expect(candidates.allSatisfy { "guangdongsheng".hasSuffix($0.remaining) && $0.remaining.count < 14 })
        // A smaller limit is the same list, shorter.
        #expect(try Self.pinyin().candidates(for: "guangdongsheng", limit: 3) == Array(candidates.prefix(3)))
    }

    /// 姓氏优先 through the real dictionary: for a name's first character the surname comes
    /// first, even where librime's everyday order puts a common word before it.
    @Test(arguments: [("xie", "谢"), ("zeng", "曾"), ("chen", "陈"), ("ouyang", "欧阳"), ("zhangsan", "张三")])
    func aNameBeginsWithItsSurname(_ letters: String, _ surname: String) throws {
        let engine = try Self.pinyin().candidates(for: letters, limit: 18)
        let named = Surnames.first(engine, text: \.text)
        #expect(named.first?.text == surname, "\(letters): \(named.prefix(6).map(\.text))")
        #expect(named.count == engine.count && Set(named) == Set(engine))
    }

    @Test func librimePutsAnEverydayWordBeforeSomeSurnames() throws {
        // What the surname order is for: without it, "xie" offers 写 or 些 before 谢.
        let engine = try Self.pinyin().candidates(for: "xie", limit: 6).map(\.text)
        #expect(engine.first != "谢", "\(engine)")
    }

    @Test func nothingButLowerCaseLettersIsConverted() throws {
        let pinyin = try Self.pinyin()
        for letters in ["", "Guang", "guang dong", "zhang3", "{Return}", "张", String(repeating: "a", count: 41)] {
            #expect(pinyin.candidates(for: letters, limit: 6).isEmpty, "\(letters)")
        }
        #expect(pinyin.candidates(for: "zhang", limit: 0).isEmpty)
    }

    @Test func nothingTypedIsLearnedOrKept() throws {
        let pinyin = try Self.pinyin()
        // Choosing the fourth candidate again and again does not move it up (no user dictionary).
        let before = pinyin.candidates(for: "xiaoming", limit: 6)
        for _ in 0..<3 { _ = pinyin.candidates(for: "xiaoming", limit: 6) }
        #expect(pinyin.candidates(for: "xiaoming", limit: 6) == before)
        let files = FileManager.default.enumerator(atPath: pinyin.workFolder.path)?.compactMap { $0 as? String } ?? []
        #expect(!files.contains { $0.hasSuffix(".userdb") || $0.contains("userdb") }, "\(files)")
    }

    @Test func aMissingDictionaryIsNamed() {
        #expect(throws: ZinniaHandwriting.Problem.self) { try ZinniaHandwriting(model: URL(fileURLWithPath: "/nonexistent/model")) }
        do {
            _ = try ZinniaHandwriting(model: URL(fileURLWithPath: "/nonexistent/model"))
        } catch {
            #expect(error.description.contains("tegaki-zinnia-simplified-chinese"))
        }
    }

    /// Strokes as a finger draws them on the kiosk's pad (cells of a 40 × 20 pad, in
    /// stroke order), through the same `Drawing` the touch screen fills.
    static let written: [(String, [[(Int, Int)]])] = [
        ("王", [[(8, 4), (20, 4), (32, 4)], [(10, 10), (30, 10)], [(20, 4), (20, 10), (20, 17)], [(5, 17), (20, 17), (35, 17)]]),
        ("十", [[(5, 9), (20, 9), (35, 9)], [(20, 2), (20, 10), (20, 18)]]),
        ("中", [[(8, 6), (8, 13)], [(8, 6), (32, 6), (32, 13)], [(8, 13), (32, 13)], [(20, 1), (20, 10), (20, 19)]]),
        ("口", [[(8, 4), (8, 16)], [(8, 4), (32, 4), (32, 16)], [(8, 16), (32, 16)]]),
        ("一", [[(5, 10), (20, 10), (35, 10)]]),
    ]

    static func drawing(_ strokes: [[(Int, Int)]]) -> Drawing {
        var drawing = Drawing(width: 40, height: 40)
        for stroke in strokes {
            guard let first = stroke.first else { continue }
            drawing.penDown(cellX: first.0, cellY: first.1)
            for point in stroke.dropFirst() { drawing.penMoved(cellX: point.0, cellY: point.1) }
            drawing.penUp()
        }
        return drawing
    }

    @Test func writtenCharactersAreAmongTheFirstThree() throws {
        let handwriting = try ZinniaHandwriting()
        #expect(handwriting.characterCount > 6_000)
        for (character, strokes) in Self.written {
            let found = handwriting.recognise(Self.drawing(strokes), limit: 3)
            #expect(found.count == 3 && found.contains(character), "\(character): \(found)")
        }
        #expect(handwriting.recognise(Drawing(width: 40, height: 40), limit: 3).isEmpty)
    }

    @Test func aDrawingKeepsItsBounds() {
        var drawing = Drawing(width: 40, height: 40)
        drawing.penMoved(cellX: -5, cellY: 99)   // a move without a press starts a stroke
        #expect(drawing.strokes == [[Drawing.Point(x: 0, y: 39)]])
        for index in 0..<(Drawing.maximumStrokes + 5) { drawing.penDown(cellX: index % 40, cellY: 1) }
        #expect(drawing.strokes.count == Drawing.maximumStrokes)
        drawing.undoStroke()
        #expect(drawing.strokes.count == Drawing.maximumStrokes - 1 && !drawing.penDown)
        var long = Drawing(width: 40, height: 40)
        long.penDown(cellX: 0, cellY: 0)
        for step in 0..<1_000 { long.penMoved(cellX: step % 40, cellY: (step / 40) % 20) }
        #expect(long.strokes.first?.count == Drawing.maximumPoints)
        // The pad shows the strokes joined up: a horizontal line lights every pixel along it.
        let line = Self.drawing([[(5, 10), (35, 10)]])
        #expect(line.pixels().count == 31)
    }
}
