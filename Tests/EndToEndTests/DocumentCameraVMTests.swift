// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A document camera (高拍仪) through Video4Linux2, in a QEMU guest with the kernel's `vivid`
/// driver as the camera (this host loads no kernel modules): `zizhu scanner list` finds it,
/// `zizhu scanner scan` takes a 1280×720 page from it by memory-mapped streaming and keeps it
/// as WebP, and a camera that is not plugged in is said plainly
/// (Tests/EndToEndTests/VM/camera-vm.sh). One guest at a time with the other device guests.
extension USBReaderVMTests {
    @Test func aDocumentCameraGivesAPageThroughV4L2() async throws {
        let console = try await USBReaderVMTests.guest("camera-vm.sh", label: "camera-vm")
        func json(_ prefix: String) -> [[String: Any]] {
            console.split(whereSeparator: \.isNewline).compactMap { line -> [String: Any]? in
                guard let start = line.range(of: prefix + ": ") else { return nil }
                let text = line[start.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                return value as? [String: Any] ?? (value as? [[String: Any]])?.first.map { ["listed": $0] }
            }
        }
        let camera = json("CAMERA")
        let listed = camera.first?["listed"] as? [String: Any]
        #expect(listed?["type"] as? String == "camera" && listed?["name"] as? String == "/dev/video0"
                && listed?["vendor"] as? String == "vivid", "\(console.suffix(3000))")
        let page = camera.dropFirst().first
        #expect(page?["event"] as? String == "page" && page?["width"] as? String == "1280" && page?["height"] as? String == "720",
                "\(console.suffix(3000))")
        #expect(console.contains("CAMERA-STATUS: 0") || console.contains("CAMERA-STATUS: 2"), "\(console.suffix(2000))")
        // The page kept as WebP, as the kiosk keeps it.
        let webp = console.split(whereSeparator: \.isNewline).first { $0.contains("WEBP: ") }.map(String.init) ?? ""
        let size = Int(webp.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(webp.contains("WEBP: RIFF") && size > 1000 && size == Int(page?["webp_bytes"] as? String ?? ""), "\(webp)")
        #expect(console.split(whereSeparator: \.isNewline).contains { $0.contains("PREVIEW: ") && $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } },
                "no preview drawn:\n\(console.suffix(2000))")
        // Not plugged in: status 1 and the citizen's words.
        #expect(console.contains("ABSENT: 1 ") && console.contains("no camera at \\/dev\\/video7") && console.contains("扫描仪暂时无法使用"),
                "\(console.suffix(2000))")
    }
}
