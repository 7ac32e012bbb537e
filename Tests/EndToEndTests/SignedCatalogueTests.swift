// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuOutbox
import ZizhuProcess
import ZizhuTestSupport
import ZizhuWire

/// An operator's catalogue-signing key, made and used with the real `zizhu-central catalogue`
/// commands (offline: the platform is given only the public key).
struct CatalogueOperator {
    let key: String
    let publicKey: String

    init(_ scratch: URL, name: String) async throws {
        key = scratch.appendingPathComponent("\(name).catalogue.key").path
        let made = try await Self.central(["catalogue", "keygen", "--key", key])
        #expect(made.status == 0, "\(made.stderr)")
        publicKey = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let mode = (try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600, "the private key is mode \(String(mode, radix: 8))")
    }

    /// `catalogue sign FOLDER --number N`; the signature lands in FOLDER/.signature.json.
    @discardableResult
    func sign(_ folder: URL, number: Int, signer: String = "省政务办 测试员", endorsements: [String] = []) async throws -> String {
        let signed = try await Self.central(["catalogue", "sign", folder.path, "--key", key, "--number", String(number), "--signer", signer]
                                            + endorsements.flatMap { ["--endorsement", $0] })
        #expect(signed.status == 0 && signed.stdout.contains("signed as version \(number)"), "\(signed.stdout)\(signed.stderr)")
        return signed.stdout
    }

    /// This (old) key vouches for `successor`'s public key: the endorsement file's path.
    func endorse(_ successor: CatalogueOperator, in scratch: URL) async throws -> String {
        let out = scratch.appendingPathComponent("endorsement-\(successor.publicKey.prefix(6).filter(\.isLetter)).json").path
        let made = try await Self.central(["catalogue", "endorse", "--key", key, "--new-public-key", successor.publicKey, "--out", out])
        #expect(made.status == 0, "\(made.stderr)")
        return out
    }

    static func central(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await ChildProcess.runDetached([Built.central] + arguments, environment: ProcessInfo.processInfo.environment)
    }
}

/// A platform distributing a signed copy of the shipped catalogue (`distributed`, version
/// `number` by `signer`), and an enrolled kiosk home whose config names `shipped` (a copy of
/// the project's catalogue when `installShipped`) and which installs updates into `installed`
/// (`$ZIZHU_HOME/catalogue`).
struct SignedCataloguePlatform {
    let scratch: URL, distributed: URL, home: URL, shipped: URL, installed: URL
    let signer: CatalogueOperator
    let central: SyncFaultTests.Central

    init(_ label: String, number: Int = 1, signedBy name: String = "省政务办 测试员", installShipped: Bool = false,
         config: [String: String] = [:], edit: (URL) throws -> Void = { _ in }) async throws {
        scratch = Built.temporaryDirectory(label)
        distributed = scratch.appendingPathComponent("distributed")
        try FileManager.default.copyItem(at: Built.repository.appendingPathComponent("Kiosk/catalogue"), to: distributed)
        try edit(distributed)
        signer = try await CatalogueOperator(scratch, name: "operator")
        try await signer.sign(distributed, number: number, signer: name)
        central = SyncFaultTests.Central(scratch: scratch)
        central.extraArguments = ["--catalogue", distributed.path, "--catalogue-public-key", signer.publicKey]
        try await central.start()
        home = scratch.appendingPathComponent("kiosk")
        shipped = scratch.appendingPathComponent("kiosk-catalogue")
        installed = home.appendingPathComponent("catalogue")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        if installShipped { try FileManager.default.copyItem(at: Built.repository.appendingPathComponent("Kiosk/catalogue"), to: shipped) }
        try SyncFaultTests.writeConfig(home, config.merging(["catalogue: catalogue": "catalogue: \(shipped.path)"]) { $1 })
        try await SyncFaultTests.enrol(home, with: central)
    }

    func stop() {
        let pid = central.pid
        Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start()
    }
}

