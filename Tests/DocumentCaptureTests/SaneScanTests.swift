// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Testing
import ZizhuCore
import ZizhuProcess

/// Pages scanned through the real libsane from SANE's `test` backend (its config rewritten
/// before each scan), checked by the quality gate and kept as WebP.
///
/// libsane reads `SANE_CONFIG_DIR` once per process, so the tests share one config folder,
/// one at a time.
@Suite(.serialized)
struct SaneScanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let backend: SaneTestBackend? = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-sane-\(getpid())")
        guard let backend = try? SaneTestBackend(folder: folder) else { return nil }
        backend.activate()
        return backend
    }()

    static func demoProfile() throws -> DocumentScannerProfile {
        let file = root.appendingPathComponent("Devices/scanners/demo.yaml")
        return try DocumentScannerProfile.parse(try String(contentsOf: file, encoding: .utf8), file: file.path)
    }

    /// A scan on a thread of its own (libsane blocks).
    static func scan(_ picture: SaneTestBackend.Picture, then outcome: SaneTestBackend.Outcome = .scans,
                     profile: DocumentScannerProfile? = nil) async throws -> Result<ScannedPage, CaptureFault> {
        let backend = try #require(Self.backend)
        try backend.load(picture, then: outcome)
        let profile = try profile ?? Self.demoProfile()
        return try await ChildProcess.detached {
            Result { () throws(CaptureFault) -> ScannedPage in try SaneScanners.scan(profile) }
        }
    }

    @Test func theTestBackendsScannersAreListed() async throws {
        _ = try #require(Self.backend)
        let devices = try await ChildProcess.detached { try SaneScanners.list() }
        #expect(devices.map(\.name) == ["test:0", "test:1"])
        #expect(devices.allSatisfy { $0.model == "frontend-tester" })
    }

    @Test func aPageIsScannedWholeAtTheProfilesResolutionAndPassesTheGate() async throws {
        // At 75 dpi (a quarter of the dots of the shipped 150: the debug build's gate and codec
        // stay cheap); the journey tests scan at 150.
        var profile = try Self.demoProfile()
        profile.resolution = 75
        let page = try await Self.scan(.grid, profile: profile).get()
        // A4 at 75 dpi: 210 mm × 297 mm is 620 × 877 dots (SANE rounds each side down).
        #expect(page.dpi == 75)
        #expect(abs(page.width - 620) <= 1 && abs(page.height - 877) <= 1, "\(page.width)×\(page.height)")
        // The gate and the codec on a thread of their own (seconds of CPU in a debug build).
        let (report, webp, back, difference) = try await ChildProcess.detached { () throws -> (PageQuality.Report, [UInt8], ScannedPage?, Int) in
            let webp = try PageCodec.webp(page)
            let back = PageCodec.page(fromWebP: webp)
            var difference = 0
            for (a, b) in zip(back?.pixels ?? [], page.pixels) { difference += abs(Int(a) - Int(b)) }
            return (PageQuality.check(page), webp, back, difference / page.pixels.count)
        }
        #expect(report.problems.isEmpty, "\(report)")
        #expect(report.ink > 0.2 && report.ink < 0.8)
        // Kept as WebP: a fraction of the raw dots, and it reads back as the same page.
        #expect(webp.count < page.pixels.count / 10, "\(webp.count) bytes for \(page.pixels.count) dots")
        #expect(webp.starts(with: Array("RIFF".utf8)) && Array(webp[8..<12]) == Array("WEBP".utf8))
        #expect(back?.width == page.width && back?.height == page.height)
        #expect(difference < 8, "mean difference \(difference)")
        #expect(PageCodec.page(fromWebP: Array("RIFF0000WEBPVP8 garbage".utf8)) == nil)
    }

    @Test func aBlankPageAndADarkPageAreSentBackWithWhatToFix() async throws {
        let white = try await Self.scan(.white).get(), black = try await Self.scan(.black).get()
        let (blank, dark) = try await ChildProcess.detached { (PageQuality.check(white), PageQuality.check(black)) }
        #expect(blank.problems == [.blank])
        #expect(PageProblem.blank.zh.contains("有字的一面朝下"))
        guard case .tooDark = dark.problems.first else {
            Issue.record("expected too dark, got \(dark)")
            return
        }
        #expect(dark.problems.first?.zh.contains("太暗") == true)
    }

    @Test(arguments: [
        (SaneTestBackend.Outcome.noPaper, CaptureFault.noPaper),
        (.jammed, .jammed),
        (.coverOpen, .coverOpen),
        (.busy, .busy),
    ])
    func theDevicesOwnFaultsAreSaidPlainly(outcome: SaneTestBackend.Outcome, fault: CaptureFault) async throws {
        let result = try await Self.scan(.grid, then: outcome)
        #expect(throws: fault) { try result.get() }
        #expect(!fault.zh.isEmpty && !fault.en.isEmpty)
        // The next page scans: the fault left nothing behind in the library.
        #expect(try await Self.scan(.grid).get().width > 0)
    }

    @Test func aScannerThatStopsAnsweringDuringTheTransferKeepsNothing() async throws {
        let result = try await Self.scan(.grid, then: .unplugged)
        guard case .failure(.interrupted(let detail)) = result else {
            Issue.record("expected the scan to be interrupted, got \(result)")
            return
        }
        #expect(detail.contains("sane_read"))
        #expect(CaptureFault.interrupted(detail: detail).zh.contains("没有保存"))
    }

    /// A scan cancelled while the backend's reader thread still writes its pipe (a fault, a
    /// citizen leaving) must not end the process: once SANE is used, a broken pipe is an error
    /// (EPIPE), not a SIGPIPE. (It ended a whole test run once.)
    @Test func aBrokenPipeIsAnErrorNotTheEndOfTheKiosk() async throws {
        _ = try #require(Self.backend)
        _ = try await ChildProcess.detached { try SaneScanners.list() }
        #expect(try await Self.scan(.grid).get().width > 0)
        // After a whole scan (libsane's reader thread started and joined, which puts an
        // ignored SIGPIPE back to the default), the process still has its own handler: not
        // the default (the process would die) and not ignored (libsane would reset it).
        var current = sigaction()
        #expect(sigaction(SIGPIPE, nil, &current) == 0)
        let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
        #expect(handler != unsafeBitCast(SIG_DFL, to: Int.self) && handler != unsafeBitCast(SIG_IGN, to: Int.self),
                "SIGPIPE is \(handler == 0 ? "the default" : "ignored") after a scan")
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        let byte: [UInt8] = [1]
        let written = write(ends[1], byte, 1)
        let code = errno
        close(ends[1])
        #expect(written == -1 && code == EPIPE)
    }

    @Test func aMissingScannerOrABadOptionIsNamed() async throws {
        var profile = try Self.demoProfile()
        profile.device = "fujitsu"
        let missing = try await Self.scan(.grid, profile: profile)
        guard case .failure(.noScanner(let detail)) = missing else {
            Issue.record("expected no scanner, got \(missing)")
            return
        }
        #expect(detail.contains("test:0") && detail.contains("fujitsu"))
        profile = try Self.demoProfile()
        profile.options["test-picture"] = "Kittens"
        let refused = try await Self.scan(.grid, profile: profile)
        guard case .failure(.device(let why)) = refused else {
            Issue.record("expected the option to be refused, got \(refused)")
            return
        }
        #expect(why.contains("Kittens") && why.contains("Grid"))
    }
}
