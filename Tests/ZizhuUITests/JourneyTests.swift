// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// Reducer tests written as journeys: a sequence of events, and after each one the
/// state change and the effects it must produce.
struct Journey {
    var state: AppState

    init(_ state: AppState = Fixtures.state()) { self.state = state }

    /// Sends an event and checks its effects exhaustively: exactly `effects` (none unless
    /// stated), unless the step opts out with `.unchecked`. `change`, when given, describes
    /// the whole expected state change on a copy of the state before the event.
    @discardableResult
    mutating func send(_ event: Event, effects expected: ExpectedEffects = [],
                       sourceLocation: SourceLocation = #_sourceLocation,
                       _ change: ((inout AppState) -> Void)? = nil) -> [Effect] {
        var want = state
        change?(&want)
        let effects = update(&state, event)
        if case .exactly(let exactly) = expected {
            #expect(effects == exactly, "as the test states them: [\(effects.map { $0.swiftSource ?? "\($0)" }.joined(separator: ", "))]",
                    sourceLocation: sourceLocation)
        }
        if change != nil { #expect(state == want, sourceLocation: sourceLocation) }
        return effects
    }

    mutating func tick(_ times: Int) -> [Effect] {
        var all: [Effect] = []
        for _ in 0..<times { all += update(&state, .tick) }
        return all
    }
}

typealias SourceLocation = Testing.SourceLocation

/// What a journey step expects `update` to ask for: exactly these effects (an array literal;
/// the default is none), or — a step that opts out — anything.
enum ExpectedEffects: ExpressibleByArrayLiteral {
    case exactly([Effect])
    case unchecked

    init(arrayLiteral elements: Effect...) { self = .exactly(elements) }
}

