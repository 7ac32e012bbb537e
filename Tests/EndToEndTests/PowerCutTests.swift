// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

/// Power cuts for real: the kiosk's home on ext4 on a virtio disk in a QEMU guest, `zizhu
/// submit` in a loop, QEMU killed at a random moment (what the guest kernel had not written
/// back is lost, as in a power cut), the guest booted again on the same disk, and so on
/// (Tests/EndToEndTests/VM/power-cut-vm.sh). After every boot each application the guest
/// printed 已受理 for must be there with its sequence number; at the end the outbox is taken
/// off the disk image and synced to a platform on this machine, which must hold each once.
@Suite("Power cuts in a QEMU guest", .serialized)   // one guest at a time: each takes a core
struct PowerCutTests {
    /// 10 cuts in CI; `ZIZHU_POWER_CUTS=100` (`make fault-long`) for the long run.
    static var cuts: Int { Int(ProcessInfo.processInfo.environment["ZIZHU_POWER_CUTS"] ?? "") ?? 10 }

    /// What one boot printed on the serial console.
    struct Boot {
        var held: [(sequence: String, number: String, state: String)] = []
        var integrity = ""
        /// The platform's counts as it booted (`zizhu-central stats --json`).
        var stats: [String: Int] = [:]
        var acknowledged: [(number: String, sequence: String)] = []
        /// Control files written without fsync, and those found intact after the next boot.
        var controls: Set<String> = []
        var controlsKept: Set<String> = []
        /// The guest's init ran its first line (the emulated machine got as far as our code).
        var initStarted = false
        var ready = false
        var done = false
        /// Failing-disk mode: refused submits (status and message), and what the checks said.
        var refused: [(status: String, message: String)] = []
        var check = ""
        var diagnose = ""
        /// Update mode: what the cut left (the catalogue's number or "shipped", the digest of
        /// its *.yaml, how many, `catalogue check`'s status; the enrolled kiosk id and the
        /// file's size; the signed fetch's status), and each step in order as the guest
        /// printed it ("ENROLLING"/"ENROLLED" id, "UPDATING"/"INSTALLED" version).
        var catalogue: (number: String, digest: String, files: String, check: String)?
        var enrolment: String?
        var probe: (status: String, message: String)?
        var steps: [(step: String, value: String)] = []
        /// Unreadable mode: what `zizhu sync --now` exited with and said.
        var sync: (status: String, output: String)?

        init(console: String) {
            for raw in console.split(whereSeparator: \.isNewline) {
                // The first line after boot carries the firmware's screen-clearing escapes.
                let keyword = ["GUEST-INIT", "HELD ", "INTEGRITY ", "ACK ", "READY", "ZIZHU-VM-DONE", "CONTROL ", "CONTROLKEPT ", "STATS ",
                               "REFUSED ", "CHECK ", "DIAGNOSE ", "CATALOGUE ", "ENROLMENT ", "PROBE ",
                               "ENROLLING ", "ENROLLED ", "UPDATING ", "INSTALLED ", "SYNC "]
                    .compactMap { raw.range(of: $0) }.first
                guard let keyword else { continue }
                let line = raw[keyword.lowerBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                let words = line.split(separator: " ").map(String.init)
                switch words.first {
                case "HELD" where words.count >= 4: held.append((words[1], words[2], words[3]))
                case "INTEGRITY": integrity = words.dropFirst().joined(separator: " ")
                case "ACK" where words.count >= 3: acknowledged.append((words[1], words[2]))
                case "READY": ready = true
                case "GUEST-INIT": initStarted = true
                case "REFUSED" where words.count >= 2: refused.append((words[1], words.dropFirst(2).joined(separator: " ")))
                case "CHECK": check = words.dropFirst().joined(separator: " ")
                case "DIAGNOSE": diagnose = words.dropFirst().joined(separator: " ")
                case "STATS":
                    let json = line.dropFirst("STATS ".count)
                    stats = ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Int]) ?? [:]
                case "CATALOGUE" where words.count >= 5: catalogue = (words[1], words[2], words[3], words[4])
                case "ENROLMENT" where words.count >= 2: enrolment = words[1]
                case "PROBE" where words.count >= 2: probe = (words[1], words.dropFirst(2).joined(separator: " "))
                case "ENROLLING", "ENROLLED", "UPDATING", "INSTALLED":
                    if words.count >= 2 { steps.append((words[0], words[1])) }
                case "SYNC" where words.count >= 2: sync = (words[1], words.dropFirst(2).joined(separator: " "))
                case "ZIZHU-VM-DONE": done = true
                case "CONTROL" where words.count >= 2: controls.insert(words[1])
                case "CONTROLKEPT" where words.count >= 2: controlsKept.insert(words[1])
                default: break
                }
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static let script = Built.repository.appendingPathComponent("Tests/EndToEndTests/VM/power-cut-vm.sh").path

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        return environment
    }

