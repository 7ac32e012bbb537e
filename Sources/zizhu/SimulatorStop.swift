// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// How a device simulator (`zizhu reader sim`, `zizhu printer simulate`) is stopped: SIGTERM
/// or SIGINT ask it to finish what it is doing and exit, and so does its parent going away
/// (a test that started it and died must not leave it running).
enum SimulatorStop {
    private static let asked = Atomic<Bool>(false)

    /// Turns SIGTERM and SIGINT into a request to stop; keep the sources until the end.
    static func watchSignals() -> [DispatchSourceSignal] {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        return [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { asked.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }

    /// True once a signal asked, or once the process is no longer the child of `parent`.
    static func requested(parent: Int32?) -> Bool {
        asked.load(ordering: .relaxed) || (parent.map { getppid() != $0 } ?? false)
    }
}
