// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Something that happened: raw inputs already mapped to buttons, time passing, the
/// terminal changing size. Past-tense facts; `update` decides what they mean.
public enum Event: Sendable, Hashable {
    /// A button was activated: a touch pressed and released inside it, its keypad key,
    /// or Enter while it had focus. All three are the same event.
    case activated(ButtonID)
    /// A finger came down on a button (it is highlighted until release).
    case pressed(ButtonID)
    /// The finger left: released outside the pressed button, or on nothing.
    case pressCancelled
    /// Arrow keys moved the focus to the button at this index (focus order of the frame).
    case focusMoved(to: Int)
    /// A key that no button on the screen claims.
    case key(Key)
    /// The finger on the handwriting pad (cells relative to the pad).
    case pen(PenEvent)
    /// One second passed (only sent while `AppState.wantsTicks`).
    case tick
    /// Staff came into the hall, or left it for the night (`SessionSettings.staffedHours`).
    case hallStaffed(Bool)
    /// The terminal is now this size.
    case resized(width: Int, height: Int)
    /// An input method (pinyin, handwriting) finished starting: what offers it is drawn again.
    case inputMethodReady
    /// The demo's quit key was pressed (not available in production citizen mode).
    case quitRequested
    /// The service catalogue was loaded and checked.
    case catalogueLoaded(Catalogue)
    /// The 行政区划代码 table was loaded (after the first frame, like the catalogue).
    case divisionsLoaded(AdministrativeDivisions)
    /// The service catalogue could not be loaded; the text says where and why.
    case catalogueFailed(String)
    /// The ID card reader reported something.
    case reader(ReaderEvent)
    /// The receipt printer's health, as checked before a transaction.
    case printerChecked(PrinterHealth)
    /// A sample receipt was laid out for the printer diagnostics.
    case receiptPreviewed(ReceiptPreview)
    /// The technician's test page printed, or did not.
    case testPageFinished(TestPageResult)
    /// The kiosk's date (sent at start and whenever it changes): dates in forms, deadlines
    /// and dated rules use it.
    case clock(CalendarDate)
    /// The platform answered the records lookup for the applicant (nil: it could not be
    /// asked, e.g. offline).
    case recordsLookedUp(ApplicantRecords?)
    /// The scanner answered for the page of this material: captured (with its preview and
    /// the quality gate's verdict) or failed (why, in the citizen's words).
    case pageScanned(materialID: String, ScanStep.Phase)
    /// The outbox stored the application, or could not.
    case submitted(SubmitOutcome)
    /// The 受理回执 printed, or did not (zh/en reason).
    case receiptPrinted(ReceiptState)
    /// The call for help moved on (sent, queued, acknowledged, …).
    case helpUpdated(HelpStatus)
    /// The rating was stored in the outbox, or could not be.
    case rated(RatingState)
    /// The progress lookup answered.
    case progressLookedUp(ProgressLookup)
    /// The queue ticket printed (and is issued), or did not.
    case ticketIssued(TicketState)
    /// 预约: the lookup answered.
    case appointmentsFound(AppointmentLookup)
    /// 打印证明: the platform's list of proofs for the citizen.
    case proofsListed(ProofListing)
    /// 打印证明: the chosen proof printed, or did not.
    case proofPrinted(ProofPrintState)
    /// The kiosk's storage cannot accept applications (nil: it can again).
    case storageChecked(LocalizedText?)
    /// The technician's PIN was checked.
    case technicianPINChecked(PINCheck)
    /// Every diagnostic check, just taken.
    case diagnosed(DiagnosticReport)
    /// A technician action finished (sync now): what it came to.
    case technicianNote(LocalizedText)
}

