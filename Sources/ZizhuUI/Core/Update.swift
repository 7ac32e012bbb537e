// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The kiosk's state machine: applies one event to the state and says what the
/// runtime must do. Pure: no I/O, no clock, no devices.
public func update(_ state: inout AppState, _ event: Event) -> [Effect] {
    let before = state.screen
    var effects = apply(&state, event)
    // 语音提示: a screen a person reached (not the attract screen coming back by itself).
    if state.settings.speaksPrompts, state.screen != before, event != .tick, let prompt = state.screen.spokenPrompt {
        effects.append(.speak(prompt, state.language))
    }
    return effects
}

private func apply(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .tick:
        return tick(&state)
    case .resized(let width, let height):
        state.width = width
        state.height = height
        state.clampPage()
        return []
    case .quitRequested:
        return state.settings.allowsQuit ? [.log("quit requested"), .quit] : []
    case .catalogueLoaded(let catalogue):
        if state.application != nil {
            state.pendingCatalogue = catalogue
            return [.log("catalogue update held until this citizen's session ends")]
        }
        state.pendingCatalogue = nil
        state.catalogue = catalogue
        state.catalogueProblem = nil
        state.clampPage()
        return [.log("catalogue loaded: \(catalogue.services.count) services")] + refreshTechnician(&state)
    case .catalogueFailed(let problem):
        state.catalogueProblem = problem
        return [.log("catalogue not loaded: \(problem)")] + refreshTechnician(&state)
    case .reader(let event):
        return readerEvent(&state, event)
    case .printerChecked(let health):
        let changed = state.printerHealth != health
        state.printerHealth = health
        state.printerCheckPending = false
        return changed ? [.log("printer \(health.code)")] : []
    case .receiptPreviewed(let preview):
        // Only the preview the screen is waiting for (the technician may have moved on).
        if case .printerDiagnostics(let sample, _) = state.screen, sample == preview.sample { state.receiptPreview = preview }
        return []
    case .testPageFinished(let result):
        state.testPage = result
        switch result {
        case .printing: return []
        case .printed(let job): return [.log("test page printed: job \(job)")]
        case .notPrinted(let health, let reasons):
            state.printerHealth = health
            return [.log("test page not printed: \(health.code) \(reasons.joined(separator: ","))")]
        }
    case .clock(let today):
        state.today = today
        return []
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
            let receipt = AcceptanceReceipt(service: service.name, acceptanceNumber: number, maskedID: citizen.idNumber.masked,
                                            outcome: decided, owed: owed, language: state.language)
            return [.log("accepted \(number) \(decided.rawValue)"), .printReceipt(receipt)]
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
    case .helpUpdated(let status):
        guard state.help != nil else { return [.log("help status for an ended session: \(status)")] }
        state.help?.status = status
        switch status {
        case .sent(let id): return [.log("help request \(id) sent")]
        case .acknowledged(let id): return [.log("help request \(id) acknowledged: staff are coming")]
        case .queued: return [.log("help request queued: the platform cannot be reached")]
        case .unavailable: return [.log("help request cannot be sent: no platform link")]
        case .sending: return []
        }
    case .ticketIssued(let result):
        guard state.ticket == .printing else { return [] }
        state.ticket = result
        switch result {
        case .issued(let ticket): return [.log("ticket \(ticket.number) issued")]
        case .notIssued(_, let en): return [.log("ticket not issued: \(en)")]
        case .printing: return []
        }
    case .progressLookedUp(let result):
        guard state.progress == .looking else { return [] }
        state.progress = result
        switch result {
        case .found(let found):
            switch found.source {
            case .platform: return [.log("progress from the platform: \(found.progress)")]
            case .kiosk: return [.log("progress from this kiosk's record: \(found.progress)")]
            }
        case .cases(let cases): return [.log("progress: \(cases.count) cases for the card")]
        case .notFound: return [.log("progress: no such case")]
        case .unavailable: return [.log("progress: platform unreachable, no local record")]
        case .looking: return []
        }
    case .rated(let result):
        guard state.application?.rating == .saving else { return [] }
        state.application?.rating = result
        switch result {
        case .saved: return [.log("rating stored")]
        case .failed(_, let en): return [.log("rating not stored: \(en)")]
        case .saving: return []
        }
    case .appointmentsFound(let result):
        guard state.screen == .appointmentFound, state.appointment == .looking else { return [] }
        state.appointment = result
        switch result {
        case .found(let items): return [.log("appointments found: \(items.count)")]
        case .notFound: return [.log("appointment not found")]
        case .unavailable: return [.log("appointments: platform unavailable")]
        case .looking: return []
        }
    case .proofsListed(let listing):
        guard state.screen == .proofs, state.proofs == .loading else { return [] }
        state.proofs = listing
        switch listing {
        case .found(let items): return [.log("proofs: \(items.count) held")]
        case .unavailable: return [.log("proofs: platform unavailable")]
        case .loading: return []
        }
    case .proofPrinted(let result):
        guard case .printing? = state.proofPrint else { return [] }
        state.proofPrint = result
        switch result {
        case .printed(let title, _): return [.log("proof printed: \(title)")]
        case .notPrinted(_, let en): return [.log("proof not printed: \(en)")]
        case .printing: return []
        }
    case .storageChecked(let problem):
        state.storageProblem = problem
        return [.log(problem.map { "out of service: \($0.en)" } ?? "storage available")]
    case .technicianPINChecked(let check):
        guard case .technicianPIN = state.screen, state.pinChecking else { return [] }
        state.pinChecking = false
        if check == .accepted {
            state.pinCheck = nil
            return openTechnicianMode(&state)
        }
        state.pinCheck = check
        state.screen = .technicianPIN(typed: "")
        switch check {
        case .wrong(let left): return [.log("technician PIN wrong (\(left) tries left)")]
        case .locked(let seconds): return [.log("technician PIN locked for \(seconds) s")]
        case .notConfigured: return [.log("technician PIN not configured")]
        case .accepted: return []
        }
    case .diagnosed(let report):
        guard state.technician != nil else { return [] }
        state.technician?.report = report
        state.technician?.checking = false
        let failed = report.checks.filter { $0.status == .failed }.map(\.area.rawValue)
        let logged: [Effect] = [.log(failed.isEmpty ? "diagnostics: healthy" : "diagnostics: failed \(failed.joined(separator: ","))")]
        if state.technician?.stale == true {
            state.technician?.stale = false
            return logged + refreshTechnician(&state)
        }
        return logged
    case .technicianNote(let note):
        guard state.technician != nil else { return [] }
        state.technician?.note = note
        // What the action changed shows in a fresh report.
        return refreshTechnician(&state)
    case .recordsLookedUp(let records):
        guard var application = state.application,
              let service = state.catalogue.service(id: application.serviceID) else { return [] }
        application.recordsArrived(records, service: service, citizen: state.citizen)
        state.application = application
        let found = records?.elicences?.count ?? 0
        return [.log(records == nil ? "records lookup failed: prefill from e-licences unavailable"
                                    : "records found: \(found) e-licences")]
    default:
        break
    }

    // Everything below is a person touching the kiosk.
    state.idleSeconds = 0
    if state.countdown != nil {
        // The first touch or key only answers "还在吗?"; it does not also act.
        state.countdown = nil
        state.pressed = nil
        return [.log("idle countdown dismissed")]
    }
    switch event {
    case .pressed(let button):
        state.pressed = button
        return []
    case .pressCancelled:
        state.pressed = nil
        return []
    case .focusMoved(let index):
        state.focus = index
        return []
    case .key(let key):
        return unboundKey(&state, key)
    case .activated(let button):
        state.pressed = nil
        state.notice = nil
        let before = state.screen
        var effects = activate(&state, button)
        if state.screen != before {
            state.focus = nil
            if state.screen.name != before.name { effects.append(.log("screen \(state.screen.name)")) }
            // Leaving the identify screen: nothing polls the reader any more.
            if readsCards(before), !readsCards(state.screen), before != .identifyForProofs || state.screen != .proofs {
                effects.append(.stopCardReading)
                state.cardLookup = false
            }
            // Leaving a technician's test read the same way.
            if before == .technicianArea(.reader), state.technician?.testReading == true {
                state.technician?.testReading = false
                effects.append(.stopCardReading)
            }
        }
        return effects
    case .tick, .resized, .quitRequested, .catalogueLoaded, .catalogueFailed, .reader, .printerChecked,
         .receiptPreviewed, .testPageFinished, .clock, .recordsLookedUp, .submitted, .receiptPrinted, .helpUpdated, .rated,
         .progressLookedUp, .ticketIssued, .technicianPINChecked, .diagnosed, .technicianNote, .storageChecked,
         .proofsListed, .proofPrinted, .appointmentsFound:
        return []
    }
}

