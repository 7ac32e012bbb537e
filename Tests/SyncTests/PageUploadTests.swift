// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuCentral
@testable import ZizhuOutbox
import ZizhuTestSupport
import ZizhuWire

/// 扫描纸质材料 between kiosk and platform: pages sealed into the outbox with their
/// application, uploaded in chunks after it, resumed after the link is cut mid-page, deleted
/// from the kiosk once the platform holds them whole, refused for another kiosk's case or a
/// changed page, and shown to the case's reviewer — on SQLite and on PostgreSQL.
// One test at a time: each starts platforms on both stores, and the suite must not add to the
// load every suite puts on the machine as the run starts.
@Suite("Scanned pages: chunked upload that resumes, sealed at both ends, shown to the reviewer", .serialized)
struct PageUploadTests {
    /// Bytes that do not repeat (a stand-in for a WebP page: the platform only checks its hash).
    static func page(_ size: Int, seed: UInt64) -> Data {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return Data((0..<size).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
    }

    static func kiosk(_ central: RunningCentral, _ id: String, via url: String? = nil) async throws -> PlatformClient {
        var enrolment = try await central.enrol(id)
        if let url { enrolment = Enrolment(central: url, kioskID: enrolment.kioskID, secret: enrolment.secret) }
        let home = Scratch.folder("pages-\(id)")
        return PlatformClient(outbox: try Outbox(home: home, kioskID: id), enrolment: enrolment, home: home, logger: DashboardTests.logger)
    }

    @Test(arguments: StorageKind.allCases)
    func pagesFollowTheirApplicationWholeAndTheReviewerSeesThem(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let client = try await Self.kiosk(central, "kiosk-a")
        let first = Self.page(100_000, seed: 1), second = Self.page(900, seed: 2)
        let accepted = try client.outbox.submit(Sample.payload(1, outcome: "manual_review"), pages: [
            OutboxPage(material: "residence-registration", number: 1, data: first),
            OutboxPage(material: "residence-registration", number: 2, data: second),
        ])
        // Sealed at rest on the kiosk: neither page's bytes are in the database or its WAL.
        for file in [client.outbox.databasePath, client.outbox.databasePath + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: first.prefix(64)) == nil && bytes.range(of: second.prefix(64)) == nil, "\(file) holds a page in the clear")
        }
        #expect(try client.outbox.pageCounts().holdingBytes == 2)
        #expect(try client.outbox.depth().pagesPending == 2)

        let report = try await client.drain()
        #expect(report.delivered == 1 && report.pagesDelivered == 2 && report.pagesRefused == 0, "\(report)")
        // Deleted from the kiosk once the platform holds them.
        #expect(try client.outbox.pageCounts() == (["confirmed": 2], 0))
        #expect(try client.outbox.depth().pagesPending == 0)
        let number = accepted.acceptanceNumber
        #expect(try await central.store.casePage(acceptanceNumber: number, material: "residence-registration", number: 1) == first)
        #expect(try await central.store.casePage(acceptanceNumber: number, material: "residence-registration", number: 2) == second)
        #expect(try await central.store.casePages(acceptanceNumber: number).map(\.complete) == [true, true])

        // The reviewer sees them on the case's page; each look is audited; the help desk may not look.
        let reviewer = try await StaffFixtures.signedIn(central, "wang.fang", [.reviewer])
        let casePage = try await reviewer.get("/dashboard/cases/\(number)")
        #expect(casePage.body.contains("已收到 2 / 2 页") && casePage.body.contains("class=\"scanned-page\""), "\(casePage.body)")
        let image = try await reviewer.get("/dashboard/cases/\(number)/pages/residence-registration/1")
        #expect(image.status == 200 && image.header("Content-Type") == "image/webp" && Data(image.bytes) == first)
        #expect(try await reviewer.get("/dashboard/cases/\(number)/pages/residence-registration/3").status == 404)
        let helpdesk = try await StaffFixtures.signedIn(central, "zhao.lei", [.helpdesk])
        #expect(try await helpdesk.get("/dashboard/cases/\(number)/pages/residence-registration/1").status == 403)
        let looks = try await central.store.auditTrail(AuditFilter(action: "case.page.view"))
        #expect(looks.count == 1 && looks.first?.actor == "wang.fang" && looks.first?.detail == "residence-registration 1")