@Suite("Journeys through the kiosk's state machine")
struct JourneyTests {
    @Test func findAServiceByThemeAndReadItsGuide() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")]) {
            $0.history = [.home]; $0.screen = .catalogue
        }
        journey.send(.activated(.catalogue(.personal)), effects: [.log("screen services-personal")]) {
            $0.history.append(.catalogue); $0.screen = .services(.theme(.personal), page: 0)
        }
        journey.send(.activated(.pageNext), effects: []) { $0.screen = .services(.theme(.personal), page: 1) }
        journey.send(.activated(.pagePrevious), effects: []) { $0.screen = .services(.theme(.personal), page: 0) }
        journey.send(.activated(.service("social-insurance-certificate")), effects: [.log("screen service-detail")]) {
            $0.history.append(.services(.theme(.personal), page: 0))
            $0.screen = .serviceDetail(id: "social-insurance-certificate", page: 0)
        }
        journey.send(.activated(.apply("social-insurance-certificate")), effects: [.startCardReading, .checkPrinter, .log("screen identify")]) {
            $0.history.append(.serviceDetail(id: "social-insurance-certificate", page: 0))
            $0.screen = .identify(serviceID: "social-insurance-certificate")
            $0.identify.phase = .failed(.readerNotConnected)   // no reader has reported in this test
        }
        journey.send(.activated(.back), effects: [.log("screen service-detail"), .stopCardReading]) {
            $0.history.removeLast(); $0.screen = .serviceDetail(id: "social-insurance-certificate", page: 0)
        }
        journey.send(.activated(.goHome), effects: [.log("screen home")]) {
            $0.history = []; $0.screen = .home; $0.identify.phase = .waitingForCard
        }
        #expect(journey.state.isPristine)
    }

    @Test func pagingStopsAtTheLastPage() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.personal)), effects: [.log("screen services-personal")])
        let count = journey.state.catalogue.services(theme: .personal).count
        let pages = (count + journey.state.listCapacity - 1) / journey.state.listCapacity
        for _ in 0..<(pages + 3) { journey.send(.activated(.pageNext)) }
        #expect(journey.state.screen == .services(.theme(.personal), page: pages - 1))
    }

    @Test func searchByCodeFindsTheServiceAndSaysWhenNothingMatches() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.search)), effects: [.log("screen search")]) { $0.history.append(.catalogue); $0.screen = .search(code: "") }
        journey.send(.activated(.digit(9))) { $0.screen = .search(code: "9") }
        journey.send(.activated(.digit(9))) { $0.screen = .search(code: "99") }
        journey.send(.activated(.confirm), effects: []) { $0.notice = .noServiceWithCode("99") }
        journey.send(.activated(.deleteDigit)) { $0.notice = nil; $0.screen = .search(code: "9") }
        journey.send(.activated(.deleteDigit)) { $0.screen = .search(code: "") }
        for digit in [2, 0, 1] { journey.send(.activated(.digit(digit))) }
        journey.send(.activated(.confirm), effects: [.log("screen service-detail")]) {
            $0.history.append(.search(code: "201"))
            $0.screen = .serviceDetail(id: "business-licence-print", page: 0)
        }
        journey.send(.activated(.back), effects: [.log("screen search")]) { $0.history.removeLast(); $0.screen = .search(code: "201") }
        // Delete on an empty code goes back.
        for _ in 0..<3 { journey.send(.activated(.deleteDigit)) }
        journey.send(.activated(.deleteDigit), effects: [.log("screen catalogue")]) { $0.history.removeLast(); $0.screen = .catalogue }
    }

    @Test func codesLongerThanSixDigitsAreNotTyped() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.search)), effects: [.log("screen search")])
        for _ in 0..<9 { journey.send(.activated(.digit(1))) }
        #expect(journey.state.screen == .search(code: "111111"))
    }


    @Test func idleCountdownThenWipeReturnsAFreshSession() {
        var journey = Journey()
        journey.send(.activated(.toggleLanguage), effects: [.log("language en")]) { $0.language = .en }
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode on")]) { $0.elderMode = true }
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.hot)), effects: [.log("screen services-hot")])
        #expect(journey.state.wantsTicks)
        // Quiet until the timeout (elder mode: twice the configured one), then the countdown
        // (twice as long too) starts with an alert.
        let timeout = journey.state.idleTimeoutSeconds, countdown = journey.state.countdownSeconds
        #expect(timeout == 2 * journey.state.settings.idleTimeoutSeconds && countdown == 2 * journey.state.settings.countdownSeconds)
        #expect(journey.tick(timeout - 1) == [])
        journey.send(.tick, effects: [.beep, .log("idle countdown started")]) {
            $0.idleSeconds = timeout; $0.countdown = countdown
        }
        journey.send(.tick, effects: []) { $0.idleSeconds += 1; $0.countdown = countdown - 1 }
        let effects = journey.tick(countdown - 1)
        #expect(effects == [.endSession, .log("session wiped after idle timeout"), .log("screen home")])
        #expect(journey.state == Fixtures.state())
        #expect(journey.state.isPristine && !journey.state.wantsTicks)
    }

    @Test func anyInputAnswersTheCountdownWithoutActing() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        _ = journey.tick(journey.state.settings.idleTimeoutSeconds + 3)
        #expect(journey.state.countdown != nil)
        // The digit 1 would open 个人服务; while the countdown shows it only dismisses it.
        journey.send(.activated(.catalogue(.personal)), effects: [.log("idle countdown dismissed")]) {
            $0.countdown = nil; $0.idleSeconds = 0
        }
        #expect(journey.state.screen == .catalogue)
        _ = journey.tick(journey.state.settings.idleTimeoutSeconds)
        journey.send(.activated(.continueSession), effects: [.log("idle countdown dismissed")]) {
            $0.countdown = nil; $0.idleSeconds = 0
        }
    }

    @Test func theAttractScreenDoesNotTick() {
        var journey = Journey()
        #expect(!journey.state.wantsTicks)
        #expect(journey.tick(10_000) == [])
        #expect(journey.state == Fixtures.state())
    }

    @Test func languageOrElderModeLeftOnTheHomeScreenIsResetForTheNextCitizen() {
        var journey = Journey()
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode on")])
        #expect(journey.state.wantsTicks)
        _ = journey.tick(journey.state.idleTimeoutSeconds + journey.state.countdownSeconds)
        #expect(!journey.state.elderMode)
    }

    @Test func elderModeHasItsOwnSecondHomePage() {
        var journey = Journey()
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode on")])
        journey.send(.activated(.more), effects: [.log("screen home-more")]) { $0.history = [.home]; $0.screen = .homeMore }
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode off"), .log("screen home")]) {
            $0.elderMode = false; $0.history = []; $0.screen = .home
        }
    }

    @Test func quitOnlyWhereAllowed() {
        var demo = Journey()
        demo.send(.quitRequested, effects: [.log("quit requested"), .quit])
        var settings = Fixtures.settings(allowsQuit: false)
        settings.allowsQuit = false
        var citizen = Journey(AppState(catalogue: Fixtures.catalogue, settings: settings))
        citizen.send(.quitRequested, effects: [])
    }

    @Test func escapeAndBackspaceGoBack() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.key(.escape)) { $0.history = []; $0.screen = .home }
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.search)), effects: [.log("screen search")])
        journey.send(.activated(.digit(1)))
        journey.send(.key(.backspace)) { $0.screen = .search(code: "") }
    }

    @Test func changingModeOrSizeKeepsTheListPageValid() {
        var journey = Journey()
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode on")])
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.catalogue(.personal)), effects: [.log("screen services-personal")])
        let count = journey.state.catalogue.services(theme: .personal).count
        let elderPages = (count + journey.state.listCapacity - 1) / journey.state.listCapacity
        for _ in 0..<elderPages { journey.send(.activated(.pageNext)) }
        #expect(journey.state.screen == .services(.theme(.personal), page: elderPages - 1))
        // Leaving elder mode shows more items per page, so there are fewer pages.
        journey.send(.activated(.toggleElderMode), effects: [.log("elder mode off")])
        let pages = (count + journey.state.listCapacity - 1) / journey.state.listCapacity
        #expect(pages < elderPages)
        #expect(journey.state.screen == .services(.theme(.personal), page: pages - 1))
        journey.send(.resized(width: 80, height: 24)) { $0.width = 80; $0.height = 24 }
    }

    @Test func aCatalogueThatFailsLeavesTheKioskUsable() {
        var journey = Journey(AppState(catalogue: .empty, settings: Fixtures.settings()))
        journey.send(.catalogueFailed("residence-permit.yaml:3:1: YAML syntax"),
                     effects: [.log("catalogue not loaded: residence-permit.yaml:3:1: YAML syntax")]) {
            $0.catalogueProblem = "residence-permit.yaml:3:1: YAML syntax"
        }
        journey.send(.activated(.feature(.services)), effects: [.log("screen out-of-service")])
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("服务目录暂不可用"))
        #expect(journey.state.wiped().catalogueProblem != nil)   // a new session does not forget it
        journey.send(.catalogueLoaded(Fixtures.catalogue), effects: [.log("catalogue loaded: \(Fixtures.catalogue.services.count) services")]) {
            $0.catalogue = Fixtures.catalogue; $0.catalogueProblem = nil
        }
    }

    @Test func unknownServiceIsIgnored() {
        var journey = Journey()
        journey.send(.activated(.service("no-such-service")), effects: [])
    }
}

