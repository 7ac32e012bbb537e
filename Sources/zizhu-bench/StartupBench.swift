// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuKiosk
import ZizhuResources
import ZizhuProcess
import ZizhuUI
#if canImport(Glibc)
import Glibc
#endif

/// Issue 2's figures: exec → first frame, frame render+present, RSS and idle CPU on the
/// home screen — for the kiosk and for the same home screen in headless Chromium.
struct StartupBench {
    let zizhu: String
    let runs: Int
    let idleSeconds: Double
    let chromium: String?
    let scratch: URL
    var report: Report

    /// The marker that ends the home screen's first frame: the footer's last words.
    static let homeMarker = Array("F10 退出演示".utf8)
    /// A production kiosk's footer ends with the hotline (it offers no way out).
    static let productionHomeMarker = Array("便民热线 12345".utf8)

    func kioskEnvironment(home: URL) -> [String: String] {
        ["TERM": "xterm-256color", "LANG": "C.UTF-8", "ZIZHU_HOME": home.path, "PATH": "/usr/bin:/bin",
         "HOME": scratch.path]
    }

    /// exec → the home screen's last row written to the terminal.
    func kioskStart() throws -> Samples {
        var samples: [Double] = []
        for run in 0...runs {
            let pty = try PseudoTerminal(width: 100, height: 30)
            defer { pty.close() }
            let start = now()
            let pid = try spawn([zizhu, "run", "--demo"], environment: kioskEnvironment(home: scratch.appendingPathComponent("k\(run)")),
                                stdio: pty.slavePath)
            let seen = pty.waitFor(Self.homeMarker, deadline: start + 10)
            stop(pid)
            guard let seen else { throw BenchError.failed("zizhu never drew its home screen") }
            if run > 0 { samples.append((seen - start) * 1000) }   // run 0 warms the page cache
        }
        return Samples(values: samples)
    }

    /// Starts the kiosk on the home screen and keeps it there; returns the pid and pty.
    func kioskOnHome() throws -> (pid_t, PseudoTerminal) {
        let pty = try PseudoTerminal(width: 100, height: 30)
        let pid = try spawn([zizhu, "run", "--demo"], environment: kioskEnvironment(home: scratch.appendingPathComponent("idle")),
                            stdio: pty.slavePath)
        guard pty.waitFor(Self.homeMarker, deadline: now() + 10) != nil else { throw BenchError.failed("no home screen") }
        return (pid, pty)
    }

    /// The home screen as a static HTML page, from the same view code.
    func homePage() throws -> URL {
        let resources = try KioskResources.load(paths: KioskPaths.resolve(executable: zizhu), configPath: nil)
        let context = ViewContext(strings: resources.strings, siteName: resources.config.siteName, kioskID: resources.config.kioskID)
        var settings = SessionSettings()
        settings.allowsQuit = true
        let state = AppState(catalogue: try resources.catalogue(), settings: settings)
        let page = scratch.appendingPathComponent("home.html")
        try render(state, context).grid.html(title: "自助 Zizhu").write(to: page, atomically: true, encoding: .utf8)
        return page
    }