/// Stores the case's rating (one per case) and thanks the citizen.
private func rate(_ state: inout AppState, level: Int, reason: String?) -> [Effect] {
    guard let application = state.application, application.rating == nil,
          case .done(.accepted(let number, _, _))? = application.submission else { return [] }
    state.application?.rating = .saving
    state.screen = .rated
    state.history = [.home]
    return [.log("rated \(level)"), .rate(RatingRequest(acceptanceNumber: number, serviceID: application.serviceID, level: level, reason: reason))]
}

private func tick(_ state: inout AppState) -> [Effect] {
    guard state.wantsTicks else { return [] }
    state.idleSeconds += 1
    if let remaining = state.countdown {
        if remaining <= 1 {
            state = state.wiped()
            return [.endSession, .log("session wiped after idle timeout"), .log("screen home")]
        }
        state.countdown = remaining - 1
        return []
    }
    if state.idleSeconds >= state.settings.idleTimeoutSeconds {
        state.countdown = state.settings.countdownSeconds
        state.pressed = nil
        return [.beep, .log("idle countdown started")]
    }
    return []
}

private func unboundKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    switch (state.screen, key) {
    case (.search, .backspace), (.identify, .backspace), (.applicationForm, .backspace), (.keyboard, .backspace),
         (.appointment, .backspace), (.progressLookup, .backspace), (.technicianPIN, .backspace):
        return activate(&state, .deleteDigit)
    case (.keyboard, .digit(let digit)):
        // Codes take digits from the keypad (pinyin candidates claim theirs as buttons).
        return activate(&state, .digit(digit))
    case (.progressLookup, .character(let character)) where character.isASCII && character.isHexDigit:
        // A hardware keyboard types the letters A–F as the screen's buttons do.
        let upper = Character(character.uppercased())
        return activate(&state, upper.isNumber ? .digit(Int(String(upper)) ?? 0) : .hexLetter(upper))
    case (.keyboard, .character(let character)) where character.isASCII && character.isLetter:
        // A technician's (or an accessible) keyboard types the same letters as the screen.
        return activate(&state, .letter(character))
    case (_, .function(1)):
        // The keypad's help key works on every screen, keypad fields included (there 0 is a digit).
        return activate(&state, .feature(.help))
    case (_, .escape), (_, .backspace):
        return activate(&state, .back)
    case (.home, .function(12)) where state.settings.diagnosticsWithoutPIN,
         (.home, .function(24)) where state.settings.diagnosticsWithoutPIN:
        // Only from the attract screen: no citizen's data is on the way to a technician screen.
        return openTechnicianMode(&state)
    case (.home, .function(24)):
        // The chord (Shift+F12, from a keyboard inside the cabinet): the PIN comes first.
        state.push(.technicianPIN(typed: ""))
        state.pinCheck = nil
        return [.log("screen technician-pin")]
    default:
        return []
    }
}

