// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuKiosk
import ZizhuProcess

/// Issue 7's soak: complete citizen journeys through the real `zizhu run --demo` (reader
/// simulator, private cupsd with the emulated printer) enrolled with a local
/// `zizhu-central`, driven through a pseudo-terminal the way a keypad drives it. Each
/// step waits for the kiosk's own log line for the screen or result it leads to. After a
/// warm-up, the kiosk's memory, open file descriptors and threads are read before and
/// after; the growth is reported per 10,000 journeys.
struct SoakBench {
    let zizhu: String
    let journeys: Int
    let scratch: URL
    var report: Report

    /// Follows the kiosk's log as it grows (and across a rotation).
    final class LogFollower {
        let url: URL
        private var offset: UInt64 = 0
        private var pending = ""

        init(url: URL) { self.url = url }

        /// New complete lines since the last call.
        func lines() -> [String] {
            guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            if size < offset { offset = 0 }   // rotated
            try? handle.seek(toOffset: offset)
            let data = handle.readDataToEndOfFile()
            offset += UInt64(data.count)
            pending += String(decoding: data, as: UTF8.self)
            guard let last = pending.lastIndex(of: "\n") else { return [] }
            let complete = pending[..<last].split(separator: "\n").map(String.init)
            pending = String(pending[pending.index(after: last)...])
            return complete
        }
    }

    struct Kiosk {
        let pid: pid_t
        let pty: PseudoTerminal
        let log: LogFollower

        /// Types `keys` and waits until a new log line contains `marker`.
        func press(_ keys: String, until marker: String, timeout: Double = 20) throws {
            _ = keys.utf8CString.withUnsafeBufferPointer { write(pty.master, $0.baseAddress, keys.utf8.count) }
            let deadline = now() + timeout
            var buffer = [UInt8](repeating: 0, count: 65536)
            while now() < deadline {
                var fds = [pollfd(fd: pty.master, events: Int16(POLLIN), revents: 0)]
                if poll(&fds, 1, 5) > 0 { _ = read(pty.master, &buffer, buffer.count) }   // the screen: read and dropped
                if log.lines().contains(where: { $0.contains(marker) }) { return }
            }
            throw BenchError.failed("no '\(marker)' in the kiosk's log within \(Int(timeout)) s after '\(keys)'")
        }
    }

    /// One complete journey, from the attract screen back to it.
    func journey(_ index: Int, on kiosk: Kiosk) throws {
        if index % 10 == 9 {
            // 打印证明: the simulator's card, the demo platform's proof, printed through CUPS.
            try kiosk.press("2", until: "identified by card")
            try kiosk.press("1", until: "proofs:")
            try kiosk.press("1", until: "proof printed")
            try kiosk.press("#", until: "session ended")
            return
        }
        switch index % 3 {
        case 0:   // 取号: a ticket through CUPS, issued once printed, into the outbox
            try kiosk.press("3", until: "screen queue-categories")
            try kiosk.press("1", until: "issued")
            try kiosk.press("#", until: "screen home")
        case 1:   // 办事: browse the hot services and read one's guide
            try kiosk.press("1", until: "screen catalogue")
            try kiosk.press("4", until: "screen services-hot")
            try kiosk.press("1", until: "screen service-detail")
            try kiosk.press("9", until: "screen home")
        default:  // 查询进度: an unknown 受理编号, asked of the local platform
            try kiosk.press("5", until: "screen progress-lookup")
            try kiosk.press("20261122ABCDEF" + String(format: "%06d", index) + "#", until: "progress: ")
            try kiosk.press("9", until: "screen home")
        }
    }

    struct Sample {
        var rssKiB: Int
        /// The heap and other private memory (RSS less the binary's and libraries' pages).
        var anonKiB: Int
        var fds: Int
        var threads: Int
        var treeRssKiB: Int
    }

