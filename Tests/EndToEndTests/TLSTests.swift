// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess
import ZizhuTestSupport

/// The platform over TLS with a CA the test makes (openssl), through the real binaries:
/// enrolment and sync trust that CA alone, another CA's certificate is refused, and plain
/// HTTP is refused anywhere but this machine.
@Suite("TLS between kiosk and platform")
struct TLSTests {
    @Test func enrolmentAndSyncGoOverTLSTrustingOnlyThePlatformsCA() async throws {
        let scratch = Built.temporaryDirectory("tls")
        let (central, pki) = try await SyncFaultTests.Central.overTLS(in: scratch)
        defer { central.stopInBackground() }
        #expect(central.url.hasPrefix("https://127.0.0.1:") && central.staffURL.hasPrefix("https://"), "\(central.url)")
        // A certificate from a CA the kiosk was not given: refused, nothing saved.
        let stranger = scratch.appendingPathComponent("stranger")
        try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
        let refused = try await SyncFaultTests.zizhu(["enroll", "--central", central.url, "--token", try await central.enrolmentToken(),
                                                      "--ca-file", pki.otherCA.path], home: stranger)
        #expect(refused.status != 0 && refused.stderr.contains("enrolment refused"), "\(refused.stdout)\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stranger.appendingPathComponent("enrolment.json").path))
        // Without any CA the system's roots do not know this platform either.
        let noCA = try await SyncFaultTests.zizhu(["enroll", "--central", central.url, "--token", try await central.enrolmentToken()], home: stranger)
        #expect(noCA.status != 0)
        // Plain HTTP to another machine is refused before anything is sent.
        let plain = try await SyncFaultTests.zizhu(["enroll", "--central", "http://192.0.2.10:8080", "--token", "zzt-x"], home: stranger)
        #expect(plain.status != 0 && plain.stderr.contains("plain HTTP refused"), "\(plain.stderr)")

        // With the platform's CA: enrolled, the CA kept with the enrolment, and a sync delivers.
        let home = scratch.appendingPathComponent("kiosk")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let enrolled = try await SyncFaultTests.zizhu(["enroll", "--central", central.url, "--token", try await central.enrolmentToken(),
                                                       "--ca-file", pki.ca.path], home: home)
        #expect(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        let saved = try String(contentsOf: home.appendingPathComponent("enrolment.json"), encoding: .utf8)
        #expect(saved.contains("platformCA") && saved.contains("BEGIN CERTIFICATE"))
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        let synced = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
        #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
        #expect(try await central.stats()["submissions"] == 1)

        // The staff side speaks TLS too, and its cookies are Secure.
        let head = try await ChildProcess.runDetached(["/usr/bin/curl", "-sS", "-D", "-", "-o", "/dev/null", "--cacert", pki.ca.path,
                                                       central.staffURL + "/dashboard/login"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(head.stdout.contains("200") && head.stdout.contains("Secure") && head.stdout.contains("HttpOnly"), "\(head.stdout)\(head.stderr)")
    }

    /// The platform's own public key pinned at enrolment: the kiosk is given the platform's
    /// self-signed certificate as `--ca-file` and keeps it in `enrolment.json`. A server with
    /// another key under the same name (a stolen address, a mis-issued certificate) is
    /// refused even though everything else about it looks the same; the outbox keeps its
    /// entries; a later `platform.ca_file` in kiosk.yaml widens nothing.
    @Test func thePinnedPlatformKeyIsTheOnlyOneTrustedAfterEnrolment() async throws {
        let scratch = Built.temporaryDirectory("tls-pin")
        let script = """
            set -e
            cd "$1"
            for name in platform impostor; do
              openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $name.key -out $name.pem -days 30 \\
                -subj "/CN=127.0.0.1" -addext subjectAltName=IP:127.0.0.1 -addext extendedKeyUsage=serverAuth
            done
            """
        let made = try await ChildProcess.runDetached(["/bin/sh", "-c", script, "sh", scratch.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(made.status == 0, "openssl: \(made.stderr)")
        func pem(_ name: String) -> String { scratch.appendingPathComponent(name).path }
        let central = SyncFaultTests.Central(scratch: scratch)
        central.extraArguments = ["--tls-cert", pem("platform.pem"), "--tls-key", pem("platform.key")]
        try await central.start()
        let home = scratch.appendingPathComponent("kiosk")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let token = try #require(try await central.run(["token", "create"]).split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        let enrolled = try await SyncFaultTests.zizhu(["enroll", "--central", central.url, "--token", token, "--ca-file", pem("platform.pem")], home: home)
        #expect(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        #expect(try await SyncFaultTests.zizhu(["sync", "--now"], home: home).status == 0)

        // The same address, the same name, another key; and a kiosk.yaml that now names the
        // impostor's certificate: the pin from enrolment still decides.
        let port = central.port
        await central.kill()
        let impostor = SyncFaultTests.Central(scratch: scratch)
        impostor.extraArguments = ["--tls-cert", pem("impostor.pem"), "--tls-key", pem("impostor.key")]
        try await impostor.start(port: port)
        defer { let pid = impostor.pid; Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start() }
        try SyncFaultTests.writeConfig(home, ["  # ca_file: /etc/zizhu/platform-ca.pem": "  ca_file: \(pem("impostor.pem"))",
                                             "catalogue: catalogue": "catalogue: \(Built.repository.appendingPathComponent("Kiosk/catalogue").path)"])
        #expect(try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home).status == 0)
        let refused = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
        let said = (refused.stdout + refused.stderr).lowercased()
        #expect(refused.status != 0 && (said.contains("certificate") || said.contains("handshake")), "\(refused.stdout)\(refused.stderr)")
        let queue = try await SyncFaultTests.zizhu(["queue", "list", "--state", "pending"], home: home)
        #expect(queue.stdout.contains("pending"), "the entry waits for the real platform: \(queue.stdout)")
        #expect(try await impostor.stats()["submissions"] == 1, "the impostor (with the platform's database, so the kiosk's secret) got nothing new")
    }
}
