// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
@testable import ZizhuUI

/// A fixed report: every area, one failed (the printer), one warning (the outbox). Its
/// text is what the kiosk's check builders say; ZizhuKioskTests' `TechnicianFixtureTests`
/// keeps the file in step with them.
enum TechnicianFixtures {
    static let report: DiagnosticReport = {
        let url = Repository.root.appendingPathComponent("Tests/ZizhuUITests/__Fixtures__/technician-report.json")
        do {
            return try JSONDecoder().decode(DiagnosticReport.self, from: Data(contentsOf: url))
        } catch {
            fatalError("\(url.path): the technician fixture does not load (\(error)); run the ZizhuKioskTests to write it")
        }
    }()

    static func session() -> TechnicianSession {
        var session = TechnicianSession()
        session.report = report
        return session
    }
}

@Suite("Technician mode: chord, PIN, lockout answers, menu, areas and actions")
struct TechnicianJourneyTests {
    static func production() -> Journey { Journey(Fixtures.state()) }

    static func signIn(_ journey: inout Journey) {
        journey.send(.key(.function(24)), effects: [.log("screen technician-pin")])
        for digit in [1, 3, 5, 7, 9, 2] { journey.send(.activated(.digit(digit))) }
        journey.send(.activated(.confirm), effects: [.log("technician PIN entered"), .verifyTechnicianPIN("135792")])
        journey.send(.technicianPINChecked(.accepted), effects: [.log("screen technician-menu"), .runDiagnostics])
    }