private func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect] {
    if let effects = activateApplication(&state, button) { return effects }
    switch button {
    case .feature(.services):
        state.push(state.serviceStop == nil ? .catalogue : .outOfService)
    case .feature(.help):
        // One press from any screen. A call already open in this session is shown, not repeated.
        if state.screen == .help { return [] }
        let from = state.screen.name
        state.push(.help)
        if let call = state.help, call.status != .unavailable { return [.log("help screen shown again (request from \(call.screen))")] }
        state.help = HelpCall(screen: from, status: .sending)
        return [.log("help requested on \(from)"), .requestHelp(screen: from)]
    case .feature(.printProof):
        // Identified by card already in this session: straight to the list.
        if let citizen = state.citizen, citizen.source != .manualEntry { return showProofs(&state, citizen) }
        state.push(.identifyForProofs)
        state.identifyPhase = state.readerConnected ? .waitingForCard : .failed(.readerNotConnected)
        state.cardTaken = false
        return [.startCardReading, .checkPrinter]
    case .proof(let id):
        guard state.screen == .proofs, case .found(let items)? = state.proofs, let item = items.first(where: { $0.id == id }),
              let citizen = state.citizen, state.printerHealth?.canPrint != false else { return [] }
        if case .printing? = state.proofPrint { return [] }
        state.proofPrint = .printing(title: item.title)
        state.push(.proofPrinting)
        return [.log("proof requested: \(id)"), .printProof(id: id, holder: citizen.name, idNumber: citizen.idNumber, language: state.language)]
    case .feature(.appointment):
        state.push(.appointment(typed: ""))
        state.appointment = nil
        state.cardLookup = false
        return [.checkPrinter]
    case .lookUpByCard:
        switch state.screen {
        case .progressLookup, .appointment:
            guard !state.cardLookup else { return [] }
            state.cardLookup = true
            return [.log("waiting for an ID card"), .startCardReading]
        default:
            return []
        }
    case .checkIn(let code):
        guard state.screen == .appointmentFound, case .found(let items)? = state.appointment,
              let appointment = items.first(where: { $0.code == code }), state.ticket != .printing else { return [] }
        state.ticket = .printing
        state.push(.ticket)
        return [.log("appointment check-in: \(appointment.categoryID) \(appointment.time)"), .checkIn(appointment, state.language)]
    case .feature(.queueTicket):
        state.push(.queueCategories)
        return [.checkPrinter]
    case .queueCategory(let id):
        guard state.screen == .queueCategories, state.settings.queueCategories.contains(where: { $0.id == id }),
              state.ticket != .printing else { return [] }
        state.ticket = .printing
        state.push(.ticket)
        return [.log("ticket requested: \(id)"), .issueTicket(categoryID: id, language: state.language)]
    case .feature(.progress):
        state.push(.progressLookup(typed: ""))
        state.progress = nil
        state.cardLookup = false
    case .hexLetter(let letter):
        guard case .progressLookup(let typed) = state.screen, AcceptanceNumberEntry.canAppend(letter, to: typed) else { return [] }
        state.screen = .progressLookup(typed: typed + String(letter))
    case .startRating:
        guard case .done(.accepted)? = state.application?.submission, state.application?.rating == nil else { return [] }
        state.push(.rating)
    case .rate(let level):
        guard state.screen == .rating, (1...5).contains(level) else { return [] }
        if RatingLevel.asksWhy(level) {
            state.push(.ratingReason(level: level))
            return []
        }
        return rate(&state, level: level, reason: nil)
    case .ratingReason(let id):
        guard case .ratingReason(let level) = state.screen,
              let reason = RatingLevel.reasons.first(where: { $0.id == id }) else { return [] }
        return rate(&state, level: level, reason: reason.id)
    case .skipRatingReason:
        guard case .ratingReason(let level) = state.screen else { return [] }
        return rate(&state, level: level, reason: nil)
    case .toggleElderMode:
        state.elderMode.toggle()
        if state.screen == .homeMore && !state.elderMode { state.goBack() }
        state.clampPage()
        return [.log(state.elderMode ? "elder mode on" : "elder mode off")]
    case .toggleLanguage:
        state.language = state.language.toggled
        if case .printerDiagnostics(let sample, _) = state.screen {
            state.receiptPreview = nil
            return [.log("language \(state.language.rawValue)"), .previewReceipt(sample, state.language)]
        }
        return [.log("language \(state.language.rawValue)")]
    case .more:
        state.push(.homeMore)
    case .back:
        state.goBack()
    case .goHome:
        // Home is where the next citizen starts: nothing personal stays behind. The citizen
        // pressed it, so their language and elder mode stay until the idle timeout.
        let ended = state.citizen != nil || state.technician != nil
        state = state.wiped(keepingPreferences: true)
        if ended { return [.endSession] }
    case .pagePrevious, .pageNext:
        state.turnPage(by: button == .pageNext ? 1 : -1)
    case .catalogue(let entry):
        switch entry {
        case .personal: state.push(.services(.theme(.personal), page: 0))
        case .business: state.push(.services(.theme(.business), page: 0))
        case .hot: state.push(.services(.hot, page: 0))
        case .departments: state.push(.departments(page: 0))
        case .search: state.push(.search(code: ""))
        }
    case .department(let id):
        state.push(.services(.department(id), page: 0))
    case .service(let id):
        guard state.catalogue.service(id: id) != nil else { return [] }
        state.push(.serviceDetail(id: id, page: 0))
    case .digit(let digit):
        if case .appointment(let typed) = state.screen {
            guard typed.count < 6, (0...9).contains(digit) else { return [] }
            state.screen = .appointment(typed: typed + String(digit))
        } else if case .technicianPIN(let typed) = state.screen {
            guard typed.count < TechnicianPIN.maximumLength, !state.pinChecking, (0...9).contains(digit) else { return [] }
            state.screen = .technicianPIN(typed: typed + String(digit))
        } else if case .progressLookup(let typed) = state.screen, let character = String(digit).first,
           AcceptanceNumberEntry.canAppend(character, to: typed) {
            state.screen = .progressLookup(typed: typed + String(character))
        } else if case .search(let code) = state.screen, code.count < 6, (0...9).contains(digit) {
            state.screen = .search(code: code + String(digit))
        } else if case .identify = state.screen, case .manualEntry(let typed, _) = state.identifyPhase,
                  typed.count < 18, !typed.hasSuffix("X"), (0...9).contains(digit) {
            state.identifyPhase = .manualEntry(typed: typed + String(digit), problem: nil)
        }
    case .deleteDigit:
        if case .appointment(let typed) = state.screen {
            if typed.isEmpty { state.goBack() } else { state.screen = .appointment(typed: String(typed.dropLast())) }
        } else if case .technicianPIN(let typed) = state.screen {
            if typed.isEmpty { state.goBack() } else { state.screen = .technicianPIN(typed: String(typed.dropLast())) }
        } else if case .progressLookup(let typed) = state.screen {
            if typed.isEmpty { state.goBack() } else { state.screen = .progressLookup(typed: String(typed.dropLast())) }
        } else if case .search(let code) = state.screen {
            if code.isEmpty { state.goBack() } else { state.screen = .search(code: String(code.dropLast())) }
        } else if case .identify = state.screen, case .manualEntry(let typed, _) = state.identifyPhase {
            if typed.isEmpty {
                state.identifyPhase = .waitingForCard
                return [.startCardReading]
            }
            state.identifyPhase = .manualEntry(typed: String(typed.dropLast()), problem: nil)
        }
    case .confirm:
        if case .appointment(let typed) = state.screen {
            guard typed.count == 6 else { return [] }
            return findAppointment(&state, .code(typed))
        }
        if case .technicianPIN(let typed) = state.screen {
            guard typed.count >= TechnicianPIN.minimumLength, !state.pinChecking else { return [] }
            state.pinChecking = true
            state.pinCheck = nil
            return [.log("technician PIN entered"), .verifyTechnicianPIN(typed)]
        }
        if case .progressLookup(let typed) = state.screen {
            guard let number = AcceptanceNumberEntry.number(typed) else { return [] }
            state.progress = .looking
            state.push(.progressResult)
            return [.log("progress lookup"), .lookUpProgress(number)]
        }
        if case .identify = state.screen, case .manualEntry(let typed, _) = state.identifyPhase {
            do {
                let number = try IDNumber(validating: typed)
                state.citizen = IdentityCard(kind: .resident, name: "", gender: number.gender ?? .unknown,
                                             birthDate: number.birthDate, idNumber: number, source: .manualEntry)
                state.identifyPhase = .identified
                return [.log("identified by typed number: \(number.masked)")]
            } catch {
                state.identifyPhase = .manualEntry(typed: typed, problem: error)
                return []
            }
        }
        if case .search(let code) = state.screen, !code.isEmpty {
            if let service = state.catalogue.service(code: code) {
                state.push(.serviceDetail(id: service.id, page: 0))
            } else {
                state.notice = .noServiceWithCode(code)
            }
        }
    case .apply(let id):
        guard let service = state.catalogue.service(id: id) else { return [] }
        if state.citizen != nil { return startApplication(&state, service: service) }
        state.push(.identify(serviceID: id))
        state.identifyPhase = state.readerConnected ? .waitingForCard : .failed(.readerNotConnected)
        state.cardTaken = false
        return [.startCardReading, .checkPrinter]
    case .continueSession:
        break
    case .retryCard:
        guard isIdentify(state.screen) else { return [] }
        state.identifyPhase = .waitingForCard
        return [.stopCardReading, .startCardReading]
    case .manualEntry:
        guard case .identify(let id) = state.screen, state.catalogue.service(id: id)?.identity == .idCardOrManual else { return [] }
        state.identifyPhase = .manualEntry(typed: "", problem: nil)
        return [.stopCardReading]
    case .checkCharacterX:
        if case .identify = state.screen, case .manualEntry(let typed, _) = state.identifyPhase, typed.count == 17 {
            state.identifyPhase = .manualEntry(typed: typed + "X", problem: nil)
        }
    case .proceed:
        if state.screen == .identifyForProofs, let citizen = state.citizen { return [.stopCardReading] + showProofs(&state, citizen) }
        guard case .identify(let id) = state.screen, state.citizen != nil,
              let service = state.catalogue.service(id: id) else { return [] }
        return startApplication(&state, service: service)
    case .choose, .openKeyboard, .letter, .candidate, .clearText, .keyboardDone, .commit, .confirmCommitment,
         .toPrecheck, .submitApplication:
        return []   // only on the application screens (handled above)
    case .nextSample:
        guard case .printerDiagnostics(let sample, _) = state.screen else { return [] }
        state.screen = .printerDiagnostics(sample.next, page: 0)
        state.receiptPreview = nil
        return [.previewReceipt(sample.next, state.language)]
    case .printTestPage:
        guard case .printerDiagnostics = state.screen, state.testPage != .printing else { return [] }
        state.testPage = .printing
        return [.log("test page requested"), .printTestPage]
    case .reloadCatalogue:
        guard state.screen == .technicianArea(.catalogue) else { return [] }
        return [.log("catalogue reload requested"), .reloadCatalogue]
    case .technicianArea(let area):
        guard state.screen == .technicianMenu, state.technician != nil else { return [] }
        if area == .printer { return openPrinterDiagnostics(&state) }
        state.push(.technicianArea(area))
        state.technician?.note = nil
    case .runDiagnostics:
        guard state.technician != nil, state.technician?.checking == false else { return [] }
        state.technician?.checking = true
        return [.runDiagnostics]
    case .testRead:
        guard state.screen == .technicianArea(.reader), state.technician?.testReading == false else { return [] }
        state.technician?.testReading = true
        state.technician?.note = nil
        return [.log("technician test read"), .startCardReading]
    case .syncNow:
        guard state.screen == .technicianArea(.outbox), state.technician != nil else { return [] }
        state.technician?.note = LocalizedText(zh: "正在上传", en: "Sending")
        return [.log("technician sync now"), .syncNow]
    case .recheckPrinter:
        guard case .printerDiagnostics = state.screen, !state.printerCheckPending else { return [] }
        state.printerCheckPending = true
        return [.checkPrinter]
    }
    return []
}

