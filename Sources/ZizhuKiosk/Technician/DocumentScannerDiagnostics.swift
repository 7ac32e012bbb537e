// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import ZizhuCore
import ZizhuProcess

extension KioskDiagnostics {
    /// The document scanner as a technician checks it: the profile loads and SANE lists the
    /// device it names (nothing is scanned: that moves paper and takes seconds; `zizhu scanner
    /// scan` does it on request).
    public struct DocumentScannerStatus: Sendable, Hashable {
        public var profile: String
        /// The SANE device the profile picks, as SANE describes it.
        public var device: String
        /// Why it cannot be used (a bad profile, SANE finds no such scanner).
        public var problem: String?
    }

    public static func documentScanner(profile: String, shareRoot: URL) async -> DocumentScannerStatus {
        let url = shareRoot.appendingPathComponent("Devices/scanners/\(profile).yaml")
        let loaded: DocumentScannerProfile
        do {
            loaded = try DocumentScannerProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch {
            return DocumentScannerStatus(profile: profile, device: "-", problem: "profile \(url.path): \(error)")
        }
        if let camera = loaded.camera {
            // A document camera: there and able to stream (nothing is captured).
            if camera.device.hasPrefix("file:") {
                let path = String(camera.device.dropFirst("file:".count))
                return DocumentScannerStatus(profile: profile, device: camera.device,
                                             problem: FileManager.default.fileExists(atPath: path) ? nil : "no frame file at \(path)")
            }
            let cameras = (try? await ChildProcess.detached { DocumentCameras.list() }) ?? []
            guard let found = cameras.first(where: { $0.path == camera.device }) else {
                let seen = cameras.isEmpty ? "no video capture device" : cameras.map(\.path).joined(separator: ", ")
                return DocumentScannerStatus(profile: profile, device: camera.device, problem: "no camera at \(camera.device) (\(seen))")
            }
            return DocumentScannerStatus(profile: profile, device: "\(found.path) (\(found.driver) \(found.name))", problem: nil)
        }
        let listed = try? await ChildProcess.detached { () -> Result<[SaneScanners.Device], CaptureFault> in
            Result { () throws(CaptureFault) in try SaneScanners.list() }
        }
        switch listed {
        case .success(let devices)?:
            let match = devices.first { $0.name == loaded.device } ?? devices.first { loaded.device.isEmpty || $0.name.hasPrefix(loaded.device) }
            guard let match else {
                let seen = devices.isEmpty ? "SANE lists no scanner" : "SANE lists \(devices.map(\.name).joined(separator: ", "))"
                return DocumentScannerStatus(profile: profile, device: "-", problem: "no scanner '\(loaded.device)': \(seen)")
            }
            return DocumentScannerStatus(profile: profile, device: "\(match.name) (\(match.vendor) \(match.model))", problem: nil)
        case .failure(let fault)?:
            return DocumentScannerStatus(profile: profile, device: "-", problem: fault.description)
        case nil:
            return DocumentScannerStatus(profile: profile, device: "-", problem: "could not start a thread to ask SANE")
        }
    }

    /// The reader check with the document scanner added (the kiosk's input devices share one
    /// area): its facts, and a warning when it is fitted but unusable (citizens can still hand
    /// paper in at a counter).
    public static func reader(_ check: DiagnosticCheck, documentScanner status: DocumentScannerStatus?) -> DiagnosticCheck {
        guard let status else { return check }
        return withInputDevice(check, [DiagnosticFact("文件扫描仪", "Document scanner", "\(status.profile): \(status.device)")],
                               fault: ("扫描仪故障", "Scanner fault"), problem: status.problem,
                               warning: LocalizedText(zh: "文件扫描仪不可用：检查扫描仪电源和 USB 线（纸质材料可到窗口提交）",
                                                      en: "the document scanner is unavailable: check its power and USB cable (paper can be handed in at a counter)"),
                               connected: LocalizedText(zh: "文件扫描仪已连接", en: "Document scanner connected"))
    }
}
