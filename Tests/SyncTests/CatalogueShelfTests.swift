// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuCentral
import ZizhuWire

/// The catalogue route reads the folder once and again only when a file in it changed: a
/// file rewritten (even to the same size), added, removed or signed is served at once; an
/// unreadable one is an error, not the old catalogue.
@Suite("Catalogue shelf")
struct CatalogueShelfTests {
    @Test func aChangedAddedRemovedOrSignedFileIsServedAtOnce() async throws {
        let folder = Scratch.folder("shelf")
        let first = folder.appendingPathComponent("a.yaml"), second = folder.appendingPathComponent("b.yaml")
        try "id: a\n".write(to: first, atomically: false, encoding: .utf8)
        try "id: b\n".write(to: second, atomically: false, encoding: .utf8)
        let shelf = CatalogueShelf(folder: folder)
        let original = try shelf.current()
        #expect(original.bundle.files.map(\.name) == ["a.yaml", "b.yaml"])
        #expect(original.etag == "\"\(try CatalogueBundle.load(folder: folder).etag)\"")
        #expect(try shelf.current().etag == original.etag, "unchanged: the same version")
        #expect(CatalogueShelf.stamp(folder).settled == false, "files written this second are read again each time")
        // Once the files have settled (two seconds), only their stamps are read.
        try await Task.sleep(for: .seconds(3))
        #expect(CatalogueShelf.stamp(folder).settled)
        #expect(try shelf.current().etag == original.etag)
        #expect(try JSONDecoder().decode(CatalogueBundle.self, from: try shelf.current().body) == original.bundle)

        // The same size, other bytes, written in place within the same tick of the file clock.
        try "id: c\n".write(to: first, atomically: false, encoding: .utf8)
        let rewritten = try shelf.current()
        #expect(rewritten.etag != original.etag)
        #expect(rewritten.bundle.files.first?.text == "id: c\n")
        // A file added, then removed; a file that is not part of a catalogue changes nothing.
        try "id: d\n".write(to: folder.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        #expect(try shelf.current().bundle.files.count == 3)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("d.yaml"))
        #expect(try shelf.current().etag == rewritten.etag)
        try "notes".write(to: folder.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        #expect(try shelf.current().etag == rewritten.etag)
        // Unreadable text is refused, not covered by what was served before.
        try Data([0xff, 0xfe, 0x00]).write(to: second)
        #expect(throws: CatalogueBundle.LoadProblem.self) { try shelf.current() }
    }
}