/// A fresh report for an open technician mode (after an action changed something).
private func refreshTechnician(_ state: inout AppState) -> [Effect] {
    guard state.technician != nil else { return [] }
    guard state.technician?.checking == false else {
        state.technician?.stale = true
        return []
    }
    state.technician?.checking = true
    return [.runDiagnostics]
}

/// Technician mode opens on its menu and takes every check at once.
private func openTechnicianMode(_ state: inout AppState) -> [Effect] {
    state.screen = .technicianMenu
    state.history = [.home]
    state.technician = TechnicianSession()
    state.technician?.checking = true
    return [.log("screen technician-menu"), .runDiagnostics]
}

/// 打印机诊断: the sample receipts as this printer lays them out, and a fresh check.
private func openPrinterDiagnostics(_ state: inout AppState) -> [Effect] {
    state.push(.printerDiagnostics(.acceptance, page: 0))
    state.receiptPreview = nil
    state.testPage = nil
    state.printerCheckPending = true
    return [.checkPrinter, .previewReceipt(.acceptance, state.language)]
}

/// The technician's test read: what the card said, masked; the card is not kept.
private func technicianTestRead(_ state: inout AppState, _ event: ReaderEvent) -> [Effect] {
    switch event {
    case .cardRead(let card):
        state.technician?.testReading = false
        let name = card.name.first.map { String($0) + String(repeating: "*", count: max(1, card.name.count - 1)) } ?? "-"
        state.technician?.note = LocalizedText(zh: "读卡成功：\(name)  \(card.idNumber.masked)",
                                               en: "Card read: \(name)  \(card.idNumber.masked)")
        return [.log("technician test read: \(card.idNumber.masked)"), .stopCardReading]
    case .readFailed(let failure):
        state.technician?.testReading = false
        state.technician?.note = LocalizedText(zh: "读卡失败：\(failure)", en: "Read failed: \(failure)")
        return [.log("technician test read failed: \(failure)"), .stopCardReading]
    case .reading:
        state.technician?.note = LocalizedText(zh: "正在读卡", en: "Reading")
        return []
    default:
        return []
    }
}