/// Something the runtime must do. Imperative; adapters perform them and may answer
/// with events later.
public enum Effect: Sendable, Hashable {
    /// An audible alert: the idle countdown has started.
    case beep
    /// The citizen's session is over: drop everything personal held outside the state
    /// (device buffers, temp files) and stop devices that only a session uses.
    case endSession
    /// A log line. Never personal data.
    case log(String)
    /// Leave the kiosk program.
    case quit
    /// A screen wants an ID card: start polling the reader.
    case startCardReading
    /// No screen wants a card any more: stop polling.
    case stopCardReading
    /// A transaction that ends with a receipt is starting: check (and if need be probe)
    /// the printer so the citizen is told before they begin.
    case checkPrinter
    /// Lay out a sample document for this kiosk's printer (answered by `.receiptPreviewed`).
    case previewReceipt(ReceiptSample, Language)
    /// Print the test page through CUPS (answered by `.testPageFinished`).
    case printTestPage
    /// Ask the platform for the applicant's e-licences and credit status (answered by
    /// `.recordsLookedUp`). Carries the full ID number to the adapter; never logged.
    case lookUpRecords(IDNumber)
    /// Load and check the service catalogue again; answered by `.catalogueLoaded` (the
    /// new one, or the last good one) and `.catalogueFailed` when the new one is refused.
    case reloadCatalogue
    /// 扫描纸质材料: scan one page for this material and hold it (answered by `.pageScanned`
    /// with a braille preview of at most `columns` × `rows` cells).
    case scanPage(materialID: String, columns: Int, rows: Int)
    /// Keep the held page (by its token) as the material's next page; it travels with the
    /// application when it is submitted.
    case keepScannedPage(token: Int, materialID: String)
    /// Throw the held page away (retaken, or the citizen left the step).
    case discardScannedPage(token: Int)
    /// Commit the application to the durable outbox (answered by `.submitted`). Nothing
    /// may say 已受理 before the answer.
    case submit(SubmissionRequest)
    /// Print the 受理回执 through CUPS (answered by `.receiptPrinted`).
    case printReceipt(AcceptanceReceipt)
    /// 呼叫帮办 from this screen: send (or queue) a help request; answered by `.helpUpdated`.
    case requestHelp(screen: String)
    /// Store a 好差评 rating in the outbox (answered by `.rated`).
    case rate(RatingRequest)
    /// Ask the platform (else this kiosk's record) where a case stands (answered by `.progressLookedUp`).
    case lookUpProgress(String)
    /// Reserve the next number of a queue, print the ticket, and issue it only if CUPS
    /// confirms (answered by `.ticketIssued`).
    case issueTicket(categoryID: String, language: Language)
    /// 查询进度 by ID card: the applicant's cases (answered by `.progressLookedUp`). Carries
    /// the full ID number to the adapter; never logged.
    case lookUpProgressByCard(IDNumber)
    /// 预约: find today's appointments by code or ID card (answered by `.appointmentsFound`).
    case findAppointment(AppointmentKey)
    /// 预约签到: issue the appointment's ticket (answered by `.ticketIssued`).
    case checkIn(Appointment, Language)
    /// 打印证明: ask the platform which proofs it holds for this person (answered by
    /// `.proofsListed`). Carries the full ID number to the adapter; never logged.
    case listProofs(IDNumber)
    /// 打印证明: fetch one proof from the platform and print it (answered by `.proofPrinted`).
    case printProof(id: String, holder: String, idNumber: IDNumber, language: Language)
    /// 语音提示: say these texts, in this language (espeak-ng; cut short by the next one).
    case speak([UIText], Language)
    /// 语音提示: say this text, then a code spelled out character by character with a pause
    /// at each dash (the 受理编号, so it can be written down as it is heard).
    case speakCode(UIText, code: String, Language)
    /// Check the technician's PIN against the stored hash, with the lockout (answered by
    /// `.technicianPINChecked`). The PIN is never logged.
    case verifyTechnicianPIN(String)
    /// Take every diagnostic check (answered by `.diagnosed`).
    case runDiagnostics
    /// Drain the outbox now (answered by `.technicianNote`, then `.diagnosed`).
    case syncNow
}

/// The finger on the handwriting pad, at a cell relative to the pad's corner, with the
/// pad's size in cells (the layout decides it; the drawing is kept in its pixels).
public struct PenEvent: Sendable, Hashable {
    public enum Motion: Sendable, Hashable {
        case down, moved, up
        /// A terminal that reports only clicks: a dot (still a stroke: 丶).
        case dot
    }

    public var motion: Motion
    public var x: Int
    public var y: Int
    public var padWidth: Int
    public var padHeight: Int

    public init(_ motion: Motion, x: Int, y: Int, pad: Rect) {
        self.motion = motion
        self.x = x - pad.x
        self.y = y - pad.y
        padWidth = pad.width
        padHeight = pad.height
    }
}
