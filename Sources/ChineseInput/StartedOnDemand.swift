// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuUI

/// An input method the kiosk starts when a citizen begins a visit and lets go when the visit
/// is over: the attract screen needs neither, and starting both with the kiosk had doubled
/// its memory there (Zinnia reads the whole of its 26 MiB model; librime builds about 19 MiB
/// of dictionaries on the heap). An engine goes with its last reference (Zinnia's model is
/// unmapped); librime is one engine per process (`RimePinyin.shared`), which stays once a
/// first visit started it (finalizing it gave back 1 MiB of those 19), so releasing it only
/// forgets it and the next visit has it at once. It starts on a thread of its own, so no
/// touch waits for it (librime deploys its schema the first time, about half a second).
/// Until it is ready it offers nothing and says so (`isReady`), and the kiosk draws again
/// when it is (`whenDone`); if it cannot start, `problem` says why and the next visit tries
/// again.
///
/// ```swift
/// let handwriting = StartedOnDemand({ try ZinniaHandwriting() }, whenDone: { _ in redraw() })
/// context.handwriting = handwriting
/// handwriting.prepare()   // a citizen touched the screen
/// handwriting.release()   // back on the attract screen: the model's memory goes
/// ```
public final class StartedOnDemand<Engine: Sendable>: InputMethodLifecycle, @unchecked Sendable {
    private let lock = NSLock()
    private let start: @Sendable () throws -> Engine
    private let whenDone: @Sendable (Result<Engine, any Error>) -> Void
    private var started: Result<Engine, any Error>?
    private var starting = false
    /// Whether the engine is wanted when a start under way finishes (a release in the
    /// meantime discards it; a prepare after that release keeps it).
    private var wanted = false

    public init(_ start: @escaping @Sendable () throws -> Engine,
                whenDone: @escaping @Sendable (Result<Engine, any Error>) -> Void = { _ in }) {
        self.start = start
        self.whenDone = whenDone
    }

    /// Starts the engine in the background, unless it is started or starting already.
    public func prepare() {
        let begins = lock.withLock {
            wanted = true
            guard started == nil, !starting else { return false }
            starting = true
            return true
        }
        guard begins else { return }
        Thread.detachNewThread { [self] in
            let result = Result { try start() }
            let kept = lock.withLock {
                starting = false
                if wanted { started = result }
                return wanted
            }
            if kept { whenDone(result) }
        }
    }

    /// Lets the engine go; what it holds is freed once no recognition is using it. The
    /// next `prepare()` starts it again (and retries one that could not start).
    public func release() {
        lock.withLock {
            wanted = false
            started = nil
        }
    }

    /// The engine, once started.
    public var engine: Engine? { lock.withLock { try? started?.get() } }
    /// Why it could not start (nil while starting or once started).
    public var problem: String? {
        lock.withLock {
            guard case .failure(let error) = started else { return nil }
            return "\(error)"
        }
    }
}

/// What the kiosk's loop does with its input methods: prepare them when a visit begins,
/// release them when it ends.
public protocol InputMethodLifecycle: AnyObject, Sendable {
    func prepare()
    func release()
}

extension StartedOnDemand: PinyinComposer where Engine: PinyinComposer {
    public func candidates(for letters: String, limit: Int) -> [InputCandidate] {
        engine?.candidates(for: letters, limit: limit) ?? []
    }

    public var isReady: Bool { engine?.isReady ?? false }
}

extension StartedOnDemand: HandwritingRecognizer where Engine: HandwritingRecognizer {
    public func recognise(_ drawing: Drawing, limit: Int) -> [String] {
        engine?.recognise(drawing, limit: limit) ?? []
    }

    public var isReady: Bool { engine?.isReady ?? false }
}
