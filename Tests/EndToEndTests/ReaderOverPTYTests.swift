// SPDX-License-Identifier: Apache-2.0
import Foundation
import IDCardReader
import Logging
import Testing
import ZizhuCore
import ZizhuKiosk
import ZizhuProcess

/// The kiosk's serial transport and reader session against the real `zizhu reader sim`
/// process, through a real pseudo-terminal. Faults are scripted over the control FIFO.
@Suite("ID card reader over a real pseudo-terminal", .serialized)
struct ReaderOverPTYTests {
    /// The demo citizens, without the demo's automatic card placing.
    static func cardsFile(in folder: URL) throws -> URL {
        let demo = try String(contentsOf: Built.repository.appendingPathComponent("Devices/simulator/demo-cards.yaml"), encoding: .utf8)
        let manual = demo.replacingOccurrences(of: "auto:\n  place_after_polls: 3\n  remove_after_polls: 2\n", with: "")
        let url = folder.appendingPathComponent("cards.yaml")
        try manual.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A running simulator and a session connected to it.
    final class Rig {
        let folder: URL
        let simulator: pid_t
        let link: String
        let control: String
        let session: ReaderSession
        let events: EventRecorder

        init() throws {
            folder = Built.temporaryDirectory("reader-pty")
            link = folder.appendingPathComponent("reader").path
            control = folder.appendingPathComponent("control").path
            let cards = try ReaderOverPTYTests.cardsFile(in: folder)
            simulator = try ChildProcess.spawn(
                [Built.zizhu, "reader", "sim", "--cards", cards.path, "--link", link, "--control", control],
                environment: ["PATH": "/usr/bin:/bin"],
                stdio: .files(stdout: folder.appendingPathComponent("sim.out").path, stderr: folder.appendingPathComponent("sim.err").path))
            let deadline = ContinuousClock.now + .seconds(10)
            while !FileManager.default.fileExists(atPath: control) && ContinuousClock.now < deadline { usleep(5000) }
            let profile = ReaderProfile(name: "serial", link: .serial(baud: 115_200))
            session = ReaderSession(describe: "pty", pollInterval: 0.05, reconnectInterval: 0.1,
                                    logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }, connector: profile.connector(port: link))
            events = EventRecorder(session)
        }

        /// Sends a control line to the simulator and waits until it has answered it (one
        /// line on its standard output per control line).
        func say(_ line: String) throws {
            let output = folder.appendingPathComponent("sim.out").path
            func answered() -> Int { FileManager.default.contents(atPath: output)?.filter { $0 == 0x0A }.count ?? 0 }
            let before = answered()
            let handle = try #require(FileHandle(forWritingAtPath: control))
            handle.write(Data((line + "\n").utf8))
            try handle.close()
            let deadline = ContinuousClock.now + .seconds(10)
            while answered() <= before && ContinuousClock.now < deadline { usleep(2_000) }
            #expect(answered() > before, "the simulator did not answer '\(line)'")
        }

        func stop() async {
            await session.shutdown()
            ChildProcess.stop(simulator)
        }
    }