    @Test func theChordAsksForThePINAndTheScreenNeverShowsItsDigits() {
        var journey = Self.production()
        // F12 alone does nothing on a production kiosk; neither does the chord away from home.
        journey.send(.key(.function(12)), effects: []) { _ in }
        journey.send(.key(.function(24)), effects: [.log("screen technician-pin")]) {
            $0.screen = .technicianPIN(typed: ""); $0.history = [.home]
        }
        for digit in [1, 3, 5, 7, 9] { journey.send(.activated(.digit(digit))) }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("* * * * *") && !text.contains("13579"), "\(text)")
        // Too short: nothing is checked.
        journey.send(.activated(.confirm), effects: []) { _ in }
        journey.send(.activated(.digit(2)))
        journey.send(.activated(.confirm), effects: [.log("technician PIN entered"), .verifyTechnicianPIN("135792")]) {
            $0.technician.pinChecking = true
        }
        // A second confirm while checking is ignored; so are digits.
        journey.send(.activated(.confirm), effects: []) { _ in }
        journey.send(.activated(.digit(4)), effects: []) { _ in }
        journey.send(.technicianPINChecked(.wrong(attemptsLeft: 2)), effects: [.log("technician PIN wrong (2 tries left)")]) {
            $0.technician.pinChecking = false; $0.technician.pinCheck = .wrong(attemptsLeft: 2); $0.screen = .technicianPIN(typed: "")
        }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("PIN 错误，再错 2 次将锁定"))
        for digit in [0, 0, 0, 0, 0, 0] { journey.send(.activated(.digit(digit))) }
        journey.send(.activated(.confirm), effects: [.log("technician PIN entered"), .verifyTechnicianPIN("000000")])
        journey.send(.technicianPINChecked(.locked(seconds: 30)), effects: [.log("technician PIN locked for 30 s")]) {
            $0.technician.pinChecking = false; $0.technician.pinCheck = .locked(seconds: 30); $0.screen = .technicianPIN(typed: "")
        }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("请 30 秒后再试"))
        // Backspace on an empty PIN leaves.
        journey.send(.key(.backspace)) { $0.screen = .home; $0.history = [] }
        var away = Self.production()
        away.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        away.send(.key(.function(24)), effects: []) { _ in }
    }

    @Test func theRightPINOpensTheMenuWithEveryAreaAndItsMark() {
        var journey = Self.production()
        journey.send(.key(.function(24)), effects: [.log("screen technician-pin")])
        for digit in [1, 3, 5, 7, 9, 2] { journey.send(.activated(.digit(digit))) }
        journey.send(.activated(.confirm), effects: [.log("technician PIN entered"), .verifyTechnicianPIN("135792")])
        journey.send(.technicianPINChecked(.accepted), effects: [.log("screen technician-menu"), .runDiagnostics]) {
            $0.technician.pinChecking = false; $0.screen = .technicianMenu; $0.history = [.home]
            $0.technician.session = TechnicianSession(); $0.technician.session?.checking = true
        }
        journey.send(.diagnosed(TechnicianFixtures.report), effects: [.log("diagnostics: failed printer")]) {
            $0.technician.session?.report = TechnicianFixtures.report; $0.technician.session?.checking = false
        }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        for expected in ["读卡器  ✓ 正常", "打印机  ✗ 故障", "待上传队列  ! 注意", "有部件故障"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        // Every area has a keypad digit: 1–8.
        let hits = render(journey.state, Fixtures.context()).hits
        for (index, area) in DiagnosticArea.allCases.enumerated() {
            #expect(hits.contains { $0.button == .technicianArea(area) && $0.keys.contains(.digit(index + 1)) })
        }
    }

    @Test func areasHaveTheirActionsAndLeavingWipesTechnicianMode() {
        var journey = Self.production()
        Self.signIn(&journey)
        journey.send(.diagnosed(TechnicianFixtures.report), effects: [.log("diagnostics: failed printer")])
        // 1 读卡器 → test read: the card is shown masked, then reading stops.
        journey.send(.activated(.technicianArea(.reader)), effects: [.log("screen technician-reader")]) { $0.screen = .technicianArea(.reader); $0.history = [.home, .technicianMenu] }
        journey.send(.activated(.testRead), effects: [.log("technician test read"), .startCardReading]) { $0.technician.session?.testReading = true }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("请在读卡区放一张身份证"))
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)),
                     effects: [.log("technician test read: 4401**********0019"), .stopCardReading]) {
            $0.technician.session?.testReading = false
            $0.technician.session?.note = LocalizedText(zh: "读卡成功：演***  4401**********0019", en: "Card read: 演***  4401**********0019")
        }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("4401**********0019") && !text.contains("440106198806150019") && !text.contains("演示用户"))
        #expect(journey.state.citizen == nil, "a test read identifies nobody")
        // The 社保卡 reader answers a test read too, named as such; a failure is in words.
        journey.send(.activated(.testRead), effects: [.log("technician test read"), .startCardReading])
        var holder = Fixtures.demoCitizen
        holder.source = .socialSecurityCard
        journey.send(.reader(.cardRead(holder)), effects: [.log("technician test read: 4401**********0019"), .stopCardReading])
        #expect(journey.state.technician.session?.note?.zh == "读卡成功（社保卡）：演***  4401**********0019")
        journey.send(.activated(.testRead), effects: [.log("technician test read"), .startCardReading])
        let pulled = CardReadFailure.socialSecurityCard(LocalizedText(zh: "读卡未完成时社保卡被取出", en: "The card was taken out"))
        journey.send(.reader(.readFailed(pulled)), effects: [.log("technician test read failed: \(pulled)"), .stopCardReading])
        #expect(journey.state.technician.session?.note == LocalizedText(zh: "读卡失败：读卡未完成时社保卡被取出", en: "Read failed: The card was taken out"))
        // Leaving the reader area while a test read waits stops the reader.
        journey.send(.activated(.testRead), effects: [.log("technician test read"), .startCardReading])
        journey.send(.activated(.back), effects: [.log("screen technician-menu"), .stopCardReading]) {
            $0.screen = .technicianMenu; $0.history = [.home]; $0.technician.session?.testReading = false
        }
        // 4 待上传队列 → sync now; the note asks for a fresh report.
        journey.send(.activated(.technicianArea(.outbox)), effects: [.log("screen technician-outbox")])
        journey.send(.activated(.syncNow), effects: [.log("technician sync now"), .syncNow]) {
            $0.technician.session?.note = LocalizedText(zh: "正在上传", en: "Sending")
        }
        let sent = LocalizedText(zh: "已上传 3 条，退回 0 条", en: "Sent 3, refused 0")
        journey.send(.technicianNote(sent), effects: [.runDiagnostics]) { $0.technician.session?.note = sent; $0.technician.session?.checking = true }
        // 5 服务目录 → reload; the answer refreshes the report.
        journey.send(.diagnosed(TechnicianFixtures.report), effects: [.log("diagnostics: failed printer")])
        journey.send(.activated(.back), effects: [.log("screen technician-menu")])
        journey.send(.activated(.technicianArea(.catalogue)), effects: [.log("screen technician-catalogue")])
        journey.send(.activated(.reloadCatalogue), effects: [.log("catalogue reload requested"), .reloadCatalogue]) { _ in }
        journey.send(.catalogueFailed("x.yaml:1:1: broken"), effects: [.log("catalogue not loaded: x.yaml:1:1: broken"), .runDiagnostics]) {
            $0.catalogueProblem = "x.yaml:1:1: broken"; $0.technician.session?.checking = true
        }
        // 退出: back to the attract screen with nothing of technician mode left.
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")]) {
            $0.screen = .home; $0.history = []; $0.technician.session = nil
        }
    }

    @Test func theDemoKioskSkipsThePINAndLateAnswersAreIgnored() {
        var demo = Journey(Fixtures.state())
        demo.state.settings.diagnosticsWithoutPIN = true
        demo.send(.key(.function(24)), effects: [.log("screen technician-menu"), .runDiagnostics]) {
            $0.screen = .technicianMenu; $0.history = [.home]; $0.technician.session = TechnicianSession(); $0.technician.session?.checking = true
        }
        var journey = Self.production()
        journey.send(.diagnosed(TechnicianFixtures.report), effects: []) { _ in }
        journey.send(.technicianPINChecked(.accepted), effects: []) { _ in }
        journey.send(.technicianNote(LocalizedText(zh: "x", en: "x")), effects: []) { _ in }
    }
}

