// SPDX-License-Identifier: Apache-2.0
import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// Events that adapters (the reader, later the printer and the sync worker) deliver from
/// their own threads; the loop drains them after every wake-up.
public final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    public init() {}

    public func post(_ event: Event) {
        lock.withLock { events.append(event) }
        NcursesTerminal.wake()
    }

    func drain() -> [Event] {
        lock.withLock {
            defer { events = [] }
            return events
        }
    }
}