    func sample(_ pid: pid_t) -> Sample {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") } ?? -1
        }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        return Sample(rssKiB: field("VmRSS"), anonKiB: field("RssAnon"), fds: fds, threads: field("Threads"), treeRssKiB: memory(of: processTree(pid)).rss)
    }

    mutating func run() async throws {
        report.section("Soak: \(journeys) complete journeys through the real kiosk (issue 7)")
        let home = scratch.appendingPathComponent("soak")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let central = URL(fileURLWithPath: zizhu).deletingLastPathComponent().appendingPathComponent("zizhu-central").path
        let database = "sqlite://" + scratch.appendingPathComponent("soak-central.sqlite").path
        let out = scratch.appendingPathComponent("soak-central.out").path
        let centralPID = try ChildProcess.spawn([central, "serve", "--port", "0", "--database", database,
                                                 "--platform-key", scratch.appendingPathComponent("soak-platform.key").path,
                                                 "--proof-key", scratch.appendingPathComponent("soak-proof.key").path], environment: ProcessInfo.processInfo.environment,
                                                stdio: .files(stdout: out, stderr: out))
        defer { stop(centralPID) }
        var url: String?
        for _ in 0..<600 where url == nil {
            url = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("listening on ") }
                .map { String($0.dropFirst("listening on ".count)) }
            if url == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let url else { throw BenchError.failed("zizhu-central did not start") }
        let token = try ChildProcess.run([central, "token", "create", "--database", database], environment: ProcessInfo.processInfo.environment)
            .stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "ZIZHU_HOME": home.path, "PATH": "/usr/bin:/bin", "HOME": scratch.path]
        let enrolled = try ChildProcess.run([zizhu, "enroll", "--central", url, "--token", token], environment: environment)
        guard enrolled.status == 0 else { throw BenchError.failed("enrolment failed: \(enrolled.stdout)\(enrolled.stderr)") }

        let pty = try PseudoTerminal(width: 100, height: 30)
        defer { pty.close() }
        let pid = try spawn([zizhu, "run", "--demo"], environment: environment, stdio: pty.slavePath)
        defer { stop(pid) }
        let kiosk = Kiosk(pid: pid, pty: pty, log: LogFollower(url: home.appendingPathComponent("logs/zizhu.log")))
        try kiosk.press("", until: "reader connected", timeout: 30)

        let warmUp = min(200, max(20, journeys / 20))
        for index in 0..<warmUp { try journey(index, on: kiosk) }
        // Samples at every tenth of the run: growth that stops is warm-up (caches, pools),
        // growth that goes on is a leak; the second half tells them apart.
        var samples = [sample(pid)]
        let started = now()
        let step = max(1, journeys / 10)
        for index in warmUp..<(warmUp + journeys) {
            try journey(index, on: kiosk)
            if (index - warmUp + 1) % step == 0 { samples.append(sample(pid)) }
        }
        let seconds = now() - started
        let before = samples[0], after = samples[samples.count - 1], middle = samples[samples.count / 2]
        let scale = 10_000.0 / Double(journeys)
        let series = samples.map {
            String(format: "%.1f MiB (anon %.1f)/%d fd/%d thr", Double($0.rssKiB) / 1024, Double($0.anonKiB) / 1024, $0.fds, $0.threads)
        }
        report.note("kiosk at every tenth of the run: " + series.joined(separator: ", "))
        report.note("kiosk + simulator + cupsd RSS at every tenth: "
                    + samples.map { String(format: "%.1f", Double($0.treeRssKiB) / 1024) }.joined(separator: ", ") + " MiB")
        let halfScale = 10_000.0 / Double(max(1, journeys - (samples.count / 2) * step))
        report.add("kiosk RSS growth per 10,000 journeys, second half", Double(after.rssKiB - middle.rssKiB) * halfScale / 1024, unit: "MiB")
        report.add("kiosk anonymous memory growth per 10,000 journeys, second half", Double(after.anonKiB - middle.anonKiB) * halfScale / 1024,
                   unit: "MiB")
        report.add("fd growth per 10,000 journeys, second half", Double(after.fds - middle.fds) * halfScale, unit: "")
        report.add("thread growth per 10,000 journeys, second half", Double(after.threads - middle.threads) * halfScale, unit: "")
        report.add("journeys (after \(warmUp) warm-up)", Double(journeys), unit: "",
                   note: String(format: "%.1f s, %.1f journeys/s; mix: ticket, browse, progress, every 10th a printed proof", seconds,
                                Double(journeys) / seconds))
        report.add("kiosk RSS before -> after", Double(after.rssKiB) / 1024, unit: "MiB", note: String(format: "from %.1f MiB", Double(before.rssKiB) / 1024))
        report.add("kiosk RSS growth per 10,000 journeys", Double(after.rssKiB - before.rssKiB) * scale / 1024, unit: "MiB")
        report.add("open file descriptors before -> after", Double(after.fds), unit: "", note: "from \(before.fds)")
        report.add("fd growth per 10,000 journeys", Double(after.fds - before.fds) * scale, unit: "")
        report.add("threads before -> after", Double(after.threads), unit: "", note: "from \(before.threads)")
        report.add("thread growth per 10,000 journeys", Double(after.threads - before.threads) * scale, unit: "")
        report.add("kiosk + simulator + cupsd RSS before -> after", Double(after.treeRssKiB) / 1024, unit: "MiB",
                   note: String(format: "from %.1f MiB", Double(before.treeRssKiB) / 1024))
        // Idle again on the attract screen after the soak: no busy polling left behind.
        let cpuBefore = cpuSeconds(of: [pid])
        pty.drain(for: 10)
        report.add("kiosk + simulator + cupsd RSS growth per 10,000 journeys, second half",
                   Double(after.treeRssKiB - middle.treeRssKiB) * halfScale / 1024, unit: "MiB")
        report.add("kiosk idle CPU on the home screen after the soak (10 s)", (cpuSeconds(of: [pid]) - cpuBefore) / 10 * 100, unit: "% of a core")
    }
}
