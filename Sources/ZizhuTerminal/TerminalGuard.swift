// SPDX-License-Identifier: Apache-2.0
import CNCursesW
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the kiosk refuses to start full-screen. Raw ncurses would call `exit(1)` from
/// inside the library (TERM unset or unknown) or draw garbage (TERM=dumb, a non-UTF-8
/// locale); the kiosk says what is wrong in one line and exits with status 2.
public enum TerminalProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case termUnset
    case termDumb
    case termUnknown(String)
    case noCursorAddressing(String)
    case localeNotUTF8(String)
    case notATerminal

    public var description: String {
        switch self {
        case .termUnset:
            return "TERM is unset; a full-screen terminal is required (e.g. TERM=xterm-256color)."
        case .termDumb:
            return "TERM is 'dumb', which cannot position the cursor; use a full-screen terminal (e.g. TERM=xterm-256color)."
        case .termUnknown(let term):
            return "terminal type '\(term)' is not known to terminfo; install its entry or use TERM=xterm-256color."
        case .noCursorAddressing(let term):
            return "terminal type '\(term)' cannot position the cursor (no 'cup' capability); use TERM=xterm-256color."
        case .localeNotUTF8(let codeset):
            return "the locale's character set is \(codeset), not UTF-8; set LANG=C.UTF-8 (or zh_CN.UTF-8) so Chinese can be shown."
        case .notATerminal:
            return "standard input and output must be a terminal; the kiosk cannot run with them redirected."
        }
    }

    /// Exit status for all start-up guard failures.
    public static let exitStatus: Int32 = 2
}

/// Checks, in order, everything that would make ncurses misbehave, before ncurses is touched.
public enum TerminalGuard {
    /// Sets the process locale from the environment and checks the terminal.
    /// Returns nil when the kiosk can start.
    public static func check(environment: [String: String], inputFD: Int32 = 0, outputFD: Int32 = 1) -> TerminalProblem? {
        guard let term = environment["TERM"], !term.isEmpty else { return .termUnset }
        if term == "dumb" { return .termDumb }
        _ = setlocale(LC_ALL, "")
        let codeset = nl_langinfo(nl_item(CODESET)).map { String(cString: $0) } ?? "unknown"
        let normalized = codeset.uppercased().replacingOccurrences(of: "-", with: "")
        if normalized != "UTF8" { return .localeNotUTF8(codeset) }
        if isatty(inputFD) == 0 || isatty(outputFD) == 0 { return .notATerminal }
        var error: Int32 = 0
        if setupterm(term, outputFD, &error) != OK { return .termUnknown(term) }
        defer { zz_del_cur_term() }
        guard let cup = tigetstr("cup"), Int(bitPattern: cup) != -1, Int(bitPattern: cup) != 0 else {
            return .noCursorAddressing(term)
        }
        return nil
    }

    /// The terminfo strings that leave full-screen mode, for the crash handler to write.
    static func restoreSequence(term: String, outputFD: Int32) -> String {
        var error: Int32 = 0
        guard setupterm(term, outputFD, &error) == OK else { return "" }
        defer { zz_del_cur_term() }
        var sequence = ""
        for capability in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            if let value = tigetstr(capability), Int(bitPattern: value) != -1, Int(bitPattern: value) != 0 {
                sequence += String(cString: value)
            }
        }
        if let mouse = tigetstr("kmous"), Int(bitPattern: mouse) != -1, Int(bitPattern: mouse) != 0 {
            // ncurses turns xterm mouse reporting on (1000, and 1006 for SGR), the kiosk adds
            // button-event tracking (1002) for handwriting; turn all three off.
            sequence += "\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?1000l"
        }
        return sequence
    }
}
