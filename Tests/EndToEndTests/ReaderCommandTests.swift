// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `zizhu reader decode` and `zizhu reader sim` through the real binary.
@Suite("zizhu reader commands")
struct ReaderCommandTests {
    static let findRequest = "AA AA AA 96 69 00 03 20 01 22"
    static let findReply = "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"
    static let samIDReply = "AA AA AA 96 69 00 14 00 00 90 05 00 01 00 A5 3A 34 01 01 00 00 00 02 00 00 00 29"

    /// A capture with requests, replies, a base message, garbage and a broken frame.
    static func capture() throws -> String {
        let text = try String(contentsOf: Built.repository.appendingPathComponent("Tests/IDCardReaderTests/Vectors.swift"), encoding: .utf8)
        // The V5 text block as hex, straight from the vectors file.
        guard let start = text.range(of: "static let residentText = bytes(\"\"\"\n"), let end = text.range(of: "\"\"\")", range: start.upperBound..<text.endIndex) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let textBlock = text[start.upperBound..<end.lowerBound]
        let photo = (0..<1024).map { Array("NOT-A-REAL-WLT-PHOTO ".utf8)[$0 % 21] }.map { String(format: "%02X", $0) }.joined(separator: " ")
        return """
            # a session captured on the serial line
            \(findRequest)
            \(findReply)
            01 02 03   # line noise
            AA AA AA 96 69 00 03 30 01 32
            AA AA AA 96 69 05 08 00 00 90 01 00 04 00
            \(textBlock)
            \(photo)
            59
            AA AA AA 96 69 00 04 00 00 80 85
            \(samIDReply)
            """
    }

    @Test func decodeMasksTheIDNumberAndReportsGarbage() async throws {
        let folder = Built.temporaryDirectory("decode")
        let file = folder.appendingPathComponent("capture.hex")
        try Self.capture().write(to: file, atomically: true, encoding: .utf8)
        let run = try await Run.program(Built.zizhu, ["reader", "decode", "--hex", file.path], environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("request  find card (20 01)"))
        #expect(run.stdout.contains("status 9F card found"))
        #expect(run.stdout.contains("garbage  3 bytes: 01 02 03"))
        #expect(run.stdout.contains("name 测试样本") && run.stdout.contains("id 1101**********002X"))
        #expect(!run.stdout.contains("11010519491231002X"))
        #expect(run.stdout.contains("bad_checksum"))
        #expect(run.stdout.contains("SAM ID 05.01-20200101-0000000001-0000000002"))
        let unmasked = try await Run.program(Built.zizhu, ["reader", "decode", "--hex", "--unmasked", file.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(unmasked.stdout.contains("id 11010519491231002X"))
    }

    @Test func decodeWritesJSONAndReadsBinaryCaptures() async throws {
        let folder = Built.temporaryDirectory("decode-json")
        let hex = folder.appendingPathComponent("capture.hex")
        try Self.capture().write(to: hex, atomically: true, encoding: .utf8)
        // The same bytes as a binary file.
        let converted = try await Run.program(Built.zizhu, ["reader", "decode", "--hex", "--json", hex.path], environment: ["PATH": "/usr/bin:/bin"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(converted.stdout.utf8)) as? [[String: Any]])
        let card = try #require(items.first { $0["card"] != nil }?["card"] as? [String: Any])
        #expect(card["id_number"] as? String == "1101**********002X")
        #expect(card["type"] as? String == "resident")
        #expect(items.contains { $0["kind"] as? String == "garbage" })
        let binary = folder.appendingPathComponent("capture.bin")
        let bytes = Self.findRequest.split(separator: " ").compactMap { UInt8($0, radix: 16) }
            + Self.findReply.split(separator: " ").compactMap { UInt8($0, radix: 16) }
        try Data(bytes).write(to: binary)
        let run = try await Run.program(Built.zizhu, ["reader", "decode", binary.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 0 && run.stdout.contains("2 frames"))
    }

    @Test func badHexIsAClearError() async throws {
        let folder = Built.temporaryDirectory("decode-bad")
        let file = folder.appendingPathComponent("bad.hex")
        try "AA AA ZZ".write(to: file, atomically: true, encoding: .utf8)
        let run = try await Run.program(Built.zizhu, ["reader", "decode", "--hex", file.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("'Z' is not a hex digit"))
    }

    @Test func aBrokenCardsFileNamesTheLine() async throws {
        let folder = Built.temporaryDirectory("sim-bad")
        let file = folder.appendingPathComponent("cards.yaml")
        try "cards:\n  - kind: resident\n    name: 甲\n    gender: male\n    birth: 1990-01-01\n    id: \"110105199001011234\"\n    valid_from: 2020-01-01\n    valid_until: 长期\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let run = try await Run.program(Built.zizhu, ["reader", "sim", "--cards", file.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 78)
        #expect(run.stderr.contains("\(file.path):6:9:") && run.stderr.contains("GB 11643"), "\(run.stderr)")
        #expect(!run.stderr.contains("110105199001011234"))
    }
}
