// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
@testable import ZizhuUI

/// One reset serves every end of a session (the idle timeout, 完成 and going home): it
/// keeps the kiosk's own fields; everything else starts as new, language and elder mode too.
@Suite("One reset for every end of a session")
struct SessionResetTests {
    /// A session with something in every field a citizen or a technician can fill.
    static func busySession() -> AppState {
        var state = Fixtures.state()
        state.screen = .ticket
        state.history = [.home, .queueCategories]
        state.language = .en
        state.elderMode = true
        state.focus = 2
        state.pressed = .goHome
        state.notice = .noServiceWithCode("999")
        state.idleSeconds = 41
        state.countdown = 7
        state.citizen = Fixtures.demoCitizen
        state.identify.phase = .identified
        state.identify.cardTaken = true
        state.printerDiagnostics.checkPending = true
        state.printerDiagnostics.testPage = .printing
        if let service = Fixtures.catalogue.services.first {
            state.application = Application(service: service, citizen: Fixtures.demoCitizen, today: Fixtures.today)
        }
        state.help = HelpCall(screen: "ticket", status: .sending)
        state.progress = .looking
        state.proofs.listing = .loading
        state.proofs.printing = .printing(title: "证明")
        state.identify.cardLookup = true
        state.appointment = .looking
        state.ticket = .printing
        state.technician.pinCheck = .wrong(attemptsLeft: 3)
        state.technician.pinChecking = true
        state.technician.session = TechnicianSession()
        // The kiosk's own fields, changed too: they must survive.
        state.readerConnected = true
        state.printerHealth = .paperLow
        state.storageProblem = LocalizedText(zh: "存储故障", en: "storage")
        state.catalogueProblem = "x.yaml:1:1"
        return state
    }

    /// Each stored field, by name, as a comparable value.
    static func fields(_ state: AppState) -> [String: AnyHashable] {
        Dictionary(uniqueKeysWithValues: Mirror(reflecting: state).children.compactMap { child in
            child.label.flatMap { label in (child.value as? AnyHashable).map { (label, $0) } }
        })
    }

    @Test func everyFieldIsTheKiosksOrWiped() {
        let busy = Self.busySession()
        let before = Self.fields(busy), after = Self.fields(busy.wiped())
        let fresh = Self.fields(AppState(catalogue: busy.catalogue, settings: busy.settings, width: busy.width, height: busy.height,
                                         today: busy.today))
        #expect(before.count == Mirror(reflecting: busy).children.count, "every field of AppState is Hashable, so it can be compared")
        #expect(AppState.kioskFields.isSubset(of: Set(before.keys)), "a listed field no longer exists")
        for (name, value) in after {
            if AppState.kioskFields.contains(name) {
                #expect(value == before[name], "\(name) is the kiosk's and must be kept")
            } else {
                #expect(value == fresh[name], "\(name) survived the end of a session: list it in AppState.kioskFields or let it be wiped")
            }
        }
        // The busy session fills every session field, so the check above compared each: a
        // field added to AppState fails here until `busySession` fills it too (and it is
        // then seen to be wiped) or it is listed as the kiosk's.
        let untouched = before.filter { !AppState.kioskFields.contains($0.key) && $0.value == fresh[$0.key] }.map(\.key)
        #expect(untouched.isEmpty, "fill these in busySession(): \(untouched.sorted())")
    }

    @Test func goingHomeIsTheSameResetLanguageAndElderModeIncluded() {
        var state = Self.busySession()
        state.countdown = nil   // a touch while "还在吗?" shows only dismisses it
        let effects = update(&state, .activated(.goHome))
        #expect(effects == [.endSession, .log("screen home")])
        var expected = Self.busySession().wiped()
        expected.screen = .home
        #expect(state == expected)
        #expect(state.language == .zhHans && !state.elderMode && state.citizen == nil && state.help == nil && state.ticket == nil)
        #expect(state.isPristine, "the attract screen as the next citizen must find it")
    }

    /// 完成 after a ticket, a rating, a proof or an application, and the idle wipe: the next
    /// citizen finds Chinese and the standard mode whatever the last one chose.
    @Test func finishingAVisitOrWalkingAwayLeavesNoLanguageOrElderMode() {
        for screen in [Screen.ticket, .submitted, .home] {
            var state = Fixtures.state()
            state.language = .en
            state.elderMode = true
            state.screen = screen
            state.history = [.home]
            if screen == .home {
                // Walked away: the idle countdown runs out.
                state.history = []
                // Elder mode waits twice as long before asking, and counts down twice as long.
                #expect(state.idleTimeoutSeconds == 2 * state.settings.idleTimeoutSeconds)
                for _ in 0..<(state.settings.idleTimeoutSeconds + state.settings.countdownSeconds + 1) { _ = update(&state, .tick) }
                #expect(state.countdown == nil && state.language == .en, "an elder still has time")
                for _ in 0..<(state.idleTimeoutSeconds + state.countdownSeconds) { _ = update(&state, .tick) }
            } else {
                _ = update(&state, .activated(.goHome))
            }
            #expect(state.screen == .home && state.language == .zhHans && !state.elderMode, "\(screen)")
            #expect(state.isPristine, "\(screen)")
        }
    }
}
