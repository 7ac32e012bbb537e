// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

@main
struct ZizhuBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zizhu-bench",
        abstract: "Measures the figures the issues name (build with -c release).",
        discussion: "Prints a table; --json writes the same figures as JSON. Tests never assert on timings; this does the measuring.")

    @Option(help: "Runs per start-up measurement (the median is reported).")
    var runs = 10

    @Option(help: "Seconds over which idle CPU is measured.")
    var idleSeconds = 30.0

    @Option(help: "Frames for the render/present measurement.")
    var frames = 1000

    @Option(help: "The zizhu binary (default: next to this one).")
    var zizhu: String?

    @Flag(help: "Skip the headless Chromium comparison.")
    var skipChromium = false

    @Option(help: "Reader cycles over the pty.")
    var readerCycles = 200

    @Option(help: "Inputs for the decoder fuzz run.")
    var fuzzInputs = 1_000_000

    @Option(help: "Print jobs through the private cupsd.")
    var printJobs = 50

    @Option(help: "Durable submits to time (and the same through persist-queue).")
    var submits = 2000

    @Option(help: "Complete journeys for the soak (section soak; not in the default set: it takes a while).")
    var journeys = 10_000

    @Option(help: "Queued submissions to drain to a local server.")
    var drainCount = 10_000

    @Option(help: "Province run (section province): simulated kiosks, comma-separated for several scales (1000,5000,20000).")
    var kiosks = "1000"

    @Option(help: "Province run: minutes each scale runs.")
    var minutes = 1.0

    @Option(help: "Province run: applications per kiosk per minute at the top of the peak-hour profile.")
    var peakPerMinute = 1.0

    @Flag(help: "Province run: restart each instance in turn (SIGTERM) and then PostgreSQL mid-run, and print the latency spike.")
    var restarts = false

    @Option(help: "Only these sections (comma-separated: frame, startup, reader, printer, rules, sync, submit, soak, province; submit is sync's durable submit alone).")
    var only: String?

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    @Flag(help: "Keep the scratch folder (the HTML page, Chromium's screenshots) and print where it is.")
    var keepFiles = false

    @MainActor
    mutating func run() async throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let zizhu = self.zizhu ?? here.appendingPathComponent("zizhu").path
        guard FileManager.default.isExecutableFile(atPath: zizhu) else {
            throw ValidationError("no zizhu binary at \(zizhu); build it first (swift build -c release)")
        }
        #if DEBUG
        print("warning: this is a debug build; figures are only meaningful from `swift build -c release`")
        #endif
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer {
            if keepFiles { print("\nscratch files kept in \(scratch.path)") } else { try? FileManager.default.removeItem(at: scratch) }
        }
        let chromium = skipChromium ? nil : ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let sections = Set((only ?? "frame,startup,reader,printer,rules,sync").split(separator: ",").map(String.init))
        var report = Report()
        if sections.contains("frame") {
            var frameBench = FrameBench(frames: frames, report: report)
            try frameBench.run(zizhu: zizhu)
            report = frameBench.report
        }
        if sections.contains("startup") {
            var startup = StartupBench(zizhu: zizhu, runs: runs, idleSeconds: idleSeconds, chromium: chromium,
                                       scratch: scratch, report: report)
            try startup.run()
            report = startup.report
        }
        if sections.contains("reader") {
            var reader = ReaderBench(zizhu: zizhu, scratch: scratch, cycles: readerCycles, fuzzInputs: fuzzInputs, report: report)
            try reader.run()
            report = reader.report
        }
        if sections.contains("printer") {
            var printer = PrinterBench(zizhu: zizhu, jobs: printJobs, report: report)
            try await printer.run()
            report = printer.report
        }
        if sections.contains("rules") {
            var rules = RulesBench(zizhu: zizhu, report: report)
            try rules.run()
            report = rules.report
        }
        if sections.contains("sync") {
            var sync = SyncBench(zizhu: zizhu, submits: submits, drain: drainCount, scratch: scratch, report: report)
            try await sync.run()
            report = sync.report
        }
        if sections.contains("submit") && !sections.contains("sync") {
            var sync = SyncBench(zizhu: zizhu, submits: submits, drain: drainCount, scratch: scratch, report: report)
            sync.report.section("Durable submit (issue 22)")
            try await sync.durableSubmit()
            report = sync.report
        }
        if sections.contains("soak") {
            var soak = SoakBench(zizhu: zizhu, journeys: journeys, scratch: scratch, report: report)
            try await soak.run()
            report = soak.report
        }
        if sections.contains("province") {
            let counts = kiosks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ (1...100_000).contains($0) }), (0.25...120).contains(minutes),
                  (0.01...60).contains(peakPerMinute) else {
                throw ValidationError("--kiosks is a comma-separated list of 1 to 100000; --minutes 0.25 to 120; --peak-per-minute 0.01 to 60")
            }
            var province = ProvinceBench(zizhu: zizhu, kioskCounts: counts, minutes: minutes, peakPerMinute: peakPerMinute,
                                         restarts: restarts, scratch: scratch, report: report)
            try await province.run()
            report = province.report
        }
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
            print("\nwrote \(json)")
        }
    }
}
