// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Testing
import ZizhuKiosk
import ZizhuOutbox
import ZizhuProcess

/// 扫描纸质材料 from end to end: on a kiosk in tmux with SANE's test backend as its scanner, a
/// citizen applying for a 临时居民身份证 scans the paper receipt instead of bringing it to a
/// counter — the wrong side up first (blank: sent back with what to fix), then the page —
/// submits (the receipt lists the material as handed in as scans), and the kiosk uploads the application and then the page; a reviewer signed in to
/// the dashboard in headless Chromium sees the page, and the kiosk no longer holds it.
@Suite("扫描纸质材料 through the real kiosk, libsane, the platform and the dashboard", .serialized)
struct DocumentScanJourneyTests {
    /// 临时居民身份证's form: 申领原因, 户籍地址 (from the card, kept), 联系电话; the materials screen it leads to.
    static func fillTheForm(_ tmux: Tmux) async throws -> String {
        _ = try await tmux.waitForScreen { $0.contains("申领原因") }
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("户籍地址") && $0.contains("已从身份证读取") }
        try tmux.sendKeys("#")
        _ = try await tmux.waitForScreen { $0.contains("联系电话") }
        for digit in "13800138000" { try tmux.sendKeys(String(digit)) }
        try tmux.sendKeys("#")
        return try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }
    }

    @Test func aPaperMaterialScannedAtTheKioskReachesTheReviewer() async throws {
        let rig = try await ProductionRig(records: true, socialSecurityCard: false, documentScanner: true)
        defer { rig.stop() }
        let sane = try #require(rig.documentScanner)
        let (scratch, home) = (rig.scratch, rig.home)
        let tmux = try await rig.startKiosk()

        // 办事 → 按编号 107 → 我要办理 → card 2 (演示用户); the form.
        try await rig.beginApplication("107", named: "临时居民身份证", on: tmux)
        let materials = try await Self.fillTheForm(tmux)
        #expect(materials.contains("居民身份证受理回执") && materials.contains("在本机扫描"), "\(materials)")

        // The receipt placed the wrong side up: a blank page, sent back with what to fix.
        try sane.load(.white)
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("开始扫描") }.contains("有字的一面朝下"))
        try tmux.sendKeys("1")
        let blank = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("这一页是空白的") || $0.contains("扫描仪") }
        #expect(blank.contains("这一页是空白的") && blank.contains("这一页不能使用") && !blank.contains("保留此页"), "\(blank)")
        // Turned over: the page, its preview drawn, kept.
        try sane.load(.grid)
        try tmux.sendKeys("2")
        _ = try await tmux.waitForScreen { $0.contains("开始扫描") }
        try tmux.sendKeys("1")
        let page = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("这一页清晰可用") || $0.contains("扫描仪") }
        #expect(page.contains("这一页清晰可用") && page.contains("保留此页"), "\(page)")
        #expect(page.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "no preview on the screen:\n\(page)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("已保留第 1 页") }.contains("本材料已扫描 1 页"))
        try tmux.sendKeys("3")
        let marked = try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }
        #expect(marked.contains("已在本机扫描 1 页，由工作人员核验"), "\(marked)")

        // 核对信息 → 预审: the scan is handed in, a person decides.
        try tmux.sendKeys("#")
        var pages = try await tmux.waitForScreen { $0.contains("核对信息") }
        for _ in 0..<4 where !pages.contains("下一步：预审") {
            try tmux.sendKeys("8")
            pages = try await tmux.waitForScreen { $0 != pages }
        }
        try tmux.sendKeys("#")
        let precheck = try await tmux.waitForScreen { $0.contains("预审结果") }
        #expect(precheck.contains("转人工审核") && precheck.contains("已在本机扫描，由工作人员核验"), "\(precheck)")
        try tmux.sendKeys("1")
        let accepted = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("受理编号：") }
        let number = try #require(accepted.split(separator: "\n").first { $0.contains("受理编号：") }?
            .components(separatedBy: "受理编号：").last?.trimmingCharacters(in: .whitespaces))
        // The receipt says which material was handed in as scans, and how many pages.
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("受理回执已打印") || $0.contains("未能打印") }
            .contains("受理回执已打印"), "\(rig.printer.cups.report())")
        let gb18030 = String.Encoding(rawValue: 0x8000_0632)
        let line = try #require("居民身份证受理回执（1页）".data(using: gb18030))
        let jobs = try FileManager.default.contentsOfDirectory(atPath: rig.printer.jobs.path)
        let paper = try jobs.map { try Data(contentsOf: rig.printer.jobs.appendingPathComponent($0)) }
        #expect(paper.contains { $0.range(of: line) != nil }, "the receipt does not list the scanned material (\(jobs))")

        // The reviewer: the case's page lists the scan and shows it.
        let browser = try await rig.central.staffBrowser("wang.fang", roles: "reviewer")
        defer { browser.close() }
        var shown = ""
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            try await browser.open(rig.central.staffURL + "/dashboard/cases/\(number)")
            shown = try await browser.text()
            if shown.contains("已收到 1 / 1 页") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(shown.contains("已收到 1 / 1 页") && shown.contains("application-receipt 第1页"), "\(shown)")
        // The image loaded in the browser: a real WebP of the page, 1240 dots wide (A4 at 150 dpi).
        let width = try await browser.evaluate("document.querySelector('img.scanned-page').naturalWidth")
        #expect((width as? Int ?? Int(width as? Double ?? 0)) == 1240, "\(String(describing: width))")

        // Delivered, so the kiosk keeps none of it.
        let outbox = try await ChildProcess.detached { try Outbox(home: home, kioskID: "probe").pageCounts() }
        #expect(outbox.holdingBytes == 0 && outbox.byState == ["confirmed": 1], "\(outbox)")
        // The page's content never reaches the kiosk's log.
        let log = try String(contentsOf: home.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("scan: page 1240x") && log.contains("scan: application-receipt page 1 kept"), "\(log.suffix(3000))")
        if let pid = await KioskInTmuxTests.pid(scratch) { kill(pid, SIGTERM) }
    }
}

