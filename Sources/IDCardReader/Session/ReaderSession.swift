// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
import Logging
import ZizhuCore

/// Talks to one ID card reader: start-up health check, polling for a card only while a
/// screen asks for one, find → select → read with per-command timeouts and one retry on
/// a checksum or length error, card-removed detection, reconnection after an unplug.
/// Everything it learns reaches the screens as `ReaderEvent`s.
///
/// Blocking transport calls run on a private dispatch queue, never on the cooperative
/// thread pool (a 3-second read would otherwise stall half of a 2-core kiosk).
public actor ReaderSession {
    /// Opens a transport (called again after every disconnection).
    public typealias Connector = @Sendable () throws(TransportError) -> any ReaderTransport

    public nonisolated let events: AsyncStream<ReaderEvent>
    private let continuation: AsyncStream<ReaderEvent>.Continuation
    private let connector: Connector
    private let logger: Logger
    private let ioQueue = DispatchQueue(label: "zizhu.reader.io")
    private var transport: (any ReaderTransport)?
    private var decoder = FrameDecoder()
    private var info: ReaderInfo
    private var wantsCard = false
    private var pollTask: Task<Void, Never>?
    private var reconnectTask: Task<Void, Never>?
    private var reportedWaiting = false
    /// Seconds between find-card polls, and between reconnection attempts.
    private let pollInterval: Double
    private let reconnectInterval: Double

    public init(describe: String, pollInterval: Double = 0.5, reconnectInterval: Double = 2,
                logger: Logger = Logger(label: "zizhu.reader"), connector: @escaping Connector) {
        (events, continuation) = AsyncStream.makeStream(of: ReaderEvent.self, bufferingPolicy: .bufferingNewest(64))
        self.connector = connector
        self.logger = logger
        self.pollInterval = pollInterval
        self.reconnectInterval = reconnectInterval
        info = ReaderInfo(transport: describe, connected: false)
    }

    /// What a technician sees.
    public var currentInfo: ReaderInfo { info }

    /// Whether the session polls for cards (only while a screen wants one).
    public var isReading: Bool { pollTask != nil }

    /// Connects and runs the health check; keeps trying in the background if the reader
    /// is not there. Does not poll for cards.
    public func start() async {
        if await connect() { return }
        scheduleReconnect()
    }

    /// A screen wants a card: poll until `stopReading`.
    public func startReading() {
        wantsCard = true
        reportedWaiting = false
        guard pollTask == nil else { return }
        pollTask = Task { await self.pollLoop() }
    }

    /// No screen wants a card any more: stop polling (the attract screen polls nothing).
    public func stopReading() {
        wantsCard = false
        pollTask?.cancel()
        pollTask = nil
    }

    public func shutdown() async {
        stopReading()
        reconnectTask?.cancel()
        reconnectTask = nil
        if let transport { await io { transport.close() } }
        transport = nil
        continuation.finish()
    }

    // MARK: - Connection

    @discardableResult
    private func connect() async -> Bool {
        let connector = self.connector
        let opened: Result<any ReaderTransport, TransportError> = await io {
            do throws(TransportError) { return .success(try connector()) } catch { return .failure(error) }
        }
        switch opened {
        case .failure(let error):
            fail(connection: error.description)
            return false
        case .success(let transport):
            // The health check runs on the new link before anyone else may use it: the
            // polling loop must never interleave its requests with these.
            decoder.reset()
            do {
                let status = try await exchange(.samStatus, on: transport)
                guard status.status == .success else {
                    throw ExchangeError.status(status.status)
                }
                let id = try await exchange(.samID, on: transport)
                if id.status == .success, let sam = try? SAMIdentifier(payload: id.data) {
                    info.samID = sam.description
                }
                self.transport = transport
                info.transport = transport.description
                info.connected = true
                info.lastError = nil
                logger.info("reader connected", metadata: ["transport": "\(info.transport)", "sam": "\(info.samID ?? "?")"])
                continuation.yield(.connected(info))
                return true
            } catch {
                await io { transport.close() }
                fail(connection: "health check failed: \(error)")
                return false
            }
        }
    }

    private func fail(connection reason: String) {
        let wasConnected = info.connected
        info.connected = false
        info.lastError = reason
        if wasConnected || reconnectTask == nil {
            logger.warning("reader not available", metadata: ["reason": "\(reason)"])
            continuation.yield(.disconnected(reason: reason))
        }
    }

    private func dropTransport() async {
        if let transport { await io { transport.close() } }
        transport = nil
    }

    private func scheduleReconnect() {
        guard reconnectTask == nil else { return }
        reconnectTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(self.reconnectInterval))
                if Task.isCancelled { break }
                if await self.connect() { break }
            }
            self.reconnectFinished()
        }
    }

    private func reconnectFinished() { reconnectTask = nil }

    private func disconnected(_ error: Error) async {
        await dropTransport()
        fail(connection: "\(error)")
        if wantsCard { continuation.yield(.readFailed(.readerNotConnected)) }
        scheduleReconnect()
    }

    // MARK: - Polling

    private func pollLoop() async {
        while wantsCard && !Task.isCancelled {
            guard transport != nil else {
                if !reportedWaiting { continuation.yield(.readFailed(.readerNotConnected)) }
                reportedWaiting = true
                try? await Task.sleep(for: .seconds(pollInterval * 2))
                continue
            }
            do {
                let found = try await exchange(.findCard)
                if found.status == .cardFound {
                    reportedWaiting = false
                    try await readCard()
                } else {
                    if !reportedWaiting { continuation.yield(.waitingForCard) }
                    reportedWaiting = true
                    try? await Task.sleep(for: .seconds(pollInterval))
                }
            } catch ExchangeError.transport(let error) {
                await disconnected(error)
            } catch {
                // A garbled or missing answer to find: try again at the next poll.
                logger.debug("find card: \(error)")
                try? await Task.sleep(for: .seconds(pollInterval))
            }
        }
    }

    /// select → read → appended address → decode; then wait until the card is taken away.
    private func readCard() async throws(ExchangeError) {
        continuation.yield(.reading)
        let select = try await exchange(.selectCard)
        guard select.status == .success else {
            report(select.status == .selectFailed ? .cardMovedTooSoon : .unreadableCard(detail: select.status.description), during: "select")
            return
        }
        let read: SAMResponse
        do {
            read = try await exchange(.readBase)
        } catch .timeout {
            report(.cardMovedTooSoon, during: "read (timeout)")
            return
        }
        guard read.status == .success else {
            report(read.status == .readFailed ? .cardMovedTooSoon : .unreadableCard(detail: read.status.description), during: "read")
            return
        }
        var card: IdentityCard
        do {
            card = try TextBlock.decode(try BaseMessage(payload: read.data, withFingerprint: false).text)
        } catch {
            report(.unreadableCard(detail: error.description), during: "decode")
            return
        }
        if let address = try? await exchange(.readAppendedAddress), address.status == .success,
           let appended = try? AppendedAddress.decode(payload: address.data), !appended.isEmpty {
            card.address = appended
        }
        for problem in card.consistencyProblems {
            logger.warning("card data inconsistent", metadata: ["id": "\(card.idNumber.masked)", "problem": "\(problem)"])
        }
        logger.info("card read", metadata: ["kind": "\(card.kind.rawValue)", "id": "\(card.idNumber.masked)"])
        continuation.yield(.cardRead(card))
        await waitForRemoval()
    }

    private func report(_ failure: CardReadFailure, during step: String) {
        logger.info("card not read", metadata: ["step": "\(step)", "failure": "\(failure)"])
        continuation.yield(.readFailed(failure))
    }

    /// Watches with find-card until the card is gone (two "no card" answers in a row).
    private func waitForRemoval() async {
        var absent = 0
        while wantsCard && !Task.isCancelled && absent < 2 {
            try? await Task.sleep(for: .seconds(pollInterval))
            guard let found = try? await exchange(.findCard) else { continue }
            absent = found.status == .noCard ? absent + 1 : 0
        }
        if absent >= 2 {
            continuation.yield(.cardRemoved)
            reportedWaiting = false
        }
    }

    // MARK: - One request, one reply

    enum ExchangeError: Error, CustomStringConvertible {
        case transport(TransportError)
        case timeout(SAMCommand)
        case garbled(String)
        case status(SAMStatus)

        var description: String {
            switch self {
            case .transport(let error): return error.description
            case .timeout(let command): return "no reply to \(command)"
            case .garbled(let text): return text
            case .status(let status): return "status \(status)"
            }
        }
    }

    /// Sends a command and waits for its reply, resending once if either side saw a
    /// checksum or length error.
    func exchange(_ command: SAMCommand, on link: (any ReaderTransport)? = nil) async throws(ExchangeError) -> SAMResponse {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await exchangeOnce(command, on: link)
                if (response.status == .badChecksumReceived || response.status == .badLengthReceived) && attempt == 1 {
                    logger.debug("reader saw a bad frame; resending", metadata: ["command": "\(command)"])
                    continue
                }
                return response
            } catch .garbled(let text) where attempt == 1 {
                logger.debug("garbled reply; resending", metadata: ["command": "\(command)", "problem": "\(text)"])
                continue
            }
        }
    }

    private func exchangeOnce(_ command: SAMCommand, on link: (any ReaderTransport)?) async throws(ExchangeError) -> SAMResponse {
        guard let transport = link ?? self.transport else { throw .transport(.notConnected("no reader")) }
        decoder.reset()
        let request = command.frame.bytes
        let timeout = command.timeoutSeconds
        let result: Result<[DecoderEvent], ExchangeError> = await io { [decoder] in
            var decoder = decoder
            transport.discardInput()
            do throws(TransportError) {
                try transport.write(request)
            } catch {
                return .failure(.transport(error))
            }
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
            var events: [DecoderEvent] = []
            while DispatchTime.now().uptimeNanoseconds < deadline {
                let left = Double(deadline - DispatchTime.now().uptimeNanoseconds) / 1e9
                do throws(TransportError) {
                    let bytes = try transport.read(timeout: min(left, 0.25))
                    events += decoder.feed(bytes)
                } catch {
                    return .failure(.transport(error))
                }
                if events.contains(where: Self.isConclusive) { break }
            }
            return .success(events)
        }
        let events: [DecoderEvent]
        switch result {
        case .success(let found): events = found
        case .failure(let error): throw error
        }
        for event in events {
            switch event {
            case .frame(let frame):
                guard let response = frame.response, response.hasValidPrefix else {
                    throw .garbled("reply with unexpected SW1/SW2: \(hexString(frame.body.prefix(3)))")
                }
                return response
            case .badChecksum(let length, let expected, let received):
                throw .garbled("checksum \(format2(received)) should be \(format2(expected)) (LEN \(length))")
            case .badLength(let length):
                throw .garbled("impossible length \(length)")
            case .garbage:
                continue
            }
        }
        throw .timeout(command)
    }

    private static func isConclusive(_ event: DecoderEvent) -> Bool {
        if case .garbage = event { return false }
        return true
    }

    /// Runs blocking work on the I/O queue and waits for it without blocking a thread.
    private func io<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            ioQueue.async { continuation.resume(returning: work()) }
        }
    }
}
