// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuUI
import ZizhuWire

/// 打印证明: asks the platform which proofs it holds for the citizen, fetches the chosen
/// one (issued now, with its verification code) and prints it through CUPS. The demo
/// kiosk answers from `Devices/simulator/demo-records.yaml`. Offline, nothing is printed
/// and the citizen is told so.
public struct ProofDesk: Sendable {
    let list: @Sendable (IDNumber) async -> [ProofItem]?
    let issue: @Sendable (String, IDNumber) async -> ProofDocument?

    public init(list: @escaping @Sendable (IDNumber) async -> [ProofItem]?,
                issue: @escaping @Sendable (String, IDNumber) async -> ProofDocument?) {
        self.list = list
        self.issue = issue
    }

    /// No platform link: every answer is "unavailable".
    public static let unavailable = ProofDesk(list: { _ in nil }, issue: { _, _ in nil })

    /// The enrolled kiosk's platform.
    public static func platform(_ worker: PlatformClient) -> ProofDesk {
        ProofDesk(list: { number in
            await worker.proofs(idNumber: number.unmasked)?.proofs.map { ProofItem(id: $0.id, title: $0.title) }
        }, issue: { id, number in
            await worker.proof(id: id, idNumber: number.unmasked)
        })
    }

    /// The demo platform's records (verification codes marked as demo).
    public static func demo(records: [String: ApplicantRecords]) -> ProofDesk {
        ProofDesk(list: { number in
            (records[number.unmasked]?.proofs ?? []).map { ProofItem(id: $0.id, title: $0.title) }
        }, issue: { id, number in
            guard let held = records[number.unmasked]?.proofs.first(where: { $0.id == id }) else { return nil }
            let issuedAt = UTCTime.iso(Date())
            let digest = SHA256.hash(data: Data("\(id)|\(number.unmasked)|\(issuedAt)".utf8))
            let code = "DEMO-" + digest.prefix(5).map { String(format: "%02X", $0) }.joined()
            return ProofDocument(id: held.id, title: held.title, issuer: held.issuer, lines: held.lines, verificationCode: code,
                                 issuedAt: issuedAt)
        })
    }

    public func proofs(for number: IDNumber) async -> ProofListing {
        guard let items = await list(number) else { return .unavailable }
        return .found(items)
    }

    /// Fetches the proof and prints it; the ID number on paper is masked.
    public func print(id: String, holder: String, number: IDNumber, language: Language, site: LocalizedText,
                      receipts: SampleReceipts, printer: ReceiptPrinterLink) async -> ProofPrintState {
        let health = await printer.check()
        guard health.canPrint else { return .notPrinted(zh: health.zh, en: health.en) }
        guard let document = await issue(id, number) else {
            return .notPrinted(zh: "暂时无法从政务平台获取该证明", en: "the proof could not be fetched from the platform")
        }
        let proof = ReceiptDocuments.Proof(site: site, title: document.title, holder: holder, maskedID: number.masked, lines: document.lines,
                                           issuer: document.issuer, verificationCode: document.verificationCode, seal: document.seal,
                                           time: Self.localTime(document.issuedAt))
        switch await printer.print(receipts.proof(proof, language: language).bytes, title: "proof") {
        case .printed: return .printed(title: document.title, verificationCode: document.verificationCode)
        case .cancelled(_, _): return .notPrinted(zh: "打印超时，已取消", en: "printing timed out and was cancelled")
        case .failed(_, let health, _): return .notPrinted(zh: health.zh, en: health.en)
        }
    }

    /// "2026-11-22T10:00:00Z" → "2026-11-22 18:00" (China time), as receipts print it.
    static func localTime(_ iso: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
        let formatter = DateFormatter()
        formatter.timeZone = BeijingTime.zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
