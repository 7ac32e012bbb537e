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
    case featureSubmit = "feature.submit"

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

    case diagCatalogueReload = "diag.catalogue.reload"

    case idleQuestion = "idle.question"
    case idleExplain = "idle.explain"
    case idleContinue = "idle.continue"

    case detailMaterialElicence = "detail.material_elicence"
    case detailMaterialTolerable = "detail.material_tolerable"
    case formHeadline = "form.headline"
    case formBig = "form.big"
    case formProgress = "form.progress"
    case formOptional = "form.optional"
    case formFromCard = "form.from_card"
    case formFromElicence = "form.from_elicence"
    case formPrefillFailed = "form.prefill_failed"
    case formEntered = "form.entered"
    case formRecordsPending = "form.records_pending"
    case formRecordsUnavailable = "form.records_unavailable"
    case formKeypadPrompt = "form.keypad_prompt"
    case formDatePrompt = "form.date_prompt"
    case formIdPrompt = "form.id_prompt"
    case formKeepPrompt = "form.keep_prompt"
    case formSkipPrompt = "form.skip_prompt"
    case formChoosePrompt = "form.choose_prompt"
    case formTextPrompt = "form.text_prompt"
    case formTextNeeded = "form.text_needed"
    case formConfirm = "form.confirm"
    case formDelete = "form.delete"
    case formYes = "form.yes"
    case formNo = "form.no"
    case formTypeText = "form.type_text"
    case formCurrent = "form.current"
    case formNone = "form.none"
    case keyboardHeadline = "keyboard.headline"
    case keyboardPinyinHint = "keyboard.pinyin_hint"
    case keyboardLatinHint = "keyboard.latin_hint"
    case keyboardCandidates = "keyboard.candidates"
    case keyboardNoCandidates = "keyboard.no_candidates"
    case keyboardNoDictionary = "keyboard.no_dictionary"
    case keyboardClear = "keyboard.clear"
    case keyboardBackspace = "keyboard.backspace"
    case keyboardDone = "keyboard.done"
    case materialsHeadline = "materials.headline"
    case materialsBig = "materials.big"
    case materialsSubtitle = "materials.subtitle"
    case materialsFound = "materials.found"
    case materialsGradeLow = "materials.grade_low"
    case materialsMissing = "materials.missing"
    case materialsPaper = "materials.paper"
    case materialsCommitted = "materials.committed"
    case materialsTolerable = "materials.tolerable"
    case materialsCommit = "materials.commit"
    case materialsNext = "materials.next"
    case materialsNone = "materials.none"
    case commitmentHeadline = "commitment.headline"
    case commitmentBig = "commitment.big"
    case commitmentMaterial = "commitment.material"
    case commitmentDeadline = "commitment.deadline"
    case commitmentRead = "commitment.read"
    case commitmentNote = "commitment.note"
    case commitmentConfirm = "commitment.confirm"
    case precheckHeadline = "precheck.headline"
    case precheckBig = "precheck.big"
    case precheckOutcome = "precheck.outcome"
    case precheckPart = "precheck.part"
    case precheckNotVerified = "precheck.not_verified"
    case precheckNotApplicable = "precheck.not_applicable"
    case precheckCommitted = "precheck.committed"
    case precheckWhatToDo = "precheck.what_to_do"
    case precheckOwed = "precheck.owed"
    case precheckSubmit = "precheck.submit"
    case precheckRefusedHint = "precheck.refused_hint"
    case precheckPage = "precheck.page"

    case submittedHeadline = "submitted.headline"
    case submittedBig = "submitted.big"
    case submittedSaving = "submitted.saving"
    case submittedAccepted = "submitted.accepted"
    case submittedNumber = "submitted.number"
    case submittedOutcome = "submitted.outcome"
    case submittedOwed = "submitted.owed"
    case submittedOwedItem = "submitted.owed_item"
    case submittedUpload = "submitted.upload"
    case submittedKeepNumber = "submitted.keep_number"
    case submittedFailed = "submitted.failed"
    case submittedDone = "submitted.done"

    case submittedReceiptPrinting = "submitted.receipt_printing"
    case submittedReceiptPrinted = "submitted.receipt_printed"
    case submittedReceiptNotPrinted = "submitted.receipt_not_printed"
    case submittedRate = "submitted.rate"

    case helpHeadline = "help.headline"
    case helpBig = "help.big"
    case helpSending = "help.sending"
    case helpQueued = "help.queued"
    case helpSent = "help.sent"
    case helpWait = "help.wait"
    case helpComing = "help.coming"
    case helpUnavailable = "help.unavailable"
    case helpMeanwhile = "help.meanwhile"

    case ratingHeadline = "rating.headline"
    case ratingBig = "rating.big"
    case ratingSubtitle = "rating.subtitle"
    case ratingVerySatisfied = "rating.very_satisfied"
    case ratingSatisfied = "rating.satisfied"
    case ratingAcceptable = "rating.acceptable"
    case ratingDissatisfied = "rating.dissatisfied"
    case ratingVeryDissatisfied = "rating.very_dissatisfied"
    case ratingReasonHeadline = "rating.reason_headline"
    case ratingReasonWaiting = "rating.reason.waiting"
    case ratingReasonComplicated = "rating.reason.complicated"
    case ratingReasonDevice = "rating.reason.device"
    case ratingReasonUnclear = "rating.reason.unclear"
    case ratingReasonOutcome = "rating.reason.outcome"
    case ratingSkip = "rating.skip"
    case ratedHeadline = "rated.headline"
    case ratedBig = "rated.big"
    case ratedSaving = "rated.saving"
    case ratedThanks = "rated.thanks"
    case ratedTakeCard = "rated.take_card"
    case ratedFailed = "rated.failed"

    case progressHeadline = "progress.headline"
    case progressBig = "progress.big"
    case progressPrompt = "progress.prompt"
    case progressNumber = "progress.number"
    case progressHintDate = "progress.hint_date"
    case progressHintCode = "progress.hint_code"
    case progressHintReady = "progress.hint_ready"
    case progressLooking = "progress.looking"
    case progressNotFound = "progress.not_found"
    case progressUnavailable = "progress.unavailable"
    case progressService = "progress.service"
    case progressStatus = "progress.status"
    case progressApproved = "progress.approved"
    case progressRefused = "progress.refused"
    case progressInReview = "progress.in_review"
    case progressReason = "progress.reason"
    case progressFromPlatform = "progress.from_platform"
    case progressFromKiosk = "progress.from_kiosk"
    case progressUploaded = "progress.uploaded"
    case progressNotUploaded = "progress.not_uploaded"

    case ticketHeadline = "ticket.headline"
    case ticketBig = "ticket.big"
    case ticketPrompt = "ticket.prompt"
    case ticketPrinterDown = "ticket.printer_down"
    case ticketPrinting = "ticket.printing"
    case ticketYourNumber = "ticket.your_number"
    case ticketDetails = "ticket.details"
    case ticketTake = "ticket.take"
    case ticketNotIssued = "ticket.not_issued"
    case ticketWhatToDo = "ticket.what_to_do"

    case appointmentHeadline = "appointment.headline"
    case appointmentBig = "appointment.big"
    case appointmentPrompt = "appointment.prompt"
    case appointmentCode = "appointment.code"
    case appointmentOrCard = "appointment.or_card"
    case appointmentLooking = "appointment.looking"
    case appointmentNotFound = "appointment.not_found"
    case appointmentUnavailable = "appointment.unavailable"
    case appointmentWalkIn = "appointment.walk_in"
    case appointmentTakeTicket = "appointment.take_ticket"
    case appointmentChoose = "appointment.choose"
    case appointmentCheckIn = "appointment.check_in"
    case ticketAppointmentFirst = "ticket.appointment_first"
    case proofsHeadline = "proofs.headline"
    case proofsBig = "proofs.big"
    case proofsFor = "proofs.for"
    case proofsLoading = "proofs.loading"
    case proofsChoose = "proofs.choose"
    case proofsNone = "proofs.none"
    case proofsUnavailable = "proofs.unavailable"
    case proofsAlternatives = "proofs.alternatives"
    case proofsApply = "proofs.apply"
    case proofsPrinting = "proofs.printing"
    case proofsPrinted = "proofs.printed"
    case proofsVerification = "proofs.verification"
    case proofsTake = "proofs.take"
    case proofsNotPrinted = "proofs.not_printed"
    case outOfServiceHeadline = "out_of_service.headline"
    case outOfServiceBig = "out_of_service.big"
    case outOfServiceBody = "out_of_service.body"
    case outOfServiceWhatToDo = "out_of_service.what_to_do"
    case homeOutOfService = "home.out_of_service"
    case techPinHeadline = "tech.pin.headline"
    case techPinPrompt = "tech.pin.prompt"
    case techPinTyped = "tech.pin.typed"
    case techPinChecking = "tech.pin.checking"
    case techPinWrong = "tech.pin.wrong"
    case techPinLocked = "tech.pin.locked"
    case techPinNotConfigured = "tech.pin.not_configured"
    case techMenuHeadline = "tech.menu.headline"
    case techMenuSubtitle = "tech.menu.subtitle"
    case techChecking = "tech.checking"
    case techHealthy = "tech.healthy"
    case techWarnings = "tech.warnings"
    case techUnhealthy = "tech.unhealthy"
    case techTakenAt = "tech.taken_at"
    case techExit = "tech.exit"
    case techRecheck = "tech.recheck"
    case techTestRead = "tech.test_read"
    case techTestReadWaiting = "tech.test_read.waiting"
    case techSyncNow = "tech.sync_now"
    case techStatusOK = "tech.status.ok"
    case techStatusWarning = "tech.status.warning"
    case techStatusFailed = "tech.status.failed"
    case techStatusSkipped = "tech.status.skipped"

    case tooSmallTitle = "too_small.title"
    case tooSmallBody = "too_small.body"

    /// Keys drawn as big block-glyph headlines in elder mode (their glyphs must exist).
    public static let bigHeadlines: [UIText] = [
        .homeBig, .homeMoreBig, .unavailableBig, .catalogueBig, .listPersonalBig, .listBusinessBig,
        .listHotBig, .listDepartmentBig, .departmentsBig, .searchBig, .detailBig, .identifyBig,
        .formBig, .materialsBig, .commitmentBig, .precheckBig, .submittedBig, .helpBig, .ratingBig, .ratedBig, .progressBig, .ticketBig,
        .outOfServiceBig, .proofsBig, .appointmentBig,
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
        case .submit: return .featureSubmit
        }
    }
}

