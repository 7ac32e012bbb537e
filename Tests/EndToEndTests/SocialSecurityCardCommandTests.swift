// SPDX-License-Identifier: Apache-2.0
import Foundation
import SocialSecurityCard
import Testing
import ZizhuProcess

/// `zizhu sscard …` through the real binary against a private pcscd with the vsmartcard
/// reader: a read, each fault with its exit code and citizen message, and the emulation
/// command the demo runs.
@Suite("zizhu sscard through pcscd and vsmartcard")
struct SocialSecurityCardCommandTests {
    static func emulation(_ label: String, withReader: Bool = true) async throws -> SmartCardEmulation {
        let folder = Built.temporaryDirectory(label)
        let devices = Built.repository.appendingPathComponent("Devices")
        return try await ChildProcess.detached { try SmartCardEmulation(folder: folder, devices: devices, withReader: withReader) }
    }

    /// pcscd runs, but the reader is unplugged: both commands say so, the citizen is sent to
    /// the ID card.
    @Test func anUnpluggedReaderIsSaidPlainly() async throws {
        let emulation = try await Self.emulation("sscard-unplugged", withReader: false)
        defer { Thread { emulation.stop() }.start() }
        let read = try await Self.zizhu(["read", "--wait", "1"], socket: emulation.socketPath)
        #expect(read.status == 1 && read.stderr.contains("no smart card reader") && read.stderr.contains("请使用身份证"), "\(read.stderr)")
        let listed = try await Self.zizhu(["list", "--json"], socket: emulation.socketPath)
        #expect(listed.status == 1 && listed.stderr.contains("pcscd lists no reader"), "\(listed.stdout)\(listed.stderr)")
        await emulation.shutdown()
    }