@Suite("暂停服务: a kiosk that cannot finish a journey does not start one")
struct OutOfServiceTests {
    @Test func withoutStorageOrCatalogue办事LeadsToOutOfServiceAndTheRestStillWorks() {
        var journey = Journey(Fixtures.state())
        let problem = LocalizedText(zh: "终端存储不可用", en: "the kiosk's storage is unavailable")
        journey.send(.storageChecked(problem), effects: [.log("out of service: the kiosk's storage is unavailable")]) {
            $0.storageProblem = problem
        }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("本机暂停办理业务：终端存储不可用"))
        journey.send(.activated(.feature(.services)), effects: [.log("screen out-of-service")]) {
            $0.screen = .outOfService; $0.history = [.home]
        }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("暂停服务") && text.contains("人工服务窗口") && text.contains("取号和查询进度仍可使用"), "\(text)")
        // The problem outlives the session; tickets and progress still open.
        journey.send(.activated(.goHome), effects: [.log("screen home")])
        #expect(journey.state.wiped().storageProblem == problem)
        journey.send(.activated(.feature(.queueTicket)), effects: [.checkPrinter, .log("screen queue-categories")])
        #expect(journey.state.screen == .queueCategories)
        journey.send(.activated(.goHome), effects: [.log("screen home")])
        journey.send(.storageChecked(nil), effects: [.log("storage available")]) { $0.storageProblem = nil }
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")]) { $0.screen = .catalogue; $0.history = [.home] }
        // An empty catalogue stops 办事 too.
        var empty = Journey(AppState(catalogue: .empty, settings: Fixtures.settings()))
        empty.send(.catalogueFailed("catalogue/x.yaml:1:1: broken"), effects: [.log("catalogue not loaded: catalogue/x.yaml:1:1: broken")])
        empty.send(.activated(.feature(.services)), effects: [.log("screen out-of-service")])
        #expect(empty.state.screen == .outOfService)
    }
}

@Suite("语音提示 is an effect like any other")
struct SpokenPromptTests {
    static func speaks(_ effects: [Effect]) -> Bool { effects.contains { if case .speak = $0 { return true } else { return false } } }