        // The payload lists the pages; the platform's second decision counts those materials as handed in.
        let payload = try #require(try await central.store.casePayload(acceptanceNumber: number))
        let claim = try #require(ApplicationClaim(conforming: JSONValue.parse(Data(payload.utf8))))
        #expect(claim.scanned == ["residence-registration": 2])
    }

    @Test(arguments: StorageKind.allCases)
    func aLinkCutMidPageResumesWhereThePlatformSaysAndAChunkSentTwiceChangesNothing(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        // The link goes down part-way into the second chunk of the page.
        let proxy = try CuttingProxy(upstreamPort: central.port, cutInside: 2, marker: "PUT /v1/pages/")
        defer { proxy.stop() }
        let client = try await Self.kiosk(central, "kiosk-a", via: "http://127.0.0.1:\(proxy.port)")
        let data = Self.page(3 * PageRules.chunkBytes + 500, seed: 3)
        let accepted = try client.outbox.submit(Sample.payload(2), pages: [OutboxPage(material: "photo-copy", number: 1, data: data)])

        let cut = try await client.drain()
        #expect(cut.delivered == 1 && cut.pagesDelivered == 0 && cut.stoppedBecause?.contains("page upload paused") == true, "\(cut)")
        // Both ends agree on where the page stands: the first chunk is there, nothing after it.
        let pending = try #require(try client.outbox.pagesToUpload().first)
        #expect(pending.sent == PageRules.chunkBytes)
        #expect(try await central.store.casePages(acceptanceNumber: accepted.acceptanceNumber).first?.received == PageRules.chunkBytes)
        #expect(try client.outbox.pageCounts().holdingBytes == 1)

        proxy.heal()
        let resumed = try await client.drain()
        #expect(resumed.pagesDelivered == 1 && resumed.stoppedBecause == nil, "\(resumed)")
        #expect(proxy.markersSeen == 5, "chunks sent: the one cut, then the three left after the first (\(proxy.markersSeen) requests)")
        #expect(try await central.store.casePage(acceptanceNumber: accepted.acceptanceNumber, material: "photo-copy", number: 1) == data)
        #expect(try client.outbox.pageCounts().holdingBytes == 0)

        // The first chunk again (a kiosk that lost its record of the answer): the page is whole, nothing changes.
        let secret = try #require(client.enrolment.key)
        let again = PendingPage(id: pending.id, acceptanceNumber: accepted.acceptanceNumber, material: "photo-copy", number: 1, data: data,
                                sha256: data.sha256Hex, sent: 0)
        guard case .delivered = await client.upload(again, secret: secret) else {
            Issue.record("a repeated chunk of a whole page was not answered as whole")
            return
        }
        #expect(try await central.store.casePage(acceptanceNumber: accepted.acceptanceNumber, material: "photo-copy", number: 1) == data)
    }

    @Test(arguments: StorageKind.allCases)
    func anotherKiosksCaseAChangedPageAndNonsenseAreRefused(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let owner = try await Self.kiosk(central, "kiosk-a"), stranger = try await Self.kiosk(central, "kiosk-b")
        let data = Self.page(40_000, seed: 4)
        let accepted = try owner.outbox.submit(Sample.payload(3), pages: [OutboxPage(material: "photo-copy", number: 1, data: data)])
        #expect(try await owner.drain().pagesDelivered == 1)
        let number = accepted.acceptanceNumber
        let secret = try #require(stranger.enrolment.key)

        // A stolen kiosk's secret adds nothing to another kiosk's case.
        let planted = PendingPage(id: 0, acceptanceNumber: number, material: "photo-copy", number: 2, data: Self.page(500, seed: 5),
                                  sha256: Self.page(500, seed: 5).sha256Hex, sent: 0)
        guard case .refused(let why) = await stranger.upload(planted, secret: secret) else {
            Issue.record("another kiosk's page was taken")
            return
        }
        #expect(why.hasPrefix("403"), "\(why)")
        // The owner cannot swap a page for another once announced: a conflict.
        let ownerSecret = try #require(owner.enrolment.key)
        let swapped = Self.page(40_000, seed: 6)
        guard case .refused(let conflict) = await owner.upload(PendingPage(id: 0, acceptanceNumber: number, material: "photo-copy", number: 1,
                                                                           data: swapped, sha256: swapped.sha256Hex, sent: 0),
                                                               secret: ownerSecret) else {
            Issue.record("a changed page was taken")
            return
        }
        #expect(conflict.hasPrefix("409"), "\(conflict)")
        // A page whose bytes do not match the hash it announced: refused when whole, and it starts again.
        let lying = PendingPage(id: 0, acceptanceNumber: number, material: "photo-copy", number: 3, data: Self.page(700, seed: 7),
                                sha256: Self.page(700, seed: 8).sha256Hex, sent: 0)
        guard case .refused(let corrupt) = await owner.upload(lying, secret: ownerSecret) else {
            Issue.record("a page that does not match its hash was taken")
            return
        }
        #expect(corrupt.hasPrefix("422"), "\(corrupt)")
        #expect(try await central.store.casePages(acceptanceNumber: number).first { $0.number == 3 }?.received == 0)
        // A material id no catalogue uses, a case nobody submitted: refused, nothing stored.
        let path = PendingPage(id: 0, acceptanceNumber: number, material: "photo.copy", number: 1, data: data, sha256: data.sha256Hex, sent: 0)
        guard case .refused(let bad) = await owner.upload(path, secret: ownerSecret) else {
            Issue.record("a material id that is a path was taken")
            return
        }
        #expect(bad.hasPrefix("400"), "\(bad)")
        let unknown = PendingPage(id: 0, acceptanceNumber: "ZZ20260101-0000-0000-0000", material: "photo-copy", number: 1, data: data,
                                  sha256: data.sha256Hex, sent: 0)
        guard case .paused = await owner.upload(unknown, secret: ownerSecret) else {
            Issue.record("a page for a case the platform does not know was not kept for later")
            return
        }
        // The original is untouched.
        #expect(try await central.store.casePage(acceptanceNumber: number, material: "photo-copy", number: 1) == data)
        #expect(try await central.store.casePages(acceptanceNumber: number).filter(\.complete).count == 1)
    }
}

