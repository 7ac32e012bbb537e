// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore

/// A citizen writes Chinese at the real kiosk in tmux: a baby's name by handwriting on the
/// pad (SGR mouse press, drags and release, as a touch screen sends them; recognised by
/// Zinnia), an address by phrase pinyin (librime), each taken into the form.
@Suite("Writing Chinese at the real kiosk (tmux, Zinnia, librime)", .serialized)
struct ChineseInputJourneyTests {
    /// Where a text is drawn on a captured screen (0-based cell; wide characters count two).
    static func locate(_ text: String, in screen: String) -> (x: Int, y: Int)? {
        for (row, line) in screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: text) { return (TextWidth.width(of: String(line[..<range.lowerBound])), row) }
        }
        return nil
    }

    /// The handwriting pad's inside: the last single-line box on the screen.
    static func pad(in screen: String) -> (x: Int, y: Int, width: Int, height: Int)? {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let top = lines.lastIndex(where: { $0.contains("┌") }),
              let bottom = lines.indices.first(where: { $0 > top && lines[$0].contains("└") }),
              let left = lines[top].range(of: "┌"), let right = lines[top].range(of: "┐") else { return nil }
        let x = TextWidth.width(of: String(lines[top][..<left.lowerBound])) + 1
        let end = TextWidth.width(of: String(lines[top][..<right.lowerBound]))
        return (x, top + 1, end - x, bottom - top - 1)
    }

    /// One stroke as a finger draws it: down, moves, up (SGR 1006: button 0, 32 = moved).
    static func stroke(_ tmux: Tmux, _ points: [(Int, Int)]) async throws {
        for (index, point) in points.enumerated() {
            let (x, y) = (point.0 + 1, point.1 + 1)
            if index == 0 { try tmux.sendLiteral("\u{1B}[<0;\(x);\(y)M") }
            else { try tmux.sendLiteral("\u{1B}[<32;\(x);\(y)M") }
            try await Task.sleep(for: .milliseconds(30))
        }
        if let last = points.last { try tmux.sendLiteral("\u{1B}[<0;\(last.0 + 1);\(last.1 + 1)m") }
        try await Task.sleep(for: .milliseconds(30))
    }

    /// The candidate buttons' row: "1  王" … as drawn; the key of the first that is `text`.
    static func key(of text: String, on screen: String, among first: Int = 3) -> String? {
        (1...first).first { screen.contains(" \($0)  \(text) ") }.map(String.init)
    }

    /// On a text field's keyboard: 清空, then 广州市天河区中山路 by phrase pinyin (two phrases,
    /// each the first candidate); the screen with the address typed.
    static func replaceAddressByPinyin(_ tmux: Tmux) async throws -> String {
        let keyboard = try await tmux.waitForScreen { $0.contains("输入文字") && $0.contains("清空") }
        let clear = try #require(locate("清空", in: keyboard), "\(keyboard)")
        try tmux.tap(x: clear.x + 1, y: clear.y)
        _ = try await tmux.waitForScreen { $0.contains("│ _") }
        try tmux.sendLiteral("guangzhoushitianhequ")
        let phrase = try await tmux.waitForScreen { $0.contains("1  广州市天河区") }
        #expect(phrase.contains("guangzhoushitianhequ"), "\(phrase)")
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("│ 广州市天河区_") }
        try tmux.sendLiteral("zhongshanlu")
        #expect(try await tmux.waitForScreen { $0.contains("1  中山路") }.contains("1  中山路"))
        try tmux.sendKeys("1")
        return try await tmux.waitForScreen { $0.contains("│ 广州市天河区中山路_") }
    }

    /// Whether the kiosk has the handwriting model and the pinyin dictionaries mapped.
    static func inputMethodsMapped(_ pid: Int32) -> (handwriting: Bool, pinyin: Bool)? {
        guard let maps = try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8) else { return nil }
        return (maps.contains("/usr/share/tegaki/"), maps.contains("/usr/share/rime-data/"))
    }

    /// Polls until the kiosk's mappings are as asked (or 15 s passed); what they were last.
    static func waitForMapped(_ pid: Int32, handwriting: Bool) async -> (handwriting: Bool, pinyin: Bool)? {
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        var mapped = inputMethodsMapped(pid)
        while mapped?.handwriting != handwriting && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
            mapped = inputMethodsMapped(pid)
        }
        return mapped
    }

    @Test func aNameByHandwritingAndAnAddressByPhrasePinyin() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-chinese-input")
        // The attract screen holds no input method: they start with a visit and the
        // handwriting model (26 MiB) goes when it ends.
        let pid = try #require(await KioskInTmuxTests.pid(scratch))
        try await Task.sleep(for: .seconds(1))
        let idle = try #require(Self.inputMethodsMapped(pid))
        #expect(!idle.handwriting && !idle.pinyin, "\(idle)")
        // 出生一件事 (302) → 我要办理 → the card → 继续办理 → 新生儿姓名 → 输入文字.
        try await tmux.press("1", "5", "3", "0", "2", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("出生一件事"))
        try tmux.sendKeys("1")
        let identified = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }
        // The demo reader's simulator takes turns with its sample cards: any of them will do,
        // shown masked.
        #expect(identified.contains("**********"), "\(identified)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("新生儿姓名") }.contains("第 1/"))
        try tmux.sendKeys("2")
        let keyboard = try await tmux.waitForScreen { $0.contains("输入文字") && $0.contains("手写") }
        let handwritingButton = try #require(Self.locate("手写", in: keyboard), "\(keyboard)")
        try tmux.tap(x: handwritingButton.x + 1, y: handwritingButton.y)
        let padScreen = try await tmux.waitForScreen { $0.contains("在此书写") }
        let pad = try #require(Self.pad(in: padScreen), "\(padScreen)")
        #expect(pad.width >= 20 && pad.height >= 10, "\(pad)")
        // 王: 一, 一, 丨, 一 (fractions of the pad), each stroke drawn as it is written.
        let strokes: [[(Double, Double)]] = [[(0.2, 0.2), (0.35, 0.2), (0.5, 0.2), (0.65, 0.2), (0.8, 0.2)],
                                             [(0.25, 0.5), (0.5, 0.5), (0.75, 0.5)],
                                             [(0.5, 0.2), (0.5, 0.4), (0.5, 0.6), (0.5, 0.85)],
                                             [(0.1, 0.85), (0.3, 0.85), (0.5, 0.85), (0.7, 0.85), (0.9, 0.85)]]
        for fractions in strokes {
            let points = fractions.map { (pad.x + Int($0.0 * Double(pad.width - 1)), pad.y + Int($0.1 * Double(pad.height - 1))) }
            try await Self.stroke(tmux, points)
        }
        let written = try await tmux.waitForScreen { Self.key(of: "王", on: $0) != nil }
        #expect(written.contains("█") || written.contains("▄"), "the strokes are drawn: \(written)")
        let key = try #require(Self.key(of: "王", on: written), "王 among the first three candidates: \(written)")
        try tmux.sendKeys(key)
        let taken = try await tmux.waitForScreen { $0.contains("│ 王_") }
        #expect(taken.contains("在此书写"), "the pad is wiped for the next character: \(taken)")
        try tmux.sendKeys("#")
        let next = try await tmux.waitForScreen { $0.contains("第 2/") }
        #expect(next.contains("新生儿出生日期"), "\(next)")

        // 临时身份证 (107): 户籍地址 is prefilled from the card; 清空, then phrase pinyin.
        // (The date field takes 9 as a digit: 首页 is touched.)
        #expect(Self.inputMethodsMapped(pid)?.handwriting == true)
        let homeButton = try #require(Self.locate("首页", in: next), "\(next)")
        try tmux.tap(x: homeButton.x + 1, y: homeButton.y)
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        let released = await Self.waitForMapped(pid, handwriting: false)
        #expect(released?.handwriting == false, "the handwriting model is unmapped once the visit is over: \(String(describing: released))")
        try await tmux.press("1", "5", "1", "0", "7", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("临时"))
        try tmux.sendKeys("1")
        let identifiedAgain = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }
        #expect(identifiedAgain.contains("**********"), "\(identifiedAgain)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("申领原因") }.contains("第 1/"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("户籍地址") }.contains("第 2/"))
        try tmux.sendKeys("2")
        let address = try await Self.replaceAddressByPinyin(tmux)
        #expect(address.contains("广州市天河区中山路"), "\(address)")
        try tmux.sendKeys("#")
        let phone = try await tmux.waitForScreen { $0.contains("第 3/") }
        #expect(phone.contains("联系电话"), "\(phone)")
        // Nothing the citizen wrote reaches the log, and librime kept no user dictionary.
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(!log.contains("广州市天河区中山路") && !log.contains("王"), "\(log)")
        #expect(!log.contains("input unavailable"), "\(log)")
        let kept = FileManager.default.enumerator(atPath: scratch.appendingPathComponent("input-method").path)?
            .compactMap { $0 as? String } ?? []
        #expect(!kept.isEmpty && !kept.contains { $0.contains("userdb") }, "\(kept)")
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}