/// The demo kiosk (`make run`) scans too: SANE's test backend configured under its home, what
/// the next page shows set with `zizhu scanner sim`. In the journeys' suite: one kiosk at a time.
extension DocumentScanJourneyTests {
    @Test func theDemoScansAPaperMaterialAndSendsABlankOneBack() async throws {
        let (tmux, scratch, _) = try await KioskInTmuxTests.demoAtHome("tmux-scan")
        // 办事 → 按编号 107 → 我要办理; the demo places its first card by itself.
        try await tmux.press("1", "5", "1", "0", "7", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("临时居民身份证"))
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }
        try tmux.sendKeys("1")
        #expect(try await DocumentScanJourneyTests.fillTheForm(tmux).contains("在本机扫描"))
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("开始扫描") }

        // The page the wrong side up, as the technician's command sets it.
        let simulated = try await Run.program(Built.zizhu, ["scanner", "sim", "--picture", "white"],
                                              environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "ZIZHU_HOME": scratch.path])
        #expect(simulated.status == 0 && simulated.stdout.contains("Solid white"), "\(simulated.stdout)\(simulated.stderr)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("这一页是空白的") || $0.contains("扫描仪") }
            .contains("这一页是空白的"))
        _ = try await Run.program(Built.zizhu, ["scanner", "sim", "--picture", "grid"],
                                  environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "ZIZHU_HOME": scratch.path])
        try tmux.sendKeys("2")
        _ = try await tmux.waitForScreen { $0.contains("开始扫描") }
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("这一页清晰可用") || $0.contains("扫描仪") }
            .contains("这一页清晰可用"))
        try tmux.sendKeys("1")
        try tmux.sendKeys("3")
        #expect(try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }.contains("已在本机扫描 1 页"))
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}
