import CPseudoTerminal
import Foundation
#if canImport(Glibc)
import Glibc
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

/// Starts a program with posix_spawn; stdio on the given path (a pty slave) or /dev/null.
func spawn(_ argv: [String], environment: [String: String], stdio: String?, newSession: Bool = true) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let path = stdio ?? "/dev/null"
    posix_spawn_file_actions_addopen(&actions, 0, path, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    if newSession {
        flags |= Int32(POSIX_SPAWN_SETPGROUP)   // its own process group, so stop() reaches its children
        posix_spawnattr_setpgroup(&attributes, 0)
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
    guard result == 0 else { throw BenchError.failed("cannot start \(argv[0]): \(String(cString: strerror(result)))") }
    return pid
}

/// Stops a process (and its process group) and reaps it.
func stop(_ pid: pid_t, signal: Int32 = SIGTERM) {
    kill(-pid, signal)
    kill(pid, signal)
    var status: Int32 = 0
    let deadline = now() + 5
    while now() < deadline {
        if waitpid(pid, &status, WNOHANG) == pid { return }
        usleep(5_000)
    }
    kill(-pid, SIGKILL)
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
}

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