    @Test func screensAPersonReachesSpeakTheirPromptAndNothingElseDoes() {
        var state = Fixtures.state()
        state.settings.speaksPrompts = true
        var journey = Journey(state)
        journey.send(.activated(.feature(.queueTicket)), effects: [.checkPrinter, .log("screen queue-categories"), .speak([.ticketPrompt], .zhHans)]) {
            $0.screen = .queueCategories; $0.history = [.home]
        }
        journey.send(.activated(.goHome), effects: [.log("screen home"), .speak([.homeHeadline, .homeSubtitle], .zhHans)]) {
            $0.screen = .home; $0.history = []
        }
        // English speaks English; toggling the language on a screen says nothing new.
        journey.send(.activated(.toggleLanguage), effects: [.log("language en")]) { $0.language = .en }
        #expect(journey.send(.activated(.feature(.progress)), effects: [.log("screen progress-lookup"), .speak([.progressPrompt], .en)]).last == .speak([.progressPrompt], .en))
        // The idle timeout bringing the attract screen back is silent.
        for _ in 0..<(state.settings.idleTimeoutSeconds + state.settings.countdownSeconds + 1) {
            #expect(!Self.speaks(journey.send(.tick, effects: .unchecked)))
        }
        #expect(journey.state.screen == .home)
        // Technician screens are never spoken; without audio nothing is.
        var technician = journey
        technician.state.settings.diagnosticsWithoutPIN = true
        #expect(!Self.speaks(technician.send(.key(.function(12)), effects: [.log("screen technician-menu"), .runDiagnostics])))
        var silent = Journey(Fixtures.state())
        #expect(!Self.speaks(silent.send(.activated(.feature(.queueTicket)), effects: [.checkPrinter, .log("screen queue-categories")])))
    }
}

@Suite("打印证明: card, list from the platform, print; offline says so")
struct PrintProofTests {
    static let items = [ProofItem(id: "social_insurance", title: "社会保险个人参保证明"), ProofItem(id: "tax_payment", title: "个人所得税纳税记录")]

    static func identified() -> Journey {
        var state = Fixtures.state()
        state.readerConnected = true
        var journey = Journey(state)
        journey.send(.activated(.feature(.printProof)), effects: [.startCardReading, .checkPrinter, .log("screen identify-proofs")]) {
            $0.screen = .identifyForProofs; $0.history = [.home]
        }
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)), effects: [.log("identified by card: 4401**********0019")])
        return journey
    }

    @Test func theCardThenTheListThenThePrintedProof() {
        var journey = Self.identified()
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("办理事项：打印证明"))
        journey.send(.activated(.proceed), effects: [.stopCardReading, .log("proofs for 4401**********0019"),
                                                     .listProofs(Fixtures.demoCitizen.idNumber), .log("screen proofs")]) {
            $0.screen = .proofs; $0.history = [.home, .identifyForProofs]; $0.proofs.listing = .loading
        }
        journey.send(.proofsListed(.found(Self.items)), effects: [.log("proofs: 2 held")]) { $0.proofs.listing = .found(Self.items) }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("1  社会保险个人参保证明") && text.contains("2  个人所得税纳税记录") && text.contains("4401**********0019"))
        #expect(!text.contains("440106198806150019"))
        journey.send(.activated(.proof("tax_payment")),
                     effects: [.log("proof requested: tax_payment"),
                               .printProof(id: "tax_payment", holder: "演示用户", idNumber: Fixtures.demoCitizen.idNumber, language: .zhHans),
                               .log("screen proof-printing")]) {
            $0.screen = .proofPrinting; $0.history = [.home, .identifyForProofs, .proofs]; $0.proofs.printing = .printing(title: "个人所得税纳税记录")
        }
        // One at a time.
        journey.send(.activated(.back), effects: [.log("screen proofs")])
        journey.send(.activated(.proof("social_insurance")), effects: []) { _ in }
        journey.send(.proofPrinted(.printed(title: "个人所得税纳税记录", verificationCode: "DEMO-0123456789")),
                     effects: [.log("proof printed: 个人所得税纳税记录")]) {
            $0.proofs.printing = .printed(title: "个人所得税纳税记录", verificationCode: "DEMO-0123456789")
        }
        // Home ends the session: nothing of the citizen or their proofs stays.
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")]) {
            $0.screen = .home; $0.history = []; $0.citizen = nil; $0.proofs.listing = nil; $0.proofs.printing = nil; $0.identify.phase = .waitingForCard
        }
    }

    @Test func offlineTheKioskSaysSoAndOffersTheAlternatives() {
        var journey = Self.identified()
        journey.send(.activated(.proceed), effects: [.stopCardReading, .log("proofs for 4401**********0019"), .listProofs(IDNumber(fromCard: "440106198806150019")), .log("screen proofs")])
        journey.send(.proofsListed(.unavailable), effects: [.log("proofs: platform unavailable")]) { $0.proofs.listing = .unavailable }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("暂时无法连接政务平台") && text.contains("人工服务窗口") && text.contains("去办事"), "\(text)")
        #expect(render(journey.state, Fixtures.context()).hits.contains { $0.button == .feature(.services) })
        // No printer: the list is shown with the reason and nothing can be chosen.
        var noPaper = Self.identified()
        noPaper.send(.printerChecked(.paperOut), effects: [.log("printer paper-out")])
        noPaper.send(.activated(.proceed), effects: [.stopCardReading, .log("proofs for 4401**********0019"), .listProofs(IDNumber(fromCard: "440106198806150019")), .log("screen proofs")])
        noPaper.send(.proofsListed(.found(Self.items)), effects: [.log("proofs: 2 held")])
        #expect(render(noPaper.state, Fixtures.context()).grid.plainText().contains("打印机缺纸"))
        noPaper.send(.activated(.proof("social_insurance")), effects: []) { _ in }
    }

    @Test func aTypedNumberDoesNotOpenProofsButACardReadEarlierInTheSessionDoes() {
        var typed = Journey(Fixtures.state())
        typed.state.citizen = IdentityCard(kind: .resident, name: "", gender: .male, birthDate: nil, idNumber: Fixtures.demoCitizen.idNumber,
                                           source: .manualEntry)
        typed.send(.activated(.feature(.printProof)), effects: [.startCardReading, .checkPrinter, .log("screen identify-proofs")])
        #expect(typed.state.screen == .identifyForProofs)
        #expect(!render(typed.state, Fixtures.context()).hits.contains { $0.button == .manualEntry })
        var carded = Journey(Fixtures.state())
        carded.state.citizen = Fixtures.demoCitizen
        carded.send(.activated(.feature(.printProof)), effects: [.log("proofs for 4401**********0019"), .listProofs(Fixtures.demoCitizen.idNumber),
                                                                  .log("screen proofs")])
    }
}

