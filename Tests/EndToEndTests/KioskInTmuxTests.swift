// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import Testing
import ZizhuCore
import ZizhuKiosk
import ZizhuProcess
import ZizhuResources
import ZizhuUI

/// The real `zizhu run --demo` in tmux: what a citizen sees and does.
@Suite("The kiosk in a real terminal (tmux)", .serialized)
struct KioskInTmuxTests {
    /// Starts the demo kiosk; the pane records the terminal settings before and after.
    static func startKiosk(_ tmux: Tmux, scratch: URL, extraEnvironment: String = "") throws {
        let inner = "echo $$ > \(scratch.path)/pid; exec env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(scratch.path) "
            + "\(extraEnvironment) \(Built.zizhu) run --demo"
        let script = "stty -g > \(scratch.path)/stty-before; sh -c '\(inner)'; echo $? > \(scratch.path)/exit; "
            + "stty -g > \(scratch.path)/stty-after; sleep 60"
        try tmux.start(script)
    }

    /// A demo kiosk in tmux, on its attract screen (compared with the snapshot).
    static func demoAtHome(_ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> (Tmux, URL, String) {
        let scratch = Built.temporaryDirectory(label)
        let tmux = Tmux()
        try startKiosk(tmux, scratch: scratch)
        let home = try #require(Built.snapshot("home-100x30"), sourceLocation: sourceLocation)
        #expect(try await tmux.waitForScreen { $0 == home } == home, sourceLocation: sourceLocation)
        return (tmux, scratch, home)
    }

    /// F10 leaves the demo kiosk, which exits with status 0.
    static func quitDemo(_ tmux: Tmux, _ scratch: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        try tmux.sendKeys("F10")
        #expect(await kioskExitStatus(scratch) == "0",
                sourceLocation: sourceLocation)
    }

    /// The 取号 screen has its answer, drawn to its last line (tmux can capture a screen
    /// halfway through being drawn): issued, or not issued and why.
    static func ticketAnswered(_ screen: String) -> Bool {
        screen.contains("请取走排队小票") || screen.contains("请稍后重试")
    }

