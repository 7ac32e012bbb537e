// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuOutbox
@testable import ZizhuKiosk
import ZizhuResources
@testable import ZizhuUI

@Suite("Technician PIN: hashed, checked, locked out with a growing delay that survives a restart")
struct TechnicianLockTests {
    static let stored: TechnicianPIN.Stored = {
        do { return try TechnicianLock.hash("135792") } catch { fatalError("\(error)") }
    }()

    @Test func theStoredFormRoundTripsAndWeakFormsAreRefused() throws {
        let text = Self.stored.text
        #expect(text.hasPrefix("pbkdf2-sha256$210000$") && !text.contains("135792"))
        #expect(TechnicianPIN.Stored(parsing: text) == Self.stored)
        #expect(TechnicianPIN.Stored(parsing: text.replacingOccurrences(of: "$210000$", with: "$1000$")) == nil, "too few rounds")
        #expect(TechnicianPIN.Stored(parsing: "sha256$210000$AAAA$BBBB") == nil)
        #expect(TechnicianPIN.Stored(parsing: "135792") == nil)
        #expect(throws: TechnicianLock.ConfigProblem.self) { try TechnicianLock.hash("12345") }
        #expect(throws: TechnicianLock.ConfigProblem.self) { try TechnicianLock.hash("12345a") }
        // Two hashes of one PIN differ (random salt).
        #expect(try TechnicianLock.hash("135792").hash != Self.stored.hash)
    }

    @Test func fiveWrongPINsLockAndTheDelayDoublesAndOutlivesARestart() throws {
        let home = try Checkout.scratch("pin")
        var lock = TechnicianLock(stored: Self.stored, home: home)
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(lock.check("135792", now: start) == .accepted)
        for left in [4, 3, 2, 1] { #expect(lock.check("000000", now: start) == .wrong(attemptsLeft: left)) }
        #expect(lock.check("000000", now: start) == .locked(seconds: 30))
        // While locked even the right PIN is not checked.
        #expect(lock.check("135792", now: start.addingTimeInterval(10)) == .locked(seconds: 20))
        // A restart (a new lock on the same home) keeps the lockout.
        lock = TechnicianLock(stored: Self.stored, home: home)
        #expect(lock.check("135792", now: start.addingTimeInterval(29)) == .locked(seconds: 1))
        // After the delay one more wrong PIN locks for twice as long, then four times.
        #expect(lock.check("111111", now: start.addingTimeInterval(31)) == .locked(seconds: 60))
        #expect(lock.check("111111", now: start.addingTimeInterval(92)) == .locked(seconds: 120))
        // The right PIN after the delay opens and clears the count.
        #expect(lock.check("135792", now: start.addingTimeInterval(213)) == .accepted)
        #expect(lock.check("000000", now: start.addingTimeInterval(214)) == .wrong(attemptsLeft: 4))
        // The state file holds counts and times, never the PIN.
        let saved = try String(contentsOf: home.appendingPathComponent("technician-lock.json"), encoding: .utf8)
        #expect(!saved.contains("135792") && !saved.contains("000000"))
    }

    @Test func theDelayStopsGrowingAtAnHour() throws {
        let lock = TechnicianLock(stored: Self.stored, home: try Checkout.scratch("pin-cap"))
        var now = Date(timeIntervalSince1970: 1_795_000_000)
        var last = PINCheck.accepted
        for _ in 0..<15 {
            last = lock.check("000000", now: now)
            if case .locked(let seconds) = last { now = now.addingTimeInterval(Double(seconds) + 1) }
        }
        #expect(last == .locked(seconds: 3600))
    }

    @Test func withoutAStoredPINNothingOpens() throws {
        #expect(TechnicianLock(stored: nil, home: try Checkout.scratch("pin-none")).check("135792") == .notConfigured)
    }

    @Test func theConfigTakesTheHashAndRefusesAMalformedOne() throws {
        let good = "kiosk: {id: k1, name: {zh: 厅, en: Hall}}\ntechnician:\n  pin_hash: \"\(Self.stored.text)\"\n"
        #expect(try KioskConfig.parse(good, file: "kiosk.yaml").technicianPIN == Self.stored)
        let bad = "kiosk: {id: k1, name: {zh: 厅, en: Hall}}\ntechnician:\n  pin_hash: \"135792\"\n"
        do {
            _ = try KioskConfig.parse(bad, file: "kiosk.yaml")
            Issue.record("a plain PIN was accepted as a hash")
        } catch {
            #expect("\(error)".contains("kiosk.yaml:3:13") && "\(error)".contains("zizhu technician pin-hash"), "\(error)")
        }
    }
}

@Suite("Diagnostic checks: what each device answer means for the technician")
struct DiagnosticCheckTests {
    @Test func printerHealthDecidesTheStatus() {
        #expect(KioskDiagnostics.printer(health: .ready, status: nil, queue: "q").status == .ok)
        #expect(KioskDiagnostics.printer(health: .paperLow, status: nil, queue: "q").status == .warning)
        for health in [PrinterHealth.paperOut, .jammed, .coverOpen, .offline, .serviceDown("x"), .queueMissing("q")] {
            #expect(KioskDiagnostics.printer(health: health, status: nil, queue: "q").status == .failed, "\(health)")
        }
    }