@Suite("预约签到: code or ID card, today's appointments, a ticket ahead of walk-ins")
struct AppointmentTests {
    static let found = [Appointment(code: "260315", categoryID: "social_insurance", time: "10:30")]

    @Test func theCodeFindsTheAppointmentAndCheckInIssuesItsTicket() {
        var journey = Journey(Fixtures.state())
        journey.send(.activated(.feature(.appointment)), effects: [.checkPrinter, .log("screen appointment")]) {
            $0.screen = .appointment(typed: ""); $0.history = [.home]
        }
        for digit in [2, 6, 0, 3, 1, 5, 9] { journey.send(.activated(.digit(digit))) }
        #expect(journey.state.screen == .appointment(typed: "260315"), "six digits at most")
        journey.send(.activated(.confirm), effects: [.findAppointment(.code("260315")), .log("screen appointment-found"), .stopCardReading]) {
            $0.screen = .appointmentFound; $0.history = [.home, .appointment(typed: "260315")]; $0.appointment = .looking
        }
        journey.send(.appointmentsFound(.found(Self.found)), effects: [.log("appointments found: 1")]) { $0.appointment = .found(Self.found) }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("1  签到取号：社保医保 10:30"))
        journey.send(.activated(.checkIn("260315")),
                     effects: [.log("appointment check-in: social_insurance 10:30"), .checkIn(Self.found[0], .zhHans), .log("screen ticket")]) {
            $0.screen = .ticket; $0.history = [.home, .appointment(typed: "260315"), .appointmentFound]; $0.ticket = .printing
        }
        let ticket = IssuedTicket(number: "AY01", categoryID: "social_insurance", peopleAhead: 0, waitMinutes: 0, appointmentCode: "260315")
        journey.send(.ticketIssued(.issued(ticket)), effects: [.log("ticket AY01 issued")]) { $0.ticket = .issued(ticket) }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("预约号优先叫号"))
    }

    @Test func theIDCardFindsItTooAndNothingFoundOffersAnOrdinaryTicket() {
        var journey = Journey(Fixtures.state())
        journey.send(.activated(.feature(.appointment)), effects: [.checkPrinter, .log("screen appointment")])
        // A card is only read once the citizen chose to use it (a stray one is ignored).
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)), effects: []) { _ in }
        // 刷身份证 has a key too: # while nothing is typed (there is nothing to confirm yet).
        var mapper = InputMapper()
        let hash = mapper.map(.key(.hash), frame: render(journey.state, Fixtures.context()), focus: nil)
        #expect(hash == .activated(.lookUpByCard))
        journey.send(.activated(.lookUpByCard), effects: [.log("waiting for an ID card"), .startCardReading]) { $0.identify.cardLookup = true }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("请将身份证放在读卡区"))
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)),
                     effects: [.log("appointment lookup by card: 4401**********0019"), .stopCardReading, .findAppointment(.card(Fixtures.demoCitizen.idNumber))]) {
            $0.screen = .appointmentFound; $0.history = [.home, .appointment(typed: "")]; $0.appointment = .looking; $0.identify.cardLookup = false
        }
        #expect(journey.state.citizen == nil, "a card used for check-in identifies nobody")
        journey.send(.appointmentsFound(.notFound), effects: [.log("appointment not found")]) { $0.appointment = .notFound }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("没有找到您今天的预约") && text.contains("取普通号"), "\(text)")
        journey.send(.activated(.feature(.queueTicket)), effects: [.checkPrinter, .log("screen queue-categories")])
        #expect(journey.state.screen == .queueCategories)
        // Offline: the same way out.
        var offline = Journey(Fixtures.state())
        offline.send(.activated(.feature(.appointment)), effects: [.checkPrinter, .log("screen appointment")])
        for digit in [2, 6, 0, 3, 1, 5] { offline.send(.activated(.digit(digit))) }
        offline.send(.activated(.confirm), effects: [.findAppointment(.code("260315")), .log("screen appointment-found"), .stopCardReading])
        offline.send(.appointmentsFound(.unavailable), effects: [.log("appointments: platform unavailable")])
        #expect(render(offline.state, Fixtures.context()).grid.plainText().contains("暂时无法连接政务平台查询预约"))
        // A late answer after leaving is ignored; going home forgets the lookup.
        offline.send(.activated(.goHome), effects: [.log("screen home")])
        offline.send(.appointmentsFound(.found(Self.found)), effects: []) { _ in }
        #expect(offline.state.appointment == nil)
    }
}

