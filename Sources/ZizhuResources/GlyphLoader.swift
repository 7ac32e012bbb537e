// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuUI

/// Loads elder mode's big headline glyphs from the system's GNU Unifont (`unifont` package).
public enum GlyphLoader {
    /// The glyphs for the given code points, or nil (with a reason) when the font is missing.
    public static func load(path: String, scalars: Set<UInt32>) -> (font: BigGlyphFont?, problem: String?) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return (nil, "GNU Unifont not found at \(path); elder-mode headlines fall back to plain text (apt-get install unifont)")
        }
        let (font, malformed) = BigGlyphFont.parse(hex: text, only: scalars)
        let missing = scalars.subtracting(font.glyphs.keys)
        var notes: [String] = []
        if malformed > 0 { notes.append("\(malformed) malformed lines skipped in \(path)") }
        if !missing.isEmpty {
            let list = missing.sorted().prefix(8).map { String(format: "U+%04X", $0) }.joined(separator: " ")
            notes.append("\(missing.count) headline characters have no Unifont glyph: \(list)")
        }
        return (font, notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}

/// Unifont glyphs read from the font file once per character, for receipts.
///
/// A receipt asks for the few characters the printer's own font lacks. Reading the 4 MB
/// font file for each print cost every printed proof about 10 MB of short-lived memory,
/// and over a day of printing that left the allocator holding more than the kiosk needs.
/// Characters Unifont does not have are remembered too, so they are not looked for again.
/// The cache grows only with characters never printed before (at most Unifont's own size).
public final class GlyphCache: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var known: [UInt32: BigGlyphFont.Glyph] = [:]
    private var absent: Set<UInt32> = []
    private var reads = 0

    /// How often the font file has been read.
    public var fileReads: Int { lock.withLock { reads } }

    public init(path: String) { self.path = path }

    /// The glyphs for `scalars`, or nil when the font file cannot be read (so a later call,
    /// after `apt-get install unifont`, tries again).
    public func font(for scalars: Set<UInt32>) -> BigGlyphFont? {
        lock.withLock {
            let unknown = scalars.filter { known[$0] == nil && !absent.contains($0) }
            if !unknown.isEmpty {
                reads += 1
                guard let loaded = GlyphLoader.load(path: path, scalars: Set(unknown)).font else { return nil }
                known.merge(loaded.glyphs) { old, _ in old }
                absent.formUnion(unknown.filter { loaded.glyphs[$0] == nil })
            }
            return BigGlyphFont(glyphs: known.filter { scalars.contains($0.key) })
        }
    }
}