    static func zizhu(_ arguments: [String], socket: String) async throws -> Run {
        try await Run.program(Built.zizhu, ["sscard"] + arguments,
                              environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PCSCLITE_CSOCK_NAME": socket])
    }

    @Test func aCardIsReadWithItsNumberMaskedAndEachFaultSaysWhat() async throws {
        let emulation = try await Self.emulation("sscard-cli")
        // Stopped off the concurrency pool at the end; this only catches a test that throws.
        defer { Thread { emulation.stop() }.start() }
        let socket = emulation.socketPath
        let cards = try SmartCardEmulation.cards(from: Built.repository.appendingPathComponent("Devices/simulator/demo-sscards.yaml"))
        let card = try #require(cards.first)
        let number = try #require(card["social_security_number"])

        // No card yet: exit 1, the citizen's words on standard error.
        let empty = try await Self.zizhu(["read", "--wait", "1"], socket: socket)
        #expect(empty.status == 1 && empty.stderr.contains("no card inserted") && empty.stderr.contains("请将社保卡芯片朝上插入"), "\(empty.stderr)")

        try await emulation.inserting(card)
        let listed = try await Self.zizhu(["list"], socket: socket)
        #expect(listed.status == 0 && listed.stdout.contains("\(emulation.readerName): card present, ATR 3B 6C"), "\(listed.stdout)\(listed.stderr)")
        let read = try await Self.zizhu(["read", "--json", "--trace"], socket: socket)
        #expect(read.status == 0, "\(read.stdout)\(read.stderr)")
        #expect(read.stdout.contains("\"id_number\" : \"4401**********0019\""), "\(read.stdout)")
        #expect(read.stdout.contains("\"name\" : \"\(card["name"] ?? "?")\""))
        #expect(!read.stdout.contains(number) && !read.stdout.contains(card["card_number"] ?? "?"), "the number and card number are masked")
        #expect(read.stdout.contains("> 00 B2 08 04  < 20 bytes, 90 00 success"), "the trace shows exchanges, not data")
        #expect(read.stdout.contains("PSAM"), "what the emulation leaves out is said")

        // Pulled out after three exchanges: the read fails as a removal, nothing printed.
        try await emulation.inserting(card, removeAfter: 3)
        let pulled = try await Self.zizhu(["read", "--json"], socket: socket)
        #expect(pulled.status == 1 && pulled.stdout.isEmpty, "\(pulled.stdout)")
        #expect(pulled.stderr.contains("card removed during the read") && pulled.stderr.contains("重新插入"), "\(pulled.stderr)")

        // A profile with a mistake: the file, line and column, exit 78 (a config problem).
        let bad = Built.temporaryDirectory("sscard-profile").appendingPathComponent("bad.yaml")
        try "name: x\napplication: \"zz\"\nfiles: []\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try await Self.zizhu(["read", "--profile", bad.path, "--wait", "1"], socket: socket)
        #expect(refused.status == 78 && refused.stderr.contains("bad.yaml:2:") && refused.stderr.contains("hex bytes"), "\(refused.stderr)")

        // pcscd gone (the service stopped, or never installed): said so at once, exit 1.
        await emulation.shutdown()
        let gone = try await Self.zizhu(["read", "--wait", "1"], socket: socket)
        #expect(gone.status == 1 && gone.stderr.contains("pcscd unavailable") && gone.stderr.contains("请使用身份证"), "\(gone.stderr)")
    }

    /// `zizhu sscard sim` (what the demo starts): pcscd comes up, prints where, and cards
    /// go in and out in turn; a read through it works; SIGTERM leaves nothing running.
    @Test func theEmulationCommandServesCardsUntilStopped() async throws {
        let folder = Built.temporaryDirectory("sscard-sim")
        let out = folder.appendingPathComponent("sim.out")
        let pid = try ChildProcess.spawn([Built.zizhu, "sscard", "sim", "--folder", folder.appendingPathComponent("emulation").path, "--every", "30"],
                                         environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
                                         stdio: .files(stdout: out.path, stderr: folder.appendingPathComponent("sim.err").path))
        var said = ""
        for _ in 0..<600 where !said.contains("inserted card 1") {
            said = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        let socket = said.split(separator: "\n").first { $0.hasPrefix("PCSCLITE_CSOCK_NAME=") }.map { String($0.dropFirst(20)) }
        let read = try await Self.zizhu(["read", "--wait", "5"], socket: socket ?? "/nonexistent")
        // The card in the reader: the first, or the second when a loaded machine took longer
        // than the 30 s a card stays in (it did, once, in a full run's first minute).
        let turned = ((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("inserted card 2")
        let expected = turned ? "id_number: 1101**********002X" : "id_number: 4401**********0019"
        let status = await ChildProcess.stopDetached(pid)
        #expect(read.status == 0 && read.stdout.contains(expected), "\(said)\n\(read.stdout)\(read.stderr)")
        #expect(status == 0, "the emulation ends cleanly on SIGTERM: \(ChildProcess.describe(status: status))")
        // pcscd and the card script run with the emulation's folder in their arguments.
        let left = try await Run.program("/usr/bin/pgrep", ["-af", folder.appendingPathComponent("emulation").path], environment: [:])
        #expect(left.status == 1, "still running after the emulation stopped: \(left.stdout)")

        // Killed outright (no cleanup runs): pcscd still goes with it.
        let killedFolder = folder.appendingPathComponent("killed")
        let killedOut = folder.appendingPathComponent("killed.out")
        let killed = try ChildProcess.spawn([Built.zizhu, "sscard", "sim", "--folder", killedFolder.path, "--control", folder.appendingPathComponent("control").path],
                                            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
                                            stdio: .files(stdout: killedOut.path, stderr: folder.appendingPathComponent("killed.err").path))
        for _ in 0..<600 where !((try? String(contentsOf: killedOut, encoding: .utf8)) ?? "").contains("control:") {
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = await ChildProcess.stopDetached(killed, signal: SIGKILL)
        var orphans = Run(status: 0, stdout: "", stderr: "")
        for _ in 0..<50 {
            orphans = try await Run.program("/usr/bin/pgrep", ["-af", killedFolder.path], environment: [:])
            if orphans.status == 1 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(orphans.status == 1, "pcscd outlived a SIGKILLed emulation: \(orphans.stdout)")
    }
}