@Suite("查询进度 by ID card")
struct ProgressByCardTests {
    @Test func aCardOnTheProgressScreenListsThePersonsCases() {
        var journey = Journey(Fixtures.state())
        journey.send(.activated(.feature(.progress)), effects: [.log("screen progress-lookup")]) {
            $0.screen = .progressLookup(typed: ""); $0.history = [.home]
        }
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)), effects: []) { _ in }
        journey.send(.activated(.lookUpByCard), effects: [.log("waiting for an ID card"), .startCardReading]) { $0.identify.cardLookup = true }
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)),
                     effects: [.log("progress lookup by card: 4401**********0019"), .stopCardReading,
                               .lookUpProgressByCard(Fixtures.demoCitizen.idNumber)]) {
            $0.screen = .progressResult; $0.history = [.home, .progressLookup(typed: "")]; $0.progress = .looking; $0.identify.cardLookup = false
        }
        #expect(journey.state.citizen == nil, "a lookup identifies nobody")
        let cases = [CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit", progress: "approved",
                                  source: .kiosk(uploaded: false))]
        journey.send(.progressLookedUp(.cases(cases)), effects: [.log("progress: 1 cases for the card")]) { $0.progress = .cases(cases) }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("本终端尚未上传的申请") && text.contains("ZZ20261122-7F3A-91C2-4B0D"), "\(text)")
        // No case on the platform for this card: said so, not "check the number".
        journey.send(.activated(.back), effects: [.log("screen progress-lookup")])
        journey.send(.activated(.lookUpByCard), effects: [.log("waiting for an ID card"), .startCardReading])
        journey.send(.reader(.cardRead(Fixtures.demoCitizen)), effects: [.log("progress lookup by card: 4401**********0019"), .stopCardReading, .lookUpProgressByCard(IDNumber(fromCard: "440106198806150019"))])
        journey.send(.progressLookedUp(.notFound), effects: [.log("progress: no such case")])
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("政务平台上没有您的办件记录"))
        // Typing a number and leaving stops the reader.
        var typed = Journey(Fixtures.state())
        typed.send(.activated(.feature(.progress)), effects: [.log("screen progress-lookup")])
        typed.send(.activated(.lookUpByCard), effects: [.log("waiting for an ID card"), .startCardReading])
        for character in "20261122" { typed.send(.activated(.digit(Int(String(character)) ?? 0))) }
        #expect(typed.send(.activated(.back), effects: [.log("screen home"), .stopCardReading]).contains(.stopCardReading))
        #expect(!typed.state.identify.cardLookup)
    }
}