    /// The 社保卡 reader joins the reader check: a working one is listed; one that cannot be
    /// used warns (the ID card still works) and never leaks a number from an error text.
    @Test func theSocialSecurityCardReaderJoinsTheReaderCheck() throws {
        let idReader = KioskDiagnostics.reader(ReaderInfo(transport: "serial /dev/x 115200 8N1", samID: "05.01", connected: true))
        let working = KioskDiagnostics.SocialSecurityCardReaders(profile: "gen3", readers: [.init(name: "ACS ACR39U 00 00", cardPresent: false)], problem: nil)
        let both = KioskDiagnostics.reader(idReader, socialSecurityCard: working)
        #expect(both.status == .ok && both.facts.contains { $0.value == "ACS ACR39U 00 00 (无卡 / empty)" })
        let down = KioskDiagnostics.SocialSecurityCardReaders(profile: "gen3", readers: [],
                                                              problem: "pcscd unavailable: card of 440106198806150019")
        let warned = KioskDiagnostics.reader(idReader, socialSecurityCard: down)
        #expect(warned.status == .warning && warned.summary.zh.contains("市民仍可用身份证"))
        #expect(!warned.facts.contains { $0.value.contains("440106198806150019") })
        // Only the 社保卡 reader configured (no ID reader): its own state decides.
        let alone = KioskDiagnostics.reader(KioskDiagnostics.reader(nil), socialSecurityCard: working)
        #expect(alone.status == .ok && alone.summary.en.contains("Social security card reader connected"))
        // No 社保卡 section in kiosk.yaml: the check is the ID reader's alone.
        #expect(KioskDiagnostics.reader(idReader, socialSecurityCard: nil) == idReader)
        let config = "kiosk: {id: k1, name: {zh: 厅, en: Hall}}\nsocial_security_card:\n  profile: ../x\n"
        #expect {
            _ = try KioskConfig.parse(config, file: "kiosk.yaml")
        } throws: { "\($0)".contains("kiosk.yaml:3:12") && "\($0)".contains("Devices/sscard/") }
        let good = "kiosk: {id: k1, name: {zh: 厅, en: Hall}}\nsocial_security_card:\n  profile: gen3\n  reader: ACS ACR39U 00 00\n"
        let parsed = try KioskConfig.parse(good, file: "kiosk.yaml")
        #expect(parsed.socialSecurityCardProfile == "gen3" && parsed.socialSecurityCardReader == "ACS ACR39U 00 00")
    }

    /// A clock a minute or more off is worth a visit (the kiosk corrects itself with the
    /// platform's time, so it is a warning however far off, and says how far).
    @Test func theClockOffsetWarnsHoweverFarOffAndSaysHowFar() {
        func status(_ offset: Double?, _ http: Int? = 200) -> DiagnosticStatus {
            KioskDiagnostics.network(platform: "p", probe: .init(status: http, latencyMilliseconds: 5, clockOffsetSeconds: offset, problem: nil)).status
        }
        #expect(status(0.3) == .ok)
        #expect(status(-90) == .warning)
        #expect(status(250) == .warning)
        #expect(status(400 * 86_400) == .warning)
        #expect(status(.infinity) == .warning, "no trap on a silly figure")
        #expect(status(nil, nil) == .failed)
        #expect(status(nil, 401) == .failed)
        let check = KioskDiagnostics.network(platform: "p", probe: .init(status: 200, latencyMilliseconds: 5, clockOffsetSeconds: 90, problem: nil))
        #expect(check.facts.contains { $0.value.hasPrefix("-90.0 s") }, "the kiosk is 90 s behind: \(check.facts)")
        let far = KioskDiagnostics.network(platform: "p", probe: .init(status: 200, latencyMilliseconds: 5, clockOffsetSeconds: 400 * 86_400, problem: nil))
        #expect(far.facts.contains { $0.value.hasPrefix("behind by 400 d 0 h") }, "\(far.facts)")
    }

