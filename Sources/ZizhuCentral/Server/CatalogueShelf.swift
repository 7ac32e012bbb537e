// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOConcurrencyHelpers
import ZizhuWire

/// The catalogue folder as `GET /v1/catalogue` serves it: read, hashed and encoded once, and
/// again only when a file in it changed (each request compares the files' sizes and
/// modification times, a `stat` each, instead of reading and hashing the whole folder: a
/// province's kiosks check the ETag thousands of times a minute).
///
/// ```swift
/// let shelf = CatalogueShelf(folder: URL(fileURLWithPath: "/etc/zizhu-central/catalogue"))
/// let (bundle, etag, body) = try shelf.current()   // the same until a file changes
/// ```
final class CatalogueShelf: Sendable {
    struct Entry: Sendable {
        var bundle: CatalogueBundle
        /// The quoted entity tag.
        var etag: String
        /// The bundle as canonical JSON.
        var body: Data
    }

    let folder: URL
    private let cached = NIOLockedValueBox<(stamp: [FileStamp], entry: Entry)?>(nil)

    init(folder: URL) { self.folder = folder }

    /// The catalogue as the folder holds it now (`CatalogueBundle.LoadProblem` when it cannot be read).
    func current() throws -> Entry {
        let (stamp, settled) = Self.stamp(folder)
        if settled, let hit = cached.withLockedValue({ $0 }), hit.stamp == stamp { return hit.entry }
        let bundle = try CatalogueBundle.load(folder: folder)
        let entry = Entry(bundle: bundle, etag: "\"\(bundle.etag)\"", body: try CanonicalJSON.encode(bundle))
        cached.withLockedValue { $0 = (stamp, entry) }
        return entry
    }

    /// Name, size, modification time and inode of every file the bundle is made of, and of
    /// the folder itself (a file added or removed). Not settled while any of them changed in
    /// the last two seconds: a file's clock ticks coarsely, so a second write that soon may
    /// leave the same stamp (git's "racy clean"); until then every request reads the folder.
    /// (Plain values compared, no text made: this runs for every ETag check.)
    static func stamp(_ folder: URL) -> (stamp: [FileStamp], settled: Bool) {
        var newest = 0
        let base = folder.path
        func stamp(_ path: String, _ name: String) -> FileStamp? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            newest = max(newest, info.st_mtim.tv_sec, info.st_ctim.tv_sec)
            return FileStamp(name: name, size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec,
                             inode: UInt64(info.st_ino))
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0 == ".signature.json" }.sorted()
        let stamps = [stamp(base, ".")].compactMap { $0 } + names.compactMap { stamp(base + "/" + $0, $0) }
        return (stamps, newest < time(nil) - 2)
    }

    /// What `stamp` records of one file.
    struct FileStamp: Equatable, Sendable {
        var name: String
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
        var inode: UInt64
    }
}
