// SPDX-License-Identifier: Apache-2.0
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The program file this kiosk runs from, watched for a newer package installed over it.
///
/// dpkg (or `install`, or a copy and rename) puts a new file at the program's path; the
/// running kiosk keeps the old one, which the kernel now shows as `/proc/self/exe
/// (deleted)`. The kiosk restarts into the new program only at a session boundary, never
/// under a citizen, and only once the file has stayed the same for `settleTime` (a package
/// still being unpacked next to it is not half taken).
public struct InstalledProgram: Sendable {
    /// A file's identity: a new file at the same path has another one.
    public struct Identity: Sendable, Equatable {
        public var device: UInt64
        public var inode: UInt64
        public var modified: Int64
    }

    /// The path the kiosk was started from.
    public let path: String
    /// The program the kiosk is running.
    public let running: Identity
    /// How long a replacement must stay unchanged before the kiosk restarts into it.
    public let settleTime: Duration
    private var seen: (identity: Identity, since: ContinuousClock.Instant)?

    public init(path: String, running: Identity, settleTime: Duration = .seconds(5)) {
        self.path = path
        self.running = running
        self.settleTime = settleTime
    }

    /// This process's program: where it was started from and the file it runs.
    public static func current() -> InstalledProgram? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        var path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Replaced already, between exec and here: the path is still the program's path.
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        guard let running = identity(of: "/proc/self/exe") else { return nil }
        return InstalledProgram(path: path, running: running)
    }

    /// The identity of the file at a path (following links), nil when there is none.
    public static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), modified: Int64(info.st_mtim.tv_sec))
    }

    /// Whether another program is installed at the path and has settled: true once the same
    /// new file has been seen for `settleTime`. A missing file (between dpkg's steps) is no
    /// update.
    public mutating func newerInstalled(now: ContinuousClock.Instant) -> Bool {
        guard let found = Self.identity(of: path), found != running else {
            seen = nil
            return false
        }
        if let seen, seen.identity == found {
            return seen.since.duration(to: now) >= settleTime
        }
        seen = (found, now)
        return false
    }
}
