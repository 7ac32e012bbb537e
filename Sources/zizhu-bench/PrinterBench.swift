// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuKiosk
import ZizhuResources

/// Issue 4's figures: encoding a full receipt, and submit → bytes at the emulated printer
/// through a private cupsd and the escposnet backend.
struct PrinterBench {
    let zizhu: String
    let jobs: Int
    var report: Report

    mutating func run() async throws {
        report.section("Receipts through CUPS (issue 4)")
        let paths = KioskPaths.resolve(executable: zizhu)
        let templates = try ReceiptResources.templates(assets: paths.assets)
        guard let template = templates["acceptance"] else { throw BenchError.failed("no acceptance template") }
        let renderer = ReceiptRenderer(profile: .eighty)
        var encode: [Double] = []
        var bytes: [UInt8] = []
        for _ in 0..<2000 {
            let start = now()
            bytes = renderer.render(template.fill(ReceiptResources.Samples.acceptance.values(.zhHans), language: .zhHans)).bytes
            encode.append((now() - start) * 1e6)
        }
        let encoded = Samples(values: encode)
        report.add("encode a full acceptance receipt (80 mm, native QR)", encoded.median, unit: "µs",
                   note: String(format: "p90 %.1f µs, %d bytes", encoded.percentile(90), bytes.count))
        let raster = ReceiptRenderer(profile: .fiftyEight)
        var rasterTimes: [Double] = []
        for _ in 0..<500 {
            let start = now()
            _ = raster.render(template.fill(ReceiptResources.Samples.acceptance.values(.zhHans), language: .zhHans))
            rasterTimes.append((now() - start) * 1e6)
        }
        report.add("encode it for 58 mm (QR as a raster image)", Samples(values: rasterTimes).median, unit: "µs")

        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("zizhu-bench-print-\(getpid())")
        let printer = PrinterSimulator(outputFolder: folder)
        let port = try printer.start()
        let cups = try PrivateCUPS(backends: ["escposnet": paths.shareRoot.appendingPathComponent("Devices/cups/escposnet").path])
        defer {
            cups.stop()
            printer.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        try await cups.start()
        try await cups.addQueue("receipt", uri: "escposnet://127.0.0.1:\(port)/")
        let client = CUPSClient(server: cups.socketPath, queue: "receipt")
        var latencies: [Double] = []
        for index in 1...jobs {
            let file = folder.appendingPathComponent(String(format: "job-%04d.bin", index))
            let start = now()
            guard case .success = await client.submit(bytes, title: "bench \(index)") else { throw BenchError.failed("submit failed") }
            while !FileManager.default.fileExists(atPath: file.path) {
                if now() - start > 10 { throw BenchError.failed("job \(index) never reached the printer") }
                usleep(200)
            }
            latencies.append((now() - start) * 1000)
        }
        let submit = Samples(values: latencies)
        report.add("submit -> bytes at the printer via private cupsd (median of \(jobs))", submit.median, unit: "ms",
                   note: String(format: "p90 %.1f ms; escposnet asks DLE EOT before and after each job", submit.percentile(90)))
    }
}