    static func pid(_ scratch: URL) async -> Int32? {
        await waitForFile(scratch.appendingPathComponent("pid")).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Where a button is drawn on a screen, from the same view code the kiosk runs.
    static func center(of button: ButtonID, in build: (inout AppState) -> Void) throws -> (x: Int, y: Int) {
        let resources = try KioskResources.load(paths: KioskPaths(home: URL(fileURLWithPath: "/tmp"), shareRoot: Built.repository),
                                                configPath: nil)
        var state = AppState(catalogue: try resources.catalogue(), settings: SessionSettings(allowsQuit: true))
        build(&state)
        let context = ViewContext(strings: resources.strings, siteName: resources.config.siteName, kioskID: resources.config.kioskID)
        let rect = try #require(render(state, context).hits.first { $0.button == button }?.rect)
        return (rect.x + rect.width / 2, rect.y + rect.height / 2)
    }

    @Test func keypadDigitAndTouchDriveTheRealKioskAndMatchTheSnapshots() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-journey")
        // The keypad digit 1 opens 办事.
        try tmux.sendKeys("1")
        let catalogue = try #require(Built.snapshot("catalogue-100x30"))
        #expect(try await tmux.waitForScreen { $0 == catalogue } == catalogue)
        // A tap (SGR mouse press + release) on 个人服务.
        let target = try Self.center(of: .catalogue(.personal)) { $0.screen = .catalogue; $0.history = [.home] }
        try tmux.tap(x: target.x, y: target.y)
        let list = try #require(Built.snapshot("services-personal-100x30"))
        #expect(try await tmux.waitForScreen { $0 == list } == list)
        // Keypad and touch again: 9 goes home, then a tap on 打印证明.
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        let print = try Self.center(of: .feature(.printProof)) { _ in }
        try tmux.tap(x: print.x, y: print.y)
        #expect(try await tmux.waitForScreen { $0.contains("办理事项：打印证明") }.contains("身份核验"))
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("screen catalogue") && log.contains("screen services-personal"))
    }

    @Test func controlKeysDoNothingInCitizenMode() async throws {
        let (tmux, scratch, _) = try await KioskInTmuxTests.demoAtHome("tmux-ctrl")
        try tmux.sendKeys("C-c")
        try tmux.sendKeys("C-z")
        try tmux.sendKeys("C-\\")
        // Give the keys time to arrive, then prove the kiosk still answers.
        try tmux.sendKeys("1")
        let catalogue = try #require(Built.snapshot("catalogue-100x30"))
        #expect(try await tmux.waitForScreen { $0 == catalogue } == catalogue)
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("exit").path))
        if let pid = await Self.pid(scratch) { #expect(kill(pid, 0) == 0, "the kiosk process is gone") }
    }

    @Test func tooSmallThenRecoversWhenTheTerminalGrows() async throws {
        let (tmux, _, home) = try await KioskInTmuxTests.demoAtHome("tmux-resize")
        try tmux.resize(width: 60, height: 20)
        let small = try #require(Built.snapshot("too-small-60x20"))
        #expect(try await tmux.waitForScreen { $0 == small } == small)
        try tmux.resize(width: 80, height: 24)
        let home80 = try #require(Built.snapshot("home-80x24"))
        #expect(try await tmux.waitForScreen { $0 == home80 } == home80)
        try tmux.resize(width: 100, height: 30)
        #expect(try await tmux.waitForScreen { $0 == home } == home)
    }

    /// SIGTERM (a supervisor stopping the kiosk), a crash signal, and the demo's F10:
    /// each must leave the terminal exactly as it was found.
    @Test(arguments: [("SIGTERM", SIGTERM, "0"), ("SIGSEGV", SIGSEGV, "139"), ("SIGABRT", SIGABRT, "134"), ("F10", 0, "0")])
    func theTerminalIsRestored(_ how: String, _ signal: Int32, _ expectedExit: String) async throws {
        let (tmux, scratch, _) = try await KioskInTmuxTests.demoAtHome("tmux-restore")
        #expect(try tmux.format("#{alternate_on}") == "1")
        if signal == 0 {
            try tmux.sendKeys("F10")
        } else {
            let pid = try #require(await Self.pid(scratch))
            #expect(kill(pid, signal) == 0)
        }
        let exit = await kioskExitStatus(scratch)
        #expect(exit == expectedExit, "\(how)")
        let before = await waitForFile(scratch.appendingPathComponent("stty-before"))
        let after = await waitForFile(scratch.appendingPathComponent("stty-after"))
        #expect(before != nil && before == after, "\(how): terminal modes differ after exit")
        // Out of the alternate screen, mouse reporting off, cursor visible.
        #expect(try tmux.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1", "\(how)")
        // The demo's reader simulator does not outlive the kiosk, even after a crash.
        let deadline = ContinuousClock.now + .seconds(5)
        while Self.processes(mentioning: scratch.path) > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(Self.processes(mentioning: scratch.path) == 0, "\(how): the simulator is still running")
    }

    /// A process's name (`comm`), or nil when it is gone.
    static func command(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The children of a process with a given name.
    static func children(of parent: pid_t, named name: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent && command(of: pid) == name ? pid : nil
        }
    }

    /// The parent of a process (nil once it is gone).
    static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// Processes of a program whose command line mentions a path (not the tmux pane's shell).
    static func processes(mentioning path: String, program: String = "reader sim") -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(program) && line.contains(path)
        }.count
    }
}

