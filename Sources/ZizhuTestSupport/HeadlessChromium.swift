// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuProcess
#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium driven the way a person uses a page: it loads pages, fills in
/// forms and presses buttons, keeping its cookies between pages. Spoken to over the
/// DevTools protocol on a pipe (`--remote-debugging-pipe`: commands on the child's fd 3,
/// answers and events on its fd 4, each message a JSON object ended by a NUL byte), so no
/// port is opened and no WebSocket is needed.
///
/// ```swift
/// let browser = try HeadlessChromium()
/// defer { browser.close() }
/// try await browser.open("http://127.0.0.1:8081/dashboard/login")
/// try await browser.fill("input[name=name]", "wang.fang")
/// try await browser.press("button[type=submit]")
/// let html = try await browser.html()
/// ```
public final class HeadlessChromium: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let profile: URL
    private let lock = NSLock()
    private var nextID = 0
    private var pending = Data()
    private var session = ""

    public static var binary: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public init() throws {
        guard let binary = Self.binary else {
            throw Failure(description: "headless Chromium is needed (apt-get install chromium; make test installs it)")
        }
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        profile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("zizhu-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        pid = try ChildProcess.spawn(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--user-data-dir=\(profile.path)", "--remote-debugging-pipe", "about:blank"],
            environment: ["HOME": profile.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
            stdio: .files(stdout: profile.appendingPathComponent("stdout").path, stderr: profile.appendingPathComponent("stderr").path),
            newProcessGroup: true, passing: [3: toChild[0], 4: fromChild[1]])
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        Self.Live.add(pid)
        commands = toChild[1]
        answers = fromChild[0]
    }

    /// Stops the browser and removes its profile.
    public func close() {
        Self.Live.remove(pid)
        ChildProcess.stop(pid, signal: SIGTERM, grace: 3)
        kill(-pid, SIGKILL)   // its renderers, should any outlive it
        Glibc.close(commands)
        Glibc.close(answers)
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: What a person does

    /// Loads a page and waits until it has loaded.
    public func open(_ url: String) async throws {
        try await attach()
        try await marking { try await self.call("Page.navigate", ["url": url]) }
    }

    /// Types into a field (its value replaced), as a person would before pressing a button.
    public func fill(_ selector: String, _ value: String) async throws {
        let found = try await evaluate("""
            (() => { const e = document.querySelector(\(Self.literal(selector))); if (!e) return false;
                     e.value = \(Self.literal(value)); return true; })()
            """)
        guard found as? Bool == true else { throw Failure(description: "no field \(selector) on \(try await location())") }
    }

    /// Presses a button (or follows a link) and waits for the page it leads to.
    public func press(_ selector: String) async throws {
        try await marking {
            let found = try await self.evaluate("""
                (() => { const e = document.querySelector(\(Self.literal(selector))); if (!e) return false; e.click(); return true; })()
                """)
            guard found as? Bool == true else { throw Failure(description: "nothing to press at \(selector) on \(try await self.location())") }
        }
    }

    /// The page as it is now.
    public func html() async throws -> String {
        try await evaluate("document.documentElement.outerHTML") as? String ?? ""
    }

    public func location() async throws -> String {
        try await evaluate("location.href") as? String ?? ""
    }

    /// The visible text of the page.
    public func text() async throws -> String {
        try await evaluate("document.body ? document.body.innerText : ''") as? String ?? ""
    }

    /// Runs a JavaScript expression in the page (DevTools evaluation: the page's own CSP,
    /// which forbids inline script, does not apply to it) and returns its value.
    public func evaluate(_ expression: String) async throws -> Any? {
        try await attach()
        let answer = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = answer["exceptionDetails"] { throw Failure(description: "script failed: \(exception)") }
        return (answer["result"] as? [String: Any])?["value"]
    }

    // MARK: The protocol

    /// Runs `action`, which starts a navigation, and waits for the new document to be loaded.
    private func marking(_ action: () async throws -> Void) async throws {
        _ = try await call("Runtime.evaluate", ["expression": "window.__zizhuOldPage = true", "returnByValue": true])
        try await action()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let state = try? await call("Runtime.evaluate", [
                "expression": "(window.__zizhuOldPage === undefined) && document.readyState === 'complete'", "returnByValue": true,
            ])
            if ((state?["result"] as? [String: Any])?["value"] as? Bool) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "the page did not load within 60 s")
    }

    private func attach() async throws {
        if lock.withLock({ !session.isEmpty }) { return }
        let targets = try await call("Target.getTargets", [:], inSession: false)
        let page = (targets["targetInfos"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "page" }
        let targetID: String
        if let existing = page?["targetId"] as? String {
            targetID = existing
        } else {
            targetID = try await call("Target.createTarget", ["url": "about:blank"], inSession: false)["targetId"] as? String ?? ""
        }
        let attached = try await call("Target.attachToTarget", ["targetId": targetID, "flatten": true], inSession: false)
        guard let id = attached["sessionId"] as? String else { throw Failure(description: "could not attach to the page: \(attached)") }
        lock.withLock { session = id }
        _ = try await call("Page.enable", [:])
    }

    /// Sends one command and returns its result (events that arrive meanwhile are dropped).
    @discardableResult
    private func call(_ method: String, _ parameters: [String: Any], inSession: Bool = true) async throws -> [String: Any] {
        let (id, sessionID) = lock.withLock { () -> (Int, String) in
            nextID += 1
            return (nextID, session)
        }
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if inSession { message["sessionId"] = sessionID }
        let data = try JSONSerialization.data(withJSONObject: message) + [0]
        let reply = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
            Thread { [self] in
                do {
                    try self.write(data)
                    continuation.resume(returning: try self.read(id: id))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        guard let object = try JSONSerialization.jsonObject(with: reply) as? [String: Any] else { throw Failure(description: "bad answer") }
        if let error = object["error"] { throw Failure(description: "\(method): \(error)") }
        return object["result"] as? [String: Any] ?? [:]
    }

    private func write(_ data: Data) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(commands, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw Failure(description: "Chromium stopped listening (\(String(cString: strerror(errno))))") }
                offset += written
            }
        }
    }

    /// Reads messages until the answer to `id` (at most 60 s).
    private func read(id: Int) throws -> Data {
        let deadline = ContinuousClock.now + .seconds(60)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            while let end = lock.withLock({ pending.firstIndex(of: 0) }) {
                let message = lock.withLock { () -> Data in
                    let message = pending[pending.startIndex..<end]
                    pending = Data(pending[(end + 1)...])
                    return Data(message)
                }
                if let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any], object["id"] as? Int == id {
                    return message
                }
            }
            guard ContinuousClock.now < deadline else { throw Failure(description: "Chromium did not answer within 60 s") }
            var descriptor = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&descriptor, 1, 200) > 0 else { continue }
            let count = Glibc.read(answers, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "Chromium closed its pipe (it exited)") }
            lock.withLock { pending.append(contentsOf: chunk[0..<count]) }
        }
    }

    /// Browsers not closed yet; a test that fails before its `close()` must not leave one
    /// running after the test process ends.
    enum Live {
        static let lock = NSLock()
        nonisolated(unsafe) static var pids: Set<pid_t> = []
        nonisolated(unsafe) static var hooked = false

        static func add(_ pid: pid_t) {
            let first = lock.withLock { () -> Bool in
                pids.insert(pid)
                defer { hooked = true }
                return !hooked
            }
            if first {
                atexit {
                    for pid in HeadlessChromium.Live.lock.withLock({ HeadlessChromium.Live.pids }) {
                        kill(-pid, SIGKILL)
                        kill(pid, SIGKILL)
                    }
                }
            }
        }

        static func remove(_ pid: pid_t) { _ = lock.withLock { pids.remove(pid) } }
    }

    static func literal(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
