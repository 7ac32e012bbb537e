// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ZizhuCore
import ZizhuWire

/// A swift-log handler that appends one line per message to the kiosk's log file:
/// `<ISO time> <level> <label>: <key=value …> <message>`. Callers never log personal
/// data; as a safety net every line is scrubbed of ID numbers before it is written.
public struct FileLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let meta = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        // UTC with milliseconds, by arithmetic: a formatter would load ICU before the first frame.
        let stamp = UTCTime.isoMilliseconds(Date())
        sink.write(IDNumber.maskNumbers(in: "\(stamp) \(event.level) \(label):\(meta) \(event.message)") + "\n")
    }
}

/// An append-only log file shared by all loggers of the process, rotated by size so a
/// kiosk that runs for months never fills its disk: when the file would pass `maxBytes`
/// it becomes `zizhu.log.1` (the older ones shift up) and the oldest beyond `keep` goes.
public final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let file: URL
    private let maxBytes: Int
    private let keep: Int
    private var handle: FileHandle?
    private var size = 0

    /// Opens (creating if needed) the file for appending; a sink that cannot open its
    /// file drops lines rather than stopping the kiosk.
    public init(file: URL, maxBytes: Int = 8 << 20, keep: Int = 5) {
        self.file = file
        self.maxBytes = max(1024, maxBytes)
        self.keep = max(1, keep)
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        open()
    }

    public func write(_ line: String) {
        let data = Data(line.utf8)
        lock.lock()
        defer { lock.unlock() }
        if size > 0 && size + data.count > maxBytes { rotate() }
        do {
            try handle?.write(contentsOf: data)
            size += data.count
        } catch {
            // A full disk: the line is lost, the kiosk goes on (diagnostics report the disk).
        }
    }

    /// The rotated files, newest first (`zizhu.log.1` …).
    public func rotatedFiles() -> [URL] {
        (1...keep).map { URL(fileURLWithPath: file.path + ".\($0)") }.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    private func open() {
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o640])
        }
        handle = try? FileHandle(forWritingTo: file)
        size = Int((try? handle?.seekToEnd()) ?? 0)
    }

    private func rotate() {
        try? handle?.close()
        handle = nil
        unlink(file.path + ".\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) {
            rename(file.path + ".\(index)", file.path + ".\(index + 1)")
        }
        rename(file.path, file.path + ".1")
        open()
    }
}
