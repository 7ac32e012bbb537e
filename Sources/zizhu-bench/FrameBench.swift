// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuKiosk
import ZizhuResources
import ZizhuTerminal
import ZizhuUI
#if canImport(Glibc)
import Glibc
#endif

/// Time to render one full frame (view → grid) and to present it through ncurses into a
/// pseudo-terminal, alternating two screens whose every cell differs.
struct FrameBench {
    let frames: Int
    var report: Report

    @MainActor
    mutating func run(zizhu: String) throws {
        report.section("Rendering one full frame, 100x30 (issue 2)")
        let resources = try KioskResources.load(paths: KioskPaths.resolve(executable: zizhu), configPath: nil)
        let config = resources.config
        let (glyphs, _) = GlyphLoader.load(path: config.unifontPath, scalars: ViewContext(
            strings: resources.strings, siteName: config.siteName, kioskID: config.kioskID).bigHeadlineScalars())
        let context = ViewContext(strings: resources.strings, siteName: config.siteName, kioskID: config.kioskID, bigGlyphs: glyphs)
        var home = AppState(catalogue: try resources.catalogue())
        var elder = home
        elder.elderMode = true
        home.width = 100; home.height = 30

        var renderTimes: [Double] = []
        for index in 0..<frames {
            let start = now()
            _ = render(index % 2 == 0 ? home : elder, context)
            renderTimes.append((now() - start) * 1e6)
        }
        let renderSamples = Samples(values: renderTimes)
        report.add("render (view -> cell grid)", renderSamples.median / 1000, unit: "ms",
                   note: String(format: "p90 %.3f ms", renderSamples.percentile(90) / 1000))

        // Present through real ncurses into a pty; a thread drains the master like a terminal would.
        let pty = try PseudoTerminal(width: 100, height: 30)
        let slave = open(pty.slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw BenchError.failed("cannot open \(pty.slavePath)") }
        let master = pty.master
        let stopFlag = StopFlag()
        let drainer = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !stopFlag.isSet {
                var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
                if poll(&fds, 1, 50) > 0 { _ = read(master, &buffer, buffer.count) }
            }
        }
        drainer.start()
        let terminal = try NcursesTerminal(term: "xterm-256color", citizenMode: false, inputFD: slave, outputFD: slave)
        let homeFrame = render(home, context).grid, elderFrame = render(elder, context).grid
        var presentTimes: [Double] = [], totalTimes: [Double] = []
        for index in 0..<frames {
            let state = index % 2 == 0 ? home : elder
            let start = now()
            let grid = render(state, context).grid
            let rendered = now()
            terminal.present(grid)
            let done = now()
            presentTimes.append((done - rendered) * 1e6)
            totalTimes.append((done - start) * 1e6)
        }
        _ = (homeFrame, elderFrame)
        terminal.close()
        stopFlag.set()
        Thread.sleep(forTimeInterval: 0.1)
        close(slave)
        pty.close()
        let present = Samples(values: presentTimes), total = Samples(values: totalTimes)
        report.add("present (grid -> ncurses -> pty)", present.median / 1000, unit: "ms",
                   note: String(format: "p90 %.3f ms", present.percentile(90) / 1000))
        report.add("render + present one full frame", total.median / 1000, unit: "ms",
                   note: String(format: "p90 %.3f ms, %d frames", total.percentile(90) / 1000, frames))
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
