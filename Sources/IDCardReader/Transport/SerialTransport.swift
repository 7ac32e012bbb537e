// SPDX-License-Identifier: Apache-2.0
import CPseudoTerminal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A reader on a serial line (USB-serial adapter, or the simulator's pseudo-terminal):
/// termios raw, 8N1, no flow control, 115200 baud unless the device profile says otherwise.
public final class SerialTransport: ReaderTransport, @unchecked Sendable {
    public let path: String
    public let baud: Int
    private let lock = NSLock()
    private var fd: Int32

    public init(path: String, baud: Int = 115_200) throws(TransportError) {
        self.path = path
        self.baud = baud
        let opened = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else { throw .notConnected("\(path): \(String(cString: strerror(errno)))") }
        // A pty slave accepts termios like a real UART; a speed it cannot set is an error for a real port.
        if zz_make_raw(opened, Int32(baud)) != 0 && isatty(opened) != 0 {
            let reason = String(cString: strerror(errno))
            Glibc.close(opened)
            throw .notConnected("\(path): cannot set \(baud) 8N1 raw: \(reason)")
        }
        fd = opened
    }

    public var description: String { "serial \(path) \(baud) 8N1" }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        lock.lock()
        defer { lock.unlock() }
        guard fd >= 0 else { throw .disconnected("\(path) is closed") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var out = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&out, 1, 1000)
                    continue
                }
                throw hangup(errno)
            }
            offset += n
        }
    }

    public func read(timeout: Double) throws(TransportError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        guard fd >= 0 else { throw .disconnected("\(path) is closed") }
        var fds = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&fds, 1, Int32(max(0, timeout * 1000)))
        if ready < 0 { return errno == EINTR ? [] : [] }
        if ready == 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = Glibc.read(fd, &buffer, buffer.count)
        if n > 0 { return Array(buffer[0..<n]) }
        if n == 0 || fds.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw .disconnected("\(path) hung up (unplugged?)")
        }
        if errno == EAGAIN || errno == EINTR { return [] }
        throw hangup(errno)
    }

    public func discardInput() {
        lock.lock()
        defer { lock.unlock() }
        guard fd >= 0 else { return }
        tcflush(fd, TCIFLUSH)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Glibc.read(fd, &buffer, buffer.count) > 0 {}
    }

    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    private func hangup(_ code: Int32) -> TransportError {
        let text = String(cString: strerror(code))
        if code == EIO || code == ENXIO || code == ENODEV { return .disconnected("\(path): \(text) (unplugged?)") }
        return .io("\(path): \(text)")
    }
}
