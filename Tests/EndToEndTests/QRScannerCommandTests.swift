// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

/// `zizhu qr listen` on a serial QR scanner played by `zizhu qr sim` on a real
/// pseudo-terminal: codes come out masked, a misread scan is said as one, an unplug ends the
/// listen with status 1, and a port that is not there is said plainly.
@Suite("QR scanner over a pseudo-terminal (zizhu qr sim, zizhu qr listen)")
struct QRScannerCommandTests {
    static func simulator(_ scratch: URL) async throws -> (pid: pid_t, link: String, control: String) {
        let link = scratch.appendingPathComponent("qr-line").path, control = scratch.appendingPathComponent("qr-control").path
        let pid = try ChildProcess.spawn([Built.zizhu, "qr", "sim", "--link", link, "--control", control],
                                         environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
                                         stdio: .files(stdout: scratch.appendingPathComponent("sim.out").path,
                                                       stderr: scratch.appendingPathComponent("sim.err").path))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && !FileManager.default.fileExists(atPath: control) {
            try await Task.sleep(for: .milliseconds(50))
        }
        return (pid, link, control)
    }

    static func say(_ line: String, to control: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: control))
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }

    /// `zizhu qr listen ARGS` started, and once it says it is listening, `act`; then its exit
    /// status and output (it is stopped after 60 s).
    static func listen(_ arguments: [String], in scratch: URL, then act: () throws -> Void) async throws -> (status: Int32, stdout: String) {
        let out = scratch.appendingPathComponent("listen-\(UUID().uuidString.prefix(6)).out").path
        let pid = try ChildProcess.spawn([Built.zizhu, "qr", "listen"] + arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
                                         stdio: .files(stdout: out, stderr: out))
        func output() -> String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && !output().contains("listening") && ChildProcess.poll(pid) == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        try act()
        while ContinuousClock.now < deadline {
            if let status = ChildProcess.poll(pid) { return (status, output()) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (await ChildProcess.stopDetached(pid), output())
    }

    static func events(_ output: String) -> [[String: String]] {
        output.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String] }
    }

    @Test func codesComeOutMaskedAMisreadIsSaidAndAnUnplugEndsTheListen() async throws {
        let scratch = Built.temporaryDirectory("qr-listen")
        let sim = try await Self.simulator(scratch)
        defer { _ = ChildProcess.stop(sim.pid) }
        let heard = try await Self.listen(["--port", sim.link, "--json", "--count", "2", "--seconds", "30"], in: scratch) {
            for line in ["garble", "demo 1", "scan https://example.com/x?y=1"] { try Self.say(line, to: sim.control) }
        }
        let events = Self.events(heard.stdout)
        #expect(heard.status == 0, "\(heard.stdout)")
        #expect(events.map { $0["event"] ?? "" } == ["listening", "garbled", "code", "code"], "\(heard.stdout)")
        #expect(events.first?["transport"] == "serial \(sim.link) 9600 8N1")
        #expect(events[safe: 1]?["reason"] == "byte 0x7 is not part of a code")
        #expect(events[safe: 2]?["code"] == "ZZEI…(39 chars)" && events[safe: 2]?["length"] == "39")
        #expect(events[safe: 3]?["code"] == "http…(25 chars)")
        #expect(!heard.stdout.contains("440106198806150019") && !heard.stdout.contains("7F3A91C2"), "a code was printed whole")

        // The cable pulled while listening: said, status 1.
        let unplugged = try await Self.listen(["--port", sim.link, "--json", "--seconds", "30"], in: scratch) {
            try Self.say("unplug", to: sim.control)
        }
        #expect(unplugged.status == 1 && Self.events(unplugged.stdout).last?["event"] == "unplugged", "\(unplugged.stdout)")
        #expect(unplugged.stdout.contains("QR scanner unplugged"))

        // No scanner on that port at all.
        let missing = try await ChildProcess.runDetached([Built.zizhu, "qr", "listen", "--port", scratch.appendingPathComponent("none").path, "--json"],
                                                         environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(missing.status == 1 && missing.stdout.contains("not_connected") && missing.stdout.contains("No such file"),
                "\(missing.stdout)\(missing.stderr)")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
