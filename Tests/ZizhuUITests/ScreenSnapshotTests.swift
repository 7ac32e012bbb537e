// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// One state per screen, reached the way a citizen reaches it.
enum ScreenCatalogue {
    static func states() -> [(name: String, build: (inout AppState) -> Void)] {
        citizenStates() + technicianAreaStates()
    }

    /// One snapshot per technician area (the printer's is printer-diagnostics).
    static func technicianAreaStates() -> [(name: String, build: (inout AppState) -> Void)] {
        DiagnosticArea.allCases.filter { $0 != .printer }.map { area in
            ("technician-\(area.rawValue)", { (state: inout AppState) in
                state.screen = .technicianArea(area); state.history = [.home, .technicianMenu]; state.technician.session = TechnicianFixtures.session()
                if area == .reader { state.technician.session?.note = LocalizedText(zh: "读卡成功：演*  4401**********0019", en: "Card read: 演*  4401**********0019") }
            })
        }
    }

    static func citizenStates() -> [(name: String, build: (inout AppState) -> Void)] {
        [
            ("home", { _ in }),
            ("home-more", { $0.elderMode = true; $0.screen = .homeMore; $0.history = [.home] }),
            ("catalogue", { $0.screen = .catalogue; $0.history = [.home] }),
            ("services-personal", { $0.screen = .services(.theme(.personal), page: 0); $0.history = [.home, .catalogue] }),
            ("services-personal-page2", { $0.screen = .services(.theme(.personal), page: 1); $0.history = [.home, .catalogue] }),
            ("services-business", { $0.screen = .services(.theme(.business), page: 0); $0.history = [.home, .catalogue] }),
            ("services-hot", { $0.screen = .services(.hot, page: 0); $0.history = [.home, .catalogue] }),
            ("departments", { $0.screen = .departments(page: 0); $0.history = [.home, .catalogue] }),
            ("services-department", { $0.screen = .services(.department("hrss"), page: 0); $0.history = [.home, .catalogue, .departments(page: 0)] }),
            ("search-empty", { $0.screen = .search(code: ""); $0.history = [.home, .catalogue] }),
            ("search-partial", { $0.screen = .search(code: "10"); $0.history = [.home, .catalogue] }),
            ("search-not-found", { $0.screen = .search(code: "999"); $0.notice = .noServiceWithCode("999"); $0.history = [.home, .catalogue] }),
            ("service-detail", { $0.screen = .serviceDetail(id: "residence-permit", page: 0); $0.history = [.home, .catalogue] }),
            ("service-detail-long", { $0.screen = .serviceDetail(id: "talent-housing-subsidy", page: 0); $0.history = [.home, .catalogue] }),
            ("identify-waiting", { $0.screen = .identify(serviceID: "temporary-id-card"); $0.history = [.home, .catalogue]
                                   $0.identify.phase = .waitingForCard }),
            ("identify-reading", { $0.screen = .identify(serviceID: "temporary-id-card"); $0.history = [.home]; $0.identify.phase = .reading }),
            ("identify-identified", { $0.screen = .identify(serviceID: "residence-permit"); $0.history = [.home]
                                      $0.identify.phase = .identified; $0.citizen = IdentifyJourneyTests.card }),
            ("identify-card-refused", { $0.screen = .identify(serviceID: "retirement-bundle"); $0.history = [.home]
                                        $0.identify.phase = .identified; $0.citizen = Fixtures.demoCitizen; $0.identify.cardTaken = true }),
            ("identify-card-taken", { $0.screen = .identify(serviceID: "residence-permit"); $0.history = [.home]
                                      $0.identify.phase = .identified; $0.citizen = IdentifyJourneyTests.card; $0.identify.cardTaken = true }),
            ("identify-moved", { $0.screen = .identify(serviceID: "residence-permit"); $0.history = [.home]
                                 $0.identify.phase = .failed(.cardMovedTooSoon) }),
            ("identify-unreadable", { $0.screen = .identify(serviceID: "temporary-id-card"); $0.history = [.home]
                                      $0.identify.phase = .failed(.unreadableCard(detail: "40")) }),
            ("identify-no-reader", { $0.screen = .identify(serviceID: "residence-permit"); $0.history = [.home]
                                     $0.identify.phase = .failed(.readerNotConnected) }),
            ("identify-printer-out", { $0.screen = .identify(serviceID: "residence-permit"); $0.history = [.home]
                                       $0.identify.phase = .waitingForCard; $0.printerHealth = .paperOut }),
            ("identify-manual", { $0.screen = .identify(serviceID: "temporary-id-card"); $0.history = [.home]
                                  $0.identify.phase = .manualEntry(typed: "1101051949", problem: nil) }),
            ("identify-manual-error", { $0.screen = .identify(serviceID: "temporary-id-card"); $0.history = [.home]
                                        $0.identify.phase = .manualEntry(typed: "110105194912310021", problem: .badCheckCharacter(expected: "X")) }),
            ("printer-diagnostics", { $0.screen = .printerDiagnostics(.acceptance, page: 0); $0.history = [.home]
                                      $0.printerHealth = .paperLow; $0.printerDiagnostics.testPage = .printed(job: 3)
                                      $0.printerDiagnostics.preview = PrinterDiagnosticsJourneyTests.samples.layoutPreview(.acceptance, language: $0.language) }),
            ("printer-diagnostics-58mm-last-page", { $0.screen = .printerDiagnostics(.testPage, page: 9); $0.history = [.home]
                                                     $0.printerHealth = .paperOut
                                                     $0.printerDiagnostics.preview = ScreenCatalogue.narrow.layoutPreview(.testPage, language: $0.language) }),
            ("form-text-elicence", applying("birth-bundle", .applicationForm(field: 0))),
            ("form-date-elicence", applying("birth-bundle", .applicationForm(field: 1))),
            ("form-prefill-failed", applying("birth-bundle", .applicationForm(field: 0), online: false)),
            ("form-records-pending", applying("birth-bundle", .applicationForm(field: 1), online: nil)),
            ("form-choice", applying("temporary-id-card", .applicationForm(field: 0))),
            ("form-card-address", applying("temporary-id-card", .applicationForm(field: 1))),
            ("form-keypad-error", applying("residence-permit", .applicationForm(field: 1)) {
                $0.entry = "7000"; $0.problem = FieldProblem(zh: "不能大于600", en: "At most 600") }),
            ("form-id-number", applying("no-property-certificate", .applicationForm(field: 1))),
            ("form-credit-code", applying("business-licence-print", .applicationForm(field: 0))),
            ("keyboard-pinyin", applying("birth-bundle", .keyboard(field: 0)) { $0.entry = "演示"; $0.pinyin = "bao" }),
            ("keyboard-handwriting", applying("birth-bundle", .keyboard(field: 0)) {
                $0.entry = "王"; $0.inputMode = .handwriting
                var drawing = Drawing(width: 12, height: 12)   // 十, as written on the smallest pad
                drawing.penDown(cellX: 1, cellY: 2); drawing.penMoved(cellX: 11, cellY: 2); drawing.penUp()
                drawing.penDown(cellX: 6, cellY: 0); drawing.penMoved(cellX: 6, cellY: 5); drawing.penUp()
                $0.drawing = drawing }),
            ("keyboard-latin", applying("business-licence-print", .keyboard(field: 0)) { $0.entry = "91440106MA" }),
            ("materials", applying("residence-permit", .materials(page: 0))),
            ("materials-committed", applying("residence-permit", .materials(page: 0)) { $0.form.committed = ["residence-registration"] }),
            ("materials-grade-low", applying("company-deregistration", .materials(page: 0))),
            ("commitment", applying("residence-permit", .commitment(materialID: "residence-registration"))),
            ("review", applying("residence-permit", .review(page: 0)) {
                $0.form.set("residence_region", "440106"); $0.form.set("months_resident", "24"); $0.form.set("phone", "13800138000")
                $0.form.committed = ["residence-registration"] }),
            ("precheck-approved", applying("business-licence-print", .precheck(page: 0)) {
                $0.form.set("is_legal_representative", "yes"); $0.form.set("copies", "2") }),
            ("precheck-refused", applying("residence-permit", .precheck(page: 0)) {
                $0.form.set("residence_region", "440106"); $0.form.set("months_resident", "3"); $0.form.set("phone", "13800138000") }),
            ("precheck-bundle", applying("birth-bundle", .precheck(page: 0))),
            ("submitted-saving", applying("residence-permit", .submitted) { $0.submission = .submitting }),
            ("submitted-accepted", applying("residence-permit", .submitted) {
                $0.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .manualReview,
                                                owed: [OwedMaterial(material: LocalizedText(zh: "居住登记凭证或房屋租赁合同", en: "Residence registration or a rental contract"),
                                                                    deadline: CalendarDate(year: 2026, month: 12, day: 2) ?? .epoch)])) }),
            ("help-sent", { $0.screen = .help; $0.history = [.home, .catalogue]; $0.help = HelpCall(screen: "catalogue", status: .sent(17)) }),
            ("help-queued", { $0.screen = .help; $0.history = [.home]; $0.help = HelpCall(screen: "home", status: .queued) }),
            ("help-coming", { $0.screen = .help; $0.history = [.home]; $0.help = HelpCall(screen: "home", status: .acknowledged(17)) }),
            ("help-unavailable", { $0.screen = .help; $0.history = [.home]; $0.help = HelpCall(screen: "home", status: .unavailable) }),
            ("rating", applying("residence-permit", .rating) {
                $0.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: [])) }),
            ("rating-reason", applying("residence-permit", .ratingReason(level: 2)) {
                $0.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: [])) }),
            ("rated", applying("residence-permit", .rated) {
                $0.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: []))
                $0.rating = .saved }),
            ("progress-lookup", { $0.screen = .progressLookup(typed: "202611227F3A"); $0.history = [.home] }),
            ("progress-result", { $0.screen = .progressResult; $0.history = [.home, .progressLookup(typed: "202611227F3A91C24B0D")]
                                  $0.progress = .found(CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit",
                                                                    progress: "refused", reason: "请携带居住登记凭证原件到窗口核验",
                                                                    source: .platform)) }),
            ("progress-cases", { $0.screen = .progressResult; $0.history = [.home, .progressLookup(typed: "")]
                                 $0.progress = .cases([
                                    CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit", progress: "refused",
                                                 reason: "请携带居住登记凭证原件到窗口核验", source: .platform),
                                    CaseProgress(acceptanceNumber: "ZZ20261120-0193-4F2A-8C11", serviceID: "business-licence-print",
                                                 progress: "approved", source: .platform)]) }),
            ("progress-result-offline", { $0.screen = .progressResult; $0.history = [.home]
                                          $0.progress = .found(CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D",
                                                                            serviceID: "residence-permit", progress: "manual_review",
                                                                            source: .kiosk(uploaded: false))) }),
            ("queue-categories", { $0.screen = .queueCategories; $0.history = [.home] }),
            ("ticket-issued", { $0.screen = .ticket; $0.history = [.home, .queueCategories]
                                $0.ticket = .issued(IssuedTicket(number: "A023", categoryID: "social_insurance", peopleAhead: 5, waitMinutes: 30)) }),
            ("ticket-not-issued", { $0.screen = .ticket; $0.history = [.home, .queueCategories]
                                    $0.ticket = .notIssued(zh: "打印机缺纸，暂不能打印", en: "The printer is out of paper") }),
            ("submitted-failed", applying("residence-permit", .submitted) {
                $0.submission = .done(.failed(zh: "终端存储空间已满，本次申请未能保存，请到人工窗口办理",
                                              en: "The kiosk's storage is full: this application was not saved. Please go to a staffed counter")) }),
            ("appointment", { $0.screen = .appointment(typed: "2603"); $0.history = [.home] }),
            ("appointment-found", { $0.screen = .appointmentFound; $0.history = [.home, .appointment(typed: "260315")]
                                    $0.appointment = .found(AppointmentTests.found) }),
            ("appointment-not-found", { $0.screen = .appointmentFound; $0.history = [.home, .appointment(typed: "260315")]
                                        $0.appointment = .notFound }),
            ("ticket-appointment", { $0.screen = .ticket; $0.history = [.home, .appointment(typed: "260315"), .appointmentFound]
                                     $0.ticket = .issued(IssuedTicket(number: "AY01", categoryID: "social_insurance", peopleAhead: 0, waitMinutes: 0,
                                                                      appointmentCode: "260315")) }),
            ("identify-proofs", { $0.screen = .identifyForProofs; $0.history = [.home]; $0.identify.phase = .waitingForCard }),
            ("proofs", { $0.screen = .proofs; $0.history = [.home, .identifyForProofs]; $0.citizen = Fixtures.demoCitizen
                         $0.proofs.listing = .found(PrintProofTests.items) }),
            ("proofs-unavailable", { $0.screen = .proofs; $0.history = [.home, .identifyForProofs]; $0.citizen = Fixtures.demoCitizen
                                     $0.proofs.listing = .unavailable }),
            ("proofs-none", { $0.screen = .proofs; $0.history = [.home, .identifyForProofs]; $0.citizen = Fixtures.demoCitizen
                              $0.proofs.listing = .found([]) }),
            ("proof-printed", { $0.screen = .proofPrinting; $0.history = [.home, .identifyForProofs, .proofs]
                                $0.proofs.printing = .printed(title: "社会保险个人参保证明", verificationCode: "DEMO-016C5EA655") }),
            ("proof-not-printed", { $0.screen = .proofPrinting; $0.history = [.home, .identifyForProofs, .proofs]
                                    $0.proofs.printing = .notPrinted(zh: "暂时无法从政务平台获取该证明", en: "the proof could not be fetched from the platform") }),
            ("home-out-of-service", { $0.storageProblem = LocalizedText(zh: "终端存储不可用", en: "the kiosk's storage is unavailable") }),
            ("out-of-service", { $0.screen = .outOfService; $0.history = [.home]
                                 $0.storageProblem = LocalizedText(zh: "终端存储不可用", en: "the kiosk's storage is unavailable") }),
            ("technician-pin", { $0.screen = .technicianPIN(typed: "1234"); $0.history = [.home] }),
            ("technician-pin-wrong", { $0.screen = .technicianPIN(typed: ""); $0.history = [.home]; $0.technician.pinCheck = .wrong(attemptsLeft: 2) }),
            ("technician-pin-locked", { $0.screen = .technicianPIN(typed: ""); $0.history = [.home]; $0.technician.pinCheck = .locked(seconds: 120) }),
            ("technician-menu", { $0.screen = .technicianMenu; $0.history = [.home]; $0.technician.session = TechnicianFixtures.session() }),
            ("technician-menu-checking", { $0.screen = .technicianMenu; $0.history = [.home]; $0.technician.session = TechnicianSession()
                                           $0.technician.session?.checking = true }),
            ("idle-countdown", { $0.screen = .catalogue; $0.history = [.home]; $0.countdown = 7 }),
            ("focus", { $0.screen = .catalogue; $0.history = [.home]; $0.focus = 1 }),
        ]
    }

    /// An identified citizen part-way through an application. `online`: the platform
    /// answered (true), could not be asked (false), or has not answered yet (nil).
    static func applying(_ id: String, _ screen: Screen, online: Bool? = true, citizen: IdentityCard = Fixtures.demoCitizen,
                         _ edit: @escaping (inout Application) -> Void = { _ in }) -> (inout AppState) -> Void {
        { state in
            guard let service = state.catalogue.service(id: id) else {
                Issue.record("no service \(id) in the catalogue")
                return
            }
            state.citizen = citizen
            state.identify.phase = .identified
            var application = Application(service: service, citizen: citizen, today: state.today)
            if let online {
                let records = online ? Fixtures.records[citizen.idNumber.unmasked] ?? ApplicantRecords(elicences: [], credit: "good") : nil
                application.recordsArrived(records, service: service, citizen: citizen)
            }
            edit(&application)
            state.application = application
            state.screen = screen
            state.history = [.home, .serviceDetail(id: id, page: 0), .identify(serviceID: id)]
        }
    }

    static let narrow: SampleReceipts = {
        do {
            return try SampleReceipts(paths: Repository.paths, profileName: "58mm", unifontPath: Fixtures.resources.config.unifontPath,
                                      kioskID: "zizhu-demo-001")
        } catch {
            fatalError("the shipped receipt files do not load: \(error)")
        }
    }()

    /// Every variant the issue asks for: both sizes, both languages, standard and elder mode.
    static let variants: [(suffix: String, width: Int, height: Int, language: Language, elder: Bool)] = [
        ("100x30", 100, 30, .zhHans, false),
        ("80x24", 80, 24, .zhHans, false),
        ("elder-100x30", 100, 30, .zhHans, true),
        ("elder-80x24", 80, 24, .zhHans, true),
        ("en-100x30", 100, 30, .en, false),
        ("en-80x24", 80, 24, .en, false),
        ("en-elder-100x30", 100, 30, .en, true),
    ]

    static func state(_ build: (inout AppState) -> Void, width: Int, height: Int, language: Language, elder: Bool) -> AppState {
        var state = Fixtures.state(width: width, height: height)
        state.language = language
        state.elderMode = elder
        build(&state)
        if state.screen == .homeMore && !elder { state.elderMode = true }
        return state
    }
}

