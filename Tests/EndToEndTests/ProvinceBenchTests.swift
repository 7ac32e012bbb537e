// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// The province bench at a small scale, in the suite so that its machinery stays true:
/// 60 simulated kiosks through HAProxy and three instances on PostgreSQL for a minute, each
/// instance restarted in turn (SIGTERM) and then PostgreSQL stopped hard and started, while
/// the kiosks keep sending. It must end with the exact count check passing: every application
/// the kiosks made stored once, none lost, none twice. (It measures latencies too; the test
/// does not look at them.)
@Suite("Province bench, small and with restarts", .serialized)
struct ProvinceBenchTests {
    struct Figures: Decodable {
        struct Row: Decodable { var name: String; var value: Double; var note: String? }
        var rows: [Row]
    }

    @Test func aSmallProvinceThroughRollingRestartsStoresEveryApplicationOnce() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "haproxy (Debian package) is not installed: make deps installs it")
        let bench = URL(fileURLWithPath: Built.zizhu).deletingLastPathComponent().appendingPathComponent("zizhu-bench").path
        try #require(FileManager.default.isExecutableFile(atPath: bench), "zizhu-bench is built with the tests (swift build --build-tests)")
        let figures = Built.temporaryDirectory("province-bench").appendingPathComponent("figures.json")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        let run = try await Run.program(bench, ["--only", "province", "--kiosks", "60", "--minutes", "1", "--peak-per-minute", "6",
                                                "--restarts", "--json", figures.path], environment: environment)
        let output = run.stdout + run.stderr
        #expect(run.status == 0, "\(output.suffix(3000))")
        let rows = try JSONDecoder().decode(Figures.self, from: Data(contentsOf: figures)).rows
        let count = try #require(rows.first { $0.name.hasPrefix("exact count:") }, "\(output.suffix(2000))")
        #expect(count.value == 0, "\(count.name): \(count.note ?? "")")
        // Applications were made while the platform restarted: "made N, acknowledged N, stored N".
        let numbers = count.name.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 3 && numbers[0] > 60 && Set(numbers).count == 1, "\(count.name)")
        // Each instance drained, exited and came back; PostgreSQL went down and came back.
        #expect(rows.filter { $0.name.contains("SIGTERM → drained → exited → listening again") }.count == 3)
        #expect(rows.contains { $0.name.hasPrefix("during PostgreSQL stopped hard") })
        #expect(rows.filter { $0.name.hasPrefix("during instance") }.count == 3)
        print("province bench (small): \(count.name); \(rows.filter { $0.name.hasPrefix("during") }.map { "\($0.name) \(Int($0.value)) ms" })")
    }
}