    /// A guest's serial console as text, decoded leniently: a serial line carries firmware
    /// noise, and a guest's `head -c` can cut a Chinese character in two.
    static func read(_ console: String) -> String {
        FileManager.default.contents(atPath: console).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Waits until the console shows what `done` looks for (or the time runs out).
    static func wait(for console: String, seconds: Int, until done: (Boot) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if done(Boot(console: Self.read(console))) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A guest powered on and waited for: its process, the console file of the boot that
    /// counted, whether it printed READY, how long that took, and how many earlier attempts
    /// stalled in the emulator.
    struct PoweredOn {
        let pid: pid_t
        let console: String
        let ready: Bool
        let booted: Duration
        let stalls: Int
    }

    /// Powers the guest on (power-cut-vm.sh with `arguments`) and waits up to `seconds` for
    /// READY. A boot in which the emulated machine never reached the guest's init (no
    /// GUEST-INIT line within 120 s: QEMU's TCG starved on a loaded 2-core host, before any
    /// of our code runs; seen once on the clean-clone run as a console that stopped after
    /// SeaBIOS) is powered off and tried again, at most twice, and counted in `stalls`. A boot
    /// whose init started and then did not get ready is not retried: that is a finding.
    static func powerOn(_ arguments: [String], console name: String, in scratch: URL,
                        environment: [String: String] = Self.environment, seconds: Int = 300) async throws -> PoweredOn {
        var stalls = 0
        while true {
            let console = scratch.appendingPathComponent(stalls == 0 ? "\(name).log" : "\(name)-stalled-\(stalls).log").path
            let started = ContinuousClock.now
            let pid = try ChildProcess.spawn([Self.script] + arguments, environment: environment,
                                             stdio: .files(stdout: console, stderr: console))
            let reachedInit = try await Self.wait(for: console, seconds: 120) { $0.initStarted }
            if !reachedInit && stalls < 2 {
                _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
                stalls += 1
                print("guest \(name) stalled before its init (attempt \(stalls)); powering on again")
                continue
            }
            let ready = reachedInit ? try await Self.wait(for: console, seconds: seconds) { $0.ready } : false
            return PoweredOn(pid: pid, console: console, ready: ready, booted: ContinuousClock.now - started, stalls: stalls)
        }
    }

    /// An ext4 image holding `folder`'s contents under `name` (made from the folder with
    /// `mke2fs -d`: no mount needed), and a work folder for the guest.
    static func disk(holding folder: URL, as name: String, in scratch: URL) async throws -> (disk: String, work: URL) {
        let root = scratch.appendingPathComponent("disk-root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder, to: root.appendingPathComponent(name))
        return try await disk(root: root, as: name, in: scratch)
    }

    /// An ext4 image holding `root`'s contents (`size` as mke2fs reads it), and a work folder.
    static func disk(root: URL, as name: String, in scratch: URL, size: String = "128M") async throws -> (disk: String, work: URL) {
        let disk = scratch.appendingPathComponent("\(name).img").path
        let made = try await Run.program("/usr/sbin/mke2fs", ["-q", "-F", "-t", "ext4", "-d", root.path, disk, size],
                                         environment: Self.environment)
        try #require(made.status == 0, "mke2fs: \(made.stderr)")
        let work = scratch.appendingPathComponent("vm")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        return (disk, work)
    }

    @Test func everyAcknowledgedApplicationSurvivesPowerCuts() async throws {
        let (scratch, central, home) = try await SyncFaultTests.platformAndHome("power-cut")
        defer { let pid = central.pid; Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start() }
        try await SyncFaultTests.enrol(home, with: central)
        // One application on this machine creates the outbox and its key before the disk is made.
        let first = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
        try #require(first.status == 0, "\(first.stderr)")
        let firstWords = first.stdout.split(separator: " ").map(String.init)
        var acknowledged: [String: String] = [firstWords[2]: firstWords[6]]   // 受理编号 → sequence

        // The disk: ext4 holding the kiosk's home.
        let (disk, work) = try await Self.disk(holding: home, as: "kiosk", in: scratch)

        var generator = SystemRandomNumberGenerator()
        var lost: [String] = []
        var problems: [String] = []
        var stalls = 0
        var bootSeconds: [Double] = []
        var submitSeconds: [Double] = []
        var controlsWritten: Set<String> = []
        var controlsLost = 0
        for cut in 0..<Self.cuts {
            let guest = try await Self.powerOn([Built.repository.path, work.path, disk, "submit", Built.zizhu],
                                               console: "boot-\(cut)", in: scratch)
            let (pid, console, ready) = (guest.pid, guest.console, guest.ready)
            stalls += guest.stalls
            bootSeconds.append(Self.seconds(guest.booted))
            // The power cut: once the first application of this boot is acknowledged, anywhere
            // in the next two submits' time, so most cuts land in the middle of one.
            if ready {
                let firstStarted = ContinuousClock.now
                _ = try await Self.wait(for: console, seconds: 120) { !$0.acknowledged.isEmpty }
                let oneSubmit = max(0.2, Self.seconds(ContinuousClock.now - firstStarted))
                submitSeconds.append(oneSubmit)
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...Int(oneSubmit * 2_000), using: &generator)))
            }
            _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
            let text = Self.read(console)
            guard ready else {
                problems.append("boot \(cut) never got ready:\n\(text.suffix(3000))")
                break
            }
            let boot = Boot(console: text)
            if cut > 0 { controlsLost += controlsWritten.subtracting(boot.controlsKept).count }
            controlsWritten = boot.controls
            // Everything acknowledged before this boot is here, with its sequence number.
            let held = Dictionary(boot.held.map { ($0.number, $0.sequence) }, uniquingKeysWith: { first, _ in first })
            lost += acknowledged.filter { held[$0.key] != $0.value }.map { "\($0.key) (sequence \($0.value)) after cut \(cut)" }
            if Set(boot.held.map(\.sequence)).count != boot.held.count { problems.append("boot \(cut): a sequence number twice") }
            if !boot.integrity.hasPrefix("integrity ok") { problems.append("boot \(cut): \(boot.integrity)") }
            for ack in boot.acknowledged { acknowledged[ack.number] = ack.sequence }
        }
        // Once more, without a cut: the last boot's acknowledgements are checked too, and the
        // file system is unmounted cleanly so it can be read from here.
        let console = scratch.appendingPathComponent("boot-final.log").path
        let last = try await Run.program("/usr/bin/timeout", ["300", Self.script, Built.repository.path, work.path, disk, "list", Built.zizhu],
                                         environment: Self.environment)
        try (last.stdout + last.stderr).write(toFile: console, atomically: true, encoding: .utf8)
        let final = Boot(console: last.stdout)
        controlsLost += controlsWritten.subtracting(final.controlsKept).count
        #expect(final.done, "the last boot did not finish:\n\((last.stdout + last.stderr).suffix(3000))")
        let held = Dictionary(final.held.map { ($0.number, $0.sequence) }, uniquingKeysWith: { first, _ in first })
        lost += acknowledged.filter { held[$0.key] != $0.value }.map { "\($0.key) (sequence \($0.value)) at the end" }
        #expect(final.integrity.hasPrefix("integrity ok"), "\(final.integrity)")

        // The outbox off the disk, synced to the platform here: each application once.
        let extracted = scratch.appendingPathComponent("extracted")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        let dumped = try await Run.program("/usr/sbin/debugfs", ["-R", "rdump /kiosk \(extracted.path)", disk], environment: Self.environment)
        #expect(dumped.status == 0, "debugfs: \(dumped.stderr)")
        let kiosk = extracted.appendingPathComponent("kiosk")
        let sync = try await SyncFaultTests.zizhu(["sync", "--now"], home: kiosk)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let rows = try await SyncFaultTests.zizhu(["queue", "list"], home: kiosk).stdout
            .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let stored = Set(rows.compactMap { $0.count > 3 ? $0[1] : nil })
        #expect(rows.allSatisfy { $0.count > 3 && $0[3] == "confirmed" }, "\(rows.prefix(5))")
        let stats = try await central.stats()
        #expect(stats["submissions"] == stored.count, "platform \(stats) vs kiosk \(stored.count)")
        #expect(Set(acknowledged.keys).isSubset(of: stored), "acknowledged, not delivered: \(Set(acknowledged.keys).subtracting(stored))")

        // The harness itself: what the guest wrote without fsync in the seconds before a cut
        // is gone, so a missing fsync in the kiosk would have shown as a loss above.
        #expect(controlsLost > 0, "no unsynced control file was lost: the cuts did not drop the guest's page cache")
        #expect(problems.isEmpty, "\(problems)")
        #expect(lost.isEmpty, "lost: \(lost)")
        #expect(acknowledged.count > Self.cuts, "too few applications acknowledged (\(acknowledged.count)) for the cuts to mean much")
        let boots = bootSeconds.map { String(format: "%.0f", $0) }.joined(separator: " ")
        let submits = submitSeconds.map { String(format: "%.1f", $0) }.joined(separator: " ")
        print("power cuts: \(Self.cuts), acknowledged \(acknowledged.count), found \(stored.count), lost \(lost.count); "
              + "control files written without fsync and lost: \(controlsLost); "
              + "platform \(stats); seconds to boot: \(boots); seconds to the first 已受理 of each boot: \(submits); "
              + "boots that stalled in the emulator before the guest's init and were powered on again: \(stalls)")
    }

