// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess
import ZizhuTestSupport

/// The platform key through the real `zizhu-central`: made once for an empty database, never
/// silently replaced, rotated, resealed and retired from the command line while kiosks keep
/// syncing.
@Suite("The platform key, through the real binary")
struct PlatformKeyTests {
    static func mode(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1 }

    @Test func theKeyIsMadeOnceRotatedAndRetiredAndAMissingOneStopsTheStart() async throws {
        let (scratch, central, home) = try await SyncFaultTests.platformAndHome("platform-key")
        #expect(Self.mode(central.platformKey) == 0o600, "the key file is the platform user's alone")
        let token = try #require(try await central.run(["token", "create"]).split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        let enrolled = try await SyncFaultTests.zizhu(["enroll", "--central", central.url, "--token", token], home: home)
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        #expect(try await SyncFaultTests.zizhu(["sync", "--now"], home: home).status == 0)

        // Rotate while the server runs: it still opens everything (old key kept), and after
        // a restart seals with the new one.
        let rotated = try await central.run(["platform-key", "rotate"])
        #expect(rotated.contains("new sealing key"), "\(rotated)")
        let port = central.port
        await central.kill()
        try await central.start(port: port)
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        #expect(try await SyncFaultTests.zizhu(["sync", "--now"], home: home).status == 0)
        let resealed = try await central.run(["platform-key", "reseal"])
        #expect(resealed.contains("resealed 2"), "one application and one secret under the old key: \(resealed)")
        let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: central.platformKey))) as? [String: Any]
        let ids = ((keys?["sealing"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        try #require(ids.count == 2, "\(String(describing: keys))")
        let retired = try await central.run(["platform-key", "retire", ids[1]])
        #expect(retired.contains("retired \(ids[1])"), "\(retired)")
        #expect(Self.mode(central.platformKey) == 0o600)
        await central.kill()
        try await central.start(port: port)
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        #expect(try await SyncFaultTests.zizhu(["sync", "--now"], home: home).status == 0, "the kiosk's secret opens under the new key")
        #expect(try await central.stats()["submissions"] == 3)
        await central.kill()

        // The key file gone: the server does not start, and says why (it never makes a new
        // key for a database that holds data).
        try FileManager.default.moveItem(atPath: central.platformKey, toPath: scratch.appendingPathComponent("backup.key").path)
        let keyless = try await ChildProcess.runDetached([Built.central, "serve", "--port", "0", "--staff-port", "0", "--database", central.database,
                                                          "--platform-key", central.platformKey, "--proof-key", scratch.appendingPathComponent("proof.key").path],
                                                         environment: ProcessInfo.processInfo.environment)
        #expect(keyless.status != 0 && keyless.stderr.contains("no platform key at") && keyless.stderr.contains("1 kiosks, 3 applications"),
                "\(keyless.stdout)\(keyless.stderr)")
        #expect(!FileManager.default.fileExists(atPath: central.platformKey))
        // A key readable by others is refused too.
        try FileManager.default.moveItem(atPath: scratch.appendingPathComponent("backup.key").path, toPath: central.platformKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: central.platformKey)
        let loose = try await ChildProcess.runDetached([Built.central, "kiosk", "rotate", "zizhu-demo-001", "--database", central.database,
                                                        "--platform-key", central.platformKey], environment: ProcessInfo.processInfo.environment)
        #expect(loose.status != 0 && loose.stderr.contains("readable by others"), "\(loose.stdout)\(loose.stderr)")
    }
}
