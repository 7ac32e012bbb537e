// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuKiosk
import ZizhuProcess

/// 身份核验 by e-ID code on a production kiosk in tmux: a serial QR scanner (`zizhu qr sim` on
/// a real pseudo-terminal) and `zizhu-central` verifying the demo codes. An expired code is
/// told to refresh, a valid one identifies 演示用户 (masked) and the application starts; with
/// the platform gone the screen says plainly that the code cannot be checked now and offers
/// the ID card.
@Suite("e-ID code identification through the real kiosk and platform", .serialized)
struct IdentityCodeJourneyTests {
    @Test func aScannedCodeIdentifiesThroughThePlatformAndOfflineTheCardIsOffered() async throws {
        let rig = try await ProductionRig(records: true, qrScanner: true, socialSecurityCard: false)
        defer { rig.stop() }
        let (scratch, home) = (rig.scratch, rig.home)
        let tmux = try await rig.startKiosk()

        try await tmux.press("1", "5", "1", "0", "8", "#")
        #expect(try await tmux.waitForScreen { $0.contains("我要办理") }.contains("边境旅游出入境通行证"))
        try tmux.sendKeys("1")
        let waiting = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        #expect(waiting.contains("电子身份证或粤省事身份码"), "\(waiting)")

        // An expired code: refresh it, or use the card.
        try rig.scan("demo 3")
        let expired = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("已过期") || $0.contains("核验成功") }
        #expect(expired.contains("此电子身份码已过期") && expired.contains("重新读卡"), "\(expired)")
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        // A misread scan says so.
        try rig.scan("garble")
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("没有读完整") }.contains("重新扫码"))
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        // The valid code: 演示用户, masked, verified by the platform.
        try rig.scan("demo 1")
        let identified = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("核验成功") || $0.contains("无法") }
        #expect(identified.contains("电子身份码核验成功") && identified.contains("4401**********0019") && identified.contains("演示用户")
                && identified.contains("电子身份证（政务平台核验）"), "\(identified)")
        #expect(!identified.contains("440106198806150019"))
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("前往地区") }.contains("第 1/"))

        // The platform gone: the code cannot be checked; the ID card is offered.
        await rig.central.kill()
        try tmux.sendKeys("9")
        #expect(try await tmux.waitForScreen { $0.contains("欢迎使用") }.contains("办事"))
        try await tmux.press("1", "5", "1", "0", "8", "#")
        _ = try await tmux.waitForScreen { $0.contains("我要办理") }
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        try rig.scan("demo 1")
        let offline = try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("无法核验") || $0.contains("核验成功") }
        #expect(offline.contains("电子身份码现在无法核验，请使用身份证") && !offline.contains("核验成功"), "\(offline)")
        // The card still works.
        try tmux.sendKeys("1")
        _ = try await tmux.waitForScreen { $0.contains("请将身份证放在读卡区") }
        try rig.say("place 2")
        #expect(try await tmux.waitForScreen(timeout: .seconds(30)) { $0.contains("身份核验成功") }.contains("4401**********0019"))

        // The codes never reached the log whole.
        let log = try String(contentsOf: home.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("QR code scanned: ZZEI…(39 chars)") && !log.contains("7F3A91C2") && !log.contains("0LD0C0DE"), "\(log.suffix(3000))")
        if let pid = await KioskInTmuxTests.pid(scratch) { kill(pid, SIGTERM) }
    }
}
