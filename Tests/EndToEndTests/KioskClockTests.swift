// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuOutbox
import ZizhuProcess
import ZizhuWire

/// A village kiosk whose RTC battery died, 400 days behind the platform: the real `zizhu`
/// against the real `zizhu-central` under libfaketime, printing through a private cupsd.
///
/// The platform is the one moved (400 days ahead) rather than the kiosk (400 days back):
/// libfaketime 0.9.10 shifts absolute `timerfd` deadlines on the monotonic clocks by the fake
/// offset even with `DONT_FAKE_MONOTONIC=1`, so a process moved into the past never wakes
/// from `Task.sleep` (libdispatch arms such timers). Moved into the future its timers only
/// fire early. What the kiosk sees is the same: its own clock 400 days behind the platform's.
@Suite("A kiosk whose clock is 400 days behind the platform (libfaketime)")
struct KioskClockTests {
    static let faketime = "/usr/bin/faketime"

    /// The processes `pid` started.
    static func children(of pid: pid_t) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
                return false
            }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == pid
        }
    }

    @Test func itLearnsThePlatformsTimeDrainsItsBacklogAndNeverLiesOnPaper() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.faketime), "faketime is not installed (Debian package faketime)")
        let rig = try await PrinterCommandTests.Rig()
        defer { rig.stop() }
        let central = SyncFaultTests.Central(scratch: rig.folder)
        central.launcher = [Self.faketime, "-f", "+400d"]
        central.launcherEnvironment = ["DONT_FAKE_MONOTONIC": "1"]
        try await central.start()
        // The `faketime` wrapper forks the server and waits for it: the server is stopped
        // first, then the wrapper (stopping only the wrapper left the server running).
        defer {
            let pids = Self.children(of: central.pid) + [central.pid]
            Thread { for pid in pids { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) } }.start()
        }
        let home = rig.folder.appendingPathComponent("home")
        let kioskNow = Date(), platformNow = kioskNow.addingTimeInterval(400 * 86_400)
        func numberDay(_ date: Date) -> String {
            String(AcceptanceNumber.from(key: UUIDv7.make(milliseconds: UInt64(date.timeIntervalSince1970 * 1000)))?.prefix(10) ?? "")
        }
        func day(_ date: Date) -> String { String(UTCTime.iso(date).prefix(10)) }
        // libfaketime really moves the platform's clock.
        let shifted = try await Run.program(Self.faketime, ["-f", "+400d", "/bin/date", "-u", "+%Y-%m-%d"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(shifted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == day(platformNow))

        let token = try #require(try await central.run(["token", "create"]).split(separator: " ").last)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let enrolled = try await rig.zizhu(["enroll", "--central", central.url, "--token", token])
        #expect(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")

        // Before it has heard from the platform it knows no better than its own clock.
        let first = try await rig.zizhu(["submit", "--sample", "--receipt", "never"])
        #expect(first.status == 0 && first.stdout.contains("已受理 accepted \(numberDay(kioskNow))"), "\(first.stdout)\(first.stderr)")
        // The first sync is refused as stale; the signed refusal carries the platform's time;
        // the request is signed again with it, and the backlog drains.
        let sync = try await rig.zizhu(["sync", "--now"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(try await central.stats()["submissions"] == 1)
        let learned = try JSONDecoder().decode(KioskClock.Reading.self, from: try Data(contentsOf: home.appendingPathComponent("clock.json")))
        #expect((Double(learned.offsetMilliseconds) / 1000 - 400 * 86_400).magnitude < 3600, "\(learned)")

        // From now on the kiosk numbers, dates, decides and prints by the platform's time.
        let facts = rig.folder.appendingPathComponent("facts.yaml")
        try """
            applicant: {id_number: 440106198806150019}
            credit: good
            fields: {business_type: bulk, area: 8}
            materials: {business-licence: B, floor-plan: committed}
            """.write(to: facts, atomically: true, encoding: .utf8)
        let second = try await rig.zizhu(["submit", "food-business-licence", "--facts", facts.path, "--receipt", "always"])
        #expect(second.status == 0 && second.stdout.contains("已受理 accepted \(numberDay(platformNow))"), "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("receipt: printed"), "\(second.stdout)\(rig.cups.report())")
        let deadline = try #require(second.stdout.split(separator: "\n").first { $0.hasPrefix("容缺 owed") }?.split(separator: " ").last)
        #expect(String(deadline) > day(platformNow), "a 容缺 deadline after the platform's today, not 400 days earlier: \(deadline)")
        let receipt = Array(FileManager.default.contents(atPath: rig.jobs.appendingPathComponent("job-0001.bin").path) ?? Data())
        #expect(receipt.firstRange(of: Array(day(platformNow).utf8)) != nil, "the receipt is dated \(day(platformNow))")
        #expect(receipt.firstRange(of: Array(day(kioskNow).utf8)) == nil, "the receipt carries the wrong clock's date")
        let again = try await rig.zizhu(["sync", "--now"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try await central.stats()["submissions"] == 2)

        // The technician and the operator are told how far off the kiosk's own clock is.
        let report = try await rig.zizhu(["diagnose"])
        #expect(report.stdout.contains("behind by 400 d"), "\(report.stdout)")
        let fleet = try await central.run(["kiosk", "list"])
        #expect(fleet.contains("kiosk clock 400 d behind"), "\(fleet)")
    }
}
