// SPDX-License-Identifier: Apache-2.0
import CNCursesW
import CTerminalSafety
import Foundation
import ZizhuUI
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses backend: opens the terminal after the guards passed, presents cell grids,
/// and reports input. The only code in Zizhu that calls ncurses; ncurses is not
/// thread-safe, so everything here runs on the main actor.
@MainActor
public final class NcursesTerminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private var colorPairs: [UInt16: Int16] = [:]
    private let hasColors: Bool
    private var closed = false
    private var cchar = cchar_t()
    private let inputFD: Int32
    private let outputFD: Int32

    /// Opens the terminal (stdin/stdout unless other descriptors are given, as the
    /// benchmarks do with a pseudo-terminal). Call `TerminalGuard.check` first.
    /// In citizen mode Ctrl-C, Ctrl-Z and Ctrl-\ do nothing (raw mode, and the signals ignored).
    public init(term: String, citizenMode: Bool, inputFD: Int32 = 0, outputFD: Int32 = 1) throws(TerminalProblem) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        let restore = TerminalGuard.restoreSequence(term: term, outputFD: outputFD)
        if zz_safety_install(inputFD, outputFD, restore, citizenMode ? 1 : 0) != 0 {
            throw .notATerminal
        }
        guard let output = fdopen(outputFD, "w"), let input = fdopen(inputFD, "r") else { throw .notATerminal }
        guard let screen = newterm(term, output, input) else { throw .termUnknown(term) }
        self.screen = screen
        guard let window = zz_stdscr() else { throw .termUnknown(term) }
        self.window = window
        if citizenMode { raw() } else { cbreak() }
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
        }
        mousemask(zz_mouse_mask(), nil)
        mouseinterval(0)
        if Self.reportsMouse {
            // ncurses asks for presses and releases (1000); strokes on the handwriting pad
            // also need the moves while the finger is down (1002, button-event tracking).
            putp(Self.dragTrackingOn)
        }
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) {
        (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    /// Leaves full-screen mode and restores the terminal. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        if Self.reportsMouse { putp(Self.dragTrackingOff) }
        endwin()
        zz_safety_restore()
    }

    /// Whether SIGTERM or SIGHUP asked the kiosk to stop.
    public var terminationRequested: Bool { zz_safety_termination_requested() != 0 }

    /// Whether the terminal went away (hang-up or error on its input): nothing can be
    /// shown any more, and polling it again would spin.
    public private(set) var terminalLost = false

    /// Wakes the loop blocked in `nextInputs` (from any thread): an adapter has news.
    public nonisolated static func wake() { zz_safety_wake() }

    /// An audible click.
    public func beep() { _ = CNCursesW.beep() }

    // MARK: - Output

    /// Copies the grid to the screen, cell by cell at explicit positions (a width
    /// disagreement between our table and the terminal cannot shift a row), then lets
    /// ncurses send only what changed.
    public func present(_ grid: CellGrid) {
        let rows = min(grid.height, Int(getmaxy(window)))
        let columns = min(grid.width, Int(getmaxx(window)))
        var buffer = [wchar_t](repeating: 0, count: Int(zz_ccharw_max()) + 1)
        for y in 0..<rows {
            for x in 0..<columns {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                let count = min(cell.character.unicodeScalars.count, Int(zz_ccharw_max()))
                var index = 0
                for scalar in cell.character.unicodeScalars.prefix(count) {
                    buffer[index] = wchar_t(bitPattern: scalar.value)
                    index += 1
                }
                buffer[index] = 0
                let (attributes, pair) = attributes(for: cell.style)
                setcchar(&cchar, buffer, attributes, pair, nil)
                mvwadd_wch(window, Int32(y), Int32(x), &cchar)
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    private func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes = zz_attr_normal()
        if style.bold { attributes |= zz_attr_bold() }
        if style.underline { attributes |= zz_attr_underline() }
        if style.reverse { attributes |= zz_attr_reverse() }
        guard hasColors else {
            return (attributes, 0)
        }
        return (attributes, pair(style.foreground, style.background))
    }

    /// Colour pairs are allocated lazily per (foreground, background).
    private func pair(_ foreground: ZizhuUI.Color, _ background: ZizhuUI.Color) -> Int16 {
        if foreground == .default && background == .default { return 0 }
        let key = UInt16(foreground.rawValue) << 8 | UInt16(background.rawValue)
        if let existing = colorPairs[key] { return existing }
        let next = Int16(colorPairs.count + 1)
        guard Int32(next) < zz_color_pairs() else { return 0 }
        init_pair(next, curses(foreground), curses(background))
        colorPairs[key] = next
        return next
    }

    private func curses(_ color: ZizhuUI.Color) -> Int16 {
        switch color {
        case .default: return -1
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        }
    }

    // MARK: - Input

    /// Waits up to `timeoutMilliseconds` (-1: until something happens) for input, a
    /// resize, a wake-up or a termination signal, then returns everything available.
    /// Blocks in poll(2): an idle kiosk uses no CPU.
    public func nextInputs(timeoutMilliseconds: Int32) -> [RawInput] {
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: zz_safety_wake_fd(), events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        if fds[1].revents != 0 { zz_safety_drain_wake() }
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            terminalLost = true
            return []
        }
        var inputs: [RawInput] = []
        if zz_safety_take_resize() != 0, let resize = resized() { inputs.append(resize) }
        let interrupted = ready < 0 && errno == EINTR
        guard fds[0].revents != 0 || interrupted else { return inputs }
        wtimeout(window, 0)
        while inputs.count < 256, let input = readOne() {
            if let input = input { inputs.append(input) }
        }
        return inputs
    }

    /// Tells ncurses the terminal's new size (our SIGWINCH handler replaced its own).
    private func resized() -> RawInput? {
        var size = winsize()
        guard ioctl(outputFD, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
        resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        return .resize(width: Int(size.ws_col), height: Int(size.ws_row))
    }

    /// One ncurses read: nil when nothing is left, `.some(nil)` for input we ignore.
    private func readOne() -> RawInput?? {
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            return .some(keyCode(Int32(character)))
        }
        return .some(self.character(UInt32(character)))
    }

    private func character(_ value: UInt32) -> RawInput? {
        switch value {
        case 0x30...0x39: return .key(.digit(Int(value - 0x30)))
        case 0x2A: return .key(.star)
        case 0x23: return .key(.hash)
        case 0x0A, 0x0D: return .key(.enter)
        case 0x1B: return .key(.escape)
        case 0x7F, 0x08: return .key(.backspace)
        case 0x09: return .key(.tab)
        case 0..<0x20: return nil   // Ctrl-C, Ctrl-Z, Ctrl-\ and friends do nothing
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private func keyCode(_ code: Int32) -> RawInput? {
        switch code {
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE, KEY_DC: return .key(.backspace)
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_RESIZE:
            let (width, height) = size
            return .resize(width: width, height: height)
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let x = Int(event.x), y = Int(event.y)
            if event.bstate & zz_button1_pressed() != 0 { return .press(x: x, y: y) }
            if event.bstate & zz_button1_released() != 0 { return .release(x: x, y: y) }
            if event.bstate & zz_button1_clicked() != 0 { return .click(x: x, y: y) }
            if event.bstate & zz_mouse_moved() != 0 { return .drag(x: x, y: y) }
            return nil
        default:
            if code >= zz_key_f(1) && code <= zz_key_f(24) { return .key(.function(Int(code - zz_key_f(0)))) }
            return nil
        }
    }

    static let dragTrackingOn = "\u{1B}[?1002h"
    static let dragTrackingOff = "\u{1B}[?1002l"

    /// Whether the terminal reports the mouse at all (terminfo `kmous`).
    nonisolated static var reportsMouse: Bool {
        guard let mouse = tigetstr("kmous") else { return false }
        return Int(bitPattern: mouse) != -1 && Int(bitPattern: mouse) != 0
    }

    /// The ncurses library version, for `zizhu --version` and diagnostics.
    public nonisolated static var libraryVersion: String { String(cString: zz_ncurses_version()) }
}
