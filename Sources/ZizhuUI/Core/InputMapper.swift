// SPDX-License-Identifier: Apache-2.0
/// Input as the terminal reports it, before it means anything.
public enum RawInput: Sendable, Hashable {
    case key(Key)
    /// A touch came down at a cell (0-based).
    case press(x: Int, y: Int)
    /// The touch was lifted at a cell.
    case release(x: Int, y: Int)
    /// A terminal that reports only whole clicks.
    case click(x: Int, y: Int)
    /// The touch moved while down (button-event mouse tracking).
    case drag(x: Int, y: Int)
    case resize(width: Int, height: Int)
}

/// Turns raw input into events using the last presented frame: a touch that goes down
/// and comes up inside the same button, the keypad key printed on that button, and
/// Enter while the button has focus all become the same `Event.activated`.
public struct InputMapper: Sendable {
    /// The button under the finger since the last press.
    public private(set) var pressedButton: ButtonID?
    /// Whether the finger came down on the handwriting pad (its moves are then strokes).
    public private(set) var writing = false

    public init() {}

    public mutating func map(_ input: RawInput, frame: Frame, focus: Int?) -> Event? {
        switch input {
        case .resize(let width, let height):
            return .resized(width: width, height: height)
        case .press(let x, let y):
            if let pad = frame.pad, pad.contains(x: x, y: y) {
                writing = true
                pressedButton = nil
                return .pen(PenEvent(.down, x: x, y: y, pad: pad))
            }
            pressedButton = frame.button(atX: x, y: y)
            return pressedButton.map { .pressed($0) } ?? .pressCancelled
        case .drag(let x, let y):
            // A terminal may merge the press away: a move on the pad with nothing pressed
            // is a stroke starting.
            guard let pad = frame.pad, writing || (pressedButton == nil && pad.contains(x: x, y: y)) else { return nil }
            writing = true
            return .pen(PenEvent(.moved, x: x, y: y, pad: pad))
        case .release(let x, let y):
            if writing {
                writing = false
                if let pad = frame.pad { return .pen(PenEvent(.up, x: x, y: y, pad: pad)) }
                return nil
            }
            defer { pressedButton = nil }
            if let pressed = pressedButton, frame.button(atX: x, y: y) == pressed {
                return .activated(pressed)
            }
            return .pressCancelled
        case .click(let x, let y):
            pressedButton = nil
            if let pad = frame.pad, pad.contains(x: x, y: y) { return .pen(PenEvent(.dot, x: x, y: y, pad: pad)) }
            return frame.button(atX: x, y: y).map { .activated($0) } ?? .pressCancelled
        case .key(let key):
            return map(key, frame: frame, focus: focus)
        }
    }

    func map(_ key: Key, frame: Frame, focus: Int?) -> Event {
        if key == .function(10) { return .quitRequested }
        if key == .enter, let focus, frame.hits.indices.contains(focus) {
            return .activated(frame.hits[focus].button)
        }
        if let button = frame.button(for: key) { return .activated(button) }
        let count = frame.hits.count
        guard count > 0 else { return .key(key) }
        switch key {
        case .down, .right, .tab:
            return .focusMoved(to: focus.map { ($0 + 1) % count } ?? 0)
        case .up, .left:
            return .focusMoved(to: focus.map { ($0 - 1 + count) % count } ?? count - 1)
        default:
            return .key(key)
        }
    }
}