    func chromiumArguments(_ chromium: String, profile: URL) -> [String] {
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
         "--user-data-dir=\(profile.path)", "--window-size=1220,740"]
    }

    /// exec → the page painted (the screenshot file written).
    func chromiumStart(_ chromium: String, page: URL) throws -> Samples {
        var samples: [Double] = []
        let profile = scratch.appendingPathComponent("chromium-profile")
        for run in 0...runs {
            let shot = scratch.appendingPathComponent("shot-\(run).png")
            let argv = chromiumArguments(chromium, profile: profile) + ["--screenshot=\(shot.path)", page.absoluteString]
            let start = now()
            let pid = try spawn(argv, environment: ["HOME": scratch.path, "PATH": "/usr/bin:/bin"], stdio: nil)
            var seen: Double?
            while now() < start + 60 {
                if let attributes = try? FileManager.default.attributesOfItem(atPath: shot.path),
                   let size = attributes[.size] as? Int, size > 0 { seen = now(); break }
                usleep(500)
            }
            stop(pid)
            guard let seen else { throw BenchError.failed("chromium wrote no screenshot") }
            if run > 0 { samples.append((seen - start) * 1000) }
        }
        return Samples(values: samples)
    }

    /// Chromium showing the page and staying up (for memory and idle CPU).
    func chromiumOnPage(_ chromium: String, page: URL) throws -> pid_t {
        let argv = chromiumArguments(chromium, profile: scratch.appendingPathComponent("chromium-idle"))
            + ["--remote-debugging-port=0", page.absoluteString]
        let pid = try spawn(argv, environment: ["HOME": scratch.path, "PATH": "/usr/bin:/bin"], stdio: nil)
        Thread.sleep(forTimeInterval: 5)
        return pid
    }

    /// The production kiosk (`zizhu run`, no `--demo`: the shipped kiosk.yaml, no device
    /// attached, not enrolled) on its home screen, as the package runs it: no simulator
    /// shares its binary's pages, so its PSS is close to its RSS.
    mutating func productionMemory() throws {
        let pty = try PseudoTerminal(width: 100, height: 30)
        let pid = try spawn([zizhu, "run"], environment: kioskEnvironment(home: scratch.appendingPathComponent("production")),
                            stdio: pty.slavePath)
        defer { stop(pid) }
        guard pty.waitFor(Self.productionHomeMarker, deadline: now() + 10) != nil else {
            throw BenchError.failed("the production kiosk drew no home screen")
        }
        pty.drain(for: 2)
        let production = memory(of: [pid])
        report.add("production zizhu (no --demo, no devices) RSS on the home screen", Double(production.rss) / 1024, unit: "MiB",
                   note: "goal <= 20 MiB (issue 22)")
        report.add("production zizhu PSS on the home screen", Double(production.pss) / 1024, unit: "MiB")
        report.add("production zizhu anonymous memory on the home screen", Double(anonymousMemory(of: pid)) / 1024, unit: "MiB")
    }

    /// The release binary as built and as shipped (stripped, as `make deb` packs it: its
    /// debug symbols go beside the package).
    mutating func binarySize() throws {
        let built = fileSize(zizhu)
        report.add("zizhu release binary, as built", Double(built) / 1_048_576, unit: "MiB")
        let stripped = scratch.appendingPathComponent("zizhu.stripped").path
        let pid = try spawn(["/usr/bin/objcopy", "--strip-all", zizhu, stripped], environment: ["PATH": "/usr/bin:/bin"], stdio: nil)
        guard ChildProcess.wait(pid) == 0 else {
            report.note("objcopy (binutils) could not strip \(zizhu): no stripped size")
            return
        }
        report.add("zizhu release binary, stripped (as packaged)", Double(fileSize(stripped)) / 1_048_576, unit: "MiB",
                   note: String(format: "%.0f %% of as built", Double(fileSize(stripped)) / Double(max(built, 1)) * 100))
        try? FileManager.default.removeItem(atPath: stripped)
    }

    mutating func run() throws {
        report.section("Start-up, memory and idle CPU of the home screen (issue 2)")
        let start = try kioskStart()
        report.add("zizhu exec -> first frame (median of \(runs))", start.median, unit: "ms",
                   note: String(format: "min %.1f, max %.1f", start.min, start.max))
        // Alone: another zizhu process (the demo's simulators are zizhu too) would share the
        // binary's pages and halve its PSS.
        try productionMemory()

        let (pid, pty) = try kioskOnHome()
        pty.drain(for: 1)
        let kioskMemory = memory(of: [pid])
        report.add("zizhu RSS on the home screen", Double(kioskMemory.rss) / 1024, unit: "MiB", note: "goal <= 20 MiB (issue 22)")
        report.add("zizhu PSS on the home screen", Double(kioskMemory.pss) / 1024, unit: "MiB")
        report.add("zizhu anonymous memory on the home screen", Double(anonymousMemory(of: pid)) / 1024, unit: "MiB",
                   note: "the rest of RSS is the mapped binary and libraries")
        try binarySize()

        var chromiumStartup: Samples?
        var chromiumPid: pid_t?
        var chromiumMemory: (rss: Int, pss: Int)?
        if let chromium {
            let page = try homePage()
            chromiumStartup = try chromiumStart(chromium, page: page)
            let browser = try chromiumOnPage(chromium, page: page)
            chromiumPid = browser
            chromiumMemory = memory(of: processTree(browser))
        }
        // Idle CPU: both sit on their home screen for the same interval.
        let kioskCPU0 = cpuSeconds(of: [pid])
        let browserTree = chromiumPid.map(processTree) ?? []
        let browserCPU0 = cpuSeconds(of: browserTree)
        pty.drain(for: idleSeconds)
        let kioskIdle = (cpuSeconds(of: [pid]) - kioskCPU0) / idleSeconds * 100
        let browserIdle = chromiumPid.map { _ in (cpuSeconds(of: browserTree) - browserCPU0) / idleSeconds * 100 }
        stop(pid)
        pty.close()
        if let chromiumPid { stop(chromiumPid) }
        report.add("zizhu idle CPU on the home screen (\(Int(idleSeconds)) s)", kioskIdle, unit: "% of a core",
                   note: "goal <= 0.2 %")

        if let chromiumStartup, let chromiumMemory {
            report.add("chromium exec -> page painted (median of \(runs))", chromiumStartup.median, unit: "ms",
                       note: String(format: "min %.1f, max %.1f", chromiumStartup.min, chromiumStartup.max))
            report.add("chromium RSS (all processes)", Double(chromiumMemory.rss) / 1024, unit: "MiB")
            report.add("chromium PSS (all processes)", Double(chromiumMemory.pss) / 1024, unit: "MiB")
            if let browserIdle { report.add("chromium idle CPU (\(Int(idleSeconds)) s)", browserIdle, unit: "% of a core") }
            report.add("start-up ratio chromium / zizhu", chromiumStartup.median / start.median, unit: "x", note: "goal >= 20x (issue 2), >= 30x (issue 22)")
            report.add("memory ratio chromium / zizhu (PSS)", Double(chromiumMemory.pss) / Double(kioskMemory.pss), unit: "x",
                       note: "goal >= 10x")
            report.add("memory ratio chromium / zizhu (RSS)", Double(chromiumMemory.rss) / Double(kioskMemory.rss), unit: "x")
        } else {
            report.note("chromium not found: install Debian's chromium (make bench does) for the comparison")
        }
    }
}
