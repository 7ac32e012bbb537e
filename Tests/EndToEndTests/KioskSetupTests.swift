// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuKiosk
import ZizhuProcess
import ZizhuTestSupport

/// A kiosk installed from the image is set up by the technician's `zizhu-setup.yaml` (on the
/// image's boot partition; `zizhu-setup.service` runs `zizhu setup` at boot): the real binary
/// against a real platform over TLS. A wrong file changes nothing and says what is wrong; a
/// refused token keeps the file for another try; the right file enrols the kiosk under the
/// technician's id, keeps its site and technician PIN (hashed), and is deleted.
@Suite("A new kiosk set up from the technician's file")
struct KioskSetupTests {
    @Test func theTechniciansFileEnrolsTheKioskKeepsItsSiteAndIsDeleted() async throws {
        let scratch = Built.temporaryDirectory("setup")
        let (central, pki) = try await SyncFaultTests.Central.overTLS(in: scratch)
        defer { central.stopInBackground() }
        let token = try await central.enrolmentToken()
        let ca = try String(contentsOf: pki.ca, encoding: .utf8)
        let home = scratch.appendingPathComponent("kiosk")
        let boot = scratch.appendingPathComponent("boot")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: boot, withIntermediateDirectories: true)
        let file = boot.appendingPathComponent("zizhu-setup.yaml")
        let result = boot.appendingPathComponent("zizhu-setup-result.txt")
        func setup() async throws -> (status: Int32, said: String) {
            let run = try await SyncFaultTests.zizhu(["setup", file.path], home: home)
            let written = (try? String(contentsOf: result, encoding: .utf8)) ?? ""
            return (run.status, "\(run.stdout)\(run.stderr)\n[result file] \(written)")
        }
        let caBlock = "ca: |\n" + ca.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"

        // A file with mistakes: each is named with its line, and nothing changes.
        try "central: \(central.url)\ntoken: \"\"\nkiosk_id: \"GZ TH 1\"\ntechnician_pin: \"12ab\"\n".write(to: file, atomically: true, encoding: .utf8)
        let wrong = try await setup()
        #expect(wrong.status == 2, "\(wrong.said)")
        for named in ["zizhu-setup.yaml:2", "token", "zizhu-setup.yaml:3", "kiosk_id", "zizhu-setup.yaml:4", "technician_pin", "nothing was changed"] {
            #expect(wrong.said.contains(named), "\(named) not said: \(wrong.said)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("enrolment.json").path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("site.yaml").path))

        // A token the platform does not know: refused, the file kept for another try.
        try "central: \(central.url)\ntoken: zzt-not-a-token\n\(caBlock)".write(to: file, atomically: true, encoding: .utf8)
        let refused = try await setup()
        #expect(refused.status == 1, "\(refused.said)")
        #expect(refused.said.contains("the file is kept"), "\(refused.said)")
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("enrolment.json").path))

        // The technician's file as it should be.
        let pin = "20261204"
        try """
            kiosk_id: GZ-TH-0001
            site_name: {zh: 天河区石牌街 24小时自助区, en: Shipai Street 24-hour area}
            central: \(central.url)
            token: \(token)
            \(caBlock)technician_pin: "\(pin)"

            """.write(to: file, atomically: true, encoding: .utf8)
        let done = try await setup()
        #expect(done.status == 0, "\(done.said)")
        #expect(!FileManager.default.fileExists(atPath: file.path), "the file with the token and the PIN is still there")
        let report = try String(contentsOf: result, encoding: .utf8)
        #expect(report.contains("kiosk GZ-TH-0001 enrolled with \(central.url); technician PIN set"), "\(report)")
        #expect(!report.contains(token) && !report.contains(pin), "\(report)")
        // The site is the kiosk's own now: its id and name over kiosk.yaml, the PIN only hashed.
        let siteText = try String(contentsOf: home.appendingPathComponent("site.yaml"), encoding: .utf8)
        #expect(!siteText.contains(pin) && !siteText.contains(token), "\(siteText)")
        let site = try KioskSite.parse(siteText, file: "site.yaml")
        #expect(site.kioskID == "GZ-TH-0001" && site.siteName?.zh == "天河区石牌街 24小时自助区", "\(siteText)")
        let stored = try #require(site.technicianPIN)
        let lock = TechnicianLock(stored: stored, home: scratch.appendingPathComponent("pin-check"))
        #expect(lock.check(pin) == .accepted)
        #expect(lock.check("99999999") != .accepted)
        let enrolment = try String(contentsOf: home.appendingPathComponent("enrolment.json"), encoding: .utf8)
        #expect(enrolment.contains("GZ-TH-0001") && enrolment.contains("BEGIN CERTIFICATE"), "\(enrolment)")
        // The kiosk is that kiosk: its self-check names it, and what it takes reaches the platform.
        let diagnosed = try await SyncFaultTests.zizhu(["diagnose", "--json"], home: home)
        #expect(diagnosed.stdout.contains("\"kiosk\" : \"GZ-TH-0001\"") || diagnosed.stdout.contains("\"kiosk\":\"GZ-TH-0001\""),
                "\(diagnosed.stdout.prefix(600))")
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        let synced = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
        #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
        #expect(try await central.stats()["submissions"] == 1)
        let kiosks = try await central.run(["kiosk", "list"])
        #expect(kiosks.contains("GZ-TH-0001") && kiosks.contains("天河区石牌街"), "\(kiosks)")
    }
}
