// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation
import Hummingbird
import Logging
import Testing
import ZizhuCentral
import ZizhuKiosk
import ZizhuOutbox
import ZizhuProcess
import ZizhuTestSupport
import ZizhuWire

/// The fleet dashboard as a person sees it: loaded in headless Chromium from a real server
/// that real kiosks (sync workers) have sent heartbeats and help requests to.
@Suite("Fleet dashboard and the staff side in headless Chromium", .serialized)
struct DashboardTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Headless Chromium signed in through the sign-in page as a new account with `roles`.
    static func browser(_ central: RunningCentral, _ name: String, _ roles: Set<StaffRole>) async throws -> HeadlessChromium {
        try await StaffFixtures.add(central.store, name, roles)
        let browser = try HeadlessChromium()
        do {
            try await signIn(browser, central, name)
        } catch {
            browser.close()
            throw error
        }
        return browser
    }

    static func signIn(_ browser: HeadlessChromium, _ central: RunningCentral, _ name: String) async throws {
        try await browser.open(central.staffURL + "/dashboard")
        #expect(try await browser.location().hasSuffix("/dashboard/login"), "a page without a session leads to the sign-in page")
        try await browser.fill("input[name=name]", name)
        try await browser.fill("input[name=password]", StaffFixtures.password)
        try await browser.press("#sign-in")
        let page = try await browser.text()
        #expect(try await browser.location() == central.staffURL + "/dashboard", "\(page)")
    }

    static func dashboard(_ browser: HeadlessChromium, _ central: RunningCentral) async throws -> String {
        try await browser.open(central.staffURL + "/dashboard")
        return try await browser.html()
    }

    static func worker(_ central: RunningCentral, _ kioskID: String, requestTimeoutSeconds: Int64 = 20) async throws -> (PlatformClient, URL) {
        let home = Scratch.folder(kioskID)
        let outbox = try Outbox(home: home, kioskID: kioskID)
        return (PlatformClient(outbox: outbox, enrolment: try await central.enrol(kioskID), home: home, logger: logger,
                               requestTimeoutSeconds: requestTimeoutSeconds), home)
    }

    @Test func kioskStatesFaultsSkewSubmissionsAndHelpAreWhatStaffSee() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        // 天河-01: fine, with 7 submissions delivered.
        let (healthy, healthyHome) = try await Self.worker(central, "tianhe-01")
        for index in 0..<7 { _ = try healthy.outbox.submit(Sample.payload(index)) }
        #expect(try await healthy.drain().delivered == 7)
        await healthy.send(heartbeat: healthy.heartbeat(devices: ["reader": "ok", "printer": "ready"], version: "0.1.0", home: healthyHome))
        // 天河-02: paper low.
        let (low, lowHome) = try await Self.worker(central, "tianhe-02")
        #expect(await low.send(heartbeat: low.heartbeat(devices: ["reader": "ok", "printer": "paper_low"], version: "0.1.0", home: lowHome)) == 204)
        // 天河-03: the reader has failed; and a citizen pressed 呼叫帮办 on the identify screen.
        let (broken, brokenHome) = try await Self.worker(central, "tianhe-03")
        await broken.send(heartbeat: broken.heartbeat(devices: ["reader": "error", "printer": "ready"], version: "0.1.0", home: brokenHome))
        let ticket = try #require(await broken.requestHelp(screen: "identify"))
        #expect(ticket.status == "open")
        // 天河-04: enrolled, never heard from.
        _ = try await central.enrol("tianhe-04")

        let browser = try await Self.browser(central, "operator.one", [.operator, .helpdesk])
        defer { browser.close() }
        let dom = try await Self.dashboard(browser, central)
        func row(_ kiosk: String) -> String {
            guard let start = dom.range(of: "data-kiosk=\"\(kiosk)\"") else { return "" }
            return String(dom[start.lowerBound...].prefix { $0 != "\n" }.prefix(600))
        }
        #expect(row("tianhe-01").contains("<td>OK</td>") && row("tianhe-01").contains("<td>7</td>"), "\(row("tianhe-01"))")
        #expect(row("tianhe-02").contains("<td>Warning</td>") && row("tianhe-02").contains("printer paper low"))
        #expect(row("tianhe-03").contains("<td>Error</td>") && row("tianhe-03").contains("reader error"))
        #expect(row("tianhe-04").contains("<td>Offline</td>") && row("tianhe-04").contains("no heartbeat yet"))
        // The skew each kiosk's signed requests showed (a few seconds at most here).
        #expect(row("tianhe-01").range(of: #"<td>[+-]\d+ s</td>"#, options: .regularExpression) != nil)
        // Submissions per hour: an SVG whose current hour has the 7.
        #expect(dom.contains("<svg") && dom.contains("北京时间: 7</title>"), "no bar with the 7 submissions")
        #expect(dom.contains("identify") && dom.contains("Acknowledge"))

        // Staff acknowledge; the kiosk learns help is coming.
        try await browser.press("button[data-help=\"\(ticket.id)\"]")
        #expect(try await central.store.openHelp().isEmpty)
        #expect(try await browser.html().contains("No open help requests."))
        #expect(await broken.helpStatus(id: ticket.id)?.status == "acknowledged")
    }

    @Test func reviewersDecideCasesAndSeeRatingsAndEachKiosksCatalogue() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let (worker, home) = try await Self.worker(central, "tianhe-01")
        let waiting = try worker.outbox.submit(Sample.payload(1, outcome: "manual_review"))
        let other = try worker.outbox.submit(Sample.payload(2, outcome: "manual_review"))
        let instant = try worker.outbox.submit(Sample.payload(3))
        for (level, number) in [(5, instant.acceptanceNumber), (2, waiting.acceptanceNumber)] {
            _ = try worker.outbox.enqueue(.rating, serviceID: "business-licence-print",
                                          body: RatingPayload(acceptanceNumber: number, serviceID: "business-licence-print", level: level,
                                                              reason: level < 3 ? "排队太久" : nil, ratedAt: UTCTime.iso(Date())))
        }
        #expect(try await worker.drain().delivered == 5)
        var heartbeat = worker.heartbeat(devices: ["reader": "ok", "printer": "ready"], version: "0.1.0", home: home)
        heartbeat.catalogueVersion = String(repeating: "ab", count: 32)
        heartbeat.catalogueRefused = "residence-permit.yaml:40:12: unknown fact field.months_resdent"
        await worker.send(heartbeat: heartbeat)

        let browser = try await Self.browser(central, "reviewer.one", [.reviewer, .auditor])
        defer { browser.close() }
        let dom = try await Self.dashboard(browser, central)
        #expect(dom.contains("data-case=\"\(waiting.acceptanceNumber)\"") && dom.contains("data-case=\"\(other.acceptanceNumber)\""))
        #expect(!dom.contains("data-case=\"\(instant.acceptanceNumber)\""), "an instant approval is not waiting for anyone")
        #expect(dom.contains("2 in manual review"))
        #expect(dom.contains("Average 3.50 of 5"), "ratings 5 and 2")
        #expect(dom.contains("abababababab (update refused: residence-permit.yaml:40:12") && dom.contains("<td>Warning</td>"))

        // A refusal needs a reason (the browser will not send the form without one; the
        // server refuses it too); with one, the case leaves the queue and its progress says why.
        let http = try await StaffFixtures.signedIn(central, "reviewer.two", [.reviewer])
        #expect(try await http.post("/dashboard/review/\(waiting.acceptanceNumber)/refuse", ["reason": " "]).status == 400)
        try await browser.fill("input[data-reason=\"\(waiting.acceptanceNumber)\"]", "材料不全")
        try await browser.press("button[data-refuse=\"\(waiting.acceptanceNumber)\"]")
        try await browser.press("button[data-approve=\"\(other.acceptanceNumber)\"]")
        #expect(try await http.post("/dashboard/review/\(other.acceptanceNumber)/approve").status == 409)
        #expect(try await http.post("/dashboard/review/ZZ20260101-0000-0000-0000/approve").status == 404)
        let refused = try await central.store.progressAnswer(acceptanceNumber: waiting.acceptanceNumber)
        #expect(refused?.progress == "refused" && refused?.reason == "材料不全")
        #expect(try await central.store.progress(acceptanceNumber: other.acceptanceNumber) == "approved")
        #expect(try await browser.html().contains("No case is waiting for a reviewer."))
    }

    /// A reviewer's shift in a real browser: sign in, approve one case, refuse another with
    /// a reason, acknowledge a help call, find both in the audit trail and the case's
    /// history, sign out — and the browser is then back at the sign-in page.
    @Test(arguments: StorageKind.allCases)
    func aStaffShiftInTheBrowser(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let (worker, _) = try await Self.worker(central, "tianhe-01")
        let first = try worker.outbox.submit(Sample.payload(1, outcome: "manual_review"))
        let second = try worker.outbox.submit(Sample.payload(2, outcome: "manual_review"))
        #expect(try await worker.drain().delivered == 2)
        let ticket = try #require(await worker.requestHelp(screen: "application"))

        let browser = try await Self.browser(central, "wang.fang", [.reviewer, .helpdesk, .auditor])
        defer { browser.close() }
        #expect(try await browser.text().contains("wang.fang (reviewer, helpdesk, auditor)"))
        try await browser.press("button[data-approve=\"\(first.acceptanceNumber)\"]")
        try await browser.fill("input[data-reason=\"\(second.acceptanceNumber)\"]", "请补充营业执照副本")
        try await browser.press("button[data-refuse=\"\(second.acceptanceNumber)\"]")
        try await browser.press("button[data-help=\"\(ticket.id)\"]")
        #expect(try await central.store.progress(acceptanceNumber: first.acceptanceNumber) == "approved")
        #expect(try await central.store.progressAnswer(acceptanceNumber: second.acceptanceNumber)?.reason == "请补充营业执照副本")
        #expect(try await central.store.openHelp().isEmpty)

        try await browser.open(central.staffURL + "/dashboard/cases/\(second.acceptanceNumber)")
        let history = try await browser.text()
        #expect(history.contains("refused") && history.contains("wang.fang") && history.contains("请补充营业执照副本"), "\(history)")
        try await browser.open(central.staffURL + "/dashboard/audit?actor=wang.fang")
        let audit = try await browser.text()
        for action in ["login", "case.approve", "case.refuse", "help.acknowledge"] { #expect(audit.contains(action), "\(action)") }
        // Another site's page with a form aimed at the staff side (even with this session's
        // CSRF token in it, which a real attacker would not have): refused, nothing made.
        let csrf = try #require(try await browser.evaluate("document.querySelector('input[name=csrf]').value") as? String)
        let attack = "<form method='post' action='\(central.staffURL)/dashboard/tokens'><input type='hidden' name='csrf' value='\(csrf)'>"
            + "<button id='go'>win a prize</button></form>"
        try await browser.open("data:text/html;charset=utf-8," + (attack.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        try await browser.press("#go")
        let refused = try await browser.text()
        #expect(refused.contains("Cross-site request refused"), "\(refused)")
        #expect(try await central.store.auditTrail(AuditFilter(action: "token.create")).isEmpty)
        try await browser.open(central.staffURL + "/dashboard")
        try await browser.press("#logout")
        #expect(try await browser.location().hasSuffix("/dashboard/login"))
        try await browser.open(central.staffURL + "/dashboard")
        #expect(try await browser.location().hasSuffix("/dashboard/login"), "signed out: the overview is closed again")
        let trail = try await central.store.auditTrail(AuditFilter(actor: "wang.fang")).map(\.action)
        // Opening the case's page (its application, opened with the platform key) is recorded too.
        #expect(trail == ["logout", "case.view", "help.acknowledge", "case.refuse", "case.approve", "login"])
    }

    /// A disk that fails under a running kiosk's outbox is in its heartbeat as `disk:
    /// failing`, and the fleet dashboard shows the kiosk in error for it. The kiosk's home
    /// is a file system of its own that turns read-only under it, as ext4 does once a
    /// journal write fails. (A remount read-only is refused while SQLite holds its files
    /// open for writing, so the read-only file system is mounted over the home instead; the
    /// open database stays readable, as on a disk that fails only writes. The QEMU test
    /// fails a real disk under the CLI's checks.)
    @Test func aFailingDiskIsInTheHeartbeatAndTheKioskShowsInError() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let home = Scratch.folder("failing-disk-heartbeat")
        try #require(Glibc.mount("tmpfs", home.path, "tmpfs", 0, "size=300m") == 0, "mounting a tmpfs needs root (errno \(errno))")
        defer { umount2(home.path, Int32(MNT_DETACH)) }
        let outbox = try Outbox(home: home, kioskID: "tianhe-05")
        let worker = PlatformClient(outbox: outbox, enrolment: try await central.enrol("tianhe-05"), home: home, logger: Self.logger)
        _ = try outbox.submit(Sample.payload(1))
        let healthy = worker.heartbeat(devices: ["reader": "ok"], version: "0.1.0", home: home)
        #expect(healthy.devices["disk"] == "ok" && healthy.status == "ok", "\(healthy)")

        try #require(Glibc.mount("tmpfs", home.path, "tmpfs", UInt(MS_RDONLY), "size=300m") == 0, "read-only mount (errno \(errno))")
        defer { umount2(home.path, Int32(MNT_DETACH)) }
        let failing = worker.heartbeat(devices: ["reader": "ok"], version: "0.1.0", home: home)
        #expect(failing.devices["disk"] == "failing" && failing.status == "error", "\(failing)")
        #expect(failing.outboxPending == 1, "the outbox can still be read, and says what it holds")
        #expect(await worker.send(heartbeat: failing) == 204)
        let kiosk = try #require(try await central.store.fleet().first { $0.id == "tianhe-05" })
        let (health, reasons) = Dashboard.health(kiosk, now: Date())
        #expect(health == .error && reasons.contains("disk failing"), "\(health) \(reasons)")
    }

    /// A province's fleet on one page: 20,000 kiosks (imported in bulk), problems first,
    /// how many in each state, the sites with problems, search by kiosk id or site, 100 to a
    /// page. How long Chromium takes to load it is printed (not asserted).
    @Test func twentyThousandKiosksShowProblemsFirstWithSearchAndPages() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        let districts = ["天河区", "越秀区", "海珠区", "番禺区"]
        let kiosks = (1...20_000).map { (id: String(format: "gd-%05d", $0), site: "\(districts[$0 % 4])政务服务中心 \($0 % 250)") }
        _ = try await central.store.importKiosks(kiosks)
        func heartbeat(_ devices: [String: String], status: String = "ok") -> Heartbeat {
            Heartbeat(status: status, devices: devices, diskFreeBytes: 1 << 30, outboxPending: 0, outboxOldestSeconds: nil, deadLetters: 0,
                      version: "0.1.0", deviceTime: UTCTime.iso(Date()))
        }
        // 48 healthy, one with a failed reader, one low on paper; the rest never heard from.
        for index in 1...50 {
            let devices = index == 7 ? ["reader": "error"] : index == 8 ? ["printer": "paper_low"] : ["reader": "ok", "printer": "ready"]
            try await central.store.recordHeartbeat(kioskID: String(format: "gd-%05d", index),
                                                    heartbeat(devices, status: index == 7 ? "error" : index == 8 ? "warning" : "ok"))
        }
        let browser = try await Self.browser(central, "operator.province", [.operator])
        defer { browser.close() }
        let started = ContinuousClock.now
        let dom = try await Self.dashboard(browser, central)
        let loaded = ContinuousClock.now - started
        let rows = dom.components(separatedBy: "data-kiosk=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(rows.count == 100, "\(rows.count) rows on a page")
        #expect(rows.first == "gd-00007", "the kiosk in error comes first: \(rows.prefix(3))")
        #expect(rows.dropFirst().first == "gd-00051", "then the offline ones: \(rows.prefix(3))")
        for state in ["Error 1", "Offline 19950", "Warning 1", "OK 48"] {
            #expect(dom.contains("data-state=\"\(state.split(separator: " ")[0])\">\(state)<"), "\(state)")
        }
        #expect(dom.contains("20000 kiosks, page 1 of 200") && dom.contains("id=\"next-page\""))
        #expect(dom.contains("500 sites, 500 sites with problems"), "every site has an offline kiosk")
        // Search by id, then by site; the next page of a search keeps the search.
        try await browser.open(central.staffURL + "/dashboard?q=gd-00042")
        let one = try await browser.html()
        #expect(one.contains("data-kiosk=\"gd-00042\"") && one.contains("1 kiosk matching"), "\(one.prefix(300))")
        try await browser.open(central.staffURL + "/dashboard?q=" + ("天河区政务服务中心 4".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        let site = try await browser.html()
        #expect(site.contains("kiosks matching") && !site.contains("data-kiosk=\"gd-00001\""), "a site search shows that site's kiosks")
        try await browser.open(central.staffURL + "/dashboard?page=200")
        let last = try await browser.html()
        #expect(last.contains("page 200 of 200") && last.contains("data-kiosk=\"gd-00050\"") && last.contains("id=\"previous-page\""),
                "the healthy ones are on the last page")
        print("dashboard with 20,000 kiosks: \(loaded) to load the overview in Chromium (SQLite, debug build)")
    }

    @Test func aSilentKioskTurnsOfflineAfterMissedHeartbeats() {
        let heartbeat = Heartbeat(status: "ok", devices: ["reader": "ok", "printer": "ready"], diskFreeBytes: 1 << 30, outboxPending: 0,
                                  outboxOldestSeconds: nil, deadLetters: 0, version: "0.1.0", deviceTime: "2026-11-22T10:00:00Z")
        let now = Date()
        let kiosk = FleetKiosk(id: "k", site: "s", lastSeen: now, skewSeconds: 2, heartbeat: heartbeat,
                               heartbeatAt: now.addingTimeInterval(-60), submissions: 0)
        #expect(Dashboard.health(kiosk, now: now).0 == .ok)
        #expect(Dashboard.health(kiosk, now: now.addingTimeInterval(Dashboard.offlineAfter + 1)).0 == .offline)
        var skewed = kiosk
        skewed.skewSeconds = -400
        #expect(Dashboard.health(skewed, now: now).1.contains("clock -400 s off"))
    }

    /// Staff in the hall read Beijing time and plain English counts.
    @Test func timesAreBeijingTimeAndCountsAgreeWithTheirNumber() throws {
        let pastMidnight = try #require(ISO8601DateFormatter().date(from: "2026-12-04T16:20:31Z"))
        #expect(Dashboard.local(pastMidnight) == "2026-12-05 00:20:31 北京时间")
        #expect(Dashboard.counted(1, "kiosk") == "1 kiosk" && Dashboard.counted(0, "kiosk") == "0 kiosks"
                && Dashboard.counted(3, "submission") == "3 submissions")
        let chart = Dashboard.chart(["2026-12-04T16": 4], now: pastMidnight)
        #expect(chart.contains("2026-12-05 00:00 北京时间: 4</title>"), "\(chart)")
    }
}