@Suite("Screen snapshots (plain text)")
struct ScreenSnapshotTests {
    @Test(arguments: ScreenCatalogue.states().map(\.name))
    func screen(_ name: String) throws {
        let build = try #require(ScreenCatalogue.states().first { $0.name == name }?.build)
        for variant in ScreenCatalogue.variants {
            let state = ScreenCatalogue.state(build, width: variant.width, height: variant.height,
                                              language: variant.language, elder: variant.elder)
            let frame = render(state, Fixtures.context())
            #expect(frame.grid.width == variant.width && frame.grid.height == variant.height)
            Snapshot.assert(frame.grid.plainText(), named: "\(name)-\(variant.suffix)")
        }
    }

    @Test(arguments: [(60, 20), (79, 30), (100, 23), (20, 5)])
    func tooSmall(width: Int, height: Int) {
        var state = Fixtures.state(width: width, height: height)
        state.screen = .catalogue
        let frame = render(state, Fixtures.context())
        #expect(frame.hits.isEmpty)
        let text = frame.grid.plainText()
        if width >= 20 { #expect(text.contains("屏幕太小")) }
        if width == 60 { Snapshot.assert(text, named: "too-small-60x20") }
    }

    @Test func theKioskRecoversWhenTheTerminalGrowsAgain() {
        var state = Fixtures.state()
        _ = update(&state, .activated(.feature(.services)))
        let before = render(state, Fixtures.context()).grid.plainText()
        _ = update(&state, .resized(width: 60, height: 20))
        #expect(render(state, Fixtures.context()).grid.plainText().contains("屏幕太小"))
        _ = update(&state, .resized(width: 100, height: 30))
        #expect(render(state, Fixtures.context()).grid.plainText() == before)
    }

    @Test func elderModeUsesBigGlyphsAndHighContrast() throws {
        #expect(Fixtures.glyphs != nil, "GNU Unifont is needed for elder mode (apt-get install unifont)")
        var state = Fixtures.state()
        state.elderMode = true
        let frame = render(state, Fixtures.context())
        let text = frame.grid.plainText()
        #expect(text.contains("█"))
        // High contrast: light on black, everything bold.
        let cell = frame.grid[50, 15]
        #expect(cell.style.background == .black && cell.style.bold)
        // Keypad numbers drawn big (box-drawing digits) on the main choices.
        #expect(text.contains("╺┻╸"))
    }

    @Test func elderModeWithoutUnifontFallsBackToPlainHeadlines() {
        var state = Fixtures.state()
        state.elderMode = true
        let text = render(state, Fixtures.context(glyphs: false)).grid.plainText()
        #expect(!text.contains("█"))
        #expect(text.contains("【欢迎使用政务服务自助终端】"))
    }
}

/// 长辈模式: the service's own name is the big headline, so every shipped service's big name
/// must have its glyphs and fit a 100-column screen.
@Suite("Elder mode draws each service's name big")
struct ElderHeadlineTests {
    @Test func everyServiceHasABigNameThatFits() throws {
        let font = try #require(Fixtures.glyphs, "GNU Unifont (the test command installs unifont)")
        for service in Fixtures.catalogue.services {
            for text in [service.bigName.zh, service.bigName.en] {
                #expect(font.canRender(text), "\(service.id): \(text)")
                #expect(font.width(of: text) <= 96, "\(service.id): \(text) is \(font.width(of: text)) cells")
            }
        }
    }

    @Test func theGuideAndTheFormNameTheServiceBigAndStillSayTheStep() {
        var state = Fixtures.state()
        state.elderMode = true
        state.width = 100
        state.height = 30
        state.screen = .serviceDetail(id: "residence-permit", page: 0)
        let guide = render(state, Fixtures.context()).grid.plainText()
        let font = Fixtures.glyphs
        let drawn = font.map { $0.render("居住证").map { String($0.reversed().drop { $0 == " " }.reversed()) } } ?? ["居住证 not drawable"]
        #expect(drawn.allSatisfy { guide.contains($0) }, "\(guide)")
        #expect(guide.contains("居住证申领") && guide.contains("事项编号 106"), "\(guide)")
        // The keypad digits of a form are drawn big.
        state.screen = .search(code: "")
        let search = render(state, Fixtures.context()).grid.plainText()
        #expect(search.contains(BigDigits.render("5")[1]), "\(search)")
    }
}
