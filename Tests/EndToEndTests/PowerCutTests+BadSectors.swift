// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

extension PowerCutTests {
    /// Where each application's row sits in the outbox file: the page (0-based) holding its
    /// 受理编号, which is stored once, in the table's row. Nil with a reason when a number
    /// is not found exactly once.
    static func pages(of numbers: [String], in database: Data) -> (pageSize: Int, page: [String: Int])? {
        guard database.count > 100 else { return nil }
        let declared = Int(database[16]) << 8 | Int(database[17])
        let pageSize = declared == 1 ? 65_536 : declared
        guard pageSize >= 512 else { return nil }
        var page: [String: Int] = [:]
        for number in numbers {
            let needle = Data(number.utf8)
            guard let found = database.range(of: needle),
                  database.range(of: needle, in: found.upperBound..<database.endIndex) == nil else { return nil }
            page[number] = (found.lowerBound - database.startIndex) / pageSize
        }
        return (pageSize, page)
    }

    /// The disk's sectors under bytes `range` of the file at `path` in the ext4 image,
    /// merged into runs ("START+COUNT", 512-byte sectors), found with debugfs.
    static func sectors(of range: Range<Int>, file path: String, image: String) async throws -> [String] {
        let stats = try await Run.program("/usr/sbin/debugfs", ["-R", "stats", image], environment: Self.environment)
        let blockSize = try #require(stats.stdout.split(separator: "\n").first { $0.hasPrefix("Block size:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }, "debugfs stats: \(stats.stderr)")
        var runs: [(start: Int, count: Int)] = []
        for logical in (range.lowerBound / blockSize)...((range.upperBound - 1) / blockSize) {
            let mapped = try await Run.program("/usr/sbin/debugfs", ["-R", "bmap \(path) \(logical)", image], environment: Self.environment)
            let physical = try #require(Int(mapped.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "bmap: \(mapped.stdout)\(mapped.stderr)")
            let start = physical * (blockSize / 512), count = blockSize / 512
            if let last = runs.last, last.start + last.count == start {
                runs[runs.count - 1].count += count
            } else {
                runs.append((start, count))
            }
        }
        return runs.map { "\($0.start)+\($0.count)" }
    }

    /// A sector of the outbox that can no longer be read (device-mapper `error` over the
    /// sectors of one page of outbox.sqlite, in the guest): `zizhu sync` sets aside the
    /// applications whose rows are on that page and delivers every other one; `queue check`
    /// says the disk has an I/O error. Once the disk reads again (the bad sectors gone), the
    /// applications set aside are delivered too: nothing was lost or marked sent.
    @Test func anUnreadableSectorHoldsBackOnlyTheApplicationsOnIt() async throws {
        let (scratch, central, home) = try await SyncFaultTests.platformAndHome("bad-sector")
        try await SyncFaultTests.enrol(home, with: central)
        let applications = 48
        var numbers: [String] = []
        for _ in 0..<applications {
            let submitted = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
            try #require(submitted.status == 0, "\(submitted.stderr)")
            numbers.append(submitted.stdout.split(separator: " ").map(String.init)[2])
        }
        let port = central.port
        _ = await ChildProcess.stopDetached(central.pid, signal: SIGTERM, grace: 10)
        // Everything in the database file itself (no process has it open now).
        let database = home.appendingPathComponent("outbox.sqlite")
        let checkpoint = try await Run.program("/usr/bin/python3", ["-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')",
                                                                    database.path], environment: Self.environment)
        try #require(checkpoint.status == 0, "\(checkpoint.stderr)")
        let located = try #require(Self.pages(of: numbers, in: try Data(contentsOf: database)), "an acceptance number is not in the file exactly once")
        let victim = try #require(located.page[numbers[applications / 2]])
        let onBadPage = Set(numbers.filter { located.page[$0] == victim })
        try #require(!onBadPage.isEmpty && onBadPage.count < applications / 4, "\(onBadPage.count) applications on page \(victim)")

        let root = scratch.appendingPathComponent("disk-root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("central"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: home, to: root.appendingPathComponent("kiosk"))
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.path) where name.hasPrefix("central.sqlite") || name.hasSuffix(".key") {
            try FileManager.default.copyItem(at: scratch.appendingPathComponent(name), to: root.appendingPathComponent("central/\(name)"))
        }
        let (disk, work) = try await Self.disk(root: root, as: "bad-sector", in: scratch)
        let bad = try await Self.sectors(of: (victim * located.pageSize)..<((victim + 1) * located.pageSize),
                                         file: "/kiosk/outbox.sqlite", image: disk)

        func boot(badSectors: [String], label: String) async throws -> Boot {
            var environment = Self.environment
            environment["ZIZHU_VM_PORT"] = String(port)
            environment["ZIZHU_VM_BAD"] = badSectors.joined(separator: ",")
            let run = try await Run.program("/usr/bin/timeout", ["600", Self.script, Built.repository.path, work.path, disk, "unreadable",
                                                                 Built.zizhu, Built.central], environment: environment)
            try (run.stdout + run.stderr).write(to: scratch.appendingPathComponent("\(label).log"), atomically: true, encoding: .utf8)
            let boot = Boot(console: run.stdout)
            try #require(boot.done, "the guest did not finish:\n\((run.stdout + run.stderr).suffix(4000))")
            return boot
        }
        // The bad sectors: every application but those on the page goes; they are set aside.
        let failing = try await boot(badSectors: bad, label: "bad-sectors")
        let sync = try #require(failing.sync)
        #expect(sync.status == "0", "\(sync.output)")
        #expect(sync.output.contains("unreadable \(onBadPage.count)"), "\(sync.output)")
        #expect(failing.stats["submissions"] == applications - onBadPage.count, "platform \(failing.stats), \(onBadPage.count) on the bad page")
        #expect(failing.check.contains("I/O error") && failing.check.contains("\(onBadPage.count) pending, \(onBadPage.count) unreadable"),
                "queue check: \(failing.check)")
        // The disk reads again: the rest goes, each application once.
        let healed = try await boot(badSectors: [], label: "healed")
        #expect(healed.sync?.status == "0", "\(healed.sync?.output ?? "")")
        #expect(healed.stats["submissions"] == applications, "platform \(healed.stats)")
        #expect(healed.check.hasPrefix("integrity ok"), "queue check: \(healed.check)")
        print("bad sectors \(bad.joined(separator: ",")) under page \(victim) of the outbox: \(onBadPage.count) of \(applications) "
              + "applications set aside, \(failing.stats["submissions"] ?? -1) delivered; after the disk read again: "
              + "\(healed.stats["submissions"] ?? -1) delivered, \(healed.stats["repeats"] ?? 0) repeats")
    }
}