/// A loopback proxy that cuts the link for good part-way into the `cutInside`-th request
/// that starts with `marker` (some bytes of it reach the server, the rest never do), and
/// refuses every connection after that until `heal()`. Plain sockets and threads.
final class CuttingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let marker: [UInt8]
    private let cutInside: Int
    private let lock = NSLock()
    private var seen = 0
    private var down = false

    init(upstreamPort: Int, cutInside: Int, marker: String) throws {
        self.upstreamPort = upstreamPort
        self.cutInside = cutInside
        self.marker = Array(marker.utf8)
        (listener, port) = try Loopback.listener()
        Thread { [self] in acceptLoop() }.start()
    }

    var markersSeen: Int { lock.withLock { seen } }
    func heal() { lock.withLock { down = false } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            if lock.withLock({ down }) {
                close(client)
                continue
            }
            Thread { [self] in relay(client) }.start()
        }
    }

    private func relay(_ client: Int32) {
        guard let upstream = Loopback.connect(port: upstreamPort) else {
            close(client)
            return
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        loop: while true {
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 30_000) > 0 else { break }
            if fds[0].revents != 0 {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                var forward = n
                var cutting = false
                lock.withLock {
                    var index = 0
                    while index + marker.count <= n {
                        if Array(buffer[index..<(index + marker.count)]) == marker {
                            seen += 1
                            if seen == cutInside && !down {
                                // A little of this request goes through, then the link is gone.
                                forward = min(n, index + 600)
                                down = true
                                cutting = true
                            }
                        }
                        index += 1
                    }
                }
                if write(upstream, buffer, forward) != forward { break }
                // Cut: whatever this request still had to send never arrives.
                if cutting { break loop }
            }
            if fds[1].revents != 0 {
                let n = read(upstream, &buffer, buffer.count)
                if n <= 0 { break }
                if write(client, buffer, n) != n { break }
            }
        }
        close(upstream)
        close(client)
    }
}
