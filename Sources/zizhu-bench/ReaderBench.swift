// SPDX-License-Identifier: Apache-2.0
import Foundation
import IDCardReader
import ZizhuCore
import ZizhuKiosk
import ZizhuResources
import ZizhuTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 3's figures: decoder throughput, one find → select → read cycle against the
/// simulator over a pseudo-terminal, and the full 10^6-input decoder fuzz.
struct ReaderBench {
    let zizhu: String
    let scratch: URL
    let cycles: Int
    let fuzzInputs: Int
    var report: Report

    mutating func run() throws {
        report.section("ID card reader (issue 3)")
        decodeThroughput()
        try cycleOverPTY()
        fuzz()
    }

    mutating func decodeThroughput() {
        let small = SAMResponse(status: .cardFound, data: [0, 0, 0, 0]).frame.bytes
        let text = TextBlock.encode(IdentityCard(kind: .resident, name: "测试样本", gender: .female, nationCode: "01",
                                                 birthDate: CalendarDate(year: 1949, month: 12, day: 31), address: "北京市朝阳区测试路1号",
                                                 idNumber: IDNumber(fromCard: "11010519491231002X"), validIndefinitely: true))
        let base = SAMResponse(status: .success, data: BaseMessage(text: text, photo: SimulatorEngine.fakePhoto).payload(withFingerprint: false)).frame.bytes
        for (name, frame, chunk) in [("find reply (15 B)", small, 4096), ("base message (1295 B) in 64-byte reads", base, 64)] {
            let copies = max(1, 2_000_000 / frame.count)
            let stream = Array((0..<copies).map { _ in frame }.joined())
            var decoder = FrameDecoder()
            var frames = 0
            let start = now()
            var offset = 0
            while offset < stream.count {
                let end = min(offset + chunk, stream.count)
                for case .frame(_) in decoder.feed(stream[offset..<end]) { frames += 1 }
                offset = end
            }
            let seconds = now() - start
            report.add("decode \(name)", Double(frames) / seconds, unit: "frames/s",
                       note: String(format: "%.1f MB/s, %d frames", Double(stream.count) / seconds / 1e6, frames))
        }
    }

    /// find → select → read base message → appended address, through the real serial
    /// transport and the real simulator process on a pty.
    mutating func cycleOverPTY() throws {
        let folder = scratch.appendingPathComponent("reader")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cards = folder.appendingPathComponent("cards.yaml")
        let demo = try String(contentsOf: KioskPaths.resolve(executable: zizhu).shareRoot
            .appendingPathComponent("Devices/simulator/demo-cards.yaml"), encoding: .utf8)
        try demo.replacingOccurrences(of: "auto:\n  place_after_polls: 3\n  remove_after_polls: 2\n", with: "")
            .write(to: cards, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("reader").path
        let control = folder.appendingPathComponent("control").path
        let pid = try spawn([zizhu, "reader", "sim", "--cards", cards.path, "--link", link, "--control", control],
                            environment: ["PATH": "/usr/bin:/bin"], stdio: nil)
        defer { stop(pid) }
        let deadline = now() + 10
        while !FileManager.default.fileExists(atPath: control) && now() < deadline { usleep(2000) }
        guard let handle = FileHandle(forWritingAtPath: control) else { throw BenchError.failed("simulator did not start") }
        handle.write(Data("place 1\n".utf8))
        try handle.close()
        usleep(100_000)
        let transport = try SerialTransport(path: link)
        defer { transport.close() }
        func exchange(_ command: SAMCommand) throws -> SAMResponse {
            try transport.write(command.frame.bytes)
            var decoder = FrameDecoder()
            let end = now() + command.timeoutSeconds
            while now() < end {
                for case .frame(let frame) in decoder.feed(try transport.read(timeout: 0.5)) {
                    if let response = frame.response { return response }
                }
            }
            throw BenchError.failed("no reply to \(command)")
        }
        var samples: [Double] = []
        for index in 0...cycles {
            let start = now()
            guard try exchange(.findCard).status == .cardFound, try exchange(.selectCard).status == .success else {
                throw BenchError.failed("no card on the simulated reader")
            }
            let read = try exchange(.readBase)
            _ = try exchange(.readAppendedAddress)
            _ = try TextBlock.decode(try BaseMessage(payload: read.data, withFingerprint: false).text)
            if index > 0 { samples.append((now() - start) * 1000) }
        }
        let result = Samples(values: samples)
        report.add("find -> select -> read -> address over a pty (median of \(cycles))", result.median, unit: "ms",
                   note: String(format: "p90 %.2f ms; the simulator answers at once, a real SAM takes 1-2 s", result.percentile(90)))
    }

    mutating func fuzz() {
        let start = now()
        let result = DecoderFuzzer().run(count: fuzzInputs, seed: 0x5A1D_2026)
        let seconds = now() - start
        report.add("decoder fuzz: \(fuzzInputs) random/mutated inputs", seconds, unit: "s",
                   note: "\(result.inventedFrames) invented frames, at most \(result.maximumPending) bytes held, \(result.framesDecoded) frames")
        if result.inventedFrames != 0 || result.maximumPending > SAMFrame.headerLength + SAMFrame.maximumLength {
            report.note("FUZZ FAILURE: \(result)")
        }
    }
}
