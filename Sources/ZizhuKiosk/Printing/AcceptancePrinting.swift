// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuResources
import ZizhuUI

/// The 受理回执 through CUPS, for the screen and for `zizhu submit` alike. The ID number is
/// masked before it reaches the printer; `job-cancel-after` keeps a stuck receipt from
/// coming out for the next citizen.
public enum AcceptancePrinting {
    public static func print(_ receipt: AcceptanceReceipt, site: LocalizedText, kioskID: String, receipts: SampleReceipts,
                             on printer: ReceiptPrinterLink, now: Date) async -> ReceiptState {
        let outcome: ReceiptOutcome
        switch receipt.outcome {
        case .approved: outcome = receipt.owed.isEmpty ? .approved : .toleratedMissing(receipt.owed.map { ($0.material, $0.deadline) })
        case .manualReview, .refused:
            outcome = receipt.owed.isEmpty ? .manualReview : .toleratedMissing(receipt.owed.map { ($0.material, $0.deadline) })
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let document = ReceiptDocuments.Acceptance(site: site, kioskID: kioskID, service: receipt.service,
                                                   acceptanceNumber: receipt.acceptanceNumber, time: formatter.string(from: now),
                                                   maskedID: receipt.maskedID, outcome: outcome, trackingURL: nil, uploaded: false,
                                                   delivery: receipt.delivery?.line, scanned: receipt.scanned)
        let bytes = receipts.acceptance(document, language: receipt.language).bytes
        switch await printer.print(bytes, title: "receipt \(receipt.acceptanceNumber)") {
        case .printed: return .printed
        case .cancelled: return .notPrinted(zh: "打印超时，已取消", en: "Printing timed out and was cancelled")
        case .failed(_, let health, _): return .notPrinted(zh: health.zh, en: health.en)
        }
    }
}