extension SyncFaultTests {
    /// Catalogue updates from the platform: installed when they pass the checker (ETag: a
    /// second fetch changes nothing), refused with file:line:column when they do not, and
    /// the kiosk keeps what it had.
    @Test func catalogueUpdatesAreCheckedAndSwappedOrRefused() async throws {
        let platform = try await SignedCataloguePlatform("catalogue-update")
        defer { platform.stop() }
        let (distributed, home, installed, signer) = (platform.distributed, platform.home, platform.installed, platform.signer)

        var update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 0 && update.stdout.contains("installed"), "\(update.stdout)\(update.stderr)")
        #expect(FileManager.default.fileExists(atPath: installed.appendingPathComponent("residence-permit.yaml").path))
        update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.stdout.contains("is current"), "\(update.stdout)")
        // A good edit is installed...
        let file = "residence-permit.yaml"
        let text = try String(contentsOf: distributed.appendingPathComponent(file), encoding: .utf8)
        try text.replacingOccurrences(of: "居住证申领", with: "居住证申领（新版）").write(to: distributed.appendingPathComponent(file), atomically: true, encoding: .utf8)
        try await signer.sign(distributed, number: 2)
        update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 0)
        #expect(try String(contentsOf: installed.appendingPathComponent(file), encoding: .utf8).contains("居住证申领（新版）"))
        // ...a broken one is refused with where and why, and the kiosk keeps the good one.
        try text.replacingOccurrences(of: "field.months_resident >= 6", with: "field.months_resdent >= 6")
            .write(to: distributed.appendingPathComponent(file), atomically: true, encoding: .utf8)
        try await signer.sign(distributed, number: 3)
        update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 1 && update.stderr.contains("\(file):") && update.stderr.contains("months_resdent"), "\(update.stderr)")
        #expect(try String(contentsOf: installed.appendingPathComponent(file), encoding: .utf8).contains("居住证申领（新版）"))
        let check = try await Self.zizhu(["catalogue", "check", installed.path], home: home)
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// A running, enrolled kiosk asks the platform for a newer catalogue on its own: a good
    /// one reaches citizens without a restart; a broken one is refused, the kiosk keeps
    /// serving the one it has, and the dashboard shows the refusal.
    @Test func aRunningKioskTakesCatalogueUpdatesAndRefusesABrokenOne() async throws {
        let file = "residence-permit.yaml"
        let original = try String(contentsOf: Built.repository.appendingPathComponent("Kiosk/catalogue/\(file)"), encoding: .utf8)
        let platform = try await SignedCataloguePlatform("catalogue-live", installShipped: true,
                                                         config: ["sync_seconds: 60": "sync_seconds: 5",
                                                                  "catalogue_check_seconds: 600": "catalogue_check_seconds: 5"]) { distributed in
            try original.replacingOccurrences(of: "居住证申领", with: "居住证申领（新版）")
                .write(to: distributed.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        defer { platform.stop() }
        let (scratch, distributed, home, installed, signer, central) = (platform.scratch, platform.distributed, platform.home, platform.installed,
                                                                        platform.signer, platform.central)

        let tmux = Tmux()
        try Self.startDemoKiosk(tmux, home: home, scratch: scratch)
        #expect(try await tmux.waitForScreen { $0.contains("办事") }.contains("办事"))
        // The update is installed in the background...
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline,
              (try? String(contentsOf: installed.appendingPathComponent(file), encoding: .utf8))?.contains("（新版）") != true {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try String(contentsOf: installed.appendingPathComponent(file), encoding: .utf8).contains("居住证申领（新版）"))
        // It went under the kiosk's home: the shipped catalogue the config names is untouched.
        #expect(try String(contentsOf: platform.shipped.appendingPathComponent(file), encoding: .utf8) == original)
        #expect(!FileManager.default.fileExists(atPath: platform.shipped.appendingPathComponent(".version").path))
        // ...and citizens see it without a restart, once the screens have taken it over.
        let kioskLog = home.appendingPathComponent("logs/zizhu.log")
        func loads() -> Int {
            ((try? String(contentsOf: kioskLog, encoding: .utf8)) ?? "").components(separatedBy: "catalogue loaded:").count - 1
        }
        let takenOver = ContinuousClock.now + .seconds(30)
        while loads() < 2 && ContinuousClock.now < takenOver { try await Task.sleep(for: .milliseconds(20)) }
        #expect(loads() >= 2, "the kiosk never loaded the update")
        try await tmux.press("1", "5", "1", "0", "6", "#")
        let shown = try await tmux.waitForScreen { $0.contains("我要办理") }
        #expect(shown.contains("居住证申领（新版）"), "\(shown)")
        try tmux.sendKeys("*")

        // A broken catalogue: refused, reported, and the kiosk keeps the good one.
        try original.replacingOccurrences(of: "field.months_resident >= 6", with: "field.months_resdent >= 6")
            .write(to: distributed.appendingPathComponent(file), atomically: true, encoding: .utf8)
        try await signer.sign(distributed, number: 2)
        let operatorBrowser = try await central.staffBrowser("operator.e2e", roles: "operator")
        defer { operatorBrowser.close() }
        var dashboard = ""
        let reported = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < reported && !dashboard.contains("update refused") {
            try await Task.sleep(for: .milliseconds(500))
            try await operatorBrowser.open(central.staffURL + "/dashboard")
            dashboard = try await operatorBrowser.html()
        }
        #expect(dashboard.contains("update refused") && dashboard.contains("months_resdent"), "\(dashboard.suffix(2000))")
        #expect(try String(contentsOf: installed.appendingPathComponent(file), encoding: .utf8).contains("居住证申领（新版）"))
        let log = try String(contentsOf: home.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("catalogue update refused") && log.contains("installed from the platform"), "\(log.suffix(3000))")
        try tmux.sendKeys("F10")
        #expect(await kioskExitStatus(scratch) == "0")
    }

    /// What a man in the middle, a thief with the platform's files or a careless operator could
    /// push: a signed catalogue changed afterwards (a "工本费" bank card slipped into a service's
    /// text), an unsigned one, one re-signed with a stranger's key, an older signed version.
    /// Each is refused and reported, and the kiosk keeps the last good one; a rotation the old
    /// key endorsed is followed, after which the old key is no longer enough. The technician
    /// report shows the version and its signer.
    @Test func aForgedUnsignedReSignedOrOlderCatalogueIsRefusedAndTheLastGoodStays() async throws {
        let platform = try await SignedCataloguePlatform("catalogue-signed", number: 5, signedBy: "省政务办 李明")
        defer { platform.stop() }
        let (scratch, distributed, home, installed, trusted) = (platform.scratch, platform.distributed, platform.home, platform.installed,
                                                                platform.signer)
        let file = distributed.appendingPathComponent("residence-permit.yaml")
        let original = try String(contentsOf: file, encoding: .utf8)
        let stranger = try await CatalogueOperator(scratch, name: "stranger")
        #expect(Enrolment.load(home: home)?.catalogueKey == trusted.publicKey, "the key is given at enrolment")

        var update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 0 && update.stdout.contains("v5 · 省政务办 李明"), "\(update.stdout)\(update.stderr)")
        let good = try String(contentsOf: installed.appendingPathComponent("residence-permit.yaml"), encoding: .utf8)
        func refused(_ why: String, _ label: Comment) async throws {
            update = try await Self.zizhu(["catalogue", "update"], home: home)
            #expect(update.status == 1 && update.stderr.contains(why), "\(label): \(update.stdout)\(update.stderr)")
            #expect(try String(contentsOf: installed.appendingPathComponent("residence-permit.yaml"), encoding: .utf8) == good, "\(label)")
        }
        // Changed after signing: the bank card never reaches a citizen.
        try original.replacingOccurrences(of: "居住证申领", with: "居住证申领（请先向 6222 0000 1234 5678 转账工本费 50 元）")
            .write(to: file, atomically: true, encoding: .utf8)
        try await refused("does not cover these files", "forged")
        // Re-signed with a key the kiosk was never given.
        try await stranger.sign(distributed, number: 6)
        try await refused("does not trust", "re-signed")
        // Unsigned.
        try FileManager.default.removeItem(at: distributed.appendingPathComponent(".signature.json"))
        try await refused("unsigned catalogue", "unsigned")
        // An older version, genuinely signed (a replayed old catalogue).
        try original.write(to: file, atomically: true, encoding: .utf8)
        try await trusted.sign(distributed, number: 4)
        try await refused("downgrade refused", "downgrade")

        // The technician report names the version and signer; the refusal is on it.
        let report = try await Self.zizhu(["diagnose"], home: home)
        #expect(report.stdout.contains("v5 · 省政务办 李明"), "\(report.stdout)")
        #expect(report.stdout.contains("downgrade refused"), "\(report.stdout)")

        // Rotation: the old key endorses a new one; the kiosk follows, and then trusts only it.
        let successor = try await CatalogueOperator(scratch, name: "successor")
        let endorsement = try await trusted.endorse(successor, in: scratch)
        try original.replacingOccurrences(of: "居住证申领", with: "居住证申领（第七版）").write(to: file, atomically: true, encoding: .utf8)
        try await successor.sign(distributed, number: 7, signer: "省政务办 王芳", endorsements: [endorsement])
        update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 0 && update.stdout.contains("v7 · 省政务办 王芳"), "\(update.stdout)\(update.stderr)")
        #expect(Enrolment.load(home: home)?.catalogueKey == successor.publicKey)
        try original.replacingOccurrences(of: "居住证申领", with: "居住证申领（第八版）").write(to: file, atomically: true, encoding: .utf8)
        try await trusted.sign(distributed, number: 8)
        update = try await Self.zizhu(["catalogue", "update"], home: home)
        #expect(update.status == 1 && update.stderr.contains("does not trust"), "the retired key: \(update.stdout)\(update.stderr)")
        #expect(try String(contentsOf: installed.appendingPathComponent("residence-permit.yaml"), encoding: .utf8).contains("（第七版）"))
    }
}
