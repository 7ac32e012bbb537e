// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Size rules shared by `update` (paging) and the views (drawing).
public enum Layout {
    /// Rows taken by the title bar, the heading, the navigation row and the footer.
    static func chromeRows(height: Int, elder: Bool) -> Int {
        1 + headingRows(height: height, elder: elder) + 3 + 1
    }

    /// Rows of the heading: a big block-glyph headline in elder mode when there is room.
    static func headingRows(height: Int, elder: Bool) -> Int {
        elder && height >= bigHeadlineMinimumHeight ? 10 : 4
    }

    /// Elder mode's big headline is 8 rows; below this height it gives way to content.
    public static let bigHeadlineMinimumHeight = 30

    /// List items per page: buttons of 3 rows (5 in elder mode), at most 6 (4) so every
    /// item keeps a keypad digit and 7/8 stay free for paging.
    public static func listCapacity(width: Int, height: Int, elder: Bool) -> Int {
        let itemHeight = elder ? 5 : 3
        let available = height - chromeRows(height: height, elder: elder)
        return max(1, min(elder ? 4 : 6, available / itemHeight))
    }
}
