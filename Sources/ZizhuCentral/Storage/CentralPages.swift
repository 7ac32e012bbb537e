// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuWire

/// 扫描纸质材料 on the platform: a page scanned at a kiosk arrives in chunks after its
/// application. The page's size and SHA-256 come with every chunk (signed with the rest of
/// the request): the first chunk announces them, a later one that says otherwise is a
/// conflict. Chunks are taken only in order (at the offset the platform holds up to; any
/// other offset is answered with that offset, so a repeat or a gap costs nothing); the page
/// is checked against its SHA-256 when whole, sealed with the platform key, and its chunks
/// dropped.
public struct PageChunk: Sendable, Hashable {
    public var acceptanceNumber: String
    public var material: String
    public var number: Int
    public var offset: Int
    public var size: Int
    public var sha256: String
    public var bytes: Data

    public init(acceptanceNumber: String, material: String, number: Int, offset: Int, size: Int, sha256: String, bytes: Data) {
        self.acceptanceNumber = acceptanceNumber
        self.material = material
        self.number = number
        self.offset = offset
        self.size = size
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// What is wrong with it before the database is asked (nil: nothing).
    public var problem: String? {
        if !PageRules.isMaterialID(material) { return "the material id is not one a catalogue uses" }
        if !(1...PageRules.mostPages).contains(number) { return "page numbers run from 1 to \(PageRules.mostPages)" }
        if !(1...PageRules.largestPage).contains(size) { return "a page is 1 to \(PageRules.largestPage) bytes" }
        if sha256.count != 64 || !sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) { return "sha256 is 64 lower-case hex digits" }
        if bytes.isEmpty || bytes.count > PageRules.chunkBytes { return "a chunk is 1 to \(PageRules.chunkBytes) bytes" }
        if offset < 0 || offset > size - bytes.count { return "the chunk does not lie inside the page" }
        return nil
    }

    /// Where the sealed page is bound (a page moved to another case does not open).
    var sealContext: String { "page:\(acceptanceNumber)/\(material)/\(number)" }
}

/// What the store made of a chunk.
public enum PageChunkOutcome: Sendable, Hashable {
    case answer(PageChunkAnswer)
    /// No application has this 受理编号 (yet).
    case unknownCase
    /// The application is another kiosk's.
    case otherKiosk
    /// The page was announced before with another size or SHA-256.
    case conflict
    /// The page came whole but its bytes do not match its SHA-256 (it starts again from 0).
    case corrupt
    /// The application has as many pages as one may.
    case tooMany
}

/// A page of a case, as the reviewer's page lists it.
public struct CasePage: Sendable, Hashable {
    public var material: String
    public var number: Int
    public var size: Int
    public var received: Int
    public var complete: Bool
}

extension PageChunkOutcome {
    /// The next state of a stored page after this chunk: nil when the chunk is not taken
    /// (the answer is the stored state); the new received count when it is.
    static func taken(_ chunk: PageChunk, stored: (size: Int, sha256: String, received: Int, complete: Bool)) -> (outcome: PageChunkOutcome, take: Bool) {
        guard stored.size == chunk.size, stored.sha256 == chunk.sha256 else { return (.conflict, false) }
        if stored.complete { return (.answer(PageChunkAnswer(received: stored.size, complete: true)), false) }
        guard chunk.offset == stored.received else { return (.answer(PageChunkAnswer(received: stored.received, complete: false)), false) }
        let received = stored.received + chunk.bytes.count
        return (.answer(PageChunkAnswer(received: received, complete: false)), true)
    }
}
