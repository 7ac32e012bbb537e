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
import ZizhuWire

/// The fleet dashboard as a person sees it: loaded in headless Chromium from a real server
/// that real kiosks (sync workers) have sent heartbeats and help requests to.
@Suite("Fleet dashboard in headless Chromium")
struct DashboardTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func chromium(_ url: String) async throws -> String {
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(binary, "headless Chromium is needed (apt-get install chromium; make test installs it)")
        let profile = Scratch.folder("chromium")
        let result = try await ChildProcess.runDetached(
            [path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)",
             "--virtual-time-budget=2000", "--dump-dom", url],
            environment: ["HOME": profile.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(result.status == 0, "\(result.stderr.suffix(500))")
        return result.stdout
    }

    static func worker(_ central: RunningCentral, _ kioskID: String) async throws -> (PlatformClient, URL) {
        let home = Scratch.folder(kioskID)
        let outbox = try Outbox(home: home, kioskID: kioskID)
        return (PlatformClient(outbox: outbox, enrolment: try await central.enrol(kioskID), home: home, logger: logger), home)
    }

    @Test func kioskStatesFaultsSkewSubmissionsAndHelpAreWhatStaffSee() async throws {
        let central = try await RunningCentral()
        defer { central.stop() }
        // 天河-01: fine, with 7 submissions delivered.
        let (healthy, healthyHome) = try await Self.worker(central, "tianhe-01")
        for index in 0..<7 { _ = try healthy.outbox.submit(Sample.payload(index)) }
        #expect(try await healthy.drain().delivered == 7)
        await healthy.send(heartbeat: try healthy.heartbeat(devices: ["reader": "ok", "printer": "ready"], version: "0.1.0", home: healthyHome))
        // 天河-02: paper low.
        let (low, lowHome) = try await Self.worker(central, "tianhe-02")
        #expect(await low.send(heartbeat: try low.heartbeat(devices: ["reader": "ok", "printer": "paper_low"], version: "0.1.0", home: lowHome)) == 204)
        // 天河-03: the reader has failed; and a citizen pressed 呼叫帮办 on the identify screen.
        let (broken, brokenHome) = try await Self.worker(central, "tianhe-03")
        await broken.send(heartbeat: try broken.heartbeat(devices: ["reader": "error", "printer": "ready"], version: "0.1.0", home: brokenHome))
        let ticket = try #require(await broken.requestHelp(screen: "identify"))
        #expect(ticket.status == "open")
        // 天河-04: enrolled, never heard from.
        _ = try await central.enrol("tianhe-04")

        let dom = try await Self.chromium(central.url + "/dashboard")
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
        #expect(dom.contains("<svg") && dom.contains("UTC: 7</title>"), "no bar with the 7 submissions")
        #expect(dom.contains("identify") && dom.contains("Acknowledge"))

        // Staff acknowledge; the kiosk learns help is coming.
        var request = URLRequest(url: try #require(URL(string: central.url + "/dashboard/help/\(ticket.id)/acknowledge")))
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
        #expect(try await central.store.openHelp().isEmpty)
        let after = try await Self.chromium(central.url + "/dashboard")
        #expect(after.contains("No open help requests."))
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
        var heartbeat = try worker.heartbeat(devices: ["reader": "ok", "printer": "ready"], version: "0.1.0", home: home)
        heartbeat.catalogueVersion = String(repeating: "ab", count: 32)
        heartbeat.catalogueRefused = "residence-permit.yaml:40:12: unknown fact field.months_resdent"
        await worker.send(heartbeat: heartbeat)

        let dom = try await Self.chromium(central.url + "/dashboard")
        #expect(dom.contains("data-case=\"\(waiting.acceptanceNumber)\"") && dom.contains("data-case=\"\(other.acceptanceNumber)\""))
        #expect(!dom.contains("data-case=\"\(instant.acceptanceNumber)\""), "an instant approval is not waiting for anyone")
        #expect(dom.contains("2 in manual review"))
        #expect(dom.contains("Average 3.50 of 5"), "ratings 5 and 2")
        #expect(dom.contains("abababababab (update refused: residence-permit.yaml:40:12") && dom.contains("<td>Warning</td>"))

        // A refusal needs a reason; with one, the case leaves the queue and its progress says why.
        // A client that does not follow the 303, so the test sees it.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        func post(_ path: String, _ form: String) async throws -> Int {
            var request = HTTPClientRequest(url: central.url + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
            return Int(try await client.execute(request, timeout: .seconds(10)).status.code)
        }
        #expect(try await post("/dashboard/review/\(waiting.acceptanceNumber)/refuse", "reason=") == 400)
        #expect(try await post("/dashboard/review/\(waiting.acceptanceNumber)/refuse", "reason=%E6%9D%90%E6%96%99%E4%B8%8D%E5%85%A8") == 303)
        #expect(try await post("/dashboard/review/\(other.acceptanceNumber)/approve", "reason=") == 303)
        #expect(try await post("/dashboard/review/\(other.acceptanceNumber)/approve", "reason=") == 409)
        let refused = try await central.store.progressAnswer(acceptanceNumber: waiting.acceptanceNumber)
        #expect(refused?.progress == "refused" && refused?.reason == "材料不全")
        #expect(try await central.store.progress(acceptanceNumber: other.acceptanceNumber) == "approved")
        let after = try await Self.chromium(central.url + "/dashboard")
        #expect(after.contains("No case is waiting for a reviewer."))
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
}

