import Foundation
import Testing
@testable import ReceiptPrinter
import ZizhuCore
import ZizhuKiosk

/// A private cupsd (own ServerRoot, Unix socket only) with a queue through the escposnet
/// backend to an emulated ESC/POS printer on loopback, per test.
final class PrintRig {
    let printer: PrinterSimulator
    let cups: PrivateCUPS
    let client: CUPSClient
    let jobs: URL

    init(state: PrinterSimulator.State = .ok) async throws {
        jobs = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("zizhu-printer-\(UUID().uuidString)")
        printer = PrinterSimulator(outputFolder: jobs, state: state)
        let port = try printer.start()
        cups = try PrivateCUPS(backends: ["escposnet": Repo.root.appendingPathComponent("Devices/cups/escposnet").path])
        try await cups.start()
        try await cups.addQueue("receipt", uri: "escposnet://127.0.0.1:\(port)/")
        client = CUPSClient(server: cups.socketPath, queue: "receipt")
    }

    /// The bytes of the n-th job the printer received (waits briefly for the file).
    func job(_ n: Int) async -> [UInt8]? {
        let url = jobs.appendingPathComponent(String(format: "job-%04d.bin", n))
        for _ in 0..<300 {
            if let data = FileManager.default.contents(atPath: url.path) { return [UInt8](data) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func stop() {
        printer.stop()
        cups.stop()
        try? FileManager.default.removeItem(at: jobs)
    }
}

func acceptanceBytes(_ profile: PrinterProfile = .eighty) throws -> [UInt8] {
    let template = try #require(Repo.templates["acceptance"])
    return ReceiptRenderer(profile: profile).render(template.fill(ReceiptResources.Samples.acceptance.values(.zhHans), language: .zhHans)).bytes
}

@Suite("Printing through a real cupsd to an emulated printer", .serialized)
struct CUPSPrintingTests {
    @Test func aReceiptArrivesByteExact() async throws {
        let rig = try await PrintRig()
        defer { rig.stop() }
        #expect(await rig.client.health() == .ready)
        let bytes = try acceptanceBytes()
        let outcome = await rig.client.print(bytes, title: "acceptance ZZ20261122-0193-4F2A")
        guard case .printed = outcome else { Issue.record("not printed: \(outcome)\n\(rig.cups.log().suffix(2000))"); return }
        #expect(await rig.job(1) == bytes)
        // A second document, on the same connection.
        let ticket = ReceiptRenderer(profile: .eighty).render(try #require(Repo.templates["queue-ticket"])
            .fill(ReceiptResources.Samples.queueTicket.values(.zhHans), language: .zhHans)).bytes
        #expect(await rig.client.print(ticket, title: "ticket A023").printed)
        #expect(await rig.job(2) == ticket)
        #expect(rig.printer.jobsReceived == 2)
    }

    @Test func paperOutBeforeTheJobIsKnownBeforeTheCitizenStarts() async throws {
        let rig = try await PrintRig(state: .paperOut)
        defer { rig.stop() }
        // CUPS learns about paper when its backend runs: the probe (an empty job) asks.
        let probed107 = await rig.client.probe()
        #expect(probed107 == .paperOut, "\(probed107)")
        #expect(rig.printer.jobsReceived == 0)
        try rig.cups.tool(["/usr/sbin/cupsenable", "receipt"])
        let outcome = await rig.client.print(try acceptanceBytes(), title: "acceptance")
        guard case .failed(_, let health, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(health == .paperOut)
        #expect(rig.printer.jobsReceived == 0)
        // Now the check before the next transaction says so, with words for the citizen.
        let before = await rig.client.health()
        #expect(before == .paperOut && !before.canPrint)
        #expect(before.zh.contains("打印机缺纸，暂不能打印回执"))
        // Still out of paper: the probe says so again and prints nothing.
        let probed866 = await rig.client.probe()
        #expect(probed866 == .paperOut, "\(probed866)")
        // Refilled: the probe notices without a technician, and the cancelled receipt never
        // comes out later for someone else.
        rig.printer.set(.ok)
        let probed88 = await rig.client.probe()
        #expect(probed88 == .ready, "\(probed88)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(rig.printer.jobsReceived == 0)
    }

    @Test func paperRunningOutDuringAJobIsReported() async throws {
        let rig = try await PrintRig(state: .runsOut)
        defer { rig.stop() }
        let outcome = await rig.client.print(try acceptanceBytes(), title: "acceptance")
        guard case .failed(_, let health, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(health == .paperOut)
        #expect(rig.printer.jobsReceived == 1)      // it started printing
        #expect(await rig.client.health() == .paperOut)
    }

    @Test func paperLowStillPrintsAndIsReported() async throws {
        let rig = try await PrintRig(state: .paperLow)
        defer { rig.stop() }
        #expect(await rig.client.print(try acceptanceBytes(), title: "acceptance").printed)
        let health = await rig.client.health()
        #expect(health == .paperLow && health.canPrint)
    }

    @Test(arguments: [(PrinterSimulator.State.jam, PrinterHealth.jammed), (.coverOpen, .coverOpen)])
    func faultsStopTheReceiptAndSayWhy(_ state: PrinterSimulator.State, _ expected: PrinterHealth) async throws {
        let rig = try await PrintRig(state: state)
        defer { rig.stop() }
        let outcome = await rig.client.print(try acceptanceBytes(), title: "acceptance")
        guard case .failed(let job, let health, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(health == expected)
        #expect(!health.zh.isEmpty && !health.en.isEmpty)
        // The job was cancelled, so it cannot print for the next citizen once fixed.
        if let job, case .success(let (jobState, _)) = await rig.client.jobState(job) { #expect(jobState == .canceled) }
        rig.printer.set(.ok)
        let probed932 = await rig.client.probe()
        #expect(probed932 == .ready, "\(probed932)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(rig.printer.jobsReceived == 0)
    }

    @Test func anOfflinePrinterIsReported() async throws {
        let rig = try await PrintRig()
        defer { rig.stop() }
        rig.printer.stop()   // switched off: connections refused
        let outcome = await rig.client.print(try acceptanceBytes(), title: "acceptance", timeout: 20)
        guard case .failed(_, let health, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(health == .offline || { if case .stopped = health { return true } else { return false } }(), "\(health)")
        #expect(!(await rig.client.health()).canPrint)
    }

    @Test func cupsNotRunningIsAClearStateNotACrash() async throws {
        let rig = try await PrintRig()
        rig.cups.stop(remove: false)
        defer { rig.stop() }
        let health = await rig.client.health()
        guard case .serviceDown = health else { Issue.record("\(health)"); return }
        #expect(!health.canPrint && health.zh.contains("打印机暂不可用"))
        guard case .failed(nil, .serviceDown, _) = await rig.client.print([0x1B, 0x40], title: "x") else { Issue.record("printed?"); return }
    }

    @Test func aMissingQueueIsNamed() async throws {
        let rig = try await PrintRig()
        defer { rig.stop() }
        let other = CUPSClient(server: rig.cups.socketPath, queue: "nosuchqueue")
        #expect(await other.health() == .queueMissing("nosuchqueue"))
    }
}
