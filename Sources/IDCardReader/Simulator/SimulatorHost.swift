// SPDX-License-Identifier: Apache-2.0
import CPseudoTerminal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves a `SimulatorEngine` on a pseudo-terminal, so the kiosk's real serial
/// transport talks to it exactly as to a USB-serial reader. Control lines (`place 1`,
/// `fault read-fail once`, `unplug`, `replug`, …) come from a FIFO and from stdin.
///
/// Unplugging closes the pty (the kiosk sees the line hang up); replugging opens a new
/// one. Its path changes, so `link` keeps a stable symlink to the current one, as udev
/// does with `/dev/serial/by-id/…` for a real adapter.
public final class SimulatorHost {
    public let engine: SimulatorEngine
    private let link: String?
    private let controlPath: String?
    private let output: (String) -> Void
    private var master: Int32 = -1
    private var slave: Int32 = -1
    private var control: Int32 = -1
    private var stdinOpen = true
    public private(set) var slavePath = ""
    private var controlBuffer: [UInt8] = []
    private var stdinBuffer: [UInt8] = []

    /// Serve on this existing serial device (e.g. a USB gadget's /dev/ttyGS0) instead of a new pty.
    private let device: String?

    public init(engine: SimulatorEngine, device: String? = nil, link: String?, control: String?, output: @escaping (String) -> Void) {
        self.engine = engine
        self.device = device
        self.link = link
        self.controlPath = control
        self.output = output
    }

    /// Opens the pty (and the control FIFO); returns the device path to give the kiosk.
    @discardableResult
    public func open() throws -> String {
        try plug()
        if let controlPath {
            if access(controlPath, F_OK) != 0 && mkfifo(controlPath, 0o600) != 0 {
                throw SimulatorControlError("cannot create control FIFO \(controlPath): \(String(cString: strerror(errno)))")
            }
            // Read-write so the FIFO never reports end-of-file when a writer goes away.
            control = Glibc.open(controlPath, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard control >= 0 else { throw SimulatorControlError("cannot open \(controlPath): \(String(cString: strerror(errno)))") }
        }
        return link ?? slavePath
    }

    private func plug() throws {
        if let device {
            let fd = Glibc.open(device, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw SimulatorControlError("cannot open \(device): \(String(cString: strerror(errno)))") }
            _ = zz_make_raw(fd, 115_200)
            master = fd
            slavePath = device
            return
        }
        var name = [CChar](repeating: 0, count: 128)
        let fd = zz_open_pseudo_terminal(&name, name.count, 0, 0)
        guard fd >= 0 else { throw SimulatorControlError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        master = fd
        slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Hold the slave open in raw mode: the kiosk may open and close it many times.
        slave = Glibc.open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        if slave >= 0 { _ = zz_make_raw(slave, 115_200) }
        if let link {
            unlink(link)
            guard symlink(slavePath, link) == 0 else {
                throw SimulatorControlError("cannot link \(link) to \(slavePath): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Pulls the reader's plug: the kiosk's open line hangs up.
    public func unplug() {
        if let link { unlink(link) }
        if slave >= 0 { Glibc.close(slave) }
        if master >= 0 { Glibc.close(master) }
        slave = -1
        master = -1
    }

    public var isPlugged: Bool { master >= 0 }

    /// Serves until `shouldStop` says so (checked at least every 100 ms).
    public func run(shouldStop: () -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !shouldStop() {
            // A serial device that went away (e.g. the USB gadget unbound) is reopened.
            if master < 0, device != nil { try? plug() }
            var fds: [pollfd] = []
            if master >= 0 { fds.append(pollfd(fd: master, events: Int16(POLLIN), revents: 0)) }
            if control >= 0 { fds.append(pollfd(fd: control, events: Int16(POLLIN), revents: 0)) }
            if stdinOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), 100) > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == master {
                    let n = Glibc.read(master, &buffer, buffer.count)
                    if n > 0 {
                        for reply in engine.receive(Array(buffer[0..<n])) {
                            if reply.delay > 0 { usleep(UInt32(reply.delay) * 1000) }
                            writeAll(reply.bytes)
                        }
                    } else if device != nil && (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                        // The line hung up: close it and reopen it on the next turn.
                        unplug()
                        usleep(100_000)
                    } else if entry.revents & Int16(POLLHUP | POLLERR) != 0 {
                        usleep(100_000)   // a pty whose other side is closed: do not spin
                    }
                } else if entry.fd == control {
                    let n = Glibc.read(control, &buffer, buffer.count)
                    if n > 0 { controlBuffer += buffer[0..<n]; lines(&controlBuffer) }
                } else if entry.fd == 0 {
                    let n = Glibc.read(0, &buffer, buffer.count)
                    if n > 0 { stdinBuffer += buffer[0..<n]; lines(&stdinBuffer) } else { stdinOpen = false }
                }
            }
        }
    }

    private func lines(_ pending: inout [UInt8]) {
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = String(decoding: pending[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            pending.removeSubrange(...newline)
            if !line.isEmpty { output(handle(line)) }
        }
    }

    /// Applies one control line and says what happened.
    public func handle(_ line: String) -> String {
        switch line {
        case "unplug":
            unplug()
            return "ok: unplugged"
        case "replug":
            if isPlugged { return "ok: already plugged in at \(slavePath)" }
            do {
                try plug()
                return "ok: plugged in at \(slavePath)"
            } catch {
                return "error: \(error)"
            }
        default:
            switch engine.control(line) {
            case .success(let text): return "ok: \(text)"
            case .failure(let error): return "error: \(error)"
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count && master >= 0 {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if n <= 0 {
                if errno == EINTR || errno == EAGAIN { usleep(1000); continue }
                return
            }
            offset += n
        }
    }

    public func close() {
        unplug()
        if control >= 0 { Glibc.close(control) }
        control = -1
        if let controlPath { unlink(controlPath) }
    }
}
