// SPDX-License-Identifier: Apache-2.0
import Foundation
import QRScanner
import ZizhuCore

extension KioskDiagnostics {
    /// The e-ID QR scanner as a technician checks it: the profile loads and the port opens
    /// (nothing is read from it: a code being scanned is the kiosk's).
    public struct QRScannerStatus: Sendable, Hashable {
        public var profile: String
        public var transport: String
        /// Why it cannot be used (a bad profile, the port missing or refused).
        public var problem: String?
    }

    public static func qrScanner(profile: String, port: String?, shareRoot: URL) -> QRScannerStatus {
        let url = shareRoot.appendingPathComponent("Devices/qr/\(profile).yaml")
        let loaded: ScannerProfile
        do {
            loaded = try ScannerProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch {
            return QRScannerStatus(profile: profile, transport: "-", problem: "profile \(url.path): \(error)")
        }
        do {
            let scanner = try QRScanners.open(loaded, port: port)
            return QRScannerStatus(profile: profile, transport: scanner.description, problem: nil)
        } catch {
            return QRScannerStatus(profile: profile, transport: port.map { "serial \($0)" } ?? "hid \(loaded.deviceName ?? "-")",
                                   problem: error.description)
        }
    }

    /// The reader check with the QR scanner added: its facts, and a warning when it is fitted
    /// but unusable (citizens can still use their ID card).
    public static func reader(_ check: DiagnosticCheck, qrScanner status: QRScannerStatus?) -> DiagnosticCheck {
        guard let status else { return check }
        return withInputDevice(check, [DiagnosticFact("扫码器", "QR scanner", "\(status.profile): \(status.transport)")],
                               fault: ("扫码器故障", "QR scanner fault"), problem: status.problem,
                               warning: LocalizedText(zh: "扫码器不可用：检查扫码器连接和 qr_scanner.port（市民仍可用身份证）",
                                                      en: "the QR scanner is unavailable: check its cable and qr_scanner.port (citizens can still use their ID card)"),
                               connected: LocalizedText(zh: "扫码器已连接", en: "QR scanner connected"))
    }

    /// The reader check (the kiosk's input devices share one area) with one more device: its
    /// fact, and when it is fitted but unusable its fault and a warning saying what to do
    /// (citizens have another way); a reader check with nothing else becomes OK.
    static func withInputDevice(_ check: DiagnosticCheck, _ facts: [DiagnosticFact], fault: (zh: String, en: String), problem: String?,
                                warning: LocalizedText, connected: LocalizedText) -> DiagnosticCheck {
        var check = check
        check.facts += facts
        if let problem {
            check.facts.append(DiagnosticFact(fault.zh, fault.en, problem))
            check.status = max(check.status, .warning)
            check.summary = LocalizedText(zh: check.summary.zh + "；" + warning.zh, en: check.summary.en + "; " + warning.en)
        } else if check.status == .skipped {
            check.status = .ok
            check.summary = connected
        }
        return check
    }
}
