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