@Suite("Touch and keypad are the same event")
struct InputMapperTests {
    @Test func touchPressAndReleaseInsideAButtonEqualsItsKeypadDigit() {
        let state = Fixtures.state()
        let frame = render(state, Fixtures.context())
        guard let region = frame.hits.first(where: { $0.button == .feature(.services) }) else {
            Issue.record("home has no 办事 button"); return
        }
        #expect(region.keys.first == .digit(1))
        var mapper = InputMapper()
        let x = region.rect.x + 3, y = region.rect.y + 1
        #expect(mapper.map(.press(x: x, y: y), frame: frame, focus: nil) == .pressed(.feature(.services)))
        let touch = mapper.map(.release(x: x + 1, y: y + 1), frame: frame, focus: nil)
        var keypad = InputMapper()
        let key = keypad.map(.key(.digit(1)), frame: frame, focus: nil)
        #expect(touch == .activated(.feature(.services)))
        #expect(touch == key)
        var a = state, b = state
        #expect(update(&a, touch!) == update(&b, key!))
        #expect(a == b)
    }

    @Test func releaseOutsideThePressedButtonDoesNothing() {
        let frame = render(Fixtures.state(), Fixtures.context())
        guard let region = frame.hits.first(where: { $0.button == .feature(.services) }) else { return }
        var mapper = InputMapper()
        _ = mapper.map(.press(x: region.rect.x + 1, y: region.rect.y + 1), frame: frame, focus: nil)
        #expect(mapper.map(.release(x: 0, y: 0), frame: frame, focus: nil) == .pressCancelled)
        // Sliding onto another button and releasing there does not activate it either.
        guard let other = frame.hits.first(where: { $0.button == .feature(.printProof) }) else { return }
        _ = mapper.map(.press(x: region.rect.x + 1, y: region.rect.y + 1), frame: frame, focus: nil)
        #expect(mapper.map(.release(x: other.rect.x + 1, y: other.rect.y + 1), frame: frame, focus: nil) == .pressCancelled)
    }

