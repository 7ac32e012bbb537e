// SPDX-License-Identifier: Apache-2.0
/// A key as the kiosk understands it: the service keypad (digits, *, #, Enter, Esc,
/// Backspace) plus what a technician's keyboard adds.
public enum Key: Sendable, Hashable {
    case digit(Int)
    case star
    case hash
    case enter
    case escape
    case backspace
    case up, down, left, right
    case tab
    case function(Int)
    case character(Character)

    /// The label printed on a button whose hotkey this is.
    public var label: String {
        switch self {
        case .digit(let n): return String(n)
        case .star: return "*"
        case .hash: return "#"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .tab: return "Tab"
        case .function(let n): return "F\(n)"
        case .character(let c): return String(c)
        }
    }
}
