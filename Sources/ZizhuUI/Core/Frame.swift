// SPDX-License-Identifier: Apache-2.0
/// A touch target on the screen with the keys that activate it.
public struct HitRegion: Sendable, Hashable {
    public var rect: Rect
    public var button: ButtonID
    /// Keys that activate the button; the first is the one printed on it.
    public var keys: [Key]

    public init(rect: Rect, button: ButtonID, keys: [Key]) {
        self.rect = rect
        self.button = button
        self.keys = keys
    }
}

/// What a view returns: the drawn grid and where its buttons are.
public struct Frame: Sendable, Hashable {
    public var grid: CellGrid
    /// In focus order (reading order).
    public var hits: [HitRegion]
    /// The handwriting pad, when the screen shows one: touches there are strokes.
    public var pad: Rect?

    public init(grid: CellGrid, hits: [HitRegion] = [], pad: Rect? = nil) {
        self.grid = grid
        self.hits = hits
        self.pad = pad
    }

    /// The button under a touch. Later regions are drawn on top, so they win.
    public func button(atX x: Int, y: Int) -> ButtonID? {
        hits.last { $0.rect.contains(x: x, y: y) }?.button
    }

    /// The button a key activates on this screen, if any.
    public func button(for key: Key) -> ButtonID? {
        hits.last { $0.keys.contains(key) }?.button
    }
}
