// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

/// 社保参保证明打印 identified with the 社保卡 in the real demo kiosk: the card goes into the
/// vsmartcard reader of the demo's private pcscd (through `$ZIZHU_HOME/run/sscard-control`),
/// the kiosk reads it through libpcsclite, and the application runs to 已受理 on it.
@Suite("社保卡 in the demo kiosk (tmux, pcscd, vsmartcard)")
struct SocialSecurityCardJourneyTests {
    /// One control line to a simulator's FIFO (made by the simulator once it runs).
    static func say(_ line: String, to fifo: URL) async throws {
        #expect(await waitForFile(fifo) != nil || FileManager.default.fileExists(atPath: fifo.path), "no \(fifo.path)")
        let handle = try #require(FileHandle(forWritingAtPath: fifo.path))
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }

    @Test func aSocialSecurityCardIdentifiesForASocialInsuranceServiceAndIsTheMaterial() async throws {
        let (tmux, scratch, home) = try await KioskInTmuxTests.demoAtHome("tmux-sscard")
        let run = scratch.appendingPathComponent("run")
        // The demo's ID card simulator places a card by itself: not this time.
        try await Self.say("auto off", to: run.appendingPathComponent("reader-control"))
        // 办事 → 个人服务 → 社保参保证明打印: the guide's materials name the 社保卡.
        try await tmux.press("1", "1", "1")
        let guide = try await tmux.waitForScreen { $0.contains("我要办理") }
        #expect(guide.contains("本人社会保障卡（可用电子证照，A级及以上）"), "\(guide)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区，或插入社保卡") }.contains("社保参保证明打印"))

        // Taken out again after three APDUs: the citizen is told, nothing is identified.
        let control = run.appendingPathComponent("sscard-control")
        try await Self.say("insert 1 pull-after 3", to: control)
        let pulled = try await tmux.waitForScreen { $0.contains("读卡未完成时社保卡被取出") }
        #expect(pulled.contains("重新读卡") && !pulled.contains("社保卡读取成功"), "\(pulled)")
        try tmux.sendKeys("1")   // 重新读卡
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区，或插入社保卡") }

        // The card read whole: the holder, the number masked, the card named as such.
        try await Self.say("insert 1", to: control)
        let identified = try await tmux.waitForScreen { $0.contains("社保卡读取成功") }
        #expect(identified.contains("演示用户") && identified.contains("4401**********0019") && identified.contains("社会保障卡"), "\(identified)")
        #expect(!identified.contains("440106198806150019"))
        try await Self.say("remove", to: control)
        #expect(try await tmux.waitForScreen { $0.contains("社保卡已取回") }.contains("社保卡已取回"))

        // The form, then the materials: the 社保卡 the kiosk read is the material (grade A).
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("第 1/2 项") }
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("第 2/2 项") }
        try tmux.sendKeys("3")
        let materials = try await tmux.waitForScreen { $0.contains("申请材料") && $0.contains("下一步：核对信息") }
        #expect(materials.contains("本人社会保障卡") && materials.contains("✓ 电子证照A级，已获取"), "\(materials)")
        #expect(!materials.contains("本人居民身份证"), "the ID card is not asked for when the 社保卡 identified")
        try tmux.sendKeys("#")
        _ = try await tmux.waitForScreen { $0.contains("核对信息") && $0.contains("下一步：预审") }
        try tmux.sendKeys("#")
        let precheck = try await tmux.waitForScreen { $0.contains("预审结果") }
        #expect(precheck.contains("预审结果：秒批通过"), "\(precheck)")
        try tmux.sendKeys("1")
        let accepted = try await tmux.waitForScreen { $0.contains("受理编号：") }
        #expect(accepted.contains("秒批通过"), "\(accepted)")
        let queue = try ChildProcess.run([Built.zizhu, "queue", "list"],
                                         environment: ["ZIZHU_HOME": scratch.path, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(queue.stdout.contains("social-insurance-certificate") && queue.stdout.contains("pending"), "\(queue.stdout)\(queue.stderr)")
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0 == home } == home)

        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("identified by 社保卡: 4401**********0019") && log.contains("社保卡 not read: card removed during the read"), "\(log)")
        #expect(!log.contains("440106198806150019") && !log.contains("演示用户"), "personal data in the log")
        // The emulation (and its pcscd) goes when the kiosk goes.
        try await KioskInTmuxTests.quitDemo(tmux, scratch)
        let left = try await Run.program("/usr/bin/pgrep", ["-af", run.appendingPathComponent("sscard").path], environment: [:])
        #expect(left.status == 1, "still running after the kiosk quit: \(left.stdout)")
    }
}
