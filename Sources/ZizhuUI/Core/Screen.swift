// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// A feature a home button leads to.
public enum Feature: String, Sendable, Hashable, CaseIterable {
    case services        // 办事
    case printProof      // 打印证明
    case queueTicket     // 取号
    case appointment     // 预约
    case progress        // 查询进度
    case help            // 呼叫帮办
}

/// Which services a list shows.
public enum ServiceListKind: Sendable, Hashable {
    case theme(ServiceTheme)
    case department(String)
    case hot
}

/// Entries of the 办事 hub.
public enum CatalogueEntry: String, Sendable, Hashable, CaseIterable {
    case personal, business, departments, hot, search
}

/// What the kiosk is showing. One case ↔ one view function (in its feature's folder,
/// `ZizhuUI/Features/<Feature>/`) ↔ one snapshot family.
public enum Screen: Sendable, Hashable {
    /// The attract screen.
    case home
    /// Elder mode's home shows fewer choices; the rest are here.
    case homeMore
    /// The 办事 hub: by theme, by department, hot items, by number code.
    case catalogue
    case services(ServiceListKind, page: Int)
    case departments(page: Int)
    /// Keypad search by service code; `code` holds the digits typed so far.
    case search(code: String)
    case serviceDetail(id: String, page: Int)
    /// 身份核验: the citizen places their ID card (or types the number where allowed)
    /// before applying for a service.
    case identify(serviceID: String)
    /// 打印证明 starts with the ID card (card only: a typed number must not fetch someone
    /// else's proofs).
    case identifyForProofs
    /// 打印证明: the proofs the platform holds for the citizen.
    case proofs
    /// 打印证明: the chosen proof printing, printed, or why not.
    case proofPrinting
    /// Technician: printer state and reasons, a text preview of each receipt as this
    /// kiosk's printer lays it out (`page` pages through it), the test page.
    case printerDiagnostics(ReceiptSample, page: Int)
    /// 填写申请: one field of the application at a time (`AppState.application`).
    case applicationForm(field: Int)
    /// Typing free text into a field: pinyin for Chinese, letters for codes.
    case keyboard(field: Int)
    /// 申请材料: e-licences found (with grade), what is missing, 容缺 commitments.
    case materials(page: Int)
    /// 告知承诺: the commitment text for one tolerable material, confirmed or not.
    case commitment(materialID: String)
    /// 扫描纸质材料: the pages of one paper material, scanned at the kiosk.
    case scanMaterial(materialID: String)
    /// 核对信息: every field and material on one (paged) screen before the pre-check, each
    /// field editable from here and back.
    case review(page: Int)
    /// 智能预审: every rule's result with ✓/✗, its reason and what to do about a ✗.
    case precheck(page: Int)
    /// 已受理 (or why not): the 受理编号, the outcome, what is still owed and by when.
    case submitted
    /// 呼叫帮办: the call's number and whether staff are coming.
    case help
    /// 好差评: five levels for the case just submitted.
    case rating
    /// A low rating: why (optional).
    case ratingReason(level: Int)
    /// Thanks for the rating (or why it could not be kept).
    case rated
    /// 查询进度: typing a 受理编号 (`typed` is what follows `ZZ`, without dashes).
    case progressLookup(typed: String)
    /// 查询进度: the answer, and where it came from.
    case progressResult
    /// 预约签到: type the 6-digit appointment code, or place the ID card.
    case appointment(typed: String)
    /// 预约签到: today's appointments found, each with its check-in button (or why none).
    case appointmentFound
    /// 取号: the hall's queues.
    case queueCategories
    /// 取号: the ticket printing, printed, or why not.
    case ticket
    /// 暂停服务: 办事 cannot be offered now (storage or catalogue down); what to do instead.
    case outOfService
    /// 技术人员模式: the PIN (`typed` is never drawn, only its length).
    case technicianPIN(typed: String)
    /// 技术人员模式: every area with its status mark.
    case technicianMenu
    /// 技术人员模式: one area's facts and its actions.
    case technicianArea(DiagnosticArea)

