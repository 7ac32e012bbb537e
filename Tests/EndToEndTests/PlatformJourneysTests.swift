// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import DocumentCapture
import ZizhuKiosk
import ZizhuProcess

/// The journeys that ask the platform, on a production kiosk (not demo): the reader
/// simulator on a pseudo-terminal as a serial reader, a private cupsd with the emulated
/// printer, and a local `zizhu-central` serving the records file — 打印证明 with a real
/// verification code, 预约签到 by code, and 查询进度 by ID card.
/// A production kiosk's home with real parts around it: the reader simulator on a pty
/// (configured as a serial reader, cards placed through its control FIFO), a private cupsd
/// with the emulated printer, and a local `zizhu-central` the kiosk is enrolled with.
final class ProductionRig {
    let printer: PrinterCommandTests.Rig
    let central: SyncFaultTests.Central
    let simulator: pid_t
    let home: URL
    let link: String
    let control: String
    /// The e-ID QR scanner's simulator (`zizhu qr sim`) and its control FIFO, when asked for.
    var qrScanner: (pid: pid_t, control: String)?
    /// The document scanner (SANE's test backend, configured under the scratch folder), when asked for.
    var documentScanner: SaneTestBackend?
    var scratch: URL { printer.folder }
    /// What the kiosk's processes need in their environment (libsane's config folder).
    var deviceEnvironment: [String: String] { documentScanner?.environment ?? [:] }

    init(records: Bool = false, qrScanner: Bool = false, socialSecurityCard: Bool = true, documentScanner: Bool = false) async throws {
        printer = try await PrinterCommandTests.Rig()
        let scratch = printer.folder
        home = scratch.appendingPathComponent("home")
        link = scratch.appendingPathComponent("reader").path
        control = scratch.appendingPathComponent("reader-control").path
        simulator = try ChildProcess.spawn(
            [Built.zizhu, "reader", "sim", "--cards", try ReaderOverPTYTests.cardsFile(in: scratch).path, "--link", link, "--control", control],
            environment: ["PATH": "/usr/bin:/bin"],
            stdio: .files(stdout: scratch.appendingPathComponent("sim.out").path, stderr: scratch.appendingPathComponent("sim.err").path))
        central = SyncFaultTests.Central(scratch: scratch)
        if records {
            central.extraArguments = ["--records", Built.repository.appendingPathComponent("Devices/simulator/demo-records.yaml").path,
                                      "--identity-codes", Built.repository.appendingPathComponent("Devices/simulator/demo-identity-codes.yaml").path]
        }
        try await central.start()
        // `socialSecurityCard: false` leaves the 社保卡 reader out: the kiosk would read the
        // machine's own pcscd, where another test's virtual card may come and go (and its
        // removal would land on this kiosk's identify screen).
        var cardReaders = socialSecurityCard ? ["social_security_card:\n  profile: gen3"] : []
        if qrScanner {
            let sim = try await QRScannerCommandTests.simulator(scratch)
            self.qrScanner = (sim.pid, sim.control)
            cardReaders.append("qr_scanner:\n  profile: serial\n  port: \(sim.link)")
        }
        if documentScanner {
            self.documentScanner = try SaneTestBackend(folder: scratch.appendingPathComponent("sane"))
            cardReaders.append("document_scanner:\n  profile: demo")
        }
        try SyncFaultTests.writeConfig(home, [
            "social_security_card:\n  profile: gen3": cardReaders.joined(separator: "\n"),
            "profile: usb-0400-c35a": "profile: serial\n  port: \(link)",
            "catalogue: catalogue": "catalogue: \(Built.repository.path)/Kiosk/catalogue",
            "  profile: 80mm": "  profile: 80mm\n  server: \(printer.cups.socketPath)",
        ])
        try await SyncFaultTests.enrol(home, with: central)
    }

    /// Writes a line to the simulator's control FIFO (`place 2`, `remove`).
    func say(_ line: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: control))
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }

    /// The production kiosk (`zizhu run` with this rig's home) in a new tmux, on its home screen.
    func startKiosk() async throws -> Tmux {
        let tmux = Tmux()
        let devices = deviceEnvironment.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        try tmux.start("echo $$ > \(scratch.path)/pid; exec env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(home.path) \(devices) \(Built.zizhu) run")
        #expect(try await tmux.waitForScreen { $0.contains("欢迎使用") }.contains("办事"))
        return tmux
    }

    /// 办事 → 按编号 `code` → 我要办理 → card 2 (演示用户) on the reader → 身份核验成功 → on to
    /// the application's first screen.
    func beginApplication(_ code: String, named service: String, on tmux: Tmux) async throws {
        try await tmux.press("1", "5")
        for digit in code { try await tmux.press(String(digit)) }
        try await tmux.press("#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains(service))
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        try say("place 2")
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }.contains("4401**********0019"))
        try tmux.sendKeys("1")
    }

    /// A line to the QR scanner simulator (`demo 1`, `scan TEXT`, `garble`, `unplug`).
    func scan(_ line: String) throws {
        guard let qrScanner else { return }
        try QRScannerCommandTests.say(line, to: qrScanner.control)
    }

    func stop() {
        if let qrScanner { ChildProcess.stop(qrScanner.pid) }
        ChildProcess.stop(simulator)
        let pid = central.pid
        Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start()
        printer.stop()
    }
}

