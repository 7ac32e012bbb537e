// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import SocialSecurityCard
import ZizhuCore
import ZizhuUI

/// The 社保卡 reader while a screen asks for a card: reads each inserted card once and hands
/// the screens the same reader events the ID card reader does (`cardRead` with a
/// `.socialSecurityCard` person, `readFailed`, `cardRemoved`). pcsc-lite blocks, so it runs on
/// a thread of its own. A card is read once per insertion: one left in the slot is not read
/// again for the next citizen until it has been taken out.
public final class SocialSecurityCardWatcher: @unchecked Sendable {
    private let profile: SocialSecurityCardProfile
    private let readerName: String?
    private let inbox: EventInbox
    private let logger: Logger
    /// Runs once on the watcher's thread before anything else (the demo starts its card
    /// emulation there, off the first frame's path).
    private let prepare: (@Sendable () -> Void)?
    private let condition = NSCondition()
    private var wanted = false
    private var stopped = false
    private var started = false
    private var prepared = false

    public init(profile: SocialSecurityCardProfile, reader: String?, inbox: EventInbox, logger: Logger,
                prepare: (@Sendable () -> Void)? = nil) {
        self.profile = profile
        readerName = reader
        self.inbox = inbox
        self.logger = logger
        self.prepare = prepare
    }

    /// Starts the thread (idle until a screen asks for a card).
    public func start() {
        condition.withLock {
            guard !started else { return }
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "zizhu.sscard"
            thread.start()
        }
    }

    /// A screen starts or stops asking for a card.
    public func setReading(_ on: Bool) {
        condition.withLock {
            wanted = on
            condition.broadcast()
        }
    }

    /// Ends the thread (within about a second: a read waits at most half of one).
    public func shutdown() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// Blocks until the reader is set up (the demo's emulation answering), at most `seconds`:
    /// diagnostics taken while it starts would report a reader that is about to be there.
    public func waitUntilPrepared(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        condition.withLock {
            while !prepared && !stopped && condition.wait(until: deadline) {}
        }
    }

    private func run() {
        prepare?()
        condition.withLock {
            prepared = true
            condition.broadcast()
        }
        var awaitingRemoval = false
        var lastProblem: String?
        while true {
            let (go, stop) = condition.withLock { () -> (Bool, Bool) in
                if !wanted && !stopped && !awaitingRemoval { _ = condition.wait(until: Date().addingTimeInterval(1)) }
                return (wanted, stopped)
            }
            if stop { return }
            if awaitingRemoval {
                if cardGone() {
                    awaitingRemoval = false
                    if go { inbox.post(.reader(.cardRemoved)) }
                } else {
                    Thread.sleep(forTimeInterval: 0.3)
                }
                continue
            }
            guard go else { continue }
            do throws(SmartCardFault) {
                let read = try PCSCReaders.read(profile, reader: readerName, wait: 0.5)
                awaitingRemoval = true
                let person = try read.holder.identity(today: CalendarDate.localToday())
                lastProblem = nil
                logger.info("社保卡 read on \(read.reader): \(read.holder)")
                inbox.post(.reader(.cardRead(person)))
            } catch {
                switch error {
                case .noCard:
                    lastProblem = nil
                case .serviceUnavailable, .noReader, .reader:
                    // The ID card still works; the technician sees this in diagnostics.
                    if lastProblem != error.description { logger.warning("社保卡 reader unavailable: \(error)") }
                    lastProblem = error.description
                    Thread.sleep(forTimeInterval: 2)
                case .cardRemoved, .cardRefused, .malformedAnswer, .notIdentifiable:
                    logger.warning("社保卡 not read: \(error)")
                    awaitingRemoval = true
                    inbox.post(.reader(.readFailed(.socialSecurityCard(LocalizedText(zh: error.zh, en: error.en)))))
                }
            }
        }
    }

    /// Whether no card is left in the reader (or pcscd cannot say, which counts as gone).
    private func cardGone() -> Bool {
        guard let readers = try? PCSCReaders.status() else { return true }
        return !readers.contains { $0.cardPresent && (readerName == nil || $0.reader == readerName) }
    }
}