    @Test func digitsWithoutAButtonOnScreenAreNotActivations() {
        let frame = render(Fixtures.state(), Fixtures.context())
        var mapper = InputMapper()
        #expect(mapper.map(.key(.digit(9)), frame: frame, focus: nil) == .key(.digit(9)))
    }

    @Test func enterActivatesTheFocusedButton() {
        var state = Fixtures.state()
        var mapper = InputMapper()
        var frame = render(state, Fixtures.context())
        let focus = mapper.map(.key(.down), frame: frame, focus: state.focus)
        #expect(focus == .focusMoved(to: 0))
        _ = update(&state, focus!)
        frame = render(state, Fixtures.context())
        // Focus shows without colour: a double border and a ► marker.
        let rect = frame.hits[0].rect
        #expect(frame.grid[rect.x, rect.y].character == "╔")
        #expect(frame.grid.row(rect.y + 1).contains("►"))
        #expect(mapper.map(.key(.enter), frame: frame, focus: state.focus) == .activated(frame.hits[0].button))
    }

    @Test func aPressedButtonIsDrawnInReverseVideo() {
        var state = Fixtures.state()
        _ = update(&state, .pressed(.feature(.services)))
        let frame = render(state, Fixtures.context())
        guard let rect = frame.hits.first(where: { $0.button == .feature(.services) })?.rect else { return }
        #expect(frame.grid[rect.x + 2, rect.y + 1].style.reverse)
    }

    @Test func f10AsksToQuit() {
        let frame = render(Fixtures.state(), Fixtures.context())
        var mapper = InputMapper()
        #expect(mapper.map(.key(.function(10)), frame: frame, focus: nil) == .quitRequested)
    }
}

@Suite("Identify: card reader and manual entry")
struct IdentifyJourneyTests {
    static let card = IdentityCard(kind: .resident, name: "测试样本", gender: .female, nationCode: "01",
                                   birthDate: CalendarDate(year: 1949, month: 12, day: 31), address: "北京市朝阳区测试路1号样本小区",
                                   idNumber: IDNumber(fromCard: "11010519491231002X"), validIndefinitely: true)

