// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import ZizhuTerminal

@Suite("Terminal guard (the checks that need no terminal)")
struct TerminalGuardTests {
    @Test func termUnsetOrEmptyIsRefusedFirst() {
        #expect(TerminalGuard.check(environment: [:]) == .termUnset)
        #expect(TerminalGuard.check(environment: ["TERM": ""]) == .termUnset)
    }

    @Test func dumbIsRefused() {
        #expect(TerminalGuard.check(environment: ["TERM": "dumb"]) == .termDumb)
    }

    @Test func noTerminalIsRefused() {
        // The test runner's stdin is not a terminal (tests run with no standard input).
        let problem = TerminalGuard.check(environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8"], inputFD: -1, outputFD: -1)
        #expect(problem == .notATerminal || problem == .localeNotUTF8("ANSI_X3.4-1968"))
    }

    @Test func everyProblemIsOneLineThatSaysWhatToDo() {
        let problems: [TerminalProblem] = [.termUnset, .termDumb, .termUnknown("nosuchterm"), .noCursorAddressing("vt52"),
                                           .localeNotUTF8("ANSI_X3.4-1968"), .notATerminal]
        for problem in problems {
            #expect(!problem.description.contains("\n"))
            #expect(problem.description.count < 160)
        }
        #expect(TerminalProblem.exitStatus == 2)
    }

    @Test func restoreSequenceLeavesFullScreenMode() {
        let sequence = TerminalGuard.restoreSequence(term: "xterm-256color", outputFD: -1)
        #expect(sequence.contains("\u{1B}[?1049l"))   // rmcup: leave the alternate screen
        #expect(sequence.contains("\u{1B}[?25h"))     // cnorm: show the cursor
        #expect(sequence.contains("\u{1B}[?1000l"))   // mouse reporting off
    }
}
