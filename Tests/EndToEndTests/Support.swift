// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import Testing
import ZizhuKiosk
import ZizhuProcess

/// The repository and the built `zizhu` binary the tests drive.
enum Built {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `ZIZHU_BIN`, else the `zizhu` next to the test bundle (the same build).
    static var zizhu: String {
        if let explicit = ProcessInfo.processInfo.environment["ZIZHU_BIN"] { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("zizhu")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/zizhu").path
    }

    /// The `zizhu-central` built next to `zizhu`.
    static var central: String {
        URL(fileURLWithPath: zizhu).deletingLastPathComponent().appendingPathComponent("zizhu-central").path
    }

    static func snapshot(_ name: String) -> String? {
        let url = repository.appendingPathComponent("Tests/ZizhuUITests/__Snapshots__/\(name).txt")
        // capture-pane leaves out trailing empty rows, so compare without them.
        return (try? String(contentsOf: url, encoding: .utf8)).map { text in
            var trimmed = Substring(text)
            while trimmed.hasSuffix("\n") { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
    }

    /// One folder for everything this test process writes; removed when the process exits
    /// (kept with `ZIZHU_KEEP_SCRATCH=1`, to read a failed test's guest consoles and logs).
    static let scratchRoot: URL = {
        let url = URL(fileURLWithPath: "/tmp/zizhu-e2e-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if ProcessInfo.processInfo.environment["ZIZHU_KEEP_SCRATCH"] != "1" {
            atexit { try? FileManager.default.removeItem(atPath: "/tmp/zizhu-e2e-\(getpid())") }
        }
        return url
    }()

    /// A fresh private directory (a kiosk's ZIZHU_HOME, scratch files).
    static func temporaryDirectory(_ label: String) -> URL {
        let url = scratchRoot.appendingPathComponent("\(label)-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs a program to completion and captures its output.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs it on a thread of its own (a long run must not hold a concurrency thread).
    static func program(_ path: String, _ arguments: [String], environment: [String: String]) async throws -> Run {
        let result = try await ChildProcess.runDetached([path] + arguments, environment: environment)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// Runs it on this thread: only for quick commands (tmux).
    static func programNow(_ path: String, _ arguments: [String], environment: [String: String]) throws -> Run {
        let result = try ChildProcess.run([path] + arguments, environment: environment)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

/// A private tmux server (its own socket) for one test; killed when the test ends.
final class Tmux {
    let socket: String
    let session = "kiosk"
    let width: Int
    let height: Int

    init(width: Int = 100, height: Int = 30) {
        socket = "zizhu-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.width = width
        self.height = height
    }

    deinit { _ = try? command(["kill-server"]) }

    @discardableResult
    func command(_ arguments: [String]) throws -> String {
        let run = try Run.programNow("/usr/bin/tmux", ["-L", socket] + arguments,
                                  environment: ProcessInfo.processInfo.environment)
        return run.stdout
    }

    /// Starts a shell command in a new session of the given size. tmux sets TERM for its
    /// panes itself, so the command must set TERM explicitly where it matters.
    func start(_ shellCommand: String) throws {
        try command(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", shellCommand])
    }

    /// The screen as text, trailing blanks trimmed (as `capture-pane -p` prints it).
    func capture() throws -> String {
        var text = try command(["capture-pane", "-p", "-t", session])
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    func sendKeys(_ keys: String...) throws { try command(["send-keys", "-t", session] + keys) }

    /// Presses keys one at a time as a person would: each once the screen has shown the
    /// last one's effect (it changed), never after a fixed pause.
    func press(_ keys: String..., timeout: Duration = .seconds(15)) async throws {
        for key in keys {
            let before = try capture()
            try sendKeys(key)
            _ = try await waitForScreen(timeout: timeout) { $0 != before }
        }
    }
    func sendLiteral(_ text: String) throws { try command(["send-keys", "-t", session, "-l", text]) }

    /// An SGR (1006) mouse press and release at a 0-based cell, as xterm sends a tap.
    func tap(x: Int, y: Int) throws {
        try sendLiteral("\u{1B}[<0;\(x + 1);\(y + 1)M")
        try sendLiteral("\u{1B}[<0;\(x + 1);\(y + 1)m")
    }

    func resize(width: Int, height: Int) throws {
        try command(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    func format(_ format: String) throws -> String {
        try command(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until it satisfies the predicate and has been drawn to the end (two
    /// captures in a row agree: tmux can capture a screen halfway through being drawn), or
    /// the deadline passes (and looks once more after it: a busy machine may not have run
    /// this task for a while).
    @discardableResult
    func waitForScreen(timeout: Duration = .seconds(15), _ predicate: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = try capture()
        var previous: String?
        while !(predicate(screen) && screen == previous) && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            previous = screen
            screen = try capture()
        }
        return screen
    }
}

/// Waits for a file to appear (with a deadline) and returns its contents.
func waitForFile(_ url: URL, timeout: Duration = .seconds(15), until done: (String) -> Bool = { _ in true }) async -> String? {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if let data = FileManager.default.contents(atPath: url.path), !data.isEmpty, done(String(decoding: data, as: UTF8.self)) {
            return String(decoding: data, as: UTF8.self)
        }
        if clock.now >= deadline { return nil }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// The exit status of a kiosk started in tmux with `echo $? > scratch/exit` after it: nil
/// when it has not exited within the timeout.
func kioskExitStatus(_ scratch: URL, timeout: Duration = .seconds(15)) async -> String? {
    await waitForFile(scratch.appendingPathComponent("exit"), timeout: timeout)?.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// What a failing printing test says about the cupsd behind it: alive or not, the tail of
/// its error_log, and — for a demo kiosk's private cupsd, which only the kiosk can reap —
/// the kiosk's log lines about its printer service (how cupsd ended, and its restart).
enum CUPSReport {
    /// A demo kiosk's private cupsd, found through the kiosk's `run/kiosk.json`.
    static func demo(_ scratch: URL) -> String {
        let status = (FileManager.default.contents(atPath: KioskStatusFile.file(home: scratch).path))
            .flatMap { try? JSONDecoder().decode(KioskStatusFile.self, from: $0) }
        guard let server = status?.printerServer else {
            return "cupsd: the kiosk had not reached its printer yet (no printer server in run/kiosk.json)"
        }
        let folder = URL(fileURLWithPath: server).deletingLastPathComponent()
        let running = processes(withArgument: folder.appendingPathComponent("cupsd.conf").path)
        let state = running.isEmpty ? "cupsd is not running" : "cupsd (pid \(running.map(String.init).joined(separator: ", "))) is running"
        let log = (try? String(contentsOf: scratch.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)) ?? ""
        let said = log.split(separator: "\n").filter { $0.contains("printer service") }.suffix(5).joined(separator: "\n  ")
        return PrivateCUPS.report(state: state, folder: folder) + "\nthe kiosk's log on its printer service:\n  " + (said.isEmpty ? "(nothing)" : said)
    }

    /// The processes whose command line has this argument.
    static func processes(withArgument argument: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == argument } ? pid : nil
        }
    }
}
