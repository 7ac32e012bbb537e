// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Testing
import ZizhuCore
import ZizhuProcess

/// The document camera's side that needs no kernel module: a frame source read from a file
/// (PGM), and what a camera path that is not a camera comes to. The real V4L2 capture runs in
/// a guest with the kernel's `vivid` driver (`DocumentCameraVMTests`).
struct CameraCaptureTests {
    static func pgm(_ page: ScannedPage) -> Data {
        Data("P5\n# a page\n\(page.width) \(page.height)\n255\n".utf8) + Data(page.pixels)
    }

    @Test func aFrameFromAFileIsAPageThatPassesTheGate() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-frame-\(UUID().uuidString.prefix(6)).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        // Drawn, captured and checked on a thread of its own (seconds of CPU in a debug build).
        let (drawn, captured, report) = try await ChildProcess.detached { () throws -> (ScannedPage, ScannedPage, PageQuality.Report) in
            guard let page = PageQualityTests.textPage(turnedBy: 0) else { throw CaptureFault.unusable(detail: "the test page could not be drawn") }
            try Self.pgm(page).write(to: file)
            var profile = DocumentScannerProfile(name: LocalizedText(zh: "高拍仪", en: "camera"))
            profile.camera = CameraSettings(device: "file:" + file.path)
            let captured = try DocumentCapture.capture(profile)
            return (page, captured, PageQuality.check(captured))
        }
        #expect(captured.width == drawn.width && captured.height == drawn.height && captured.pixels == drawn.pixels)
        #expect(report.problems.isEmpty)
    }

    @Test func whatIsNotACameraOrNotAFrameIsSaidPlainly() throws {
        func fault(_ device: String) -> CaptureFault? {
            var profile = DocumentScannerProfile(name: LocalizedText(zh: "高拍仪", en: "camera"))
            profile.camera = CameraSettings(device: device)
            do {
                _ = try DocumentCapture.capture(profile)
                return nil
            } catch {
                return error
            }
        }
        guard case .noScanner(let missing)? = fault("/dev/video-none") else {
            Issue.record("a missing camera was not said")
            return
        }
        #expect(missing.contains("no camera at /dev/video-none"))
        guard case .noScanner(let notVideo)? = fault("/dev/null") else {
            Issue.record("a device that is not a camera was not said")
            return
        }
        #expect(notVideo.contains("not a video device"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-frame-\(UUID().uuidString.prefix(6)).pgm")
        defer { try? FileManager.default.removeItem(at: file) }
        // A header that promises more dots than the file holds.
        try Data("P5 640 480 255\n".utf8 + [UInt8](repeating: 200, count: 1000)).write(to: file)
        guard case .unusable(let short)? = fault("file:" + file.path) else {
            Issue.record("a short frame was taken")
            return
        }
        #expect(short.contains("640×480"))
        try Data("GIF89a".utf8).write(to: file)
        guard case .unusable(let notPGM)? = fault("file:" + file.path) else {
            Issue.record("a file that is not a PGM was taken")
            return
        }
        #expect(notPGM.contains("not a binary PGM"))
    }

    @Test func cameraProfilesAreChecked() throws {
        let shipped = SaneScanTests.root.appendingPathComponent("Devices/scanners/camera-uvc.yaml")
        let profile = try DocumentScannerProfile.parse(try String(contentsOf: shipped, encoding: .utf8), file: shipped.path)
        #expect(profile.camera == CameraSettings(device: "/dev/video0", width: 1920, height: 1080, settleFrames: 5))
        do {
            _ = try DocumentScannerProfile.parse("name: {zh: 坏, en: bad}\ncamera: {device: video0, width: 99999}\n", file: "bad.yaml")
            Issue.record("a bad camera profile was taken")
        } catch {
            #expect(error.description.contains("bad.yaml:2:9") && error.description.contains("/dev/video0"), "\(error)")
            #expect(error.description.contains("320×240 to 8192×8192"), "\(error)")
        }
    }
}