/// The demo kiosk identifies a citizen from the reader simulator over a real pty.
@Suite("Identify in the demo kiosk (tmux, simulator)")
struct DemoIdentifyTests {
    @Test func aCardPlacedOnTheSimulatedReaderIdentifiesTheCitizenMasked() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-identify")
        // 办事 → 个人服务 → 社保参保证明打印 → 我要办理.
        try await tmux.press("1", "1", "1")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("社保参保证明打印"))
        try tmux.sendKeys("1")
        // The demo simulator "places" a card after a few polls.
        let identified = try await tmux.waitForScreen { $0.contains("身份核验成功") }
        #expect(identified.contains("1101**********002X") && identified.contains("测试样本"), "\(identified)")
        #expect(!identified.contains("11010519491231002X"))
        #expect(try await tmux.waitForScreen { $0.contains("身份证已取回") }.contains("身份证已取回"))
        // The demo has an e-ID QR scanner too (a serial one played on a pty): its line is open.
        let demoLog = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(demoLog.contains("QR scanner connected: serial \(scratch.path)/qr-scanner") || demoLog.contains("QR scanner connected: serial /dev/pts/"),
                "\(demoLog.suffix(2000))")
        // The form: two choices (证明用途, 查询期间), each a big numbered button.
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("第 1/2 项") }.contains("证明用途"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("第 2/2 项") }.contains("查询期间"))
        try tmux.sendKeys("3")
        // Materials: the ID card was read, so the ID-card e-licence is there (grade A).
        let materials = try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }
        #expect(materials.contains("✓ 电子证照A级，已获取"), "\(materials)")
        try tmux.sendKeys("#")
        // 核对信息: both answers, each with its 修改; then on to the pre-check.
        let review = try await tmux.waitForScreen { $0.contains("核对信息") && $0.contains("下一步：预审") }
        #expect(review.contains("证明用途") && review.contains("查询期间") && review.contains("修改"), "\(review)")
        try tmux.sendKeys("#")
        let precheck = try await tmux.waitForScreen { $0.contains("预审结果") }
        #expect(precheck.contains("预审结果：秒批通过") && precheck.contains("✓"), "\(precheck)")
        // Submitting: 已受理 only once the outbox has it on disk.
        try tmux.sendKeys("1")
        let accepted = try await tmux.waitForScreen { $0.contains("受理编号：") }
        #expect(accepted.contains("已受理") || accepted.contains("受理编号：ZZ"), "\(accepted)")
        let number = try #require(accepted.split(separator: "\n").first { $0.contains("受理编号：") }?
            .components(separatedBy: "受理编号：").last?.trimmingCharacters(in: .whitespaces))
        let queue = try ChildProcess.run([Built.zizhu, "queue", "list"],
                                         environment: ["ZIZHU_HOME": scratch.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(queue.stdout.contains(number) && queue.stdout.contains("pending"), "\(queue.stdout)\(queue.stderr)")
        // The 受理回执 came out of the (emulated) printer through the private cupsd: the
        // number on it, the ID number only masked.
        #expect(try await tmux.waitForScreen { $0.contains("受理回执已打印") }.contains("受理回执已打印"), "\(CUPSReport.demo(scratch))")
        let printed = scratch.appendingPathComponent("run/printer-out")
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: printed.path)) ?? []
        let bytes = jobs.compactMap { FileManager.default.contents(atPath: printed.appendingPathComponent($0).path) }
        #expect(bytes.contains { $0.range(of: Data(number.utf8)) != nil }, "no printed job carries \(number): \(jobs)")
        #expect(!bytes.contains { $0.range(of: Data("11010519491231002X".utf8)) != nil }, "the full ID number was printed")
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("identified by card: 1101**********002X") && log.contains("session ended"))
        #expect(log.contains("application started: social-insurance-certificate")
                && log.contains("precheck social-insurance-certificate=approved"), "\(log)")
        #expect(!log.contains("11010519491231002X") && !log.contains("测试样本"), "personal data in the log")
        // The simulator goes when the kiosk goes.
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 退休一件事 by its number: the demo platform's pension record prefills the contribution
    /// months, and the screen says where the value came from.
    @Test func aBundleFormIsPrefilledFromTheDemoPlatformsElicences() async throws {
        let (tmux, scratch, _) = try await KioskInTmuxTests.demoAtHome("tmux-prefill")
        try await tmux.press("1", "5", "3", "0", "3", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("退休一件事"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("身份核验成功") }.contains("1101**********002X"))
        try tmux.sendKeys("1")
        let form = try await tmux.waitForScreen { $0.contains("已从电子证照") }
        #expect(form.contains("已从电子证照「养老保险缴费记录」获取") && form.contains("312"), "\(form)")
        // # keeps the prefilled value and moves on.
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0.contains("第 2/") }.contains("第 2/"))
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

