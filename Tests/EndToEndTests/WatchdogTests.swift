// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuKiosk
import ZizhuProcess

/// The kiosk under systemd: READY=1 once it serves, WATCHDOG=1 from the UI loop while it
/// idles on the attract screen, none while it is frozen (systemd would restart it), and
/// STOPPING=1 on the way out — received on a real notification socket.
@Suite("systemd notifications and the watchdog")
struct WatchdogTests {
    /// A bound datagram socket standing in for systemd's NOTIFY_SOCKET.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        let fd: Int32

        init(path: String) throws {
            self.path = path
            unlink(path)
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        }

        /// Every message that arrives within `seconds`.
        func messages(for seconds: Double) -> [String] {
            var received: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
                guard poll(&poller, 1, left) > 0 else { continue }
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 { received.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
            }
            return received
        }

        /// Messages until one satisfies `stop` (included), or `seconds` pass.
        func messages(until stop: (String) -> Bool, within seconds: Double) -> [String] {
            var received: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let next = messages(for: 0.1)
                received += next
                if next.contains(where: stop) { break }
            }
            return received
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    @Test func readyThenPingsFromTheLoopNoneWhileFrozenAndStoppingAtTheEnd() async throws {
        let scratch = Built.temporaryDirectory("watchdog")
        let notify = try NotifySocket(path: scratch.appendingPathComponent("notify.sock").path)
        let tmux = Tmux()
        try KioskInTmuxTests.startKiosk(tmux, scratch: scratch,
                                        extraEnvironment: "NOTIFY_SOCKET=\(notify.path) WATCHDOG_USEC=600000")
        // READY first, however long a loaded machine takes to start it; then pings are counted
        // over a fixed window after it (counting from the start once saw 4 where 5 were asked).
        let first = try await ChildProcess.detached { notify.messages(until: { $0.hasPrefix("READY=1") }, within: 30) }
        #expect(first.first?.hasPrefix("READY=1\nSTATUS=serving 33 services") == true, "\(first)")
        let idle = try await ChildProcess.detached { notify.messages(for: 3) }
        let pings = idle.filter { $0 == "WATCHDOG=1" }.count
        #expect(pings >= 5, "a ping every 0.3 s on the idle attract screen: \(idle)")
        // Frozen (as a hung loop would be): no pings, so systemd would restart it.
        let pid = try #require(await KioskInTmuxTests.pid(scratch))
        kill(pid, SIGSTOP)
        // What is queued now was sent before the stop (a local datagram is queued when sent).
        _ = notify.messages(for: 0.05)
        let frozen = try await ChildProcess.detached { notify.messages(for: 1.5) }
        kill(pid, SIGCONT)
        #expect(frozen.isEmpty, "\(frozen)")
        let resumed = try await ChildProcess.detached { notify.messages(for: 1.5) }
        #expect(resumed.contains("WATCHDOG=1"))
        try tmux.sendKeys("F10")
        let last = try await ChildProcess.detached { notify.messages(for: 3) }
        #expect(last.contains("STOPPING=1"), "\(last)")
        #expect(await kioskExitStatus(scratch) == "0")
    }
}

