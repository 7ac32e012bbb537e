// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams
import ZizhuProcess

/// A 社保卡 reader that is really there to the software: a private pcscd (the real daemon,
/// in a mount namespace of its own so it never meets the machine's pcscd) with vsmartcard's
/// vpcd driver as its reader, and `Devices/simulator/sscard-vicc.py` as the card that is
/// inserted and taken out. Used by the tests, `zizhu sscard sim` and the demo.
///
/// Clients reach it through `environment` (`PCSCLITE_CSOCK_NAME`); pcsc-lite reads that once
/// per process, so a process talks to one pcscd for its life.
public final class SmartCardEmulation: @unchecked Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// One fake card's data, as `demo-sscards.yaml` writes it.
    public typealias CardData = [String: String]

    public let folder: URL
    public let port: Int
    /// The reader's name as pcscd lists it.
    public let readerName = "Zizhu SSCard 00 00"
    /// Where pcscd's socket is, for `PCSCLITE_CSOCK_NAME`.
    public var socketPath: String { folder.appendingPathComponent("run/pcscd/pcscd.comm").path }
    public var environment: [String: String] { ["PCSCLITE_CSOCK_NAME": socketPath] }

    private let script: URL
    private let lock = NSLock()
    private var daemon: pid_t?
    private var card: pid_t?
    private var insertions = 0

    /// The fake cards of a `demo-sscards.yaml`.
    public static func cards(from file: URL) throws -> [CardData] {
        struct File: Decodable { var cards: [CardData] }
        let text = try String(contentsOf: file, encoding: .utf8)
        return try YAMLDecoder().decode(File.self, from: text).cards
    }

    /// Starts pcscd with one virtual reader and no card in it (`withReader` false: no reader
    /// at all, as when the kiosk's reader is unplugged). `devices` is the `Devices/` folder (for
    /// the card script). Blocks up to 15 s: call it off Swift concurrency's threads.
    ///
    /// `endsWithThisThread`: pcscd gets SIGTERM when the calling thread ends, however it ends
    /// (`zizhu sscard sim` creates it on its main thread, so a SIGKILLed emulation leaves no
    /// pcscd behind); not for callers on a short-lived thread.
    public init(folder: URL, devices: URL, withReader: Bool = true, endsWithThisThread: Bool = false) throws {
        self.folder = folder
        script = devices.appendingPathComponent("simulator/sscard-vicc.py")
        let conf = folder.appendingPathComponent("reader.conf.d")
        try FileManager.default.createDirectory(at: conf, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("run"), withIntermediateDirectories: true)
        for tool in ["/usr/sbin/pcscd", "/usr/lib/pcsc/drivers/serial/libifdvpcd.so", "/usr/bin/unshare", "/usr/bin/python3"]
        where !FileManager.default.fileExists(atPath: tool) {
            throw Problem(description: "\(tool) is missing (apt-get install pcscd vsmartcard-vpcd python3-virtualsmartcard util-linux)")
        }
        port = Self.freePortPair()
        // vpcd listens on CHANNELID for its first slot and the next port for its second.
        let config = """
        FRIENDLYNAME "Zizhu SSCard"
        DEVICENAME   /dev/null:\(port)
        LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
        CHANNELID    \(port)

        """
        if withReader { try config.write(to: conf.appendingPathComponent("vpcd"), atomically: true, encoding: .utf8) }
        // pcscd's socket and pid file are fixed at /run/pcscd: give it a /run of its own.
        // Not root: a user namespace maps us to root inside it.
        var argv = endsWithThisThread ? ["/usr/bin/setpriv", "--pdeathsig", "TERM", "/usr/bin/unshare", "-m"] : ["/usr/bin/unshare", "-m"]
        if geteuid() != 0 { argv.append("-r") }
        argv += ["/bin/sh", "-c", "mount --bind \"$1\" /run && mkdir -p /run/pcscd && exec /usr/sbin/pcscd -f -i -c \"$2\"",
                 "sh", folder.appendingPathComponent("run").path, conf.path]
        let log = folder.appendingPathComponent("pcscd.log").path
        daemon = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                                        stdio: .files(stdout: log, stderr: folder.appendingPathComponent("pcscd.err").path),
                                        newProcessGroup: true)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("daemon ready"), FileManager.default.fileExists(atPath: socketPath) { return }
            if let pid = daemon, let status = ChildProcess.poll(pid) {
                daemon = nil
                let err = (try? String(contentsOfFile: folder.appendingPathComponent("pcscd.err").path, encoding: .utf8)) ?? ""
                throw Problem(description: "pcscd ended at start (\(ChildProcess.describe(status: status))): \(err)\(text.suffix(600))")
            }
            usleep(20_000)
        }
        stop()
        throw Problem(description: "pcscd did not say it was ready within 15 s; its log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Inserts a card (a fresh vicc process). `removeAfter` takes it out again after that
    /// many APDUs, as a citizen pulling the card mid-read. Waits until vicc is connected.
    public func insert(_ card: CardData, removeAfter: Int? = nil) throws {
        remove()
        let json = String(decoding: try JSONSerialization.data(withJSONObject: card, options: [.sortedKeys]), as: UTF8.self)
        var argv = ["/usr/bin/python3", script.path, "--port", "\(port)", "--card", json]
        if let removeAfter { argv += ["--remove-after", "\(removeAfter)"] }
        let count = lock.withLock { insertions += 1; return insertions }
        let out = folder.appendingPathComponent("vicc-\(count).out").path
        let pid = try ChildProcess.spawn(argv, environment: ["PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"],
                                         stdio: .files(stdout: out, stderr: folder.appendingPathComponent("vicc-\(count).err").path))
        lock.withLock { self.card = pid }
        let seen = logged("Card inserted")
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            // Inserted once pcscd has seen the card (its driver polls for presence).
            if ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("inserted"), logged("Card inserted") > seen { return }
            if let status = ChildProcess.poll(pid) {
                lock.withLock { self.card = nil }
                let err = (try? String(contentsOfFile: folder.appendingPathComponent("vicc-\(count).err").path, encoding: .utf8)) ?? ""
                throw Problem(description: "the card emulation ended (\(ChildProcess.describe(status: status))): \(err.suffix(800))")
            }
            usleep(20_000)
        }
        throw Problem(description: "pcscd did not see the emulated card within 10 s (vpcd on port \(port))")
    }

    /// Takes the card out (ends its vicc) and waits until pcscd has seen it go, as a
    /// citizen's card is out before the next one goes in.
    public func remove(waitingForReader: Bool = true) {
        guard let pid = lock.withLock({ () -> pid_t? in defer { card = nil }; return card }) else { return }
        ChildProcess.stop(pid, grace: 2)
        guard waitingForReader else { return }
        let deadline = ContinuousClock.now + .seconds(6)
        while ContinuousClock.now < deadline, logged("Card Removed") < logged("Card inserted") {
            usleep(20_000)
        }
    }

    /// How often pcscd's log says something (it logs every insertion and removal).
    private func logged(_ text: String) -> Int {
        let log = (try? String(contentsOfFile: folder.appendingPathComponent("pcscd.log").path, encoding: .utf8)) ?? ""
        return log.components(separatedBy: text).count - 1
    }

    /// Takes the card out and stops pcscd.
    public func stop() {
        remove(waitingForReader: false)
        guard let pid = lock.withLock({ () -> pid_t? in defer { daemon = nil }; return daemon }) else { return }
        ChildProcess.stop(pid, grace: 3)
    }

    /// `insert` on a thread of its own, awaited: it waits for pcscd to see the card, which
    /// must not hold one of Swift concurrency's few threads.
    public func inserting(_ card: CardData, removeAfter: Int? = nil) async throws {
        try await ChildProcess.detached { try self.insert(card, removeAfter: removeAfter) }
    }

    /// `remove` on a thread of its own, awaited.
    public func removing() async {
        _ = try? await ChildProcess.detached { self.remove() }
    }

    /// `stop` on a thread of its own, awaited.
    public func shutdown() async {
        _ = try? await ChildProcess.detached { self.stop() }
    }

    deinit { stop() }

    /// A port whose successor is free too (vpcd takes both), found by binding port 0.
    static func freePortPair() -> Int {
        for _ in 0..<50 {
            let first = freePort(0)
            if first > 0, first < 65535, freePort(first + 1) == first + 1 { return first }
        }
        return 35963
    }

    private static func freePort(_ wanted: Int) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(wanted)).bigEndian
        address.sin_addr.s_addr = INADDR_ANY
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return 0 }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
