// SPDX-License-Identifier: Apache-2.0
import DurableFiles
import Foundation
import ZizhuCore
import ZizhuWire

/// What a running kiosk tells `zizhu diagnose` about the devices it holds
/// (`$ZIZHU_HOME/run/kiosk.json`): the reader cannot be opened twice, and a demo kiosk's
/// private cupsd is only known to the kiosk. No personal data.
public struct KioskStatusFile: Codable, Sendable, Hashable {
    public var pid: Int32
    public var reader: ReaderInfo?
    /// The CUPS server and queue the kiosk prints to, once it has used them.
    public var printerServer: String?
    public var printerQueue: String?
    public var updatedAt: String

    public static func file(home: URL) -> URL { home.appendingPathComponent("run/kiosk.json") }

    /// The status of a kiosk that is running now (its process is alive), or nil.
    public static func running(home: URL) -> KioskStatusFile? {
        guard let data = FileManager.default.contents(atPath: file(home: home).path),
              let status = try? JSONDecoder().decode(Self.self, from: data),
              status.pid > 0, kill(status.pid, 0) == 0 || errno == EPERM else { return nil }
        return status
    }
}

/// Keeps `run/kiosk.json` up to date from the kiosk's threads.
final class KioskStatusWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var status: KioskStatusFile
    private let url: URL

    init(home: URL) {
        url = KioskStatusFile.file(home: home)
        status = KioskStatusFile(pid: getpid(), reader: nil, printerServer: nil, printerQueue: nil, updatedAt: "")
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        write()
    }

    func update(_ change: (inout KioskStatusFile) -> Void) {
        lock.withLock {
            let before = status
            change(&status)
            if status != before { write() }
        }
    }

    /// The kiosk is stopping: nobody holds the devices any more.
    func remove() { lock.withLock { _ = unlink(url.path) } }

    private func write() {
        status.updatedAt = UTCTime.iso(Date())
        guard let data = try? JSONEncoder().encode(status) else { return }
        try? DurableFile.replace(url, with: data)
    }
}