extension Screen {
    /// 语音提示: what a citizen hears on arriving at this screen (the headline and what to
    /// do). Technician screens are never spoken.
    public var spokenPrompt: [UIText]? {
        switch self {
        case .home: return [.homeHeadline, .homeSubtitle]
        case .homeMore: return [.homeMoreHeadline]
        case .unavailable: return [.unavailableHeadline]
        case .catalogue: return [.catalogueHeadline]
        case .departments: return [.departmentsHeadline]
        case .search: return [.searchPrompt]
        case .identify, .identifyForProofs: return [.identifyPlace]
        case .proofs: return [.proofsHeadline]
        case .proofPrinting: return [.proofsHeadline]
        case .applicationForm: return [.formHeadline]
        case .keyboard: return [.keyboardHeadline]
        case .materials: return [.materialsHeadline]
        case .commitment: return [.commitmentHeadline]
        case .precheck: return [.precheckHeadline]
        case .submitted: return [.submittedHeadline]
        case .help: return [.helpHeadline]
        case .rating: return [.ratingHeadline]
        case .ratingReason: return [.ratingReasonHeadline]
        case .rated: return [.ratedHeadline]
        case .progressLookup: return [.progressPrompt]
        case .progressResult: return [.progressHeadline]
        case .queueCategories: return [.ticketPrompt]
        case .appointment: return [.appointmentPrompt]
        case .appointmentFound: return [.appointmentHeadline]
        case .ticket: return [.ticketHeadline]
        case .outOfService: return [.outOfServiceHeadline, .outOfServiceWhatToDo]
        case .services, .serviceDetail: return nil   // lists: the citizen is reading, not waiting
        case .printerDiagnostics, .technicianPIN, .technicianMenu, .technicianArea: return nil
        }
    }
}