    @Test func everyCardKindIsReadThroughThePTY() async throws {
        let rig = try Rig()
        await rig.session.start()
        #expect(await rig.events.next { if case .connected(let info) = $0 { return info.samID } else { return nil } } == "05.01-20200101-0000000001-0000000002")
        await rig.session.startReading()
        let expected: [(CardKind, String, String)] = [
            (.resident, "测试样本", "1101**********002X"), (.resident, "演示用户", "4401**********0019"),
            (.hkMacauTaiwanResidence, "测试港人", "8100**********1230"), (.foreignPermanentResident, "测试", "ZZZ1*******0100"),
            (.foreignPermanentResident2023, "测试外", "9112**********0024"),
        ]
        for (index, (kind, name, masked)) in expected.enumerated() {
            try rig.say("place \(index + 1)")
            let card = await rig.events.next { if case .cardRead(let card) = $0 { return card } else { return nil } }
            #expect(card?.kind == kind && card?.name == name && card?.idNumber.masked == masked, "card \(index + 1): \(String(describing: card))")
            if index == 1 { #expect(card?.address == "广东省广州市天河区样本街8号") }   // appended address (30 03)
            try rig.say("remove")
            #expect(await rig.events.next { $0 == .cardRemoved ? true : nil } == true)
        }
        await rig.stop()
    }

    @Test func faultsAreReportedAndRetriesRecover() async throws {
        let rig = try Rig()
        await rig.session.start()
        _ = await rig.events.next { if case .connected = $0 { return true } else { return nil } }
        await rig.session.startReading()
        #expect(await rig.events.next { $0 == .waitingForCard ? true : nil } == true)   // no card yet
        // A select failure: "moved too soon"; the next poll reads the card.
        try rig.say("fault select-fail once")
        try rig.say("place 1")
        #expect(await rig.events.next { $0 == .readFailed(.cardMovedTooSoon) ? true : nil } == true)
        #expect(await rig.events.next { if case .cardRead = $0 { return true } else { return nil } } == true)
        try rig.say("remove")
        _ = await rig.events.next { $0 == .cardRemoved ? true : nil }
        // A read failure, then an unreadable card type.
        try rig.say("fault read-fail once")
        try rig.say("place 2")
        #expect(await rig.events.next { $0 == .readFailed(.cardMovedTooSoon) ? true : nil } == true)
        _ = await rig.events.next { if case .cardRead = $0 { return true } else { return nil } }
        try rig.say("remove")
        _ = await rig.events.next { $0 == .cardRemoved ? true : nil }
        try rig.say("fault unknown-card once")
        try rig.say("place 3")
        #expect(await rig.events.next { if case .readFailed(.unreadableCard) = $0 { return true } else { return nil } } == true)
        // The card is still there: the next poll reads it.
        #expect(await rig.events.next { if case .cardRead(let c) = $0 { return c.kind } else { return nil } } == CardKind.hkMacauTaiwanResidence)
        try rig.say("remove")
        _ = await rig.events.next { $0 == .cardRemoved ? true : nil }
        // A corrupted checksum is retried once; a slow reader is waited for.
        rig.events.clear()
        try rig.say("fault bad-checksum once")
        try rig.say("slow 400")
        try rig.say("place 4")
        #expect(await rig.events.next(timeout: 20) { if case .cardRead(let c) = $0 { return c.kind } else { return nil } } == CardKind.foreignPermanentResident)
        #expect(!rig.events.recent.contains { if case .readFailed = $0 { return true } else { return false } }, "\(rig.events.recent)")
        try rig.say("slow 0")
        await rig.stop()
    }

    @Test func unplugAndReplugAreNoticed() async throws {
        let rig = try Rig()
        await rig.session.start()
        _ = await rig.events.next { if case .connected = $0 { return true } else { return nil } }
        await rig.session.startReading()
        _ = await rig.events.next { $0 == .waitingForCard ? true : nil }
        try rig.say("unplug")
        #expect(await rig.events.next { if case .disconnected(let reason) = $0 { return reason } else { return nil } } != nil)
        #expect(await rig.events.next { $0 == .readFailed(.readerNotConnected) ? true : nil } == true)
        #expect(await rig.session.currentInfo.connected == false)
        rig.events.clear()
        try rig.say("replug")
        #expect(await rig.events.next { if case .connected = $0 { return true } else { return nil } } == true)
        try rig.say("place 1")
        #expect(await rig.events.next { if case .cardRead = $0 { return true } else { return nil } } == true)
        await rig.stop()
    }
}

/// Records a session's events for a test.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ReaderEvent] = []
    private var consumed = 0

    init(_ session: ReaderSession) {
        Task { [weak self] in
            for await event in session.events { self?.lock.withLock { self?.events.append(event) } }
        }
    }

    private var clearedAt = 0

    var all: [ReaderEvent] { lock.withLock { events } }

    /// Events since the last `clear()`.
    var recent: [ReaderEvent] { lock.withLock { Array(events[clearedAt...]) } }

    func clear() { lock.withLock { consumed = events.count; clearedAt = events.count } }

    /// The first event after the last one consumed that the closure maps to a value.
    func next<T>(timeout: Double = 30, _ match: (ReaderEvent) -> T?) async -> T? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var last = false
        while !last {
            last = ContinuousClock.now >= deadline
            let found: (Int, T)? = lock.withLock {
                for index in consumed..<events.count { if let value = match(events[index]) { return (index, value) } }
                return nil
            }
            if let (index, value) = found {
                lock.withLock { consumed = index + 1 }
                return value
            }
            if !last { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return nil
    }
}
