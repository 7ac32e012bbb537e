// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 办事 after identification: form → materials → 告知承诺 → pre-check → submit, the
/// acceptance receipt, and the records that feed the prefill.
enum ApplicationFeature {
    /// How the applicant identified, as the submission's `cardKind` says it: the card kind
    /// read, "manual" (typed) or "socialSecurityCard" (the 社保卡).
    static func cardKind(_ citizen: IdentityCard) -> String {
        switch citizen.source {
        case .manualEntry: return "manual"
        case .socialSecurityCard: return "socialSecurityCard"
        case .identityCode: return "identityCode"
        case .cardReader: return "\(citizen.kind)"
        }
    }

    /// The application's screens; nil when the button is not one of this journey's.
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        guard var application = state.application,
              let service = state.catalogue.service(id: application.serviceID) else { return nil }
        defer { if state.application != nil { state.application = application } }
        let fields = application.fields(service)

        switch (state.screen, button) {
        // MARK: Form
        case (.applicationForm(let index), .digit(let digit)):
            guard fields.indices.contains(index), (0...9).contains(digit) else { return [] }
            let field = fields[index]
            guard field.type.isKeypad, application.entry.count < field.type.keypadLength,
                  !application.entry.hasSuffix("X") else { return [] }
            application.entry += String(digit)
            application.problem = nil
            return []
        case (.applicationForm(let index), .checkCharacterX):
            guard fields.indices.contains(index), fields[index].type == .idNumber, application.entry.count == 17 else { return [] }
            application.entry += "X"
            return []
        case (.applicationForm, .deleteDigit), (.keyboard, .deleteDigit):
            if !application.drawing.isEmpty {
                // 退格 while writing takes the last stroke back first.
                application.drawing.undoStroke()
                application.candidatePage = 0
            } else if !application.pinyin.isEmpty {
                application.pinyin.removeLast()
                application.candidatePage = 0
            } else if !application.entry.isEmpty {
                application.entry.removeLast()
            }
            application.problem = nil
            return []
        case (.applicationForm(let index), .confirm):
            guard fields.indices.contains(index) else { return [] }
            let field = fields[index]
            let typed = application.entry
            let text = typed.isEmpty ? (application.form.values[field.id] ?? "") : typed
            if let problem = field.validate(text, today: application.today, divisions: state.divisions) {
                application.problem = problem
                return []
            }
            if !typed.isEmpty { application.form.set(field.id, typed) }
            return advance(&state, &application, from: index, service: service)
        case (.applicationForm(let index), .choose(let option)):
            guard fields.indices.contains(index) else { return [] }
            let field = fields[index]
            guard field.validate(option, today: application.today, divisions: state.divisions) == nil else { return [] }
            application.form.set(field.id, option)
            return advance(&state, &application, from: index, service: service)
        case (.applicationForm(let index), .openKeyboard):
            guard fields.indices.contains(index), !fields[index].type.isKeypad else { return [] }
            application.entry = application.form.values[fields[index].id] ?? ""
            application.pinyin = ""
            application.candidatePage = 0
            application.drawing = Drawing()
            application.problem = nil
            // Most elderly people write by hand on their phones: elder mode starts there.
            application.inputMode = state.elderMode ? .handwriting : .pinyin
            state.push(.keyboard(field: index))
            return []

        // MARK: Keyboard
        case (.keyboard(let index), .letter(let letter)):
            guard fields.indices.contains(index), letter.isASCII, letter.isLetter else { return [] }
            let field = fields[index]
            if field.type == .creditCode {
                guard application.entry.count < 18 else { return [] }
                application.entry += letter.uppercased()
            } else {
                guard application.pinyin.count < PinyinLimits.letters else { return [] }
                application.pinyin += letter.lowercased()
                application.candidatePage = 0
            }
            application.problem = nil
            return []
        case (.keyboard(let index), .digit(let digit)):
            // Codes take digits from the keypad; in pinyin mode the digits pick candidates
            // (their buttons claim the keys first).
            guard fields.indices.contains(index), fields[index].type == .creditCode, (0...9).contains(digit),
                  application.entry.count < 18 else { return [] }
            application.entry += String(digit)
            return []
        case (.keyboard(let index), .candidate(let candidate)):
            guard fields.indices.contains(index) else { return [] }
            let room = (fields[index].maxLength ?? Int.max) - application.entry.count
            guard room > 0 else { return [] }
            application.entry += candidate.text.prefix(room)
            application.pinyin = candidate.remaining.count < application.pinyin.count ? candidate.remaining : ""
            application.candidatePage = 0
            application.drawing = Drawing()
            application.problem = nil
            return []
        case (.keyboard, .inputMode(let mode)):
            application.inputMode = mode
            application.pinyin = ""
            application.drawing = Drawing()
            application.candidatePage = 0
            return []
        case (.keyboard, .clearDrawing):
            application.drawing = Drawing()
            application.candidatePage = 0
            return []
        case (.keyboard, .pageNext):
            application.candidatePage += 1
            return []
        case (.keyboard, .pagePrevious):
            application.candidatePage = max(0, application.candidatePage - 1)
            return []
        case (.keyboard, .clearText):
            application.entry = ""
            application.pinyin = ""
            application.drawing = Drawing()
            application.candidatePage = 0
            application.problem = nil
            return []
        case (.keyboard(let index), .keyboardDone):
            guard fields.indices.contains(index) else { return [] }
            let field = fields[index]
            if let problem = field.validate(application.entry, today: application.today, divisions: state.divisions) {
                application.problem = problem
                return []
            }
            application.form.set(field.id, application.entry.isEmpty ? nil : application.entry)
            state.goBack()
            return advance(&state, &application, from: index, service: service)

        // MARK: 扫描纸质材料
        case (.materials, .scanMaterial), (.scanMaterial, .startScan), (.scanMaterial, .keepPage), (.scanMaterial, .retakePage),
             (.scanMaterial, .finishScan), (.scanMaterial, .back):
            return ScanStep.activate(&state, &application, button, service: service)

        // MARK: Materials and 告知承诺
        case (.materials, .commit(let materialID)):
            guard let material = service.materialSpecs.first(where: { $0.id == materialID }),
                  MaterialStanding.of(material, in: application).canCommit else { return [] }
            state.push(.commitment(materialID: materialID))
            return []
        case (.commitment(let materialID), .confirmCommitment):
            guard service.materialSpecs.first(where: { $0.id == materialID })?.tolerable != nil else { return [] }
            application.form.committed.insert(materialID)
            state.goBack()
            return [.log("commitment confirmed: \(materialID)")]
        case (.materials, .toReview):
            state.push(.review(page: 0))
            return []
        case (.review(let page), .pageNext):
            state.screen = .review(page: page + 1)
            return []
        case (.review(let page), .pagePrevious):
            state.screen = .review(page: max(0, page - 1))
            return []
        case (.review, .editField(let index)):
            guard fields.indices.contains(index) else { return [] }
            application.returningToReview = true
            application.askedWhenEditing = Set(application.askedIndices(service, citizen: state.citizen))
            application.entry = ""
            application.pinyin = ""
            application.problem = nil
            state.push(.applicationForm(field: index))
            return [.log("review: change field \(fields[index].id)")]
        case (.review, .toPrecheck):
            // Nothing goes to the pre-check with a question it needs left empty (a change
            // on 核对信息 abandoned half-way): the first such field is asked again.
            let facts = application.form.facts(service, card: state.citizen, today: application.today)
            if let gap = fields.indices.first(where: {
                fields[$0].required && fields[$0].isAsked(facts) && (application.form.values[fields[$0].id] ?? "").isEmpty
            }) {
                application.returningToReview = true
                application.askedWhenEditing = Set(application.askedIndices(service, citizen: state.citizen))
                application.problem = fields[gap].validate("", today: application.today)
                state.push(.applicationForm(field: gap))
                return [.log("review: \(fields[gap].id) is still empty")]
            }
            state.push(.precheck(page: 0))
            let outcomes = application.decisions(service, catalogue: state.catalogue, citizen: state.citizen)
                .map { "\($0.serviceID)=\($0.outcome.rawValue)" }
            return [.log("precheck \(outcomes.joined(separator: " "))")]

        // MARK: Pre-check
        case (.precheck, .submitApplication):
            let decisions = application.decisions(service, catalogue: state.catalogue, citizen: state.citizen)
            guard !decisions.isEmpty, decisions.contains(where: { $0.outcome != .refused }),
                  application.submission == nil, let citizen = state.citizen else { return [] }
            application.submission = .submitting
            state.push(.submitted)
            let request = SubmissionRequest(
                serviceID: service.id, idNumber: citizen.idNumber, name: citizen.name, cardKind: Self.cardKind(citizen),
                fields: application.form.submittedValues(service, card: citizen, today: application.today),
                committed: application.form.committed.sorted(), decisions: decisions, delivery: application.delivery(service),
                scanned: application.form.scanned)
            return [.log("submitting \(service.id)"), .submit(request)]
        case (.precheck(let page), .pageNext):
            state.screen = .precheck(page: page + 1)
            return []
        case (.precheck(let page), .pagePrevious):
            state.screen = .precheck(page: max(0, page - 1))
            return []
        case (.materials(let page), .pageNext):
            state.screen = .materials(page: page + 1)
            return []
        case (.materials(let page), .pagePrevious):
            state.screen = .materials(page: max(0, page - 1))
            return []

        case (_, .back):
            // Going back to an earlier field starts its entry afresh; leaving a field being
            // changed from 核对信息 lands there (the change is dropped).
            if case .applicationForm = state.screen { application.returningToReview = false }
            application.entry = ""
            application.pinyin = ""
            application.problem = nil
            return nil
        default:
            return nil
        }
    }

    /// The finger on the handwriting pad: strokes into the drawing (the candidates are the
    /// recogniser's, asked when the frame is drawn).
    static func pen(_ state: inout AppState, _ pen: PenEvent) -> [Effect] {
        guard case .keyboard = state.screen, var application = state.application, application.inputMode == .handwriting,
              pen.padWidth > 0, pen.padHeight > 0 else { return [] }
        let width = pen.padWidth, height = pen.padHeight * 2
        if application.drawing.width != width || application.drawing.height != height {
            application.drawing = Drawing(width: width, height: height)   // a new pad (or a resized one)
        }
        switch pen.motion {
        case .down: application.drawing.penDown(cellX: pen.x, cellY: pen.y)
        case .moved: application.drawing.penMoved(cellX: pen.x, cellY: pen.y)
        case .up:
            application.drawing.penMoved(cellX: pen.x, cellY: pen.y)
            application.drawing.penUp()
        case .dot:
            application.drawing.penDown(cellX: pen.x, cellY: pen.y)
            application.drawing.penUp()
        }
        application.candidatePage = 0
        state.application = application
        return []
    }

    /// After a field is taken: the next field asked (as the answers so far make it), or the
    /// materials.
    private static func advance(_ state: inout AppState, _ application: inout Application, from index: Int, service: Service) -> [Effect] {
        application.entry = ""
        application.pinyin = ""
        application.problem = nil
        if application.returningToReview {
            let asked = application.askedIndices(service, citizen: state.citizen)
            if let next = asked.first(where: { $0 > index && !application.askedWhenEditing.contains($0) }) {
                // The change asks more: the new question in its place (核对信息 stays one back).
                state.screen = .applicationForm(field: next)
                return []
            }
            application.returningToReview = false
            state.goBack()   // to 核对信息, where the change was asked for
            return []
        }
        if let next = application.askedIndices(service, citizen: state.citizen).first(where: { $0 > index }) {
            state.push(.applicationForm(field: next))
        } else {
            state.push(.materials(page: 0))
        }
        return []
    }

    /// Starts an application for an identified citizen: the form (or the materials when the
    /// service has no fields), and the records lookup that feeds the prefill.
    static func start(_ state: inout AppState, service: Service) -> [Effect] {
        guard let citizen = state.citizen else { return [] }
        let application = Application(service: service, citizen: citizen, today: state.today)
        state.application = application
        state.push(application.askedIndices(service, citizen: citizen).first.map { .applicationForm(field: $0) } ?? .materials(page: 0))
        return [.log("application started: \(service.id)"), .lookUpRecords(citizen.idNumber)]
    }


    /// What the outbox, the printer and the records lookup answered.
    static func answer(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case .submitted(let outcome):
            guard state.application?.submission == .submitting else { return [.log("late submit answer ignored")] }
            state.application?.submission = .done(outcome)
            switch outcome {
            case .accepted(let number, let decided, let owed):
                guard let application = state.application, let citizen = state.citizen,
                      let service = state.catalogue.service(id: application.serviceID) else {
                    return [.log("accepted \(number) \(decided.rawValue)")]
                }
                state.application?.receipt = .printing
                let scanned = service.materialSpecs.compactMap { material -> LocalizedText? in
                    guard let pages = application.form.scanned[material.id], pages > 0 else { return nil }
                    return LocalizedText(zh: "\(material.name.zh)（\(pages)页）", en: "\(material.name.en) (\(pages) page\(pages == 1 ? "" : "s"))")
                }
                let receipt = AcceptanceReceipt(service: service.name, acceptanceNumber: number, maskedID: citizen.idNumber.masked,
                                                outcome: decided, owed: owed, language: state.language, delivery: application.delivery(service),
                                                scanned: scanned)
                var effects: [Effect] = [.log("accepted \(number) \(decided.rawValue)"), .printReceipt(receipt)]
                // 语音提示: the number read out, so it can be written down as it is heard.
                if state.settings.speaksPrompts { effects.append(.speakCode(.submittedNumberSpoken, code: number, state.language)) }
                return effects
            case .failed(_, let en): return [.log("submission not stored: \(en)")]
            }
        case .receiptPrinted(let result):
            guard state.application?.receipt == .printing else { return [] }
            state.application?.receipt = result
            switch result {
            case .printed: return [.log("receipt printed")]
            case .notPrinted(_, let en): return [.log("receipt not printed: \(en)")]
            case .printing: return []
            }
        case .pageScanned(let materialID, let phase):
            return ScanStep.answer(&state, materialID: materialID, phase)
        case .recordsLookedUp(let records):
            guard var application = state.application,
                  let service = state.catalogue.service(id: application.serviceID) else { return [] }
            application.recordsArrived(records, service: service, citizen: state.citizen)
            state.application = application
            let found = records?.elicences?.count ?? 0
            return [.log(records == nil ? "records lookup failed: prefill from e-licences unavailable"
                                        : "records found: \(found) e-licences")]
        default:
            return []
        }
    }
}

extension FieldType {
    /// The most characters the keypad takes for this type.
    var keypadLength: Int {
        switch self {
        case .date: return 8
        case .phone: return 12
        case .region: return 6
        case .idNumber: return 18
        case .number: return 12
        case .digits: return 30
        case .text, .personName, .choice, .yesno, .creditCode: return 0
        }
    }
}
