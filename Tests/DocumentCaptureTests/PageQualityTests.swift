// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Testing
import ZizhuCore
import ZizhuProcess

/// The quality gate on pages drawn here: lines of "text" (dark bars of varying length) on
/// white paper, turned by a known angle. Drawing and checking a page is seconds of CPU in a
/// debug build: it runs on a thread of its own (never on one of Swift concurrency's few
/// threads, which every other test's waiting needs), one page at a time.
@Suite(.serialized)
struct PageQualityTests {
    /// A page of text lines (about A5 at 100 dpi: the gate looks at pages shrunk to 600 dots
    /// anyway), turned by `degrees` about its centre.
    static func textPage(turnedBy degrees: Double, width: Int = 580, height: Int = 820) -> ScannedPage? {
        let angle = degrees * .pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let (cx, cy) = (Double(width) / 2, Double(height) / 2)
        var pixels = [UInt8](repeating: 245, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                // Where this dot was on the straight page.
                let dx = Double(x) - cx, dy = Double(y) - cy
                let sx = cosine * dx + sine * dy + cx, sy = -sine * dx + cosine * dy + cy
                let line = Int(sy) / 30, inLine = Int(sy) % 30
                guard sy >= 120, sy < Double(height) - 120, sx >= 90, inLine < 12 else { continue }
                // Each line ends somewhere else; words are separated by gaps.
                let end = Double(width - 90 - (line * 37) % 260)
                if sx < end, Int(sx) % 47 < 40 { pixels[y * width + x] = 30 }
            }
        }
        return ScannedPage(width: width, height: height, dpi: 150, pixels: pixels)
    }

    @Test(arguments: [0.0, 1.0, 4.0, -6.0, 9.5])
    func theSkewOfLinesOfTextIsFound(degrees: Double) async throws {
        let report = try #require(try await ChildProcess.detached { Self.textPage(turnedBy: degrees).map(PageQuality.check) })
        let skew = try #require(report.skew)
        // Rows fall to the right in page coordinates when the page turns clockwise (positive).
        #expect(abs(skew - degrees) <= 0.5, "found \(skew)° for \(degrees)°")
        if abs(degrees) > PageQuality.straightEnough {
            #expect(report.problems == [.skewed(degrees: skew)])
            #expect(report.problems.first?.zh.contains("放歪了（约 \(Int(abs(degrees).rounded())) 度）") == true)
        } else {
            #expect(report.problems.isEmpty)
        }
    }

    @Test func aBlankPageWithSpeckleIsStillBlankAndADarkOneIsTooDark() async throws {
        let (blank, shadow) = try await ChildProcess.detached { () -> (PageQuality.Report?, PageQuality.Report?) in
            var generator = SystemRandomNumberGenerator()
            let speckled = (0..<(600 * 800)).map { _ in UInt8.random(in: 225...255, using: &generator) }
            return (ScannedPage(width: 600, height: 800, dpi: 150, pixels: speckled).map(PageQuality.check),
                    ScannedPage(width: 600, height: 800, dpi: 150, pixels: speckled.map { $0 / 5 }).map(PageQuality.check))
        }
        #expect(blank?.problems == [.blank])
        guard case .tooDark(let mean)? = shadow?.problems.first else {
            Issue.record("expected too dark")
            return
        }
        #expect(mean < PageQuality.darkestMean)
    }

    @Test func aPageWhoseSizeDoesNotMatchItsDotsIsRefused() {
        #expect(ScannedPage(width: 10, height: 10, dpi: 150, pixels: [UInt8](repeating: 0, count: 99)) == nil)
        #expect(ScannedPage(width: 0, height: 10, dpi: 150, pixels: []) == nil)
        #expect(ScannedPage(width: Int.max, height: 2, dpi: 150, pixels: []) == nil)
    }

    @Test func scannerProfilesAreCheckedWithTheirPlace() throws {
        let root = SaneScanTests.root.appendingPathComponent("Devices/scanners")
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path) where name.hasSuffix(".yaml") {
            let file = root.appendingPathComponent(name)
            _ = try DocumentScannerProfile.parse(try String(contentsOf: file, encoding: .utf8), file: name)
        }
        let bad = """
        name: {zh: 坏, en: bad}
        resolution: 2400
        page: {width_mm: 10, height_mm: 297}
        options: {mode: Color}
        colour: yes
        """
        do {
            _ = try DocumentScannerProfile.parse(bad, file: "bad.yaml")
            Issue.record("a bad profile was taken")
        } catch {
            let text = error.description
            #expect(text.contains("bad.yaml:2:13") && text.contains("75 to 600 dpi"), "\(text)")
            #expect(text.contains("bad.yaml:3:7") && text.contains("50 to 450 mm"), "\(text)")
            #expect(text.contains("'mode' is set by the profile's own keys"), "\(text)")
            #expect(text.contains("bad.yaml:5:1") && text.contains("unknown key 'colour'"), "\(text)")
        }
    }
}
