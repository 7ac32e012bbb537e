// SPDX-License-Identifier: Apache-2.0
import CPseudoTerminal
import Foundation
import ZizhuKiosk
#if canImport(Glibc)
import Glibc
import ZizhuProcess
#endif

/// Small statistics over samples.
struct Samples {
    var values: [Double]

    var median: Double { percentile(50) }
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }
}

/// Monotonic time in seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

enum BenchError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let text) = self { return text }; return "" }
}

/// A pseudo-terminal of a given size: the kiosk under test gets the slave, we read the master.
struct PseudoTerminal {
    let master: Int32
    let slavePath: String

    init(width: Int, height: Int) throws {
        var name = [CChar](repeating: 0, count: 128)
        master = zz_open_pseudo_terminal(&name, name.count, Int32(height), Int32(width))
        guard master >= 0 else {
            throw BenchError.failed("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func close() { _ = Glibc.close(master) }

    /// Reads until `marker` has appeared in the output (or the deadline passes);
    /// returns the time it was seen.
    func waitFor(_ marker: [UInt8], deadline: Double) -> Double? {
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while now() < deadline {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            let remaining = Int32(Swift.max(1, (deadline - now()) * 1000))
            guard poll(&fds, 1, remaining) > 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { return nil }
            seen.append(contentsOf: buffer[0..<n])
            if seen.count >= marker.count, contains(seen, marker) { return now() }
        }
        return nil
    }

    /// Keeps reading (and discarding) whatever the program writes, so it never blocks.
    func drain(for seconds: Double) {
        let end = now() + seconds
        var buffer = [UInt8](repeating: 0, count: 65536)
        while now() < end {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, Int32(Swift.max(1, (end - now()) * 1000))) > 0 {
                if read(master, &buffer, buffer.count) <= 0 { return }
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in (haystack.count - needle.count) >= 0 ? (0...(haystack.count - needle.count)).reversed() : [] {
            if haystack[start] == needle[0] && Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}

/// Starts a program; stdio on the given path (a pty slave) or /dev/null.
func spawn(_ argv: [String], environment: [String: String], stdio: String?) throws -> pid_t {
    try ChildProcess.spawn(argv, environment: environment, stdio: stdio.map { .terminal($0) } ?? .null, newProcessGroup: true)
}

/// Stops a process (and its process group) and reaps it.
func stop(_ pid: pid_t) { ChildProcess.stop(pid) }

/// A process and all its descendants (Chromium is a dozen processes).
func processTree(_ root: pid_t) -> [pid_t] {
    var parents: [pid_t: pid_t] = [:]
    if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") {
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
        }
    }
    var tree = [root]
    var frontier = [root]
    while let next = frontier.popLast() {
        for (pid, parent) in parents where parent == next { tree.append(pid); frontier.append(pid) }
    }
    return tree
}

/// Resident and proportional memory of processes, in KiB.
func memory(of pids: [pid_t]) -> (rss: Int, pss: Int) {
    var rss = 0, pss = 0
    for pid in pids {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "Rss:" { rss += value }
            if parts[0] == "Pss:" { pss += value }
        }
    }
    return (rss, pss)
}

/// Anonymous memory (heap, stacks: what is the process's own, not the mapped binary) in KiB.
func anonymousMemory(of pid: pid_t) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count >= 2, parts[0] == "Anonymous:", let value = Int(parts[1]) { return value }
    }
    return 0
}

/// A file's size in bytes (0 when it cannot be read).
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

/// CPU time (user + system) of processes, in seconds.
func cpuSeconds(of pids: [pid_t]) -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for pid in pids {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        // Fields after the name: state(0) ppid(1) ... utime(11) stime(12)
        if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
            total += (user + system) / ticks
        }
    }
    return total
}
