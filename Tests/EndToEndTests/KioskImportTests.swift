// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

/// `zizhu-central kiosk import`: a province's kiosks enrolled in bulk from a file, all or
/// none; the secrets it writes are the ones the platform checks (a kiosk built from one
/// delivers its applications).
@Suite("Kiosks imported in bulk")
struct KioskImportTests {
    @Test func importedKiosksSyncWithTheSecretsWrittenForThem() async throws {
        let (scratch, central, _) = try await SyncFaultTests.platformAndHome("kiosk-import")
        defer { let pid = central.pid; Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start() }
        let list = scratch.appendingPathComponent("kiosks.tsv"), secrets = scratch.appendingPathComponent("secrets.jsonl")
        func importing(_ text: String) async throws -> (status: Int32, stdout: String, stderr: String) {
            try text.write(to: list, atomically: true, encoding: .utf8)
            return try await ChildProcess.runDetached([Built.central, "kiosk", "import", list.path, "--secrets", secrets.path,
                                                       "--database", central.database, "--platform-key", central.platformKey],
                                                      environment: ProcessInfo.processInfo.environment)
        }
        // A malformed line: named, and nothing imported.
        let bad = try await importing("# 广州 天河\nth-001\t天河区政务服务中心\nth 002 no tab\n")
        #expect(bad.status != 0 && bad.stderr.contains("kiosks.tsv:3"), "\(bad.stderr)")
        #expect(try await central.stats()["kiosks"] == 0)
        // A good file: enrolled, the secrets written 0600.
        let good = try await importing("# 广州 天河\nth-001\t天河区政务服务中心\nth-002\t天河区政务服务中心\nyx-001\t越秀区政务服务中心\n")
        #expect(good.status == 0 && good.stdout.contains("imported 3 kiosks"), "\(good.stdout)\(good.stderr)")
        #expect(try await central.stats()["kiosks"] == 3)
        let mode = (try FileManager.default.attributesOfItem(atPath: secrets.path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600, "the secrets file is mode \(String(mode, radix: 8))")
        let lines = try String(contentsOf: secrets, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(records.map { $0["kioskID"] } == ["th-001", "th-002", "yx-001"])
        // A kiosk made from its secret (no token) delivers its applications.
        let record = try #require(records.last)
        let home = scratch.appendingPathComponent("yx-001")
        try SyncFaultTests.writeConfig(home, ["id: zizhu-demo-001": "id: yx-001",
                                              "catalogue: catalogue": "catalogue: \(Built.repository.path)/Kiosk/catalogue"])
        let enrolment = ["central": central.url, "kioskID": record["kioskID"] ?? "", "secret": record["secret"] ?? ""]
        try JSONSerialization.data(withJSONObject: enrolment).write(to: home.appendingPathComponent("enrolment.json"))
        for _ in 0..<3 {
            let submitted = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
            try #require(submitted.status == 0, "\(submitted.stderr)")
        }
        let synced = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
        #expect(synced.status == 0 && synced.stdout.contains("delivered 3"), "\(synced.stdout)\(synced.stderr)")
        #expect(try await central.stats()["submissions"] == 3)
        // The same kiosks again: refused as a whole, the secrets file never overwritten.
        try FileManager.default.removeItem(at: secrets)
        let again = try await importing("zz-001\t新站点\nth-001\t天河区政务服务中心\n")
        #expect(again.status != 0 && again.stderr.contains("nothing imported"), "\(again.stderr)")
        #expect(try await central.stats()["kiosks"] == 3)
    }
}
