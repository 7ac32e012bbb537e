// SPDX-License-Identifier: Apache-2.0
import ChineseInput
import Foundation
import Testing
import ZizhuUI

/// The input methods follow the visits: nothing is started until `prepare()`, a release
/// lets the engine go (Zinnia's model is unmapped), and a start that a release overtook is
/// discarded unless the next visit asked again.
@Suite("Input methods started for a visit and let go after it")
struct StartedOnDemandTests {
    /// Counts engines alive; each start waits until the test opens the gate.
    final class Engines: @unchecked Sendable {
        let lock = NSLock()
        var alive = 0
        var started = 0
        var gate = DispatchSemaphore(value: 0)
        var done = DispatchSemaphore(value: 0)
    }

    final class Engine: HandwritingRecognizer, @unchecked Sendable {
        let engines: Engines
        init(_ engines: Engines) {
            self.engines = engines
            engines.lock.withLock { engines.alive += 1; engines.started += 1 }
        }
        deinit { engines.lock.withLock { engines.alive -= 1 } }
        func recognise(_ drawing: Drawing, limit: Int) -> [String] { ["王"] }
    }

    static func gated(_ engines: Engines) -> StartedOnDemand<Engine> {
        StartedOnDemand({
            engines.gate.wait()
            return Engine(engines)
        }, whenDone: { _ in engines.done.signal() })
    }

    static func mapped(_ path: String) throws -> Bool {
        try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).contains(path)
    }

    @Test func zinniasModelIsMappedOnlyBetweenPrepareAndRelease() throws {
        // A copy of its own: other tests in this process open Debian's model at the same time.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-on-demand-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("handwriting-zh_CN.model")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: ZinniaHandwriting.debianModel, to: copy)
        let model = copy.path
        let done = DispatchSemaphore(value: 0)
        let handwriting = StartedOnDemand({ try ZinniaHandwriting(model: copy) }, whenDone: { _ in done.signal() })
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!handwriting.isReady)
        #expect(try !Self.mapped(model), "nothing starts before prepare()")
        handwriting.prepare()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(handwriting.isReady && handwriting.problem == nil)
        #expect(try Self.mapped(model))
        let drawing = ChineseInputTests.drawing([[(5, 10), (15, 10), (25, 10), (35, 10)]])   // 一
        #expect(handwriting.recognise(drawing, limit: 3).contains("一"))
        handwriting.release()
        #expect(!handwriting.isReady && handwriting.recognise(drawing, limit: 3).isEmpty)
        // Unmapped with the last reference (the starting thread drops its own as it ends).
        let deadline = Date().addingTimeInterval(5)
        while try Self.mapped(model), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(try !Self.mapped(model), "released: the model is unmapped")
        // The next visit has it again.
        handwriting.prepare()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(handwriting.recognise(drawing, limit: 3).contains("一"))
        handwriting.release()
    }

    @Test func aStartOvertakenByAReleaseIsDiscarded() throws {
        let engines = Engines()
        let method = Self.gated(engines)
        method.prepare()
        method.prepare()   // already starting: no second start
        method.release()
        engines.gate.signal()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(engines.done.wait(timeout: .now()) == .timedOut, "a discarded start reports nothing")
        #expect(!method.isReady)
        #expect(engines.lock.withLock { (engines.alive, engines.started) } == (0, 1))
    }

    @Test func aStartAskedForAgainAfterItsReleaseIsKept() throws {
        let engines = Engines()
        let method = Self.gated(engines)
        method.prepare()
        method.release()
        method.prepare()   // the next visit began while the first start was still under way
        engines.gate.signal()
        #expect(engines.done.wait(timeout: .now() + 10) == .success)
        #expect(method.isReady)
        #expect(engines.lock.withLock { (engines.alive, engines.started) } == (1, 1))
        method.release()
        // The starting thread lets go of its reference as it ends, a moment after `whenDone`.
        let deadline = Date().addingTimeInterval(5)
        while engines.lock.withLock({ engines.alive }) > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(engines.lock.withLock { engines.alive } == 0)
    }

    @Test func aFailedStartIsTriedAgainByTheNextVisit() throws {
        let done = DispatchSemaphore(value: 0)
        let missing = URL(fileURLWithPath: "/nonexistent/handwriting.model")
        let handwriting = StartedOnDemand({ try ZinniaHandwriting(model: missing) }, whenDone: { _ in done.signal() })
        handwriting.prepare()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(!handwriting.isReady)
        #expect(handwriting.problem?.contains("/nonexistent/handwriting.model") == true, "\(String(describing: handwriting.problem))")
        handwriting.release()
        #expect(handwriting.problem == nil)
        handwriting.prepare()
        #expect(done.wait(timeout: .now() + 10) == .success, "tried again")
    }
}
