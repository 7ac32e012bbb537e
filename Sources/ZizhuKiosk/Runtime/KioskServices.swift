// SPDX-License-Identifier: Apache-2.0
import ChineseInput
import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuResources
import ZizhuTerminal
import ZizhuUI

/// The parts of the kiosk that are opened after the first frame.
public struct KioskServices {
    public var records = RecordsSource.unavailable
    public var proofs = ProofDesk.unavailable
    public var appointments = AppointmentDesk.unavailable
    public var outbox: KioskOutbox?
    public var helpDesk: HelpDesk
    public var progressDesk = ProgressDesk(worker: nil, outbox: nil)
    /// Who verifies e-ID codes: the platform, the demo's file, or nobody (every code "cannot be checked now").
    public var identityCodes: IdentityCodeWatcher.Verify = { _ in .unavailable }
    public var receipts: SampleReceipts?
    /// Phrase pinyin (librime) and handwriting (Zinnia), started when a visit begins.
    public var pinyin: (any PinyinComposer)?
    public var handwriting: (any HandwritingRecognizer)?
    /// The same input methods, for the loop to prepare and release with each visit.
    public var inputMethods: [any InputMethodLifecycle] = []
    /// 行政区划代码 (`Assets/divisions.tsv`): region fields are checked against it.
    public var divisions: AdministrativeDivisions?

    public init(helpDesk: HelpDesk) { self.helpDesk = helpDesk }
}
