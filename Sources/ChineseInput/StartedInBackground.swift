// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuUI

/// An input engine started on a thread of its own, so the kiosk's first frame never waits
/// for it (librime deploys its schema the first time, about half a second). Until it is
/// ready it offers nothing and says so (`isReady`); if it cannot start, `problem` says why.
///
/// ```swift
/// let pinyin = StartedInBackground { try RimePinyin.shared(workFolder: folder) }
/// context.pinyin = pinyin
/// ```
public final class StartedInBackground<Engine: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Result<Engine, any Error>?

    public init(_ start: @escaping @Sendable () throws -> Engine, whenDone: @escaping @Sendable (Result<Engine, any Error>) -> Void = { _ in }) {
        Thread.detachNewThread { [self] in
            let result = Result { try start() }
            lock.withLock { started = result }
            whenDone(result)
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

extension StartedInBackground: PinyinComposer where Engine: PinyinComposer {
    public func candidates(for letters: String, limit: Int) -> [InputCandidate] {
        engine?.candidates(for: letters, limit: limit) ?? []
    }

    public var isReady: Bool { engine?.isReady ?? false }
}

extension StartedInBackground: HandwritingRecognizer where Engine: HandwritingRecognizer {
    public func recognise(_ drawing: Drawing, limit: Int) -> [String] {
        engine?.recognise(drawing, limit: limit) ?? []
    }

    public var isReady: Bool { engine?.isReady ?? false }
}
