// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ReceiptPrinter
import ZizhuProcess
import ZizhuResources

/// Cross-checks the encoder against python-escpos 3.1 (a venv the test creates under
/// `.build/python-escpos`) for every primitive both have.
@Suite("ESC/POS encoder against python-escpos")
struct PythonEscposTests {
    static let venv = Repo.root.appendingPathComponent(".build/python-escpos")

    static let script = """
        import json, sys
        from escpos.printer import Dummy
        from PIL import Image
        def out(f):
            p = Dummy(); f(p); return p.output.hex(" ").upper()
        img = Image.new("1", (16, 2), 1)
        for xy in [(0, 0), (15, 0), (1, 1)]: img.putpixel(xy, 0)
        print(json.dumps({
            "init": out(lambda p: p.hw("INIT")),
            "bold": out(lambda p: p.set(bold=True)),
            "bold off": out(lambda p: p.set(bold=False)),
            "center": out(lambda p: p.set(align="center")),
            "right": out(lambda p: p.set(align="right")),
            "size 2x2": out(lambda p: p.set(custom_size=True, width=2, height=2)),
            "size 3x1": out(lambda p: p.set(custom_size=True, width=3, height=1)),
            "text": out(lambda p: p.text("粤智助：受理编号ZZ-0001\\n")),
            "qr L/6": out(lambda p: p.qr("ZZ20261122-0193-4F2A", native=True, size=6, ec=0)),
            "qr M/4": out(lambda p: p.qr("https://zwfw.example.gov.cn/p/ZZ1", native=True, size=4, ec=1)),
            "cut": out(lambda p: p.cut()),
            "partial cut": out(lambda p: p.cut(mode="PART")),
            "raster": out(lambda p: p.image(img, impl="bitImageRaster", center=False)),
        }))
        """

    /// Creates the venv once (pip install python-escpos==3.1), then runs the script.
    static func reference() async throws -> [String: String] {
        let python = venv.appendingPathComponent("bin/python").path
        if !FileManager.default.isExecutableFile(atPath: python) {
            let made = try await ChildProcess.runDetached(["/usr/bin/python3", "-m", "venv", venv.path], environment: ["PATH": "/usr/bin:/bin"])
            guard made.status == 0 else { throw Failure("python3 -m venv failed (apt-get install python3-venv): \(made.stderr)") }
            let pip = try await ChildProcess.runDetached([venv.appendingPathComponent("bin/pip").path, "install", "-q", "python-escpos==3.1"],
                                           environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
            guard pip.status == 0 else { throw Failure("pip install python-escpos failed: \(pip.stderr)") }
        }
        let run = try await ChildProcess.runDetached([python, "-c", script], environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
        // python-escpos prints warnings on stdout too: the JSON is the last line.
        let last = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard run.status == 0, let json = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: String] else {
            throw Failure("python-escpos script failed: \(run.stderr)")
        }
        return json
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func everySharedPrimitiveIsByteIdentical() async throws {
        let python = try await Self.reference()
        func ours(_ build: (inout ESCPOS) -> Void) -> String {
            var e = ESCPOS()
            build(&e)
            return hex(e.bytes)
        }
        var bitmap = Bitmap(width: 16, height: 2)
        bitmap[0, 0] = true; bitmap[15, 0] = true; bitmap[1, 1] = true
        let mine: [String: String] = [
            "init": ours { $0.initialize() },
            "bold": ours { $0.bold(true) },
            "bold off": ours { $0.bold(false) },
            "center": ours { $0.align(.center) },
            "right": ours { $0.align(.right) },
            "size 2x2": ours { $0.size(width: 2, height: 2) },
            "size 3x1": ours { $0.size(width: 3, height: 1) },
            "text": ours { _ = $0.line("粤智助：受理编号ZZ-0001") },
            "qr L/6": ours { $0.qr("ZZ20261122-0193-4F2A", moduleSize: 6, correction: .low) },
            "qr M/4": ours { $0.qr("https://zwfw.example.gov.cn/p/ZZ1", moduleSize: 4, correction: .medium) },
            "cut": ours { $0.feed(lines: 6); $0.cut(partial: false) },
            "partial cut": ours { $0.feed(lines: 6); $0.cut(partial: true) },
            "raster": ours { $0.raster(bitmap) },
        ]
        #expect(python.count == mine.count)
        for (name, bytes) in mine.sorted(by: { $0.key < $1.key }) {
            #expect(python[name] == bytes, "\(name): python-escpos \(python[name] ?? "-"), ours \(bytes)")
        }
    }
}