/// The technician's printer screen in the demo kiosk: the preview comes from the real
/// templates and profile, the test page goes through the private cupsd to the emulated
/// printer, and a fault written into the emulated printer shows up on "check again".
@Suite("Printer diagnostics in the demo kiosk (tmux, private cupsd)")
struct DemoPrinterDiagnosticsTests {
    @Test func previewTestPageAndAFaultThroughTheRealPrinterPath() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-printer-diag")
        // Technician mode (F12 in a demo kiosk): every part checked, the demo's devices working.
        try tmux.sendKeys("F12")
        // The report is taken again when the reader connects (the demo's simulator starts with the kiosk).
        let menu = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("读卡器  ✓ 正常") && !$0.contains("正在检测") }
        #expect(menu.contains("读卡器  ✓ 正常") && menu.contains("服务目录  ✓ 正常"), "\(menu)")
        try tmux.sendKeys("2")
        let shown = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("受理编号：ZZ20261122-0193-4F2A") && $0.contains("ready") }
        #expect(shown.contains("打印机诊断") && shown.contains("纸宽 80 毫米，每行 48 列"), "\(shown)")
        // The test page, through CUPS: the emulated printer receives it.
        try tmux.sendKeys("2")
        let printed = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("测试页已打印") || $0.contains("测试页未打印") }
        #expect(printed.contains("测试页已打印"), "\(printed)\n\(CUPSReport.demo(scratch))")
        let out = scratch.appendingPathComponent("run/printer-out")
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        let received = try jobs.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        let marker = Array(" TEST".utf8)   // the test page's title is "打印测试 TEST"
        #expect(received.contains { Array($0).firstRange(of: marker) != nil }, "no test page among \(jobs)")
        // Paper runs out; "check again" asks the printer and says what citizens are told.
        try "paper-out\n".write(to: scratch.appendingPathComponent("run/printer-state"), atomically: true, encoding: .utf8)
        try tmux.sendKeys("3")
        let fault = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("paper-out") }
        #expect(fault.contains("打印机缺纸"), "\(fault)")
        // The next document, then back to the attract screen.
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("A023") }.contains("排队小票"))
        try tmux.sendKeys("*")
        #expect(try await tmux.waitForScreen { $0.contains("技术人员模式") }.contains("打印机"))
        // 1 读卡器 → 1 试读卡: the demo simulator places its card; the screen shows it masked.
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("安全模块号") }.contains("读卡器已连接"))
        try tmux.sendKeys("1")
        let read = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("读卡成功") || $0.contains("读卡失败") }
        #expect(read.contains("读卡成功") && read.contains("**********"), "\(read)")
        try tmux.sendKeys("Escape")
        try tmux.sendKeys("Escape")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// An operator breaks the catalogue while the kiosk runs: the reload on the technician
    /// screen refuses it with file:line:column, and citizens keep every service.
    @Test func aBrokenCatalogueIsRefusedAndTheLastGoodOneKeepsServing() async throws {
        let scratch = Built.temporaryDirectory("tmux-catalogue")
        let catalogue = scratch.appendingPathComponent("catalogue")
        try FileManager.default.copyItem(at: Built.repository.appendingPathComponent("Kiosk/catalogue"), to: catalogue)
        let config = try String(contentsOf: Built.repository.appendingPathComponent("Kiosk/kiosk.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "catalogue: catalogue", with: "catalogue: \(catalogue.path)")
        try config.write(to: scratch.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        let tmux = Tmux()
        try KioskInTmuxTests.startKiosk(tmux, scratch: scratch)
        let home = try #require(Built.snapshot("home-100x30"))
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // The good catalogue was saved as the last good one.
        let lastGood = scratch.appendingPathComponent("catalogue.last-good/residence-permit.yaml")
        #expect(await waitForFile(lastGood) != nil)
        let file = catalogue.appendingPathComponent("residence-permit.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "field.months_resident >= 6", with: "field.months_resdent >= 6")
            .write(to: file, atomically: true, encoding: .utf8)
        try tmux.sendKeys("F12")
        #expect(try await tmux.waitForScreen { $0.contains("技术人员模式") }.contains("服务目录"))
        try tmux.sendKeys("5")
        #expect(try await tmux.waitForScreen { $0.contains("服务目录正常") }.contains("重新加载服务目录"))
        try tmux.sendKeys("1")
        let refused = try await tmux.waitForScreen { $0.contains("新目录有误") }
        // The problem's file:line:column may wrap across lines on the screen: read it joined.
        let joined = refused.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        #expect(joined.contains("residence-permit.yaml:") && refused.contains("新目录有误未采用") && refused.contains("33"), "\(refused)")
        // Remote support sees the same through zizhu diagnose.
        let diagnosed = try await Run.program(Built.zizhu, ["diagnose", "--json", "--timeout", "1"],
                                              environment: ["ZIZHU_HOME": scratch.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(diagnosed.stdout.contains("\"area\" : \"catalogue\"") && diagnosed.stdout.contains("months_resdent"), "\(diagnosed.stdout)")
        // Citizens still find the service the broken file describes.
        try tmux.sendKeys("Escape")
        try tmux.sendKeys("Escape")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        try await tmux.press("1", "5", "1", "0", "6", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("居住证申领"))
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("catalogue not loaded") && log.contains("months_resdent"), "\(log)")
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 取号 on the demo kiosk: the ticket goes through the private cupsd to the emulated
    /// printer and only then counts; out of paper, no number is taken. (A ticket that fails
    /// while printing voids its number: `ticketNumbersRollOverAtLocalMidnightAndOnlyPrintedOnesCount`.)
    @Test func aQueueTicketCountsOnlyOnceItPrinted() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-ticket")
        try tmux.sendKeys("3")
        #expect(try await tmux.waitForScreen { $0.contains("请选择要办理的业务") }.contains("A  社保医保"))
        try tmux.sendKeys("1")
        let issued = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(issued.contains("A001") && issued.contains("前面还有 0 人"), "\(issued)\n\(CUPSReport.demo(scratch))")
        let out = scratch.appendingPathComponent("run/printer-out")
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(jobs.compactMap { FileManager.default.contents(atPath: out.appendingPathComponent($0).path) }
            .contains { $0.range(of: Data("A001".utf8)) != nil }, "no printed ticket carries A001: \(jobs)")
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // Out of paper: told, and no number taken.
        try "paper-out\n".write(to: scratch.appendingPathComponent("run/printer-state"), atomically: true, encoding: .utf8)
        try await tmux.press("3")
        try tmux.sendKeys("2")
        let refused = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(refused.contains("未能出票，未占用号码") && refused.contains("缺纸"), "\(refused)")
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // Paper back: the printer was asked before a number was reserved, so none was taken.
        try "ok\n".write(to: scratch.appendingPathComponent("run/printer-state"), atomically: true, encoding: .utf8)
        try await tmux.press("3")
        try tmux.sendKeys("2")
        let next = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(next.contains("B001"), "\(next)\n\(CUPSReport.demo(scratch))")
        let queue = try ChildProcess.run([Built.zizhu, "queue", "list"],
                                         environment: ["ZIZHU_HOME": scratch.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(queue.stdout.split(separator: "\n").filter { $0.contains("\tticket\t") }.count == 2, "\(queue.stdout)")
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 取号 typed in one go, as a hurried citizen (or the soak) does: the printer check of the
    /// category screen and the ticket's print both ask for the printer while the demo's
    /// private cupsd is still starting. One cupsd starts, and a supervisor's SIGTERM stops it.
    @Test func aHurriedFirstTicketStartsOnePrivateCUPSAndSIGTERMStopsIt() async throws {
        let (tmux, scratch, _) = try await KioskInTmuxTests.demoAtHome("tmux-hurried-ticket")
        try tmux.sendKeys("3")
        try tmux.sendKeys("1")
        let issued = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(issued.contains("A001"), "\(issued)\n\(CUPSReport.demo(scratch))")
        // One cupsd, however many asked for the printer at once.
        let pid = try #require(await Self.pid(scratch))
        let cupsds = Self.children(of: pid, named: "cupsd")
        #expect(cupsds.count == 1, "the kiosk runs \(cupsds.count) private cupsd")
        let server = try #require(KioskStatusFile.running(home: scratch)?.printerServer)
        let folder = URL(fileURLWithPath: server).deletingLastPathComponent().path
        // Stopped by its supervisor (SIGTERM), the demo kiosk takes them with it.
        #expect(kill(pid, SIGTERM) == 0)
        #expect(await kioskExitStatus(scratch) == "0")
        func alive() -> [pid_t] { cupsds.filter { Self.command(of: $0) == "cupsd" } }
        let deadline = ContinuousClock.now + .seconds(5)
        while !alive().isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(alive().isEmpty, "a private cupsd outlived the kiosk")
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}

/// Technician mode on a production kiosk: Shift+F12, the PIN typed on the keypad, a wrong
/// PIN told and counted, the right one opening the menu with the real checks.
@Suite("Technician mode on a production kiosk (tmux)")
struct TechnicianModeInTmuxTests {
    @Test func theChordAndThePINOpenTheMenuAndAWrongPINIsCounted() async throws {
        let scratch = Built.temporaryDirectory("tmux-technician")
        let stored = try TechnicianLock.hash("246810")
        try SyncFaultTests.writeConfig(scratch, [
            "catalogue: catalogue": "catalogue: \(Built.repository.path)/Kiosk/catalogue\ntechnician:\n  pin_hash: \"\(stored.text)\"",
        ])
        let tmux = Tmux()
        try tmux.start("echo $$ > \(scratch.path)/pid; exec env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(scratch.path) "
                       + "CUPS_SERVER=\(scratch.path)/no-cups.sock \(Built.zizhu) run")
        #expect(try await tmux.waitForScreen { $0.contains("请选择您要办理的业务") || $0.contains("办事") }.contains("办事"))
        // F12 alone does nothing in production: the next key still acts on the attract screen.
        try tmux.sendKeys("F12")
        try await tmux.press("1")
        let after = try tmux.capture()
        #expect(!after.contains("技术人员") && after.contains("个人服务"), "\(after)")
        try await tmux.press("Escape")
        try tmux.sendKeys("S-F12")
        #expect(try await tmux.waitForScreen { $0.contains("技术人员登录") }.contains("请输入 6 至 12 位 PIN"))
        for key in ["1", "1", "1", "1", "1", "1"] { try tmux.sendKeys(key) }
        let typed = try await tmux.waitForScreen { $0.contains("* * * * * *") }
        #expect(!typed.contains("111111"))
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0.contains("PIN 错误") }.contains("再错 4 次将锁定"))
        for key in ["2", "4", "6", "8", "1", "0", "#"] { try tmux.sendKeys(key) }
        let menu = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("检测时间") }
        // No reader plugged in and no CUPS here: both are reported failed, and so is the whole kiosk.
        #expect(menu.contains("读卡器  ✗ 故障") && menu.contains("打印机  ✗ 故障") && menu.contains("有部件故障"), "\(menu)")
        try tmux.sendKeys("6")
        #expect(try await tmux.waitForScreen { $0.contains("存储空间充足") }.contains(scratch.path.prefix(20)))
        try tmux.sendKeys("Escape")
        try tmux.sendKeys("Escape")
        #expect(try await tmux.waitForScreen { !$0.contains("技术人员") }.contains("办事"))
        let lock = try String(contentsOf: scratch.appendingPathComponent("technician-lock.json"), encoding: .utf8)
        #expect(lock.contains("\"failures\":0"), "the right PIN cleared the count: \(lock)")
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("technician PIN wrong (4 tries left)") && !log.contains("246810") && !log.contains("111111"))
        if let pid = await KioskInTmuxTests.pid(scratch) { kill(pid, SIGTERM) }
    }
}

extension KioskInTmuxTests {
    /// The outbox cannot be opened (its database path is a folder): the attract screen
    /// says 办事 is paused and 1 shows 暂停服务 instead of a journey that could not be kept.
    @Test func aKioskWithoutStorageSaysOutOfServiceBeforeAJourneyStarts() async throws {
        let scratch = Built.temporaryDirectory("tmux-out-of-service")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("outbox.sqlite"), withIntermediateDirectories: true)
        let tmux = Tmux()
        try KioskInTmuxTests.startKiosk(tmux, scratch: scratch)
        #expect(try await tmux.waitForScreen { $0.contains("本机暂停办理业务") }.contains("终端存储不可用"))
        try tmux.sendKeys("1")
        // Waited for to its last line: a loaded machine can leave tmux a half-drawn frame.
        let paused = try await tmux.waitForScreen { $0.contains("暂停服务") && $0.contains("人工服务窗口") }
        #expect(paused.contains("人工服务窗口") && !paused.contains("个人办事"), "\(paused)")
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("outbox unavailable") && log.contains("out of service"))
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 语音提示 in the running kiosk: with audio on, the queue screen's prompt is spoken by
    /// espeak-ng (recorded to WAV files here instead of a speaker).
    @Test func withAudioOnTheKioskSpeaksTheScreenPrompt() async throws {
        let scratch = Built.temporaryDirectory("tmux-speech")
        let prompts = scratch.appendingPathComponent("prompts")
        try SyncFaultTests.writeConfig(scratch, [
            "catalogue: catalogue": "catalogue: \(Built.repository.path)/Kiosk/catalogue\naudio:\n  speak: true\n  output: \(prompts.path)",
        ])
        let tmux = Tmux()
        try KioskInTmuxTests.startKiosk(tmux, scratch: scratch)
        #expect(try await tmux.waitForScreen { $0.contains("取号") }.contains("办事"))
        // The attract screen at start-up is not spoken; the queue screen a person opens is.
        try tmux.sendKeys("3")
        #expect(try await tmux.waitForScreen { $0.contains("请选择要办理的业务") }.contains("取号"))
        let wav = prompts.appendingPathComponent("prompt-0001.wav")
        var size = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let now = (try? FileManager.default.attributesOfItem(atPath: wav.path)[.size] as? Int) ?? 0
            if now > 44 && now == size { break }   // written and no longer growing
            size = now
            try await Task.sleep(for: .milliseconds(300))
        }
        let wave = try WaveFile(try Data(contentsOf: wav))
        #expect(wave.seconds > 1 && wave.seconds < 10 && wave.rms > 300, "\(wave.seconds) s, RMS \(wave.rms)")
        #expect(!FileManager.default.fileExists(atPath: prompts.appendingPathComponent("prompt-0002.wav").path))
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 打印证明 in the demo kiosk: the simulator's card, the demo platform's proofs, the
    /// chosen one through the private cupsd to the emulated printer, with its verification
    /// code on screen and on paper and the ID number masked on both.
    @Test func printAProofFromCardToPaper() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-proofs")
        try tmux.sendKeys("2")
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }.contains("办理事项：打印证明"))
        try tmux.sendKeys("1")
        let list = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("1  社会保险个人参保证明") }
        #expect(list.contains("1101**********002X") && !list.contains("11010519491231002X"), "\(list)")
        try tmux.sendKeys("1")
        let printed = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("已打印") || $0.contains("未能打印") }
        #expect(printed.contains("「社会保险个人参保证明」已打印") && printed.contains("验证码 DEMO-"), "\(printed)\n\(CUPSReport.demo(scratch))")
        let code = try #require(printed.split(separator: " ").first { $0.hasPrefix("DEMO-") }.map { String($0.prefix(15)) })
        let out = scratch.appendingPathComponent("run/printer-out")
        let jobs = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let paper = try jobs.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(paper.contains { Array($0).firstRange(of: Array(code.utf8)) != nil }, "no job carries \(code): \(jobs)")
        #expect(paper.contains { Array($0).firstRange(of: Array("1101**********002X".utf8)) != nil })
        #expect(!paper.contains { Array($0).firstRange(of: Array("11010519491231002X".utf8)) != nil })
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// 预约签到 in the demo kiosk: the code finds today's appointment, check-in prints AY01
    /// through the private cupsd; the same person's ID card then finds it already checked
    /// in; a walk-in ticket counts the checked-in appointment ahead of it.
    @Test func appointmentCheckInByCodeThenByCardThenAWalkIn() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-appointment")
        try tmux.sendKeys("4")
        #expect(try await tmux.waitForScreen { $0.contains("请输入 6 位预约码") }.contains("预约签到"))
        for key in ["2", "6", "0", "3", "1", "5", "#"] { try tmux.sendKeys(key) }
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("签到取号：社保医保 10:30") }.contains("优先叫号"))
        try tmux.sendKeys("1")
        let ticket = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("AY01") || $0.contains("未能出票") }
        #expect(ticket.contains("AY01") && ticket.contains("预约号优先叫号"), "\(ticket)\n\(CUPSReport.demo(scratch))")
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // 刷身份证: the demo simulator places 测试样本's card; her appointment is found, and already used.
        try tmux.sendKeys("4")
        #expect(try await tmux.waitForScreen { $0.contains("刷身份证") }.contains("预约签到"))
        let cardButton = try Self.center(of: .lookUpByCard) { $0.screen = .appointment(typed: ""); $0.history = [.home] }
        try tmux.tap(x: cardButton.x, y: cardButton.y)
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("签到取号：社保医保 10:30") }.contains("预约签到"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("未能出票") }.contains("该预约今天已签到取号"))
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // A walk-in in the same queue has the checked-in appointment ahead.
        try tmux.sendKeys("3")
        #expect(try await tmux.waitForScreen { $0.contains("社保医保") }.contains("取号"))
        try tmux.sendKeys("1")
        let walkIn = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("A001") || $0.contains("未能出票") }
        #expect(walkIn.contains("A001") && walkIn.contains("前面还有 1 人"), "\(walkIn)\n\(CUPSReport.demo(scratch))")
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}