    static func atIdentify(_ service: String = "social-insurance-certificate") -> Journey {
        var journey = Journey()
        journey.send(.reader(.connected(ReaderInfo(transport: "test", connected: true))), effects: [.log("reader connected")])
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.service(service)), effects: [.log("screen service-detail")])
        journey.send(.activated(.apply(service)), effects: [.startCardReading, .checkPrinter, .log("screen identify")])
        return journey
    }

    @Test func aCardIsReadAndTheSessionKnowsTheCitizen() {
        var journey = Self.atIdentify()
        #expect(journey.state.identify.phase == .waitingForCard)
        journey.send(.reader(.waitingForCard), effects: [])
        journey.send(.reader(.reading), effects: []) { $0.identify.phase = .reading }
        journey.send(.reader(.cardRead(Self.card)), effects: [.log("identified by card: 1101**********002X")]) {
            $0.identify.phase = .identified; $0.citizen = Self.card
        }
        // The masked number is on screen, the full one nowhere.
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("1101**********002X") && text.contains("测试样本") && text.contains("请取回您的身份证"))
        #expect(!text.contains("11010519491231002X"))
        // Another card on the reader does not replace the first person.
        journey.send(.reader(.cardRead(IdentityCard(kind: .resident, name: "另一人", gender: .male, birthDate: nil,
                                                    idNumber: IDNumber(fromCard: "440106198806150019")))),
                     effects: [.log("another card ignored: 4401**********0019")])
        journey.send(.reader(.cardRemoved), effects: [.stopCardReading]) { $0.identify.cardTaken = true }
        journey.send(.activated(.proceed), effects: [.log("application started: social-insurance-certificate"),
                                                     .lookUpRecords(Self.card.idNumber), .log("screen application-form"),
                                                     .stopCardReading])
        #expect(journey.state.screen == .applicationForm(field: 0))
        #expect(journey.state.citizen == Self.card)
        // Going home ends the session: nothing personal stays.
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")])
        #expect(journey.state.citizen == nil)
    }

    /// The 社保卡 identifies for the services that take it (社保参保证明打印), and the card is
    /// then its material; elsewhere the citizen is asked for the ID card.
    @Test func aSocialSecurityCardIdentifiesOnlyWhereTheServiceTakesIt() {
        let holder = IdentityCard(kind: .resident, name: "演示用户", gender: .male, nationCode: "01",
                                  birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                  idNumber: IDNumber(fromCard: "440106198806150019"), source: .socialSecurityCard)
        var journey = Self.atIdentify()
        journey.send(.reader(.cardRead(holder)), effects: [.log("identified by 社保卡: 4401**********0019")]) {
            $0.identify.phase = .identified; $0.citizen = holder
        }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("社保卡读取成功") && text.contains("社会保障卡") && text.contains("请取回您的社保卡"), "\(text)")
        #expect(!text.contains("440106198806150019"))
        journey.send(.reader(.cardRemoved), effects: [.stopCardReading]) { $0.identify.cardTaken = true }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("社保卡已取回"))
        let service = journey.state.catalogue.service(id: "social-insurance-certificate")
        let form = service.map { ApplicationForm(service: $0, card: holder, records: ApplicantRecords(elicences: [], credit: nil)) }
        #expect(form?.socialSecurityCardRead == true && form?.cardRead == false)
        #expect(Facts.applicant(holder, today: CalendarDate(year: 2026, month: 12, day: 5) ?? .epoch)["applicant.card_kind"]
                == .choice("social_security_card"))

        // 养老保险待遇申领 takes the ID card only.
        var pension = Self.atIdentify("pension-claim")
        pension.send(.reader(.cardRead(holder)), effects: [.log("社保卡 not accepted here: 4401**********0019")]) {
            $0.identify.phase = .failed(.socialSecurityCardNotAccepted)
        }
        #expect(pension.state.citizen == nil)
        #expect(render(pension.state, Fixtures.context()).grid.plainText().contains("此事项须使用身份证核验身份"))
    }

    @Test func theIdleTimeoutWipesTheCitizen() {
        var journey = Self.atIdentify()
        journey.send(.reader(.cardRead(Self.card)), effects: [.log("identified by card: 1101**********002X")])
        _ = journey.tick(journey.state.settings.idleTimeoutSeconds + journey.state.settings.countdownSeconds)
        #expect(journey.state.citizen == nil && journey.state.screen == .home)
        #expect(journey.state.readerConnected)
    }

    @Test(arguments: [CardReadFailure.cardMovedTooSoon, .unreadableCard(detail: "40"), .readerNotConnected])
    func eachFailureSaysWhatToDoAndOffersARetry(_ failure: CardReadFailure) {
        var journey = Self.atIdentify()
        journey.send(.reader(.readFailed(failure)), effects: .unchecked) { $0.identify.phase = .failed(failure) }
        let frame = render(journey.state, Fixtures.context())
        #expect(frame.grid.plainText().contains(String(failure.zh.prefix(8))))
        #expect(frame.hits.contains { $0.button == .retryCard && $0.keys.first == .digit(1) })
        journey.send(.activated(.retryCard), effects: [.stopCardReading, .startCardReading]) { $0.identify.phase = .waitingForCard }
    }

    @Test func withoutAReaderTheScreenSaysSoAndRecoversWhenItComes() {
        var journey = Journey()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.activated(.apply("residence-permit")), effects: [.startCardReading, .checkPrinter, .log("screen identify")])
        #expect(journey.state.identify.phase == .failed(.readerNotConnected))
        journey.send(.reader(.connected(ReaderInfo(transport: "t", connected: true))), effects: [.log("reader connected"), .startCardReading]) {
            $0.readerConnected = true; $0.identify.phase = .waitingForCard
        }
    }

    @Test func manualEntryShowsTheNumberInFullWhileTypedAndMaskedOnceTaken() {
        var journey = Self.atIdentify("temporary-id-card")
        journey.send(.activated(.manualEntry), effects: [.stopCardReading]) { $0.identify.phase = .manualEntry(typed: "", problem: nil) }
        for digit in "11010519491231002".compactMap(\.wholeNumberValue) { journey.send(.activated(.digit(digit))) }
        journey.send(.activated(.checkCharacterX)) { $0.identify.phase = .manualEntry(typed: "11010519491231002X", problem: nil) }
        // The citizen's own number on their own screen while they type it: in full, grouped.
        var text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("110105 19491231 002X"), "\(text)")
        journey.send(.activated(.deleteDigit))
        journey.send(.activated(.digit(1)))   // wrong check character
        journey.send(.activated(.confirm)) {
            $0.identify.phase = .manualEntry(typed: "110105194912310021", problem: .badCheckCharacter(expected: "X"))
        }
        text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("校验位不正确"))
        journey.send(.activated(.deleteDigit))
        journey.send(.activated(.checkCharacterX))
        journey.send(.activated(.confirm), effects: [.log("identified by typed number: 1101**********002X")])
        #expect(journey.state.identify.phase == .identified)
        #expect(journey.state.citizen?.source == .manualEntry && journey.state.citizen?.gender == .female)
        text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("手工输入的号码"))
        // Taken: masked from now on, and the screen does not claim it was verified.
        #expect(text.contains("1101**********002X"), "\(text)")
        #expect(!text.contains("110105 19491231") && !text.contains("11010519491231002X"), "\(text)")
        #expect(text.contains("号码格式正确") && !text.contains("身份核验成功"), "\(text)")
    }

    @Test func manualEntryIsOnlyOfferedWhereTheServiceAllowsIt() {
        var journey = Self.atIdentify("social-insurance-certificate")
        #expect(!render(journey.state, Fixtures.context()).hits.contains { $0.button == .manualEntry })
        journey.send(.activated(.manualEntry), effects: [])
        #expect(journey.state.identify.phase == .waitingForCard)
        let permitted = Self.atIdentify("temporary-id-card")
        #expect(render(permitted.state, Fixtures.context()).hits.contains { $0.button == .manualEntry })
    }

    @Test func thePrinterIsCheckedBeforeTheCitizenStartsAndTheyAreTold() {
        var journey = Self.atIdentify()
        journey.send(.printerChecked(.paperOut), effects: [.log("printer paper-out")]) { $0.printerHealth = .paperOut }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("打印机缺纸，暂不能打印回执"))
        journey.send(.printerChecked(.paperOut), effects: [])   // no news, no log line
        journey.send(.printerChecked(.ready), effects: [.log("printer ready")]) { $0.printerHealth = .ready }
        #expect(!render(journey.state, Fixtures.context()).grid.plainText().contains("打印机"))
        // Kept for the next citizen (it is the kiosk's, not the citizen's).
        #expect(journey.state.wiped().printerHealth == .ready)
    }

    @Test func readerEventsOutsideTheIdentifyScreenChangeNothingButTheStatus() {
        var journey = Journey()
        journey.send(.reader(.cardRead(Self.card)), effects: [])
        #expect(journey.state.citizen == nil)
        journey.send(.reader(.disconnected(reason: "unplugged")), effects: [.log("reader disconnected")])
    }
}