    @Test func theOutboxWarnsOnDeadLettersAndOldBacklogsAndFailsOnIntegrity() {
        func depth(dead: Int = 0, oldest: Double? = nil) -> Outbox.Depth {
            Outbox.Depth(pending: 1, confirmed: 0, dead: dead, quarantined: 0, oldestPendingSeconds: oldest)
        }
        #expect(KioskDiagnostics.outbox(depth: depth(oldest: 30), integrity: "ok").status == .ok)
        #expect(KioskDiagnostics.outbox(depth: depth(dead: 1), integrity: "ok").status == .warning)
        #expect(KioskDiagnostics.outbox(depth: depth(oldest: 4000), integrity: "ok").status == .warning)
        // Scanned pages: counted once there are any; one the platform refused is a warning.
        var pages = depth()
        #expect(!KioskDiagnostics.outbox(depth: pages, integrity: "ok").facts.contains { $0.label.en == "Scanned pages to upload" })
        pages.pagesPending = 2
        let uploading = KioskDiagnostics.outbox(depth: pages, integrity: "ok")
        #expect(uploading.status == .ok && uploading.facts.first { $0.label.en == "Scanned pages to upload" }?.value == "2")
        pages.pagesRefused = 1
        let refused = KioskDiagnostics.outbox(depth: pages, integrity: "ok")
        #expect(refused.status == .warning && refused.summary.en.contains("page refused"))
        #expect(KioskDiagnostics.outbox(depth: depth(), integrity: "row 3 missing from index").status == .failed)
        // A page the disk could not read (the outbox opened anyway): the disk is named.
        let unreadable = KioskDiagnostics.outbox(depth: depth(), integrity: "I/O error reading the database (the disk may be failing): SQLite error 11")
        #expect(unreadable.status == .failed && unreadable.summary.zh.contains("磁盘读写出错"), "\(unreadable.summary)")
        #expect(KioskDiagnostics.outbox(nil, problem: "disk full").status == .failed)
    }

    @Test func diskThresholds() {
        #expect(KioskDiagnostics.disk(path: "/", free: 1 << 30, total: 8 << 30).status == .ok)
        #expect(KioskDiagnostics.disk(path: "/", free: 100 << 20, total: 8 << 30).status == .warning)
        #expect(KioskDiagnostics.disk(path: "/", free: 5 << 20, total: 8 << 30).status == .failed)
        #expect(KioskDiagnostics.disk(path: "/definitely/not/here").status == .failed)
    }

    @Test func recentErrorsAreTheLastWarningsAndErrorsMasked() throws {
        let log = try Checkout.scratch("log").appendingPathComponent("zizhu.log")
        var lines = (0..<20).map { "2026-11-22T10:00:\(String(format: "%02d", $0)).000Z info zizhu.kiosk: screen home" }
        lines.insert("2026-11-22T09:00:00.000Z error zizhu.kiosk: old", at: 0)
        lines += (0..<9).map { "2026-11-22T11:00:0\($0).000Z warning zizhu.kiosk: printer paper-low \($0)" }
        lines.append("2026-11-22T11:00:10.000Z error zizhu.kiosk: somebody logged 44010619880615001X by mistake")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let check = KioskDiagnostics.errors(logFile: log)
        #expect(check.facts.count == 8)
        #expect(check.facts.last?.value == "error zizhu.kiosk: somebody logged 4401**********001X by mistake")
        #expect(!check.facts.contains { $0.value.contains("old") || $0.value.contains("info") })
        #expect(KioskDiagnostics.errors(logFile: log.deletingLastPathComponent().appendingPathComponent("none.log")).facts.isEmpty)
    }

    @Test func theReportIsUnhealthyOnlyWhenSomethingFailed() {
        let ok = DiagnosticCheck(.disk, .ok, zh: "", en: "")
        var report = DiagnosticReport(kioskID: "k", takenAt: "t", checks: [ok, DiagnosticCheck(.reader, .skipped, zh: "", en: "")])
        #expect(report.healthy && report.status == .ok)
        report.replace(DiagnosticCheck(.outbox, .warning, zh: "", en: ""))
        #expect(report.healthy && report.status == .warning && report.checks.map(\.area) == [.reader, .outbox, .disk])
        report.replace(DiagnosticCheck(.reader, .failed, zh: "", en: ""))
        #expect(!report.healthy && report.status == .failed && report.checks.count == 3)
    }
}

