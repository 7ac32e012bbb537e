// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Testing
@testable import IDCardReader
import ZizhuCore

/// Collects a session's events and waits for the ones a test expects.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ReaderEvent] = []
    private var task: Task<Void, Never>?

    init(_ session: ReaderSession) {
        task = Task { [weak self] in
            for await event in session.events { self?.append(event) }
        }
    }

    private func append(_ event: ReaderEvent) { lock.withLock { events.append(event) } }

    var all: [ReaderEvent] { lock.withLock { events } }

    /// Waits (up to `seconds`) until an event matches.
    /// Returns as soon as the event is there; the long bound is for a full run's first
    /// minutes, when every suite starts at once on two cores (30 s was not always enough).
    func wait(_ seconds: Double = 120, for predicate: (ReaderEvent) -> Bool) async -> ReaderEvent? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            if let match = all.first(where: predicate) { return match }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    func count(where predicate: (ReaderEvent) -> Bool) -> Int { all.filter(predicate).count }
}

func isConnected(_ e: ReaderEvent) -> Bool { if case .connected = e { return true }; return false }
func isDisconnected(_ e: ReaderEvent) -> Bool { if case .disconnected = e { return true }; return false }
func cardRead(_ e: ReaderEvent) -> IdentityCard? { if case .cardRead(let card) = e { return card }; return nil }
func failure(_ e: ReaderEvent) -> CardReadFailure? { if case .readFailed(let f) = e { return f }; return nil }

/// After the script, polling goes on (find only) until the screen stops it: nothing else
/// may have been sent that the script did not expect.
func onlyExtraFinds(_ transport: ScriptedTransport) -> Bool {
    transport.unexpected.allSatisfy { $0 == "unscripted write \(hexString(Vectors.findRequest))" }
}

let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// The replies a healthy reader gives to the start-up health check.
let healthCheck: [ScriptedTransport.Step] = [
    .reply(expecting: Vectors.samStatusRequest, chunks: [Vectors.samStatusOK]),
    .reply(expecting: Vectors.samIDRequest, chunks: [Vectors.samIDReply]),
]

/// find (card) → select → read in 64-byte chunks → appended address (none).
let oneCard: [ScriptedTransport.Step] = [
    .reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
    .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectOK]),
    .reply(expecting: Vectors.readBaseRequest, chunks: stride(from: 0, to: Vectors.readBaseReply.count, by: 64).map {
        Array(Vectors.readBaseReply[$0..<min($0 + 64, Vectors.readBaseReply.count)])
    }),
    .reply(expecting: Vectors.addressRequest, chunks: [Vectors.addressNone]),
]

@Suite("Reader session over a scripted transport")
struct ReaderSessionTests {
    static func session(_ transport: ScriptedTransport) -> ReaderSession {
        ReaderSession(describe: "scripted", pollInterval: 0.02, reconnectInterval: 0.05, logger: quiet) { transport }
    }

    @Test func theHealthCheckReadsTheSAMIDAndNothingPollsUntilAScreenAsks() async throws {
        let transport = ScriptedTransport(healthCheck)
        let session = Self.session(transport)
        let log = EventLog(session)
        await session.start()
        let connected = await log.wait { isConnected($0) }
        guard case .connected(let info) = connected else { Issue.record("not connected"); return }
        #expect(info.samID == "05.01-20200101-0000000001-0000000002")
        #expect(info.transport == "scripted")
        // No poll runs: nothing will write until a screen asks (checked, not waited for).
        #expect(await session.isReading == false)
        #expect(transport.written.count == 2, "something polled without a screen asking: \(transport.written.count) writes")
        await session.startReading()
        #expect(await session.isReading)
        await session.stopReading()
        #expect(await session.isReading == false)
        await session.shutdown()
    }

    @Test func findSelectReadYieldsTheCardAndTheAddressOnTheCard() async throws {
        let transport = ScriptedTransport(healthCheck + oneCard + [
            .reply(expecting: Vectors.findRequest, chunks: [Vectors.findNoCard]),
            .reply(expecting: Vectors.findRequest, chunks: [Vectors.findNoCard]),
        ])
        let session = Self.session(transport)
        let log = EventLog(session)
        await session.start()
        await session.startReading()
        let card = await log.wait { cardRead($0) != nil }.flatMap(cardRead)
        #expect(card?.name == "测试样本")
        #expect(card?.idNumber.masked == "1101**********002X")
        #expect(await log.wait { $0 == ReaderEvent.cardRemoved } != nil)
        #expect(log.all.contains(ReaderEvent.reading))
        #expect(onlyExtraFinds(transport), "\(transport.unexpected)")
        await session.stopReading()
        await session.shutdown()
    }