extension KioskInTmuxTests {
    /// The demo's private cupsd dies (SIGKILL) while a queue ticket is printing: the citizen
    /// is told the printing service is down and the number is void (never issued), the
    /// kiosk starts cupsd again, the job cupsd restarts is not printed a second time, and
    /// the next ticket prints with the next number — nobody touched anything.
    @Test func cupsdKilledMidTicketVoidsTheNumberAndPrintingResumes() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-cupsd-crash")
        let state = scratch.appendingPathComponent("run/printer-state")
        // A slow printer: the ticket is still on its way when cupsd dies.
        try "slow\n".write(to: state, atomically: true, encoding: .utf8)
        try tmux.sendKeys("3")
        #expect(try await tmux.waitForScreen { $0.contains("请选择要办理的业务") }.contains("A  社保医保"))
        try tmux.sendKeys("1")
        // This kiosk's backend is sending ticket A001 (its title is one of the backend's
        // arguments; other tests print an "A001" at the same time, through their own cupsd).
        let pid = try #require(await Self.pid(scratch))
        func sendingBackend() -> pid_t? {
            guard let cupsd = Self.children(of: pid, named: "cupsd").first else { return nil }
            return CUPSReport.processes(withArgument: "ticket A001").first { Self.parent(of: $0) == cupsd }
        }
        let sending = ContinuousClock.now + .seconds(60)
        while sendingBackend() == nil && ContinuousClock.now < sending {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(sendingBackend() != nil, "ticket A001 never reached the backend\n\(CUPSReport.demo(scratch))")
        let cupsd = try #require(Self.children(of: pid, named: "cupsd").first, "no private cupsd\n\(CUPSReport.demo(scratch))")
        #expect(kill(cupsd, SIGKILL) == 0)
        let refused = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(refused.contains("未能出票，未占用号码") && refused.contains("打印服务暂时中断"), "\(refused)\n\(CUPSReport.demo(scratch))")
        let none = try ChildProcess.run([Built.zizhu, "queue", "list"], environment: ["ZIZHU_HOME": scratch.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(!none.stdout.contains("\tticket\t"), "a ticket was issued: \(none.stdout)")
        // The kiosk noticed how cupsd ended and started it again.
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("printer service down") && log.contains("killed by signal 9 (SIGKILL)") && log.contains("started again"),
                "\(log)")
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        // The next citizen: printing has resumed by itself, with the next number.
        try "ok\n".write(to: state, atomically: true, encoding: .utf8)
        try await tmux.press("3")
        try tmux.sendKeys("1")
        let next = try await tmux.waitForScreen(timeout: .seconds(60)) { KioskInTmuxTests.ticketAnswered($0) }
        #expect(next.contains("A002"), "\(next)\n\(CUPSReport.demo(scratch))")
        let out = scratch.appendingPathComponent("run/printer-out")
        // A001 reached the paper at most once (the killed cupsd's backend finished sending it;
        // the restarted cupsd's second try was cancelled), A002 once.
        func copies(_ number: String) -> Int {
            let jobs = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            return jobs.compactMap { FileManager.default.contents(atPath: out.appendingPathComponent($0).path) }
                .filter { $0.range(of: Data(number.utf8)) != nil }.count
        }
        #expect(copies("A002") == 1, "\(CUPSReport.demo(scratch))")
        // Every job the restarted cupsd holds has ended: a second A001 would be out by now.
        let server = try #require(KioskStatusFile.running(home: scratch)?.printerServer)
        let settled = ContinuousClock.now + .seconds(30)
        var pending = "?"
        while !pending.isEmpty && ContinuousClock.now < settled {
            pending = (try? ChildProcess.run(["/usr/bin/lpstat", "-o"], environment: ["CUPS_SERVER": server, "PATH": "/usr/bin:/bin"]))?
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(pending.isEmpty, "jobs still pending: \(pending)\n\(CUPSReport.demo(scratch))")
        #expect(copies("A001") <= 1, "A001 printed \(copies("A001")) times\n\(CUPSReport.demo(scratch))")
        let issued = try ChildProcess.run([Built.zizhu, "queue", "list"], environment: ["ZIZHU_HOME": scratch.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(issued.stdout.split(separator: "\n").filter { $0.contains("\tticket\t") }.count == 1, "\(issued.stdout)")
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
    }
}
