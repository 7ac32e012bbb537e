// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印机诊断's slice of the session (the printer's health is the kiosk's, kept across
/// sessions).
public struct PrinterDiagnosticsState: Sendable, Hashable {
    /// The sample receipt laid out for this kiosk's printer.
    public var preview: ReceiptPreview?
    /// The last test page.
    public var testPage: TestPageResult?
    /// A printer check has been asked for and has not answered yet.
    public var checkPending = false
    public init() {}
}
