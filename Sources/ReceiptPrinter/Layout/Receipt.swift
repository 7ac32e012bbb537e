// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// A receipt as a list of blocks, before it is laid out for a paper width.
public struct Receipt: Sendable, Hashable {
    public enum Block: Sendable, Hashable {
        /// Double size, bold, centred (the site or the document's name).
        case title(String)
        /// Bold, centred.
        case heading(String)
        /// Very large digits, centred: a queue number.
        case bigNumber(String)
        case text(String, centred: Bool)
        /// `label：value`, the value wrapped under itself when long.
        case pair(label: String, value: String)
        /// An indented list (missing materials, instructions).
        case bullets([String])
        /// A line across the paper.
        case rule(Character)
        case qr(String)
        case feed(Int)
        case cut
    }

    public var blocks: [Block]

    /// A pair's label with its colon: the full-width "：" after Chinese, ": " after Latin
    /// text (an English receipt must not carry Chinese punctuation).
    public static func labelHead(_ label: String) -> String {
        guard let last = label.unicodeScalars.last else { return "" }
        return label + (last.isASCII ? ": " : "：")
    }

    public init(blocks: [Block]) { self.blocks = blocks }
}