    /// 5 cuts of the platform in CI; `ZIZHU_PLATFORM_POWER_CUTS=30` (`make fault-long`) for more.
    static var platformCuts: Int { Int(ProcessInfo.processInfo.environment["ZIZHU_PLATFORM_POWER_CUTS"] ?? "") ?? 5 }

    /// How many of the kiosk's applications the platform has answered for.
    static func confirmed(_ home: URL) async throws -> Int {
        try await SyncFaultTests.zizhu(["queue", "list", "--state", "confirmed"], home: home).stdout.split(separator: "\n").count
    }

    /// `zizhu-central` on SQLite in the guest, the kiosk here syncing to it in batches, and
    /// the guest's power cut while batches arrive: every batch the platform answered is still
    /// stored after it boots again (the kiosk resends only the rest), and none twice.
    @Test func thePlatformKeepsEveryBatchItAnsweredThroughPowerCuts() async throws {
        let (scratch, central, home) = try await SyncFaultTests.platformAndHome("platform-cut")
        try await SyncFaultTests.enrol(home, with: central)
        let port = central.port
        let applications = 120
        for _ in 0..<applications {
            let submitted = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
            try #require(submitted.status == 0, "\(submitted.stderr)")
        }
        // The platform's files move to the guest's disk; it answers from there from now on.
        _ = await ChildProcess.stopDetached(central.pid, signal: SIGTERM, grace: 10)
        let platformFiles = scratch.appendingPathComponent("platform-files")
        try FileManager.default.createDirectory(at: platformFiles, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            where name.hasPrefix("central.sqlite") || name.hasSuffix(".key") {
            try FileManager.default.copyItem(at: scratch.appendingPathComponent(name), to: platformFiles.appendingPathComponent(name))
        }
        let (disk, work) = try await Self.disk(holding: platformFiles, as: "central", in: scratch)
        var environment = Self.environment
        environment["ZIZHU_VM_PORT"] = String(port)

        var generator = SystemRandomNumberGenerator()
        var problems: [String] = []
        var stalls = 0
        var cutsMidSync = 0
        for cut in 0...Self.platformCuts {
            let guest = try await Self.powerOn([Built.repository.path, work.path, disk, "central", Built.zizhu, Built.central],
                                               console: "platform-boot-\(cut)", in: scratch, environment: environment)
            let (pid, console) = (guest.pid, guest.console)
            stalls += guest.stalls
            guard guest.ready else {
                _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
                problems.append("platform boot \(cut) never got ready:\n\((Self.read(console)).suffix(3000))")
                break
            }
            // Everything the platform answered for before the cut is stored (it may hold more:
            // a batch stored whose answer the cut swallowed, which the kiosk sends again).
            let answered = try await Self.confirmed(home)
            let stored = Boot(console: Self.read(console)).stats["submissions"] ?? -1
            if stored < answered { problems.append("boot \(cut): the platform holds \(stored), the kiosk was answered for \(answered)") }
            if cut == Self.platformCuts { _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5); break }
            // A sync in small batches, and the power cut once a batch or two have been answered.
            let out = scratch.appendingPathComponent("sync-\(cut).out").path
            let sync = try ChildProcess.spawn([Built.zizhu, "sync", "--now", "--batch", "4"], environment: SyncFaultTests.kioskEnvironment(home),
                                              stdio: .files(stdout: out, stderr: out))
            let deadline = ContinuousClock.now + .seconds(120)
            while try await Self.confirmed(home) == answered && ContinuousClock.now < deadline && ChildProcess.poll(sync) == nil {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_500, using: &generator)))
            if ChildProcess.poll(sync) == nil { cutsMidSync += 1 }
            _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
            _ = await ChildProcess.stopDetached(sync, signal: SIGTERM, grace: 30)
        }
        // The rest delivered, then a clean look at what the platform holds.
        let serving = try await Self.powerOn([Built.repository.path, work.path, disk, "central", Built.zizhu, Built.central],
                                             console: "platform-final", in: scratch, environment: environment)
        let console = serving.console
        stalls += serving.stalls
        if serving.ready {
            let drained = try await SyncFaultTests.zizhu(["sync", "--now"], home: home)
            #expect(drained.status == 0, "\(drained.stdout)\(drained.stderr)\nguest:\n\((Self.read(console)).suffix(3000))")
        }
        _ = await ChildProcess.stopDetached(serving.pid, signal: SIGKILL, grace: 5)
        let listed = try await Run.program("/usr/bin/timeout", ["300", Self.script, Built.repository.path, work.path, disk, "central-list",
                                                                Built.zizhu, Built.central], environment: environment)
        let final = Boot(console: listed.stdout)
        #expect(final.done, "\((listed.stdout + listed.stderr).suffix(3000))")
        #expect(try await Self.confirmed(home) == applications)
        #expect(final.stats["submissions"] == applications, "platform \(final.stats), \(applications) sent")
        #expect(problems.isEmpty, "\(problems)")
        #expect(cutsMidSync > 0, "no cut came while a sync was under way")
        print("platform power cuts: \(Self.platformCuts) (\(cutsMidSync) mid-sync), \(applications) applications, "
              + "stored \(final.stats["submissions"] ?? -1), lost \(applications - (final.stats["submissions"] ?? 0)); platform \(final.stats); "
              + "boots that stalled in the emulator before the guest's init and were powered on again: \(stalls)")
    }

    /// A disk that fails under the outbox (device-mapper `error`, then `flakey` failing writes
    /// one second in two): a submit the disk refuses tells the citizen so (exit 3, the disk
    /// named) and is never acknowledged; what was acknowledged is all there once the disk is
    /// healthy again; the checks say the disk is failing.
    @Test func aFailingDiskRefusesPlainlyAndLosesNothingAcknowledged() async throws {
        let (scratch, central, home) = try await SyncFaultTests.platformAndHome("failing-disk")
        defer { let pid = central.pid; Thread { _ = ChildProcess.stop(pid, signal: SIGKILL, grace: 5) }.start() }
        try await SyncFaultTests.enrol(home, with: central)
        let first = try await SyncFaultTests.zizhu(["submit", "--sample", "--receipt", "never"], home: home)
        try #require(first.status == 0, "\(first.stderr)")
        let (disk, work) = try await Self.disk(holding: home, as: "kiosk", in: scratch)
        let run = try await Run.program("/usr/bin/timeout", ["600", Self.script, Built.repository.path, work.path, disk, "failing", Built.zizhu],
                                        environment: Self.environment)
        let console = run.stdout + run.stderr
        try console.write(toFile: scratch.appendingPathComponent("failing.log").path, atomically: true, encoding: .utf8)
        let boot = Boot(console: run.stdout)
        try #require(boot.done, "the guest did not finish:\n\(console.suffix(4000))")
        // Refused plainly: exit 3, and the citizen told the disk failed and nothing was saved.
        #expect(boot.refused.count >= 2, "\(console.suffix(4000))")
        for refusal in boot.refused {
            #expect(refusal.status == "3", "\(refusal)")
            #expect(refusal.message.contains("终端磁盘读写出错") || refusal.message.contains("终端存储"), "\(refusal.message)")
        }
        #expect(boot.check.contains("disk") || boot.check.contains("I/O"), "queue check: \(boot.check)")
        #expect(boot.diagnose.contains("磁盘读写出错") || boot.diagnose.contains("failing") || boot.diagnose.contains("不可用"),
                "diagnose: \(boot.diagnose)")
        // Every acknowledged application is there once the disk is healthy again, the
        // database whole; nothing refused appears.
        let held = Dictionary(boot.held.map { ($0.number, $0.sequence) }, uniquingKeysWith: { first, _ in first })
        let acknowledged = boot.acknowledged
        #expect(acknowledged.count >= 3, "\(console.suffix(4000))")
        #expect(acknowledged.allSatisfy { held[$0.number] == $0.sequence }, "acknowledged \(acknowledged.map(\.number)), held \(held)")
        #expect(boot.integrity.hasPrefix("integrity ok"), "\(boot.integrity)")
        #expect(held.count == acknowledged.count + 1, "held \(held.count), acknowledged \(acknowledged.count) + 1 before\n\(console.suffix(5000))")
        print("failing disk: \(acknowledged.count) acknowledged, \(boot.refused.count) refused, \(held.count) held after; "
              + "check: \(boot.check)")
    }
}
