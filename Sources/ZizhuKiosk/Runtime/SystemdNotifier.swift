// SPDX-License-Identifier: Apache-2.0
import Foundation

/// systemd's notification protocol (sd_notify): READY=1 once the kiosk is serving,
/// WATCHDOG=1 from the UI loop itself — so a hung loop stops the pings and systemd
/// restarts the kiosk — and STOPPING=1 on the way out. A datagram to `NOTIFY_SOCKET`;
/// does nothing when the kiosk was not started by systemd.
///
/// Under the kiosk session (cage → foot → zizhu) the unit's main process is cage, so
/// `WATCHDOG_PID` names an ancestor; the unit sets `NotifyAccess=all`.
public final class SystemdNotifier: @unchecked Sendable {
    private let socketPath: String?
    /// How often to ping: half the watchdog timeout. Nil: no watchdog.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if path != nil, let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0,
           Self.isForUs(pid: environment["WATCHDOG_PID"].flatMap { Int32($0) }) {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    public var isActive: Bool { socketPath != nil }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func watchdog() { send("WATCHDOG=1") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func stopping() { send("STOPPING=1") }

    /// Sends one notification; false when it could not be delivered.
    @discardableResult
    public func send(_ message: String) -> Bool {
        guard var path = socketPath else { return false }
        // An abstract socket is written with a leading '@'.
        let abstract = path.hasPrefix("@")
        if abstract { path.removeFirst() }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count + (abstract ? 1 : 0) < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let offset = abstract ? 1 : 0   // abstract: a leading NUL
            for (index, byte) in bytes.enumerated() { raw[offset + index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 1 : 0))
        let sent = Array(message.utf8).withUnsafeBytes { body in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, body.baseAddress, body.count, 0, $0, length) }
            }
        }
        return sent == message.utf8.count
    }

    /// The watchdog is ours when systemd named no pid, this process, or one of its
    /// ancestors (the kiosk session's cage or foot).
    static func isForUs(pid: Int32?) -> Bool {
        guard let pid else { return true }
        var current = getpid()
        for _ in 0..<16 {
            if current == pid { return true }
            guard current > 1, let parent = parentPID(of: current) else { return false }
            current = parent
        }
        return false
    }

    private static func parentPID(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm) ": state, then the parent's pid.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
