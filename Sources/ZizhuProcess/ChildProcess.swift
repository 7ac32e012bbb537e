// SPDX-License-Identifier: Apache-2.0
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting other programs: the reader simulator in demo mode, tmux and Chromium in tests
/// and benchmarks. A thin layer over posix_spawn because two things matter that
/// Foundation's `Process` does not give: nothing of ours is inherited except the three
/// standard descriptors (a daemon such as tmux's server would otherwise keep our pipes
/// open, and `Process` waits for them), and signals start as a fresh process has them
/// (a test runner may block SIGHUP or SIGWINCH, and children would inherit that).
public enum ChildProcess {
    /// Where a child's standard descriptors point.
    public enum Stdio: Sendable {
        /// `/dev/null`.
        case null
        /// A file or device (e.g. a pseudo-terminal's slave) opened read-write for all three.
        case terminal(String)
        /// stdin from /dev/null, stdout and stderr into these files (created or truncated).
        case files(stdout: String, stderr: String)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts a program. With `newProcessGroup` the child leads its own process group,
    /// so `stop` reaches everything it starts. `passing` hands the child more descriptors
    /// (its number ← ours), e.g. `[3: commands, 4: answers]` for Chromium's
    /// `--remote-debugging-pipe`.
    public static func spawn(_ argv: [String], environment: [String: String], stdio: Stdio = .null,
                             newProcessGroup: Bool = false, passing: [Int32: Int32] = [:]) throws -> pid_t {
        guard let path = argv.first else { throw Failure(description: "no program given") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch stdio {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        case .terminal(let device):
            posix_spawn_file_actions_addopen(&actions, 0, device, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        case .files(let out, let err):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        for (child, ours) in passing { posix_spawn_file_actions_adddup2(&actions, ours, child) }
        for fd in 3..<256 where passing[Int32(fd)] == nil { posix_spawn_file_actions_addclose(&actions, Int32(fd)) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else {
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for a child; returns its exit status, or 128 + the signal that ended it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return exitStatus(status)
    }

    /// The child's exit status if it has ended, without waiting.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? exitStatus(status) : nil
    }

    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// An exit status as `wait` returns it, in words: "exit status 1", or "killed by
    /// signal 11 (SIGSEGV)" for 128 + a signal.
    public static func describe(status: Int32) -> String {
        guard status > 128 else { return "exit status \(status)" }
        let signal = status - 128
        let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
                                      SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
                                      SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM"]
        return "killed by signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
    }

    /// Asks a child (and its process group, if it leads one) to stop, waits up to
    /// `grace` seconds, then kills it. Returns its exit status.
    @discardableResult
    public static func stop(_ pid: pid_t, signal: Int32 = SIGTERM, grace: Double = 5) -> Int32 {
        kill(-pid, signal)
        kill(pid, signal)
        let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
        while ContinuousClock.now < deadline {
            if let status = poll(pid) { return status }
            usleep(5_000)
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        return wait(pid)
    }

    /// Runs a program to completion and returns its status and output.
    public static func run(_ argv: [String], environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out").path, err = scratch.appendingPathComponent("err").path
        let pid = try spawn(argv, environment: environment, stdio: .files(stdout: out, stderr: err))
        let status = wait(pid)
        // Decoded leniently: one byte that is not UTF-8 (a cut character, a serial console's
        // noise) must not turn everything a program said into nothing.
        func text(_ path: String) -> String { FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return (status, text(out), text(err))
    }

    /// `stop` on a thread of its own, awaited (the grace period must not hold a Swift
    /// concurrency thread).
    public static func stopDetached(_ pid: pid_t, signal: Int32 = SIGTERM, grace: Double = 5) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: stop(pid, signal: signal, grace: grace)) }
            thread.start()
        }
    }

    /// Any blocking work on a thread of its own, awaited.
    public static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }

    /// `run` on a thread of its own, awaited: async code must never hold one of Swift
    /// concurrency's few threads while a child runs (actors elsewhere need them).
    public static func runDetached(_ argv: [String], environment: [String: String]) async throws
        -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try run(argv, environment: environment) }) }
            thread.start()
        }
    }
}