    /// A short stable name for logs and snapshot files (never personal data).
    public var name: String {
        switch self {
        case .home: return "home"
        case .homeMore: return "home-more"
        case .catalogue: return "catalogue"
        case .services(let kind, _):
            switch kind {
            case .theme(let theme): return "services-\(theme.rawValue)"
            case .department: return "services-department"
            case .hot: return "services-hot"
            }
        case .departments: return "departments"
        case .search: return "search"
        case .serviceDetail: return "service-detail"
        case .identify: return "identify"
        case .identifyForProofs: return "identify-proofs"
        case .proofs: return "proofs"
        case .proofPrinting: return "proof-printing"
        case .printerDiagnostics: return "printer-diagnostics"
        case .applicationForm: return "application-form"
        case .keyboard: return "keyboard"
        case .materials: return "materials"
        case .commitment: return "commitment"
        case .scanMaterial: return "scan-material"
        case .review: return "review"
        case .precheck: return "precheck"
        case .submitted: return "submitted"
        case .help: return "help"
        case .rating: return "rating"
        case .ratingReason: return "rating-reason"
        case .rated: return "rated"
        case .progressLookup: return "progress-lookup"
        case .progressResult: return "progress-result"
        case .appointment: return "appointment"
        case .appointmentFound: return "appointment-found"
        case .queueCategories: return "queue-categories"
        case .ticket: return "ticket"
        case .outOfService: return "out-of-service"
        case .technicianPIN: return "technician-pin"
        case .technicianMenu: return "technician-menu"
        case .technicianArea(let area): return "technician-\(area.rawValue)"
        }
    }
}

/// What a button does. Touch and keypad both end up as `Event.activated(ButtonID)`.
public enum ButtonID: Sendable, Hashable {
    case feature(Feature)
    case toggleElderMode
    case toggleLanguage
    case more
    case back
    case goHome
    case pagePrevious
    case pageNext
    case catalogue(CatalogueEntry)
    case department(String)
    case service(String)
    case digit(Int)
    case deleteDigit
    case confirm
    /// 已受理 screen: rate this case.
    case startRating
    /// Rating screen: a level, 5 (非常满意) … 1 (非常不满意).
    case rate(Int)
    /// Low rating: a reason (its id), or none.
    case ratingReason(String)
    case skipRatingReason
    /// Progress lookup: a letter A–F of the 受理编号.
    case hexLetter(Character)
    /// 打印证明: print this proof (its id).
    case proof(String)
    /// 查询进度 / 预约签到: use the ID card instead of typing (starts the reader).
    case lookUpByCard
    /// 预约签到: check this appointment in (its code).
    case checkIn(String)
    /// 取号: a queue (its id).
    case queueCategory(String)
    case apply(String)
    case continueSession
    /// Identify screen: read the card again after a failure.
    case retryCard
    /// Identify screen: type the ID number instead (services that allow it).
    case manualEntry
    /// Manual entry: the check character X.
    case checkCharacterX
    /// Identify screen: identity confirmed, go on with the application.
    case proceed
    /// Form: a choice (or 是/否) for the current field.
    case choose(String)
    /// Form: open the keyboard for a text field.
    case openKeyboard
    /// Keyboard: a letter key.
    case letter(Character)
    /// Keyboard: a candidate for the pinyin typed or the character written.
    case candidate(InputCandidate)
    /// Keyboard: write by hand or spell pinyin.
    case inputMode(InputMode)
    /// Handwriting: wipe the pad (重写).
    case clearDrawing
    /// Keyboard: clear what was typed.
    case clearText
    /// Keyboard: take the text into the field.
    case keyboardDone
    /// Materials: show the commitment for this tolerable material.
    case commit(String)
    /// Commitment screen: the applicant confirms the commitment.
    case confirmCommitment
    /// Materials: scan this paper material at the kiosk (its id).
    case scanMaterial(String)
    /// 扫描纸质材料: scan the page on the glass now.
    case startScan
    /// 扫描纸质材料: keep the page just scanned.
    case keepPage
    /// 扫描纸质材料: throw the page just scanned away and scan again.
    case retakePage
    /// 扫描纸质材料: done with this material (back to the materials).
    case finishScan
    /// Materials: go on to 核对信息.
    case toReview
    /// 核对信息: change this field (its index), then come back.
    case editField(Int)
    /// 核对信息: go on to the pre-check.
    case toPrecheck
    /// Pre-check: submit the application.
    case submitApplication
    /// Printer diagnostics: preview the next sample document.
    case nextSample
    /// Printer diagnostics: print the test page.
    case printTestPage
    /// Printer diagnostics: ask the printer again.
    case recheckPrinter
    /// Diagnostics: load the service catalogue again (refused if it has errors).
    case reloadCatalogue
    /// Technician menu: open one area.
    case technicianArea(DiagnosticArea)
    /// Technician: run every check again.
    case runDiagnostics
    /// Technician, reader: wait for a card and show what was read (masked).
    case testRead
    /// Technician, outbox: send what is due now.
    case syncNow
}
