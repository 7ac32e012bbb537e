// SPDX-License-Identifier: Apache-2.0
import CDurableFiles
import Foundation

/// A file operation that did not reach the disk: which path, what was being done, errno.
public struct DurableFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(_ path: String, _ operation: String, code: Int32 = errno) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The disk is full (ENOSPC, or EDQUOT for a quota).
    public var isFull: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String { "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// Files that survive a power cut whole: written to a temporary file beside the target,
/// fsync'd, renamed (or linked) over it, and the folder fsync'd so the new name itself is
/// on disk. A cut at any moment leaves the old content or the new, never a mix, an empty
/// file or a missing one. Every file the kiosk replaces goes through here.
///
/// ```swift
/// try DurableFile.replace(home.appendingPathComponent("enrolment.json"), with: data, permissions: 0o600)
/// ```
public enum DurableFile {
    /// Replaces (or creates) the file with `data`.
    public static func replace(_ url: URL, with data: Data, permissions: mode_t = 0o644) throws(DurableFileError) {
        let temporary = try writeTemporary(beside: url, data: data, permissions: permissions)
        guard rename(temporary, url.path) == 0 else {
            let failure = DurableFileError(url.path, "rename")
            unlink(temporary)
            throw failure
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    /// Creates the file with `data` only if there is none: returns false, writing nothing,
    /// when another process got there first (a key must never be replaced under data
    /// already sealed with it).
    @discardableResult
    public static func create(_ url: URL, with data: Data, permissions: mode_t = 0o600) throws(DurableFileError) -> Bool {
        let temporary = try writeTemporary(beside: url, data: data, permissions: permissions)
        defer { unlink(temporary) }
        guard link(temporary, url.path) == 0 else {
            if errno == EEXIST { return false }
            throw DurableFileError(url.path, "link")
        }
        try syncDirectory(url.deletingLastPathComponent())
        return true
    }

    /// Makes the folder and any missing parents, each new one's parent fsync'd.
    public static func createDirectory(_ url: URL, permissions: mode_t = 0o755) throws(DurableFileError) {
        var missing: [URL] = []
        var cursor = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: cursor.path) && cursor.path != "/" {
            missing.insert(cursor, at: 0)
            cursor = cursor.deletingLastPathComponent()
        }
        for folder in missing {
            if mkdir(folder.path, permissions) != 0 && errno != EEXIST { throw DurableFileError(folder.path, "mkdir") }
            try syncDirectory(folder.deletingLastPathComponent())
        }
    }

    /// Every regular file directly in the folder, and the folder itself, fsync'd.
    public static func syncFolder(_ url: URL) throws(DurableFileError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names {
            let path = url.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw DurableFileError(path, "open") }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw DurableFileError(path, "fsync") }
        }
        try syncDirectory(url)
    }

    /// Puts `incoming` (a complete, synced folder) in place of `current` in one step; the
    /// old tree is then at `incoming`'s path for the caller to remove. Where nothing is at
    /// `current` yet, a plain rename.
    public static func swap(_ incoming: URL, into current: URL) throws(DurableFileError) {
        if FileManager.default.fileExists(atPath: current.path) {
            guard zizhu_rename_exchange(incoming.path, current.path) == 0 else { throw DurableFileError(current.path, "exchange") }
        } else {
            guard rename(incoming.path, current.path) == 0 else { throw DurableFileError(current.path, "rename") }
        }
        try syncDirectory(current.deletingLastPathComponent())
    }

    /// fsync of a folder: the names in it (a new file, a rename) are on disk once it returns.
    public static func syncDirectory(_ url: URL) throws(DurableFileError) {
        let path = url.path.isEmpty ? "." : url.path
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileError(path, "open folder") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DurableFileError(path, "fsync folder") }
    }

    /// Writes and fsyncs a temporary file beside `url`; returns its path.
    private static func writeTemporary(beside url: URL, data: Data, permissions: mode_t) throws(DurableFileError) -> String {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw DurableFileError(temporary, "create") }
        var failure: DurableFileError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = DurableFileError(url.path, "write")
                    return
                }
                offset += written
            }
        }
        // A failed fsync is not retried: the kernel may already have dropped the pages
        // (PostgreSQL's "fsyncgate"); the write is reported as failed and started over.
        if failure == nil, fsync(descriptor) != 0 { failure = DurableFileError(url.path, "fsync") }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw failure
        }
        return temporary
    }
}