/// Screens that identify the citizen by their card.
private func isIdentify(_ screen: Screen) -> Bool {
    if case .identify = screen { return true }
    return screen == .identifyForProofs
}

/// Screens that may have the reader polling: leaving one stops it.
private func readsCards(_ screen: Screen) -> Bool {
    switch screen {
    case .appointment, .progressLookup: return true   // 刷身份证 instead of typing
    default: return isIdentify(screen)
    }
}

/// 预约: look today's appointments up (the card reader stops: the answer is on its way).
private func findAppointment(_ state: inout AppState, _ key: AppointmentKey) -> [Effect] {
    state.appointment = .looking
    state.push(.appointmentFound)
    return [.findAppointment(key)]
}

/// 打印证明: the list of what the platform holds for this person (asked for now).
private func showProofs(_ state: inout AppState, _ citizen: IdentityCard) -> [Effect] {
    state.push(.proofs)
    state.proofs = .loading
    state.proofPrint = nil
    return [.log("proofs for \(citizen.idNumber.masked)"), .listProofs(citizen.idNumber)]
}

/// What the reader says, applied to the identify screen (ignored elsewhere, except
/// whether the reader is there at all).
private func readerEvent(_ state: inout AppState, _ event: ReaderEvent) -> [Effect] {
    switch event {
    case .connected:
        state.readerConnected = true
        if isIdentify(state.screen), case .failed(.readerNotConnected) = state.identifyPhase {
            state.identifyPhase = .waitingForCard
            return [.log("reader connected"), .startCardReading]
        }
        return [.log("reader connected")] + refreshTechnician(&state)
    case .disconnected:
        state.readerConnected = false
        return [.log("reader disconnected")] + refreshTechnician(&state)
    default:
        break
    }
    if state.screen == .technicianArea(.reader), state.technician?.testReading == true {
        return technicianTestRead(&state, event)
    }
    if case .progressLookup = state.screen, state.cardLookup, case .cardRead(let card) = event {
        state.cardLookup = false
        // 查询进度 by ID card: the number asks the platform; nobody is identified.
        state.idleSeconds = 0
        state.progress = .looking
        state.push(.progressResult)
        return [.log("progress lookup by card: \(card.idNumber.masked)"), .stopCardReading, .lookUpProgressByCard(card.idNumber)]
    }
    if case .appointment = state.screen, state.cardLookup, case .cardRead(let card) = event {
        state.cardLookup = false
        // 预约签到 by ID card: the number is used for the lookup only; nobody is identified.
        state.idleSeconds = 0
        return [.log("appointment lookup by card: \(card.idNumber.masked)"), .stopCardReading] + findAppointment(&state, .card(card.idNumber))
    }
    guard isIdentify(state.screen) else { return [] }
    if case .manualEntry = state.identifyPhase { return [] }
    switch event {
    case .waitingForCard:
        if state.identifyPhase != .identified { state.identifyPhase = .waitingForCard }
        return []
    case .reading:
        state.identifyPhase = .reading
        return []
    case .cardRead(let card):
        // Identified already: a second card on the reader does not replace the first person.
        guard state.identifyPhase != .identified else { return [.log("another card ignored: \(card.idNumber.masked)")] }
        state.idleSeconds = 0   // the citizen just acted
        state.citizen = card
        state.identifyPhase = .identified
        state.cardTaken = false
        return [.log("identified by card: \(card.idNumber.masked)")]
    case .readFailed(let failure):
        if state.identifyPhase != .identified { state.identifyPhase = .failed(failure) }
        return [.log("card not read: \(failure)")]
    case .cardRemoved:
        guard state.identifyPhase == .identified else { return [] }
        state.cardTaken = true
        return [.stopCardReading]   // the card is back with its owner; nothing more to read
    case .connected, .disconnected:
        return []
    }
}

