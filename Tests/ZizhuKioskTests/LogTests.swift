// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Testing
@testable import ZizhuKiosk

@Suite("The kiosk log: rotated by size, ID numbers scrubbed")
struct LogTests {
    @Test func theLogRotatesKeepsTheNewestAndDropsTheOldest() throws {
        let folder = try Checkout.scratch("log-rotation")
        let file = folder.appendingPathComponent("zizhu.log")
        let sink = LogSink(file: file, maxBytes: 2048, keep: 3)
        for index in 0..<200 { sink.write("line \(String(format: "%03d", index)) " + String(repeating: "x", count: 40) + "\n") }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["zizhu.log", "zizhu.log.1", "zizhu.log.2", "zizhu.log.3"], "\(names)")
        for url in [file] + sink.rotatedFiles() {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            #expect(size <= 2048, "\(url.lastPathComponent): \(size)")
        }
        let current = try String(contentsOf: file, encoding: .utf8)
        #expect(current.hasSuffix("line 199 " + String(repeating: "x", count: 40) + "\n"))
        // Files are whole lines, newest in zizhu.log, then .1, .2, .3; line 000 is gone.
        let all = try ([file] + sink.rotatedFiles()).reversed().map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        let numbers = all.split(separator: "\n").compactMap { Int($0.split(separator: " ")[1]) }
        #expect(numbers == Array((200 - numbers.count)..<200) && !numbers.contains(0))
        // A restarted kiosk appends to the same file and keeps counting its size.
        let again = LogSink(file: file, maxBytes: 2048, keep: 3)
        again.write("after restart\n")
        #expect(try String(contentsOf: file, encoding: .utf8).hasSuffix("after restart\n"))
    }

    @Test func idNumbersAreMaskedEvenWhenACallerSlips() throws {
        let folder = try Checkout.scratch("log-mask")
        let file = folder.appendingPathComponent("zizhu.log")
        let sink = LogSink(file: file)
        let logger = Logger(label: "zizhu.test") { FileLogHandler(label: $0, sink: sink) }
        logger.error("looked up 11010519491231002X", metadata: ["id": "440106198806150019"])
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("1101**********002X") && text.contains("id=4401**********0019"), "\(text)")
        #expect(!text.contains("11010519491231002X") && !text.contains("440106198806150019"))
        #expect(text.contains(" error zizhu.test: "))
    }
}
