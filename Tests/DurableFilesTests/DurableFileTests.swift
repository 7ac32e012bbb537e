// SPDX-License-Identifier: Apache-2.0
import DurableFiles
import Foundation
import Testing
import ZizhuOutbox

/// The file operations every replaced kiosk file goes through, on a real file system. The
/// power cut itself is the QEMU test (EndToEndTests/PowerCutTests); here, what each
/// operation leaves behind and how it fails.
@Suite("Durable files")
struct DurableFileTests {
    static func scratch(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-durable-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func leftovers(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".tmp") }
    }

    @Test func aReplacedFileHasTheNewContentItsModeAndNoTemporaryLeft() throws {
        let folder = try Self.scratch("replace")
        let file = folder.appendingPathComponent("enrolment.json")
        try DurableFile.replace(file, with: Data("old".utf8), permissions: 0o600)
        try DurableFile.replace(file, with: Data("new".utf8), permissions: 0o600)
        #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self) == "new")
        let mode = (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(Self.leftovers(folder).isEmpty)
    }

    @Test func createNeverReplacesWhatAnotherProcessMadeFirst() throws {
        let folder = try Self.scratch("create")
        let file = folder.appendingPathComponent("outbox.key")
        #expect(try DurableFile.create(file, with: Data("first".utf8)))
        #expect(try DurableFile.create(file, with: Data("second".utf8)) == false)
        #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self) == "first")
        #expect(Self.leftovers(folder).isEmpty)
    }

    @Test func manyProcessesStartingAtOnceShareOneOutboxKey() async throws {
        let folder = try Self.scratch("key")
        let file = folder.appendingPathComponent("keys/outbox.key")
        // Sixteen openers racing (the kiosk, a `zizhu submit`, a sync): one key, whole.
        let keys = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<16 {
                group.addTask { try KioskKey.loadOrCreate(at: file).withUnsafeBytes { Data($0) } }
            }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(Set(keys).count == 1 && keys.first?.count == 32)
        #expect(try Data(contentsOf: file) == keys.first)
        #expect(Self.leftovers(file.deletingLastPathComponent()).isEmpty)
    }

    @Test func aSwapPutsTheNewFolderInPlaceInOneStep() throws {
        let parent = try Self.scratch("swap")
        let current = parent.appendingPathComponent("catalogue")
        let incoming = parent.appendingPathComponent(".catalogue.incoming")
        for (folder, text) in [(current, "v1"), (incoming, "v2")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try DurableFile.replace(folder.appendingPathComponent("a.yaml"), with: Data(text.utf8))
        }
        try DurableFile.syncFolder(incoming)
        try DurableFile.swap(incoming, into: current)
        // The new one is in place and the old one where the new one was (for the caller to remove).
        #expect(String(decoding: try Data(contentsOf: current.appendingPathComponent("a.yaml")), as: UTF8.self) == "v2")
        #expect(String(decoding: try Data(contentsOf: incoming.appendingPathComponent("a.yaml")), as: UTF8.self) == "v1")
        // Nothing in place yet: a plain rename.
        let fresh = parent.appendingPathComponent("fresh")
        try DurableFile.swap(incoming, into: fresh)
        #expect(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("a.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: incoming.path))
    }

    @Test func aFailureNamesThePathAndTheStepAndLeavesTheOldFile() throws {
        let folder = try Self.scratch("fail")
        let missing = folder.appendingPathComponent("no-such-folder/status.json")
        #expect {
            try DurableFile.replace(missing, with: Data("x".utf8))
        } throws: { error in
            let text = "\(error)"
            return text.contains("no-such-folder") && text.contains("create failed") && text.contains("No such file or directory")
        }
        #expect(throws: DurableFileError.self) { try DurableFile.syncDirectory(folder.appendingPathComponent("gone")) }
    }

    @Test func aFullDiskIsSaidAsSuchAndTheOldContentStays() async throws {
        // A small file system of our own: a tmpfs if we may mount (CI runs as root).
        let folder = try Self.scratch("full")
        let mounted = Glibc.mount("tmpfs", folder.path, "tmpfs", 0, "size=64k")
        try #require(mounted == 0, "mounting a small tmpfs needs root (errno \(errno))")
        defer { umount2(folder.path, Int32(MNT_DETACH)) }
        let file = folder.appendingPathComponent("kiosk-status.json")
        try DurableFile.replace(file, with: Data("old".utf8))
        #expect {
            try DurableFile.replace(file, with: Data(repeating: 0x41, count: 256 * 1024))
        } throws: { error in
            (error as? DurableFileError)?.isFull == true
        }
        #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self) == "old")
        #expect(Self.leftovers(folder).isEmpty)
    }
}