extension AppState {
    mutating func push(_ screen: Screen) {
        history.append(self.screen)
        self.screen = screen
    }

    mutating func goBack() {
        screen = history.popLast() ?? .home
        clampPage()
    }

    /// How many items of a list fit on one page at the current size and mode.
    public var listCapacity: Int { Layout.listCapacity(width: width, height: height, elder: elderMode) }

    /// Number of items the current list screen pages through, or nil for other screens.
    var listCount: Int? {
        switch screen {
        case .services(let kind, _): return services(for: kind).count
        case .departments: return catalogue.departmentsWithServices.count
        default: return nil
        }
    }

    /// The services a list kind shows.
    public func services(for kind: ServiceListKind) -> [Service] {
        switch kind {
        case .theme(let theme): return catalogue.services(theme: theme)
        case .department(let id): return catalogue.services(department: id)
        case .hot: return catalogue.hotServices
        }
    }

    mutating func turnPage(by delta: Int) {
        switch screen {
        case .services(let kind, let page): screen = .services(kind, page: max(0, page + delta))
        case .departments(let page): screen = .departments(page: max(0, page + delta))
        case .serviceDetail(let id, let page): screen = .serviceDetail(id: id, page: max(0, page + delta))
        case .printerDiagnostics(let sample, let page): screen = .printerDiagnostics(sample, page: max(0, page + delta))
        default: return
        }
        clampPage()
    }

