// SPDX-License-Identifier: Apache-2.0
import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// How the kiosk uses glibc's allocator over months of uptime.
///
/// glibc gives each thread that allocates under contention its own arena (up to eight per
/// core), and keeps the pages of freed memory in them; the kiosk's few busy threads come
/// from a pool that changes over the day, so its memory crept up by what no object held.
enum KioskAllocator {
    /// Two arenas are plenty for one citizen at a time (per-thread caches still avoid locks).
    static func configure() {
        _ = mallopt(M_ARENA_MAX, 2)
    }

    /// Hands the pages of freed memory back to the system.
    static func releaseFreed() {
        _ = malloc_trim(0)
    }
}