/// The technician screens' tests (ZizhuUITests) render a fixed report read from
/// `Tests/ZizhuUITests/__Fixtures__/technician-report.json`, so they need nothing of the
/// kiosk's adapters. This test builds that report with the real check builders: a change to
/// what a check says fails here until the fixture is rewritten (`SNAPSHOT_RECORD=1`).
@Suite("The technician screens' sample report is what the diagnostics build")
struct TechnicianFixtureTests {
    static let fixture = Checkout.root.appendingPathComponent("Tests/ZizhuUITests/__Fixtures__/technician-report.json")

    /// Every area, one failed (the printer), one warning (the outbox).
    static func report() throws -> DiagnosticReport {
        let paths = KioskPaths(home: URL(fileURLWithPath: "/tmp/zizhu-unused"), shareRoot: Checkout.root)
        let catalogue = try KioskResources.load(paths: paths, configPath: nil).catalogue()
        return DiagnosticReport(kioskID: "zizhu-demo-001", takenAt: "2026-11-22T10:00:00Z", checks: [
            KioskDiagnostics.reader(ReaderInfo(transport: "serial /dev/zizhu-idcard 115200 8N1", samID: "05.01-20101231-0000000001-0123456789",
                                               connected: true)),
            KioskDiagnostics.printer(health: .paperOut, status: nil, queue: "zizhu-receipt on /run/cups/cups.sock"),
            KioskDiagnostics.network(platform: "http://127.0.0.1:8080",
                                     probe: .init(status: 200, latencyMilliseconds: 12, clockOffsetSeconds: 0.4, problem: nil)),
            KioskDiagnostics.outbox(depth: .init(pending: 3, confirmed: 120, dead: 1, quarantined: 0, oldestPendingSeconds: 5400),
                                    integrity: "ok"),
            KioskDiagnostics.catalogue(CatalogueKeeper.Outcome(catalogue: catalogue, problem: nil, usingLastGood: false),
                                       lastCheck: CatalogueCheckRecord(at: "2026-11-22T09:50:00Z", result: "not modified")),
            KioskDiagnostics.disk(path: "/var/lib/zizhu", free: 40 << 30, total: 64 << 30),
            DiagnosticCheck(.versions, .ok, zh: "版本信息", en: "Versions in use",
                            facts: [DiagnosticFact("自助终端", "Zizhu", "0.1.0"), DiagnosticFact("SQLite", "SQLite", "3.40.1")]),
            DiagnosticCheck(.errors, .ok, zh: "近期有 1 条警告或错误", en: "1 recent warnings or errors",
                            facts: [DiagnosticFact("2026-11-22T09:59:00", "2026-11-22T09:59:00", "error zizhu.kiosk: receipt not printed")]),
        ])
    }

    @Test func theFixtureMatchesTheBuilders() throws {
        let built = try Self.report()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(built), as: UTF8.self) + "\n"
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        guard !record, let data = FileManager.default.contents(atPath: Self.fixture.path) else {
            try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: Self.fixture, atomically: true, encoding: .utf8)
            if !record { Issue.record("recorded \(Self.fixture.path); look at it and run the tests again") }
            return
        }
        let stored = try JSONDecoder().decode(DiagnosticReport.self, from: data)
        #expect(stored == built, "the technician fixture differs from what the builders say now; rewrite it with SNAPSHOT_RECORD=1")
        #expect(stored.checks.map(\.area) == DiagnosticArea.allCases, "the fixture covers every area, in order")
        #expect(stored.checks.contains { $0.status == .failed } && stored.checks.contains { $0.status == .warning })
    }
}

@Suite("ID numbers in free text are masked")
struct MaskNumbersTests {
    @Test func eighteenCharacterNumbersAreMaskedAndOtherDigitRunsAreNot() {
        #expect(IDNumber.maskNumbers(in: "id=11010519491231002X ok") == "id=1101**********002X ok")
        #expect(IDNumber.maskNumbers(in: "440106198806150019") == "4401**********0019")
        #expect(IDNumber.maskNumbers(in: "a 440106198806150019,440106198806150019") == "a 4401**********0019,4401**********0019")
        // A 19-digit run, a 13-digit epoch in ms and a 17-digit run stay as they are.
        for text in ["4401061988061500191", "t=1795363198000", "44010619880615001 x"] {
            #expect(IDNumber.maskNumbers(in: text) == text)
        }
        #expect(IDNumber.maskNumbers(in: "自助 ZZ20261122-7F3A 受理") == "自助 ZZ20261122-7F3A 受理")
    }
}