    /// Keeps a list's page inside its range (after a resize or a mode change).
    mutating func clampPage() {
        guard let count = listCount else { return }
        let pages = max(1, (count + listCapacity - 1) / listCapacity)
        switch screen {
        case .services(let kind, let page): screen = .services(kind, page: min(page, pages - 1))
        case .departments(let page): screen = .departments(page: min(page, pages - 1))
        default: break
        }
    }
}

/// Size rules shared by `update` (paging) and the views (drawing).
public enum Layout {
    /// Rows taken by the title bar, the heading, the navigation row and the footer.
    static func chromeRows(height: Int, elder: Bool) -> Int {
        1 + headingRows(height: height, elder: elder) + 3 + 1
    }

    /// Rows of the heading: a big block-glyph headline in elder mode when there is room.
    static func headingRows(height: Int, elder: Bool) -> Int {
        elder && height >= bigHeadlineMinimumHeight ? 10 : 4
    }

    /// Elder mode's big headline is 8 rows; below this height it gives way to content.
    public static let bigHeadlineMinimumHeight = 30

    /// List items per page: buttons of 3 rows (5 in elder mode), at most 6 (4) so every
    /// item keeps a keypad digit and 7/8 stay free for paging.
    public static func listCapacity(width: Int, height: Int, elder: Bool) -> Int {
        let itemHeight = elder ? 5 : 3
        let available = height - chromeRows(height: height, elder: elder)
        return max(1, min(elder ? 4 : 6, available / itemHeight))
    }
}