    @Test func aGarbledReplyIsRetriedOnce() async throws {
        var corrupted = Vectors.readBaseReply
        corrupted[300] ^= 0x40
        let transport = ScriptedTransport(healthCheck + [
            .reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
            .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectOK]),
            .reply(expecting: Vectors.readBaseRequest, chunks: [corrupted]),
            .reply(expecting: Vectors.readBaseRequest, chunks: [Vectors.readBaseReply]),
            .reply(expecting: Vectors.addressRequest, chunks: [Vectors.addressReply]),
        ])
        let session = Self.session(transport)
        let log = EventLog(session)
        await session.start()
        await session.startReading()
        let card = await log.wait { cardRead($0) != nil }.flatMap(cardRead)
        #expect(card?.address == "北京市海淀区样本街2号")   // the appended address replaces the printed one
        #expect(onlyExtraFinds(transport), "\(transport.unexpected)")
        await session.shutdown()
    }

    @Test func theReaderComplainingAboutOurChecksumIsRetriedOnce() async throws {
        let transport = ScriptedTransport(healthCheck + [
            .reply(expecting: Vectors.findRequest, chunks: [Vectors.badChecksumReply]),
            .reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
        ] + Array(oneCard.dropFirst()))
        let session = Self.session(transport)
        let log = EventLog(session)
        await session.start()
        await session.startReading()
        #expect(await log.wait { cardRead($0) != nil } != nil)
        await session.shutdown()
    }

    @Test(arguments: [
        ("select fails", [ScriptedTransport.Step.reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
                          .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectFailed])], CardReadFailure.cardMovedTooSoon),
        ("read fails", [.reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
                        .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectOK]),
                        .reply(expecting: Vectors.readBaseRequest, chunks: [Vectors.readFailed])], .cardMovedTooSoon),
        ("read times out", [.reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
                            .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectOK]),
                            .silence(expecting: Vectors.readBaseRequest), .silence(expecting: nil)], .cardMovedTooSoon),
        ("unknown card type", [.reply(expecting: Vectors.findRequest, chunks: [Vectors.findCardPresent]),
                               .reply(expecting: Vectors.selectRequest, chunks: [Vectors.selectOK]),
                               .reply(expecting: Vectors.readBaseRequest, chunks: [SAMResponse(status: .unknownCardType).frame.bytes])],
         .unreadableCard(detail: SAMStatus.unknownCardType.description)),
    ] as [(String, [ScriptedTransport.Step], CardReadFailure)])
    func failuresBecomeWordsACitizenCanActOn(_ name: String, _ steps: [ScriptedTransport.Step], _ expected: CardReadFailure) async {
        let transport = ScriptedTransport(healthCheck + steps)
        let session = Self.session(transport)
        let log = EventLog(session)
        await session.start()
        await session.startReading()
        let got = await log.wait { failure($0) != nil }.flatMap(failure)
        #expect(got == expected, "\(name)")
        await session.shutdown()
    }

    @Test func anUnpluggedReaderIsReportedAndReconnected() async throws {
        let first = ScriptedTransport(healthCheck + [.unplug])
        let second = ScriptedTransport(healthCheck + oneCard)
        let connects = Counter()
        let session = ReaderSession(describe: "scripted", pollInterval: 0.02, reconnectInterval: 0.05, logger: quiet) {
            connects.next() == 1 ? first : second
        }
        let log = EventLog(session)
        await session.start()
        await session.startReading()
        #expect(await log.wait { isDisconnected($0) } != nil)
        #expect(await log.wait { $0 == ReaderEvent.readFailed(.readerNotConnected) } != nil)
        #expect(await log.wait { cardRead($0) != nil } != nil, "no card after reconnecting: \(log.all)")
        #expect(log.count(where: isConnected) == 2)
        await session.shutdown()
    }

    @Test func aReaderThatIsNotThereIsReportedAndRetried() async throws {
        let attempts = Counter()
        let session = ReaderSession(describe: "none", pollInterval: 0.02, reconnectInterval: 0.05, logger: quiet) {
            () throws(TransportError) -> any ReaderTransport in
            _ = attempts.next()
            throw .notConnected("no USB reader with ID 0400:C35A")
        }
        let log = EventLog(session)
        await session.start()
        let event = await log.wait { isDisconnected($0) }
        #expect(event == .disconnected(reason: "not connected: no USB reader with ID 0400:C35A"))
        // It keeps trying in the background (wait for it, with a generous deadline).
        let deadline = ContinuousClock.now + .seconds(10)
        while attempts.value < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(attempts.value >= 3)
        #expect(await session.currentInfo.lastError?.contains("0400:C35A") == true)
        await session.shutdown()
    }
}

/// A thread-safe counter for connector closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
