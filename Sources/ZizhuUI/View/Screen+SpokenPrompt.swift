// SPDX-License-Identifier: Apache-2.0
extension Screen {
    /// 语音提示: what a citizen hears on arriving at this screen (the headline and what to
    /// do). Technician screens are never spoken.
    public var spokenPrompt: [UIText]? {
        switch self {
        case .home: return [.homeHeadline, .homeSubtitle]
        case .homeMore: return [.homeMoreHeadline]
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
        case .scanMaterial: return [.scanHeadline]
        case .review: return [.reviewHeadline, .reviewSubtitle]
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
