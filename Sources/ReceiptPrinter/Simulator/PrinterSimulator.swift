// SPDX-License-Identifier: Apache-2.0
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An ESC/POS network receipt printer on loopback, for tests and demo kiosks: it keeps
/// every job it receives (`job-NNNN.bin`) and answers DLE EOT real-time status requests
/// from a scripted state, as a real printer's status bytes would read.
public final class PrinterSimulator: @unchecked Sendable {
    /// The paper and fault state the printer reports.
    public enum State: String, Sendable, CaseIterable {
        case ok
        case paperLow = "paper-low"
        case paperOut = "paper-out"
        /// Fine until the next job arrives, then out of paper: paper ends during a job.
        case runsOut = "runs-out"
        case jam
        case coverOpen = "cover-open"
        /// Prints, but each job keeps the connection open for `slowJobSeconds` before the
        /// paper is out (a long receipt): the window in which CUPS can die mid-job.
        case slow
    }

    /// How long a job takes in the `slow` state.
    public static let slowJobSeconds: UInt32 = 2

    public let outputFolder: URL
    private let lock = NSLock()
    private var state: State
    private var listener: Int32 = -1
    public private(set) var port: UInt16 = 0
    private var jobCount = 0
    private var jobStarts = 0
    private var holding = false
    private var running = false
    private var thread: Thread?
    /// A file whose first word, if present, overrides the state (set by tests or a technician).
    public let stateFile: URL?

    public init(outputFolder: URL, state: State = .ok, stateFile: URL? = nil) {
        self.outputFolder = outputFolder
        self.state = state
        self.stateFile = stateFile
    }

    public var currentState: State {
        get {
            if let stateFile, let word = (try? String(contentsOf: stateFile, encoding: .utf8))?
                .split(whereSeparator: \.isWhitespace).first, let state = State(rawValue: String(word)) {
                return state
            }
            return lock.withLock { state }
        }
    }

    public func set(_ newState: State) {
        lock.withLock { state = newState }
        if let stateFile { try? newState.rawValue.write(to: stateFile, atomically: true, encoding: .utf8) }
    }

    public var jobsReceived: Int { lock.withLock { jobCount } }
    /// Jobs whose data began to arrive (a job still printing counts here, not above).
    public var jobsStarted: Int { lock.withLock { jobStarts } }

    /// Holds every job from now on: its data is taken in but the connection stays open and the
    /// paper does not come out until `releaseJobs()` (at most `holdLimitSeconds`). A test that
    /// must act mid-job holds it rather than race a timer it may not be scheduled in time for.
    public func holdJobs() { lock.withLock { holding = true } }
    /// Lets a held job (and every later one) finish.
    public func releaseJobs() { lock.withLock { holding = false } }
    /// The longest a job is held: a test that never releases does not leave a thread behind.
    public static let holdLimitSeconds = 120

    /// Starts listening on 127.0.0.1 (port 0: the kernel picks one). Returns the port.
    @discardableResult
    public func start(port requested: UInt16 = 0) throws -> UInt16 {
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw SimulatorError("cannot listen on 127.0.0.1:\(requested): \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: actual.sin_port)
        running = true
        let thread = Thread { [weak self] in self?.serve() }
        thread.start()
        self.thread = thread
        return port
    }

    /// Stops listening (a printer switched off: connections are refused).
    public func stop() {
        lock.withLock { running = false }
        if listener >= 0 {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
            listener = -1
        }
    }

    private var isRunning: Bool { lock.withLock { running } }

    private func serve() {
        while isRunning {
            var fds = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
        }
    }

    /// One connection: a run of DLE EOT requests (answered), or a job (kept).
    private func handle(_ client: Int32) {
        defer { close(client) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var statusConnection: Bool?
        while true {
            var fds = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, 10_000) > 0 else { break }
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if statusConnection == nil && data.count >= 2 {
                statusConnection = data[0] == 0x10 && data[1] == 0x04
                if statusConnection == false { lock.withLock { jobStarts += 1 } }
            }
            if statusConnection == true {
                while data.count >= 3 && data[0] == 0x10 && data[1] == 0x04 {
                    var reply = statusByte(data[2])
                    _ = write(client, &reply, 1)
                    data.removeFirst(3)
                }
            }
        }
        guard statusConnection == false || (statusConnection == nil && !data.isEmpty) else { return }
        let held = ContinuousClock.now
        while lock.withLock({ holding }) && ContinuousClock.now - held < .seconds(Self.holdLimitSeconds) {
            usleep(10_000)
        }
        if currentState == .slow { sleep(Self.slowJobSeconds) }
        let number = lock.withLock { () -> Int in jobCount += 1; return jobCount }
        let name = String(format: "job-%04d.bin", number)
        let temporary = outputFolder.appendingPathComponent("." + name)
        try? Data(data).write(to: temporary)
        rename(temporary.path, outputFolder.appendingPathComponent(name).path)
        if currentState == .runsOut { set(.paperOut) }
    }

    /// The status byte a printer in this state sends for DLE EOT n.
    func statusByte(_ n: UInt8) -> UInt8 {
        let base: UInt8 = 0x12
        switch (currentState, n) {
        case (.ok, _), (.runsOut, _), (.slow, _): return base
        case (.paperLow, 4): return base | 0x0C
        case (.paperLow, _): return base
        case (.paperOut, 1): return base | 0x08
        case (.paperOut, 2): return base | 0x20
        case (.paperOut, 4): return base | 0x60
        case (.paperOut, _): return base
        case (.jam, 1): return base | 0x08
        case (.jam, 2): return base | 0x40
        case (.jam, 3): return base | 0x08
        case (.jam, _): return base
        case (.coverOpen, 1): return base | 0x08
        case (.coverOpen, 2): return base | 0x04
        case (.coverOpen, _): return base
        }
    }

    public struct SimulatorError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
