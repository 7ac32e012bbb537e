// SPDX-License-Identifier: Apache-2.0
import CPseudoTerminal
import Glibc

/// A serial QR scanner played on a pseudo-terminal: what it "scans" arrives on the line as
/// the code's bytes and a CR, as a real scanner sends them. The kiosk opens the slave (or
/// the symlink `link`) exactly as it opens `/dev/ttyACM0`; `unplug()` hangs the line up.
/// Driven by `scan`, or by lines on a control FIFO (`zizhu qr sim`, the demo kiosk):
/// `scan TEXT`, `demo N` (the N-th code of the demo file, from 1), `garble`, `unplug`.
public final class QRScannerSimulator: @unchecked Sendable {
    public let link: String?
    public private(set) var path = ""
    private var master: Int32 = -1
    private var slave: Int32 = -1

    public init(link: String?) throws(QRScannerFault) {
        self.link = link
        var name = [CChar](repeating: 0, count: 128)
        let fd = zz_open_pseudo_terminal(&name, name.count, 0, 0)
        guard fd >= 0 else { throw .notConnected("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        master = fd
        _ = zz_make_raw(master, 9600)
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Held open so the kiosk may open and close its end as often as it likes.
        slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        if slave >= 0 { _ = zz_make_raw(slave, 9600) }
        if let link {
            unlink(link)
            guard symlink(path, link) == 0 else { throw .notConnected("cannot link \(link) to \(path): \(String(cString: strerror(errno)))") }
        }
    }

    deinit { unplug() }

    /// What a scan puts on the line.
    public func send(_ bytes: [UInt8]) {
        guard master >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written <= 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += written
        }
    }

    public func scan(_ code: String) { send(Array(code.utf8) + [0x0D]) }

    /// The scanner's cable pulled: its line hangs up.
    public func unplug() {
        if let link { unlink(link) }
        if slave >= 0 { close(slave) }
        if master >= 0 { close(master) }
        slave = -1
        master = -1
    }

    public var isPlugged: Bool { master >= 0 }

    /// Acts on one control line; false for a line it does not know.
    @discardableResult
    public func perform(_ line: String, demoCodes: [String]) -> Bool {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        switch (words.first ?? "", words.count > 1 ? words[1] : "") {
        case ("scan", let text) where !text.isEmpty: scan(text)
        case ("demo", let number):
            guard let index = Int(number), demoCodes.indices.contains(index - 1) else { return false }
            scan(demoCodes[index - 1])
        // Half a code, a byte no code has, then the end: a scan the scanner misread.
        case ("garble", _): send(Array("ZZEID1.DE".utf8) + [0x07] + Array("MO".utf8) + [0x0D])
        case ("unplug", _): unplug()
        default: return false
        }
        return true
    }

    /// Serves a control FIFO (made if missing) until `shouldStop` says so (checked every
    /// 100 ms) or the scanner is unplugged.
    public func serve(control: String, demoCodes: [String], shouldStop: () -> Bool) throws(QRScannerFault) {
        try Self.serveControl(control, shouldStop: { shouldStop() || !isPlugged }) { line in
            perform(line, demoCodes: demoCodes)
            return isPlugged
        }
    }

    /// Reads lines from a control FIFO (made if missing) and hands each to `act` until
    /// `shouldStop` says so or `act` answers false.
    public static func serveControl(_ control: String, shouldStop: () -> Bool, act: (String) -> Bool) throws(QRScannerFault) {
        if access(control, F_OK) != 0, mkfifo(control, 0o600) != 0 {
            throw .notConnected("cannot make the control FIFO \(control): \(String(cString: strerror(errno)))")
        }
        // Read and write: the FIFO never reads as closed when a writer leaves.
        let fd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .notConnected("cannot open \(control): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !shouldStop() {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count: Int = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            pending += buffer.prefix(count)
            while let end = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: " \r\t")
                pending.removeSubrange(...end)
                if !line.isEmpty && !act(line) { return }
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
