/// Keys of the kiosk's fixed UI vocabulary. Every key must exist in every
/// `Assets/strings/<language>.yaml`; the tables are checked when they are loaded.
public enum UIText: String, Sendable, CaseIterable {
    case brand = "brand"
    case languageName = "language.name"
    case elderBadge = "elder.badge"
    case footerHotline = "footer.hotline"
    case footerKiosk = "footer.kiosk"
    case footerQuitDemo = "footer.quit_demo"

    case homeHeadline = "home.headline"
    case homeBig = "home.big"
    case homeSubtitle = "home.subtitle"
    case homeServices = "home.services"
    case homeServicesDetail = "home.services.detail"
    case homePrintProof = "home.print_proof"
    case homePrintProofDetail = "home.print_proof.detail"
    case homeQueueTicket = "home.queue_ticket"
    case homeQueueTicketDetail = "home.queue_ticket.detail"
    case homeAppointment = "home.appointment"
    case homeAppointmentDetail = "home.appointment.detail"
    case homeProgress = "home.progress"
    case homeProgressDetail = "home.progress.detail"
    case homeHelp = "home.help"
    case homeHelpDetail = "home.help.detail"
    case homeElderOn = "home.elder_on"
    case homeElderOff = "home.elder_off"
    case homeElderDetail = "home.elder.detail"
    case homeLanguage = "home.language"
    case homeLanguageDetail = "home.language.detail"
    case homeMore = "home.more"
    case homeMoreHeadline = "home_more.headline"
    case homeMoreBig = "home_more.big"

    case navBack = "nav.back"
    case navHome = "nav.home"
    case navPrevious = "nav.previous"
    case navNext = "nav.next"
    case navHelp = "nav.help"

    case unavailableHeadline = "unavailable.headline"
    case unavailableBig = "unavailable.big"
    case unavailableBody = "unavailable.body"
    case unavailableWhatToDo = "unavailable.what_to_do"
    case unavailableHelpWhatToDo = "unavailable.help_what_to_do"
    case featureApply = "feature.apply"

    case catalogueHeadline = "catalogue.headline"
    case catalogueBig = "catalogue.big"
    case catalogueSubtitle = "catalogue.subtitle"
    case cataloguePersonal = "catalogue.personal"
    case cataloguePersonalDetail = "catalogue.personal.detail"
    case catalogueBusiness = "catalogue.business"
    case catalogueBusinessDetail = "catalogue.business.detail"
    case catalogueDepartments = "catalogue.departments"
    case catalogueDepartmentsDetail = "catalogue.departments.detail"
    case catalogueHot = "catalogue.hot"
    case catalogueHotDetail = "catalogue.hot.detail"
    case catalogueSearch = "catalogue.search"
    case catalogueSearchDetail = "catalogue.search.detail"
    case catalogueEmpty = "catalogue.empty"

    case listPersonalBig = "list.personal.big"
    case listBusinessBig = "list.business.big"
    case listHotBig = "list.hot.big"
    case listDepartmentBig = "list.department.big"
    case listSubtitle = "list.subtitle"
    case listCode = "list.code"
    case departmentsHeadline = "departments.headline"
    case departmentsBig = "departments.big"
    case departmentsSubtitle = "departments.subtitle"
    case departmentsCount = "departments.count"

    case searchHeadline = "search.headline"
    case searchBig = "search.big"
    case searchPrompt = "search.prompt"
    case searchCode = "search.code"
    case searchDelete = "search.delete"
    case searchConfirm = "search.confirm"
    case searchMatches = "search.matches"
    case searchNoMatch = "search.no_match"
    case searchNotFound = "search.not_found"

    case detailBig = "detail.big"
    case detailCode = "detail.code"
    case detailDepartment = "detail.department"
    case detailConditions = "detail.conditions"
    case detailMaterials = "detail.materials"
    case detailTimeLimit = "detail.time_limit"
    case detailLegalDays = "detail.legal_days"
    case detailPromisedDays = "detail.promised_days"
    case detailOnTheSpot = "detail.on_the_spot"
    case detailFee = "detail.fee"
    case detailIdentity = "detail.identity"
    case detailIdentityCard = "detail.identity.card"
    case detailIdentityCardOrManual = "detail.identity.card_or_manual"
    case detailApply = "detail.apply"

    case identifyHeadline = "identify.headline"
    case identifyBig = "identify.big"
    case identifyFor = "identify.for"
    case identifyPlace = "identify.place"
    case identifyPlaceHint = "identify.place_hint"
    case identifyReading = "identify.reading"
    case identifySuccess = "identify.success"
    case identifyName = "identify.name"
    case identifyNumber = "identify.number"
    case identifyCardType = "identify.card_type"
    case identifyManualSource = "identify.manual_source"
    case identifyTakeCard = "identify.take_card"
    case identifyCardTaken = "identify.card_taken"
    case identifyProceed = "identify.proceed"
    case identifyRetry = "identify.retry"
    case identifyManual = "identify.manual"
    case identifyManualPrompt = "identify.manual_prompt"
    case identifyManualCount = "identify.manual_count"
    case identifyDelete = "identify.delete"

    case diagPrinterHeadline = "diag.printer.headline"
    case diagPrinterSubtitle = "diag.printer.subtitle"
    case diagPrinterStatus = "diag.printer.status"
    case diagPrinterChecking = "diag.printer.checking"
    case diagPrinterUnknown = "diag.printer.unknown"
    case diagPrinterCitizensSee = "diag.printer.citizens_see"
    case diagPrinterProfile = "diag.printer.profile"
    case diagPrinterQRNative = "diag.printer.qr_native"
    case diagPrinterQRImage = "diag.printer.qr_image"
    case diagPrinterCutter = "diag.printer.cutter"
    case diagPrinterNoCutter = "diag.printer.no_cutter"
    case diagPrinterImages = "diag.printer.images"
    case diagPrinterBytes = "diag.printer.bytes"
    case diagPrinterPreview = "diag.printer.preview"
    case diagPrinterPreparing = "diag.printer.preparing"
    case diagPrinterPage = "diag.printer.page"
    case diagPrinterNextSample = "diag.printer.next_sample"
    case diagPrinterTestPage = "diag.printer.test_page"
    case diagPrinterRecheck = "diag.printer.recheck"
    case diagPrinterTestPrinting = "diag.printer.test_printing"
    case diagPrinterTestPrinted = "diag.printer.test_printed"
    case diagPrinterTestFailed = "diag.printer.test_failed"

    case idleQuestion = "idle.question"
    case idleExplain = "idle.explain"
    case idleContinue = "idle.continue"

    case tooSmallTitle = "too_small.title"
    case tooSmallBody = "too_small.body"

    /// Keys drawn as big block-glyph headlines in elder mode (their glyphs must exist).
    public static let bigHeadlines: [UIText] = [
        .homeBig, .homeMoreBig, .unavailableBig, .catalogueBig, .listPersonalBig, .listBusinessBig,
        .listHotBig, .listDepartmentBig, .departmentsBig, .searchBig, .detailBig, .identifyBig,
    ]

    /// The name of a feature, for the 暂未开通 screen.
    static func name(of feature: Feature) -> UIText {
        switch feature {
        case .services: return .homeServices
        case .printProof: return .homePrintProof
        case .queueTicket: return .homeQueueTicket
        case .appointment: return .homeAppointment
        case .progress: return .homeProgress
        case .help: return .homeHelp
        case .apply: return .featureApply
        }
    }
}