/// A package update while the kiosk runs: the newer program takes over only at a session
/// boundary. The pane restarts the kiosk whenever it exits, as the unit's `Restart=always`
/// does, and the program is "installed" the way dpkg installs it (a new file renamed over
/// the old path).
@Suite("Updates take over at a session boundary")
struct UpdateAtSessionBoundaryTests {
    @Test func aNewerProgramWaitsForTheCitizenThenTakesOver() async throws {
        let scratch = Built.temporaryDirectory("update")
        let notify = try WatchdogTests.NotifySocket(path: scratch.appendingPathComponent("notify.sock").path)
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let program = bin.appendingPathComponent("zizhu")
        // The installed program: a link to the built one (the same file, no copy).
        if link(Built.zizhu, program.path) != 0 { try FileManager.default.copyItem(atPath: Built.zizhu, toPath: program.path) }
        let stop = scratch.appendingPathComponent("stop")
        let runs = scratch.appendingPathComponent("runs")
        let inner = "echo $$ > \(scratch.path)/pid; exec env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(scratch.path) "
            + "ZIZHU_SHARE=\(Built.repository.path) NOTIFY_SOCKET=\(notify.path) \(program.path) run --demo"
        let script = "n=0; while [ ! -e \(stop.path) ] && [ $n -lt 5 ]; do n=$((n+1)); sh -c '\(inner)'; "
            + "echo \"run $n exited $?\" >> \(runs.path); done; sleep 60"
        let tmux = Tmux()
        try tmux.start(script)
        defer { try? "stop".write(to: stop, atomically: true, encoding: .utf8) }
        let home = try #require(Built.snapshot("home-100x30"))
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        let first = try await ChildProcess.detached { notify.messages(until: { $0.hasPrefix("READY=1") }, within: 30) }
        #expect(first.contains { $0.hasPrefix("READY=1") }, "\(first)")
        let before = try #require(await KioskInTmuxTests.pid(scratch))
        // A citizen is taking a queue ticket.
        try tmux.sendKeys("3")
        let choosing = try await tmux.waitForScreen { $0.contains("请选择要办理的业务") }
        #expect(choosing.contains("社保医保"))
        // The package is upgraded: the new program is written beside the old and renamed over it.
        let unpacked = bin.appendingPathComponent("zizhu.dpkg-new")
        try FileManager.default.copyItem(atPath: Built.zizhu, toPath: unpacked.path)
        #expect(rename(unpacked.path, program.path) == 0)
        // Longer than the update's settling and the attract screen's check together: the
        // citizen's screen stays, the kiosk is not restarted under them.
        let waited = try await ChildProcess.detached { notify.messages(for: 2 * 5 + 4) }
        #expect(!waited.contains("STOPPING=1"), "\(waited)")
        #expect(!FileManager.default.fileExists(atPath: runs.path), "restarted during a session")
        #expect(try tmux.capture().contains("请选择要办理的业务"))
        #expect(await KioskInTmuxTests.pid(scratch) == before)
        // The citizen leaves: at the attract screen the newer program takes over.
        try tmux.sendKeys("9")
        let ended = try await ChildProcess.detached { notify.messages(until: { $0 == "STOPPING=1" }, within: 30) }
        #expect(ended.contains { $0.hasPrefix("STATUS=restarting into the newer program") }, "\(ended)")
        #expect(ended.contains("STOPPING=1"), "\(ended)")
        let ran = await waitForFile(runs, timeout: .seconds(15))
        #expect(ran?.contains("run 1 exited 0") == true, "\(ran ?? "the kiosk did not exit")")
        let again = try await ChildProcess.detached { notify.messages(until: { $0.hasPrefix("READY=1") }, within: 60) }
        #expect(again.contains { $0.hasPrefix("READY=1") }, "\(again)")
        #expect(try await tmux.waitForScreen { $0 == home } == home)
        let after = await KioskInTmuxTests.pid(scratch)
        #expect(after != nil && after != before, "the same kiosk process is still running")
        let log = try String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("a newer program is installed at \(program.path): restarting into it at this session boundary"), "\(log)")
        // The new program has nothing newer to restart into: it stays.
        let settled = try await ChildProcess.detached { notify.messages(for: 2 * 5 + 2) }
        #expect(!settled.contains("STOPPING=1"), "\(settled)")
        try "stop".write(to: stop, atomically: true, encoding: .utf8)
        try tmux.sendKeys("F10")
        let runsAtEnd = await waitForFile(runs, timeout: .seconds(15)) { $0.contains("run 2 exited") }
        #expect(runsAtEnd?.contains("run 2 exited 0") == true, "\(runsAtEnd ?? "")")
    }
}
