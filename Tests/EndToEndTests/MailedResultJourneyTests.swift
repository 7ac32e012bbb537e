// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuKiosk
import ZizhuProcess

/// 证照寄递 from end to end on a production kiosk: a citizen applies for a 边境旅游通行证 to
/// be mailed (the address from the card replaced by phrase pinyin, the phone on the keypad),
/// the receipt comes out of the private cupsd with the phone masked, the kiosk uploads it,
/// an operator in the post room records the EMS number on the dashboard in headless Chromium,
/// and 查询进度 by ID card shows it.
@Suite("证照寄递 through the real kiosk, printer, platform and dashboard", .serialized)
struct MailedResultJourneyTests {
    @Test func aMailedResultShowsItsCourierNumberInProgress() async throws {
        let rig = try await ProductionRig(records: true, socialSecurityCard: false)
        defer { rig.stop() }
        let (scratch, home) = (rig.scratch, rig.home)
        let tmux = try await rig.startKiosk()

        // 办事 → 按编号 108 → 我要办理 → card 2 (演示用户).
        try await rig.beginApplication("108", named: "边境旅游出入境通行证", on: tmux)
        // 前往地区, 出发日期 (ten days on), 联系电话.
        #expect(try await tmux.waitForScreen { $0.contains("前往地区") }.contains("第 1/"))
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("出发日期") }
        let departure = CalendarDate.localToday().adding(days: 10)?.description.filter(\.isNumber) ?? ""
        for digit in departure { try tmux.sendKeys(String(digit)) }
        try tmux.sendKeys("#")
        _ = try await tmux.waitForScreen { $0.contains("联系电话") && $0.contains("第 3/") }
        for digit in "13800138000" { try tmux.sendKeys(String(digit)) }
        try tmux.sendKeys("#")
        // 领取方式: 自取 with its place, or 邮寄.
        let method = try await tmux.waitForScreen { $0.contains("领取方式") }
        #expect(method.contains("自取地点：区出入境接待大厅3号窗口") && method.contains("邮寄（到付）"), "\(method)")
        try tmux.sendKeys("2")
        // The address from the card, replaced by phrase pinyin on the on-screen keyboard.
        let address = try await tmux.waitForScreen { $0.contains("收件地址") }
        #expect(address.contains("广东省广州市天河区样本街8号") && address.contains("已从身份证读取"), "\(address)")
        try tmux.sendKeys("2")
        #expect(try await ChineseInputJourneyTests.replaceAddressByPinyin(tmux).contains("广州市天河区中山路"))
        try tmux.sendKeys("#")
        _ = try await tmux.waitForScreen { $0.contains("收件人电话") }
        for digit in "13912345678" { try tmux.sendKeys(String(digit)) }
        try tmux.sendKeys("#")
        _ = try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }
        try tmux.sendKeys("#")
        let review = try await tmux.waitForScreen { $0.contains("核对信息") }
        #expect(review.contains("核对信息"), "\(review)")
        // 核对信息 pages until 下一步：预审 (the delivery answers are on a later page).
        var pages = review
        for _ in 0..<4 where !pages.contains("下一步：预审") {
            try tmux.sendKeys("8")   // 下一页
            pages = try await tmux.waitForScreen { $0 != pages }
        }
        try tmux.sendKeys("#")
        let precheck = try await tmux.waitForScreen { $0.contains("预审结果") }
        #expect(precheck.contains("预审结果：秒批通过"), "\(precheck)")
        try tmux.sendKeys("1")
        let accepted = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("受理编号：") }
        let number = try #require(accepted.split(separator: "\n").first { $0.contains("受理编号：") }?
            .components(separatedBy: "受理编号：").last?.trimmingCharacters(in: .whitespaces))
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("受理回执已打印") || $0.contains("未能打印") }
            .contains("受理回执已打印"), "\(rig.printer.cups.report())")
        // The receipt: the phone masked, never whole.
        let jobs = try FileManager.default.contentsOfDirectory(atPath: rig.printer.jobs.path)
        let paper = try jobs.map { try Data(contentsOf: rig.printer.jobs.appendingPathComponent($0)) }
        #expect(paper.contains { Array($0).firstRange(of: Array("139****5678".utf8)) != nil }, "\(jobs)")
        #expect(!paper.contains { Array($0).firstRange(of: Array("13912345678".utf8)) != nil })

        // The kiosk uploads it; the platform decides it approved too.
        var synced = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            synced = try await SyncFaultTests.zizhu(["queue", "list"], home: home).stdout
            if synced.split(separator: "\n").contains(where: { $0.contains(number) && $0.contains("confirmed") }) { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(synced.split(separator: "\n").contains { $0.contains(number) && $0.contains("confirmed") }, "\(synced)")

        // The post room: an operator records the EMS number on the dashboard.
        let browser = try await rig.central.staffBrowser("post.room", roles: "operator")
        defer { browser.close() }
        try await browser.open(rig.central.staffURL + "/dashboard")
        try await browser.fill("#courier-form input[name=number]", number)
        try await browser.fill("#courier-form select[name=company]", "ems")
        try await browser.fill("#courier-form input[name=tracking]", "1180123456789")
        try await browser.press("#record-courier")
        let landed = try await browser.location()
        let shown = try await browser.text()
        #expect(landed == rig.central.staffURL + "/dashboard", "\(shown)")

        // 查询进度 by ID card at the kiosk: the case with its courier number.
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0.contains("欢迎使用") }.contains("办事"))
        try rig.say("remove")
        try tmux.sendKeys("5")
        #expect(try await tmux.waitForScreen { $0.contains("刷身份证") }.contains("查询进度"))
        let cardButton = try KioskInTmuxTests.center(of: .lookUpByCard) { $0.screen = .progressLookup(typed: ""); $0.history = [.home] }
        try tmux.tap(x: cardButton.x, y: cardButton.y)
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        try rig.say("place 2")
        let cases = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("您的办件") || $0.contains("没有您的办件") || $0.contains("无法连接") }
        #expect(cases.contains(number) && cases.contains("已寄出：中国邮政EMS 1180123456789（快递单号）"), "\(cases)")
        try rig.say("remove")
        // Neither the address nor the phone reaches the kiosk's log.
        let log = try String(contentsOf: home.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(!log.contains("13912345678") && !log.contains("中山路") && log.contains("submitting border-tourism-pass"), "\(log.suffix(3000))")
        if let pid = await KioskInTmuxTests.pid(scratch) { kill(pid, SIGTERM) }
    }
}