@Suite("Platform journeys on a production kiosk (tmux, pty reader, private cupsd, zizhu-central)", .serialized)
struct PlatformJourneysTests {
    @Test func proofAppointmentAndProgressByCardThroughThePlatform() async throws {
        let rig = try await ProductionRig(records: true)
        defer { rig.stop() }
        let (printer, scratch, home) = (rig.printer, rig.scratch, rig.home)
        // An application by 演示用户 reaches the platform first (the case progress-by-card finds).
        let submitted = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
        #expect(submitted.status == 0, "\(submitted.stdout)\(submitted.stderr)")
        let number = try #require(submitted.stdout.split(separator: " ").first { $0.hasPrefix("ZZ") }.map(String.init))
        #expect(try await SyncFaultTests.zizhu(["sync", "--now"], home: home).status == 0)

        func say(_ line: String) throws { try rig.say(line) }
        let tmux = try await rig.startKiosk()

        // 打印证明: card 2 (演示用户); the platform's proofs; one printed with its verification code.
        try tmux.sendKeys("2")
        #expect(try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }.contains("打印证明"))
        try say("place 2")
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }.contains("4401**********0019"))
        try tmux.sendKeys("1")
        let list = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("2  个人所得税纳税记录") || $0.contains("暂时无法连接") }
        #expect(list.contains("1  社会保险个人参保证明"), "\(list)")
        try tmux.sendKeys("2")
        let printed = try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("已打印") || $0.contains("未能打印") }
        #expect(printed.contains("「个人所得税纳税记录」已打印") && printed.contains("验证码") && !printed.contains("DEMO-"),
                "\(printed)\n\(rig.printer.cups.report())")
        try say("remove")
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0.contains("欢迎使用") }.contains("办事"))

        // 预约签到 by code, answered by the platform.
        try tmux.sendKeys("4")
        #expect(try await tmux.waitForScreen { $0.contains("预约码") }.contains("预约签到"))
        for key in ["2", "6", "0", "3", "1", "5", "#"] { try tmux.sendKeys(key) }
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("签到取号：社保医保 10:30") || $0.contains("暂时无法") }
            .contains("签到取号：社保医保 10:30"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("AY01") || $0.contains("未能出票") }.contains("预约号优先叫号"),
                "\(rig.printer.cups.report())")
        try tmux.sendKeys("#")
        #expect(try await tmux.waitForScreen { $0.contains("欢迎使用") }.contains("办事"))

        // 查询进度 by ID card: the case submitted above, from the platform.
        try tmux.sendKeys("5")
        #expect(try await tmux.waitForScreen { $0.contains("刷身份证") }.contains("查询进度"))
        let cardButton = try KioskInTmuxTests.center(of: .lookUpByCard) { $0.screen = .progressLookup(typed: ""); $0.history = [.home] }
        try tmux.tap(x: cardButton.x, y: cardButton.y)
        #expect(try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }.contains("查询进度"))
        try say("place 2")
        let cases = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("您的办件") || $0.contains("没有您的办件") || $0.contains("无法连接") }
        #expect(cases.contains("您的办件（最近 1 件）") && cases.contains(number), "\(cases)")
        try say("remove")

        // Paper: the proof (verification code, masked number) and the appointment ticket reached the printer.
        let jobs = try FileManager.default.contentsOfDirectory(atPath: printer.jobs.path)
        let paper = try jobs.map { try Data(contentsOf: printer.jobs.appendingPathComponent($0)) }
        #expect(paper.contains { Array($0).firstRange(of: Array("4401**********0019".utf8)) != nil })
        #expect(paper.contains { Array($0).firstRange(of: Array("AY01".utf8)) != nil })
        #expect(!paper.contains { Array($0).firstRange(of: Array("440106198806150019".utf8)) != nil })
        // The proof's QR (the 80 mm printer draws it natively, so its text is in the job)
        // carries the platform's seal; checked offline with the platform's key it is genuine
        // and certifies the masked number only.
        let sealText = paper.lazy.compactMap { job -> String? in
            guard let start = Array(job).firstRange(of: Array("ZP1.".utf8))?.lowerBound else { return nil }
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".utf8)
            return String(decoding: job[start...].prefix { allowed.contains($0) }, as: UTF8.self)
        }.first
        let seal = try #require(sealText, "no sealed QR on the printed proof")
        let verified = try await ChildProcess.runDetached(
            [Built.central, "proof", "verify", seal, "--proof-key", scratch.appendingPathComponent("proof.key").path],
            environment: ProcessInfo.processInfo.environment)
        #expect(verified.status == 0 && verified.stdout.hasPrefix("genuine") && verified.stdout.contains("4401**********0019"),
                "\(verified.stdout)\(verified.stderr)")
        // One character of the signature changed (in its middle, so every bit of it counts).
        var characters = Array(seal)
        let middle = characters.count - 43
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        let forged = String(characters)
        let refused = try await ChildProcess.runDetached(
            [Built.central, "proof", "verify", forged, "--proof-key", scratch.appendingPathComponent("proof.key").path],
            environment: ProcessInfo.processInfo.environment)
        #expect(refused.status == 1 && refused.stdout.contains("NOT GENUINE"), "\(refused.stdout)\(refused.stderr)")
        // The check-in reached the platform: the kiosk synced it after printing, and the
        // platform's acknowledgement confirmed it in the outbox.
        var synced = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            synced = try await SyncFaultTests.zizhu(["queue", "list"], home: home).stdout
            if synced.split(separator: "\n").contains(where: { $0.contains("\tticket\tconfirmed\tappointment:social_insurance") }) { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(synced.contains("\tticket\tconfirmed\tappointment:social_insurance"), "\(synced)")
        if let pid = await KioskInTmuxTests.pid(scratch) { kill(pid, SIGTERM) }
    }
}