@Suite("Printer diagnostics (technician)")
struct PrinterDiagnosticsJourneyTests {
    static let samples: SampleReceipts = {
        do {
            return try SampleReceipts(paths: Repository.paths, profileName: "80mm", unifontPath: Fixtures.resources.config.unifontPath,
                                      kioskID: "zizhu-demo-001")
        } catch {
            fatalError("the shipped receipt files do not load: \(error)")
        }
    }()

    static func demo() -> Journey {
        var state = Fixtures.state()
        state.settings.diagnosticsWithoutPIN = true
        return Journey(state)
    }

    /// Technician mode (F12 in a demo kiosk), then 2 打印机.
    static func openPrinterScreen(_ journey: inout Journey) {
        journey.send(.key(.function(12)), effects: [.log("screen technician-menu"), .runDiagnostics])
        journey.send(.activated(.technicianArea(.printer)), effects: [.checkPrinter, .previewReceipt(.acceptance, .zhHans), .log("screen printer-diagnostics")])
    }

    @Test func technicianModeOpensItAndAsksForAPreviewAndACheck() {
        var journey = Self.demo()
        journey.send(.key(.function(12)), effects: [.log("screen technician-menu"), .runDiagnostics]) {
            $0.screen = .technicianMenu; $0.history = [.home]; $0.technician.session = TechnicianSession(); $0.technician.session?.checking = true
        }
        journey.send(.activated(.technicianArea(.printer)),
                     effects: [.checkPrinter, .previewReceipt(.acceptance, .zhHans), .log("screen printer-diagnostics")]) {
            $0.screen = .printerDiagnostics(.acceptance, page: 0); $0.history = [.home, .technicianMenu]; $0.printerDiagnostics.checkPending = true
        }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("正在检测打印机"))
        journey.send(.printerChecked(.paperOut), effects: [.log("printer paper-out")]) {
            $0.printerHealth = .paperOut; $0.printerDiagnostics.checkPending = false
        }
        let preview = Self.samples.layoutPreview(.acceptance, language: .zhHans)
        journey.send(.receiptPreviewed(preview), effects: []) { $0.printerDiagnostics.preview = preview }
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("受理编号：ZZ20261122-0193-4F2A") && text.contains("paper-out") && text.contains("打印机缺纸"))
        #expect(text.contains("纸宽 80 毫米，每行 48 列") && text.contains("ESC/POS 数据 \(preview.byteCount) 字节"))
        // Sample data only: the masked number of the fake citizen, never a full one.
        #expect(text.contains("1101**********002X") && !text.contains("11010519491231002X"))
        // 7/8 page through the preview; the last page has no "next".
        #expect(!text.contains("~~~~"), "the whole receipt does not fit one page")
        var pages = [text]
        while render(journey.state, Fixtures.context()).hits.contains(where: { $0.button == .pageNext }) && pages.count < 10 {
            journey.send(.activated(.pageNext))
            pages.append(render(journey.state, Fixtures.context()).grid.plainText())
        }
        #expect(pages.count >= 2)
        #expect(pages.last?.contains("第 \(pages.count)/\(pages.count) 页") == true)
        #expect(pages.dropFirst().contains { $0.contains("~~~~") }, "the tear-off edge is on a later page")
        #expect(render(journey.state, Fixtures.context()).hits.contains { $0.button == .pagePrevious })
    }

    @Test func onlyDemoKiosksAndOnlyFromTheAttractScreen() {
        var production = Journey()
        production.send(.key(.function(12)), effects: []) { _ in }
        var journey = Self.demo()
        journey.send(.activated(.feature(.services)), effects: [.log("screen catalogue")])
        journey.send(.key(.function(12)), effects: []) { _ in }
        #expect(journey.state.screen == .catalogue)
    }

    @Test func nextDocumentDropsTheOldPreviewAndIgnoresALateOne() {
        var journey = Self.demo()
        Self.openPrinterScreen(&journey)
        journey.send(.activated(.nextSample), effects: [.previewReceipt(.queueTicket, .zhHans)]) {
            $0.screen = .printerDiagnostics(.queueTicket, page: 0)
        }
        // The acceptance preview arrives after the technician moved on: not shown.
        journey.send(.receiptPreviewed(Self.samples.layoutPreview(.acceptance, language: .zhHans)), effects: []) { _ in }
        let ticket = Self.samples.layoutPreview(.queueTicket, language: .zhHans)
        journey.send(.receiptPreviewed(ticket)) { $0.printerDiagnostics.preview = ticket }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("A023"))
        for expected in [ReceiptSample.proof, .testPage, .acceptance] {
            journey.send(.activated(.nextSample), effects: [.previewReceipt(expected, .zhHans)])
        }
        // Switching language lays the preview out again in that language.
        journey.send(.activated(.toggleLanguage), effects: [.log("language en"), .previewReceipt(.acceptance, .en)])
    }

    @Test func theTestPageIsPrintedOnceAtATimeAndItsFailureSaysWhy() {
        var journey = Self.demo()
        Self.openPrinterScreen(&journey)
        journey.send(.activated(.recheckPrinter), effects: []) { _ in }   // the first check is still out
        journey.send(.printerChecked(.ready), effects: [.log("printer ready")]) { $0.printerHealth = .ready; $0.printerDiagnostics.checkPending = false }
        journey.send(.activated(.printTestPage), effects: [.log("test page requested"), .printTestPage]) { $0.printerDiagnostics.testPage = .printing }
        journey.send(.activated(.printTestPage), effects: []) { _ in }   // already printing
        journey.send(.testPageFinished(.printed(job: 7)), effects: [.log("test page printed: job 7")]) { $0.printerDiagnostics.testPage = .printed(job: 7) }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("测试页已打印（作业 7）"))
        journey.send(.activated(.printTestPage), effects: [.log("test page requested"), .printTestPage])
        journey.send(.testPageFinished(.notPrinted(.jammed, reasons: ["media-jam-error"])),
                     effects: [.log("test page not printed: jammed media-jam-error")]) {
            $0.printerDiagnostics.testPage = .notPrinted(.jammed, reasons: ["media-jam-error"]); $0.printerHealth = .jammed
        }
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("测试页未打印： jammed"))
        journey.send(.activated(.recheckPrinter), effects: [.checkPrinter]) { $0.printerDiagnostics.checkPending = true }
        journey.send(.activated(.recheckPrinter), effects: []) { _ in }   // one check at a time
        // Back to the technician menu, then out; the preview and test-page result go with the session.
        journey.send(.activated(.back), effects: [.log("screen technician-menu")])
        #expect(journey.state.screen == .technicianMenu)
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")])
        #expect(journey.state.screen == .home && journey.state.technician.session == nil)
        #expect(journey.state.wiped().printerDiagnostics.preview == nil && journey.state.wiped().printerDiagnostics.testPage == nil)
    }
}
