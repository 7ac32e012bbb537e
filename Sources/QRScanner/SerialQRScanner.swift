// SPDX-License-Identifier: Apache-2.0
import CPseudoTerminal
import Glibc
import ZizhuCore

/// Why the QR scanner cannot be read, for the technician (citizens only ever hear that the
/// code cannot be used and that the ID card can).
public enum QRScannerFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// The port cannot be opened (unplugged, wrong port, no permission).
    case notConnected(String)
    /// The port went away while it was being read.
    case unplugged(String)

    public var description: String {
        switch self {
        case .notConnected(let why): return "QR scanner not connected: \(why)"
        case .unplugged(let why): return "QR scanner unplugged: \(why)"
        }
    }
}

/// A QR scanner on a serial line or USB-CDC port: raw 8N1 at the profile's speed through
/// termios, codes assembled by `CodeAssembler`. Blocking; the kiosk reads it on a thread of
/// its own.
public final class SerialQRScanner {
    public let port: String
    public let profile: ScannerProfile
    private var fd: Int32
    private var assembler: CodeAssembler
    private var ready: [CodeAssembler.Piece] = []

    public init(port: String, profile: ScannerProfile) throws(QRScannerFault) {
        self.port = port
        self.profile = profile
        assembler = CodeAssembler(profile: profile)
        let opened = open(port, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else { throw .notConnected("\(port): \(String(cString: strerror(errno)))") }
        if zz_make_raw(opened, Int32(profile.baud)) != 0 && isatty(opened) != 0 {
            let reason = String(cString: strerror(errno))
            Glibc.close(opened)
            throw .notConnected("\(port): cannot set \(profile.baud) 8N1 raw: \(reason)")
        }
        fd = opened
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public var description: String { "serial \(port) \(profile.baud) 8N1" }

    /// The next code or garbled scan, waiting at most `timeout` seconds (nil: nothing came).
    /// A port that goes away (EIO, hang-up) throws `unplugged`.
    public func next(timeout: Double) throws(QRScannerFault) -> CodeAssembler.Piece? {
        if !ready.isEmpty { return ready.removeFirst() }
        let seconds: Double = max(0, min(timeout, 3600))
        let deadline: ContinuousClock.Instant = ContinuousClock.now + Duration.milliseconds(Int(seconds * 1000))
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let left: Duration = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&poller, 1, Self.milliseconds(left))
            if polled < 0 {
                if errno == EINTR { continue }
                throw .unplugged("\(port): poll: \(String(cString: strerror(errno)))")
            }
            if polled == 0 { return nil }
            let count: Int = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .unplugged("\(port): \(String(cString: strerror(errno)))")
            }
            // Readable with nothing to read: the other end hung up (a pty's master closed, a
            // USB-CDC device gone).
            if count == 0 { throw .unplugged("\(port): the line hung up") }
            ready += assembler.feed(buffer.prefix(count))
            if !ready.isEmpty { return ready.removeFirst() }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let whole: Int64 = seconds * 1000
        let part: Int64 = attoseconds / 1_000_000_000_000_000
        return Int32(clamping: whole + part + 1)
    }
}
