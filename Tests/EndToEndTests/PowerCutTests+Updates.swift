// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess

extension PowerCutTests {
    /// `sha256sum` of a catalogue folder's *.yaml files, in name order: the same command the
    /// guest runs on the installed catalogue after each boot.
    static func digest(_ folder: URL) async throws -> String {
        var environment = Self.environment
        environment["LC_ALL"] = "C"
        let summed = try await Run.program("/bin/sh", ["-c", "cat $(ls \"$1\"/*.yaml | sort) | sha256sum | cut -c1-64", "sh", folder.path],
                                           environment: environment)
        try #require(summed.status == 0, "\(summed.stderr)")
        return summed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Power cuts while the kiosk updates its catalogue and enrols: the kiosk and the
    /// platform (SQLite) share the guest's disk and both lose power; the guest enrols again
    /// and takes the next signed catalogue version in a loop (power-cut-vm.sh, mode
    /// `update`). Every version differs in every file (a comment with its number), so a
    /// catalogue put together from two versions has a digest no published version has.
    /// After every boot: the installed catalogue is one published version whole (or the
    /// shipped one), never older than the last one the kiosk said was installed, and passes
    /// `catalogue check`; the enrolment is the last one the kiosk said was done or the one
    /// in flight at the cut, never a half-written file, and the platform still knows it (a
    /// signed request succeeds).
    @Test func catalogueUpdatesAndEnrolmentsSurvivePowerCuts() async throws {
        let (scratch, central, _) = try await SyncFaultTests.platformAndHome("power-cut-update")
        _ = await ChildProcess.stopDetached(central.pid, signal: SIGTERM, grace: 10)
        let root = scratch.appendingPathComponent("disk-root")
        let manager = FileManager.default
        for folder in ["central", "kiosk", "published"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in try manager.contentsOfDirectory(atPath: scratch.path) where name.hasPrefix("central.sqlite") || name.hasSuffix(".key") {
            try manager.copyItem(at: scratch.appendingPathComponent(name), to: root.appendingPathComponent("central/\(name)"))
        }
        let shipped = Built.repository.appendingPathComponent("Kiosk/catalogue")
        try manager.copyItem(at: shipped, to: root.appendingPathComponent("kiosk/catalogue"))

        // The versions the operator signed, each file of each marked with its number.
        let signer = try await CatalogueOperator(scratch, name: "operator")
        try (signer.publicKey + "\n").write(to: root.appendingPathComponent("published/public-key"), atomically: true, encoding: .utf8)
        let versions = Self.cuts * 3 + 6
        var digests = ["shipped": try await Self.digest(shipped)]
        let files = try manager.contentsOfDirectory(atPath: shipped.path).filter { $0.hasSuffix(".yaml") }
        for number in 1...versions {
            let folder = root.appendingPathComponent("published/v\(number)")
            try manager.copyItem(at: shipped, to: folder)
            for name in files {
                let file = folder.appendingPathComponent(name)
                let text = try String(contentsOf: file, encoding: .utf8)
                try (text + "\n# published version \(number)\n").write(to: file, atomically: true, encoding: .utf8)
            }
            try await signer.sign(folder, number: number)
            digests[String(number)] = try await Self.digest(folder)
        }
        let (disk, work) = try await Self.disk(root: root, as: "update", in: scratch, size: versions > 60 ? "512M" : "128M")

        var generator = SystemRandomNumberGenerator()
        var problems: [String] = []
        var stalls = 0
        var lastEnrolled: String?          // the last id the guest said was enrolled
        var inFlight: Set<String> = []     // ids whose enrolment began after it, before the cut
        var lastInstalled = 0              // the highest version the guest said was installed
        var enrolments = 0, installs = 0, cutsMidEnrolment = 0, cutsMidUpdate = 0, boots = 0
        for cut in 0...Self.cuts {
            let guest = try await Self.powerOn([Built.repository.path, work.path, disk, "update", Built.zizhu, Built.central],
                                               console: "update-boot-\(cut)", in: scratch)
            let (pid, console, ready) = (guest.pid, guest.console, guest.ready)
            stalls += guest.stalls
            var text = Self.read(console)
            guard ready else {
                _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
                problems.append("boot \(cut) never got ready:\n\(text.suffix(3000))")
                break
            }
            boots += 1
            // What the last cut left.
            let after = Boot(console: text)
            let label = "boot \(cut)"
            if let catalogue = after.catalogue {
                if digests[catalogue.number] != catalogue.digest {
                    problems.append("\(label): catalogue \(catalogue.number) is not that version whole (digest \(catalogue.digest.prefix(12)))")
                }
                if catalogue.files != String(files.count) { problems.append("\(label): \(catalogue.files) catalogue files, not \(files.count)") }
                if catalogue.check != "0" { problems.append("\(label): catalogue check exited \(catalogue.check)") }
                let number = Int(catalogue.number) ?? 0
                if number < lastInstalled { problems.append("\(label): catalogue \(catalogue.number), but \(lastInstalled) was installed") }
            } else {
                problems.append("\(label): no CATALOGUE line")
            }
            let enrolled = after.enrolment ?? "missing"
            let allowed = inFlight.union(lastEnrolled.map { [$0] } ?? ["none"])
            if !allowed.contains(enrolled) { problems.append("\(label): enrolled as \(enrolled), expected one of \(allowed.sorted())") }
            if enrolled != "none" && after.probe?.status != "0" {
                problems.append("\(label): the platform refused the enrolment \(enrolled): \(after.probe.map { "\($0.status) \($0.message)" } ?? "no probe")")
            }
            if !after.integrity.hasPrefix("ok") { problems.append("\(label): platform database \(after.integrity)") }
            // The enrolment a cut caught mid-way that turned out whole is now the last one done.
            if enrolled != "none", inFlight.contains(enrolled) { lastEnrolled = enrolled }
            inFlight = []
            if cut == Self.cuts {
                _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
                break
            }

            // The power cut: in the second round, during its enrolment (even cuts) or its
            // catalogue update (odd ones), at a random moment within the time the first
            // round's took (seen from here, to a tenth of a second).
            var seen: [String: ContinuousClock.Instant] = [:]
            let aim = cut.isMultiple(of: 2) ? ("ENROLLING", "ENROLLED") : ("UPDATING", "ENROLLING")
            let deadline = ContinuousClock.now + .seconds(300)
            while ContinuousClock.now < deadline && seen["\(aim.0)#2"] == nil {
                var counts: [String: Int] = [:]
                for step in Boot(console: Self.read(console)).steps {
                    counts[step.step, default: 0] += 1
                    let name = "\(step.step)#\(counts[step.step] ?? 0)"
                    if seen[name] == nil { seen[name] = ContinuousClock.now }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let firstStarted = seen["\(aim.0)#1"] ?? ContinuousClock.now
            let firstEnded = seen[aim.1 == "ENROLLING" ? "ENROLLING#2" : "ENROLLED#1"] ?? ContinuousClock.now
            let oneStep = max(0.3, Self.seconds(firstEnded - firstStarted))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...Int(oneStep * 1_000), using: &generator)))
            _ = await ChildProcess.stopDetached(pid, signal: SIGKILL, grace: 5)
            text = Self.read(console)
            let steps = Boot(console: text).steps
            for (step, value) in steps {
                switch step {
                case "ENROLLING": inFlight.insert(value)
                case "ENROLLED": lastEnrolled = value; inFlight = []; enrolments += 1
                case "INSTALLED": lastInstalled = max(lastInstalled, Int(value) ?? 0); installs += 1
                default: break
                }
            }
            switch steps.last?.step {
            case "ENROLLING": cutsMidEnrolment += 1
            case "UPDATING": cutsMidUpdate += 1
            default: break
            }
        }
        #expect(boots == Self.cuts + 1, "\(problems)")
        #expect(problems.isEmpty, "\(problems)")
        #expect(enrolments >= Self.cuts, "only \(enrolments) enrolments done in \(Self.cuts) boots")
        #expect(installs >= Self.cuts, "only \(installs) catalogue versions installed in \(Self.cuts) boots")
        #expect(cutsMidEnrolment + cutsMidUpdate > 0, "no cut came during an enrolment or a catalogue update")
        let mixed = problems.filter { $0.contains("catalogue") }.count
        let halfEnrolled = problems.filter { $0.contains("enrol") }.count
        print("power cuts during updates: \(Self.cuts) (\(cutsMidEnrolment) mid-enrolment, \(cutsMidUpdate) mid-catalogue-update); "
              + "enrolments done \(enrolments), catalogue versions installed \(installs) (last \(lastInstalled) of \(versions)); "
              + "catalogues not one version whole \(mixed), enrolments lost or half \(halfEnrolled); "
              + "boots that stalled in the emulator before the guest's init and were powered on again: \(stalls)")
    }
}
