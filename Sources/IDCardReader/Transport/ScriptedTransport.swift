// SPDX-License-Identifier: Apache-2.0
import Foundation

/// An in-memory transport for unit tests: each write is answered by a scripted step.
/// Steps can reply in chunks, stay silent (a timeout), or unplug the device.
public final class ScriptedTransport: ReaderTransport, @unchecked Sendable {
    public enum Step: Sendable {
        /// Expect this request (or any, when nil) and answer with these chunks.
        case reply(expecting: [UInt8]?, chunks: [[UInt8]])
        /// Expect a request and say nothing.
        case silence(expecting: [UInt8]?)
        /// The device disappears at the next read or write.
        case unplug
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var pending: [[UInt8]] = []
    private var unplugged = false
    public private(set) var written: [[UInt8]] = []
    public private(set) var unexpected: [String] = []

    public init(_ steps: [Step]) { self.steps = steps }

    public var description: String { "scripted" }

    public var remainingSteps: Int { lock.withLock { steps.count } }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        lock.lock()
        defer { lock.unlock() }
        if unplugged { throw .disconnected("scripted device unplugged") }
        written.append(bytes)
        guard !steps.isEmpty else {
            unexpected.append("unscripted write \(hexString(bytes))")
            return
        }
        switch steps.removeFirst() {
        case .reply(let expecting, let chunks):
            if let expecting, expecting != bytes { unexpected.append("expected \(hexString(expecting)), got \(hexString(bytes))") }
            pending += chunks
        case .silence(let expecting):
            if let expecting, expecting != bytes { unexpected.append("expected \(hexString(expecting)), got \(hexString(bytes))") }
        case .unplug:
            unplugged = true
            throw .disconnected("scripted device unplugged")
        }
    }

    public func read(timeout: Double) throws(TransportError) -> [UInt8] {
        lock.lock()
        if unplugged { lock.unlock(); throw .disconnected("scripted device unplugged") }
        if !pending.isEmpty {
            defer { lock.unlock() }
            return pending.removeFirst()
        }
        if case .unplug = steps.first {
            unplugged = true
            lock.unlock()
            throw .disconnected("scripted device unplugged")
        }
        lock.unlock()
        Thread.sleep(forTimeInterval: min(timeout, 0.01))   // nothing scripted: a (shortened) timeout
        return []
    }

    public func discardInput() { lock.withLock { pending = [] } }
    public func close() {}
}
