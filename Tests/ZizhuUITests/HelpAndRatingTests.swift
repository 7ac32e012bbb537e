// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// 呼叫帮办 from any screen, and 好差评 after a case, through `update` and the rendered screen.
@Suite("呼叫帮办 and 好差评")
struct HelpAndRatingTests {
    static func screen(_ journey: Journey) -> String { render(journey.state, Fixtures.context()).grid.plainText() }

    /// Presses whatever button on the current screen claims this key, as the keypad does.
    static func press(_ key: Key, _ journey: inout Journey, sourceLocation: SourceLocation = #_sourceLocation) -> [Effect] {
        let frame = render(journey.state, Fixtures.context())
        var mapper = InputMapper()
        guard let event = mapper.map(.key(key), frame: frame, focus: nil) else {
            Issue.record("key \(key) maps to nothing on \(journey.state.screen.name)", sourceLocation: sourceLocation)
            return []
        }
        return update(&journey.state, event)
    }

    static func accepted(_ service: String = "residence-permit") -> Journey {
        var journey = Journey()
        ScreenCatalogue.applying(service, .submitted) {
            $0.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: []))
            $0.receipt = .printed
        }(&journey.state)
        return journey
    }

    @Test func helpIsOnePressFromAFormAndBackReturnsToIt() {
        var journey = Self.accepted()
        journey.state.screen = .applicationForm(field: 1)
        // On a keypad field 0 is a digit: the help key (F1) or a touch on 呼叫帮办 calls.
        let effects = journey.send(.key(.function(1)), effects: [.log("help requested on application-form"), .requestHelp(screen: "application-form")])
        #expect(effects.contains(.requestHelp(screen: "application-form")))
        #expect(journey.state.screen == .help && journey.state.help == HelpCall(screen: "application-form", status: .sending))
        #expect(Self.screen(journey).contains("正在呼叫工作人员"))
        journey.send(.helpUpdated(.queued), effects: [.log("help request queued: the platform cannot be reached")])
        #expect(Self.screen(journey).contains("您的求助已记录在本终端"))
        journey.send(.helpUpdated(.sent(42)), effects: [.log("help request 42 sent")])
        #expect(Self.screen(journey).contains("求助编号：H42"))
        journey.send(.helpUpdated(.acknowledged(42)), effects: [.log("help request 42 acknowledged: staff are coming")])
        #expect(Self.screen(journey).contains("正在赶来"))
        // Back: the form, with what was entered.
        _ = Self.press(.star, &journey)
        #expect(journey.state.screen == .applicationForm(field: 1) && journey.state.application != nil)
        // Pressing help again in the same session shows the call; it does not send another.
        let again = journey.send(.key(.function(1)), effects: [.log("help screen shown again (request from application-form)")])
        #expect(!again.contains { if case .requestHelp = $0 { return true } else { return false } })
        #expect(journey.state.screen == .help)
    }

    /// At night the 24小时自助区 has no staff: a call for help says no one will come and
    /// points to 12345, instead of "please wait" or "ask the hall's staff".
    @Test func atNightHelpPointsTo12345InsteadOfStaffWhoAreNotThere() {
        var journey = Journey()
        journey.send(.hallStaffed(false), effects: [.log("hall unstaffed: help points to 12345")]) { $0.hallStaffed = false }
        _ = journey.send(.activated(.feature(.help)), effects: [.log("help requested on home"), .requestHelp(screen: "home"), .log("screen help")])
        journey.send(.helpUpdated(.sent(7)), effects: [.log("help request 7 sent")])
        var text = Self.screen(journey)
        #expect(text.contains("求助编号：H7") && text.contains("不会有人前来") && text.contains("12345") && text.contains("08:30–18:00"), "\(text)")
        #expect(!text.contains("工作人员收到后会前来协助"))
        journey.send(.helpUpdated(.unavailable), effects: [.log("help request cannot be sent: no platform link")])
        text = Self.screen(journey)
        #expect(text.contains("无工作人员值守") && !text.contains("请联系大厅工作人员"), "\(text)")
        // The hall's staffing is the kiosk's, not the citizen's: it survives the end of a session.
        journey.send(.activated(.goHome), effects: .unchecked)
        #expect(!journey.state.hallStaffed)
        journey.send(.hallStaffed(true), effects: [.log("hall staffed")]) { $0.hallStaffed = true }
    }

    @Test func withoutAPlatformTheHelpScreenSaysWhatToDoInstead() {
        var journey = Journey()
        _ = journey.send(.activated(.feature(.help)), effects: [.log("help requested on home"), .requestHelp(screen: "home"), .log("screen help")])
        journey.send(.helpUpdated(.unavailable), effects: [.log("help request cannot be sent: no platform link")])
        #expect(Self.screen(journey).contains("12345"))
        // A status for a session that has ended changes nothing.
        journey.send(.activated(.goHome), effects: [.log("screen home")])
        var wiped = journey.state.wiped()
        #expect(wiped.help == nil)
        _ = update(&wiped, .helpUpdated(.acknowledged(3)))
        #expect(wiped.help == nil)
    }

    @Test func aCaseIsRatedOnceAndLowRatingsMayGiveAReason() {
        var journey = Self.accepted()
        #expect(Self.screen(journey).contains("评价本次服务"))
        _ = Self.press(.digit(1), &journey)
        #expect(journey.state.screen == .rating)
        let levels = Self.screen(journey)
        #expect(["非常满意", "满意", "基本满意", "不满意", "非常不满意"].allSatisfy(levels.contains))
        // 5 on the keypad is the fifth button: 非常不满意 (level 1), which asks why.
        _ = Self.press(.digit(5), &journey)
        #expect(journey.state.screen == .ratingReason(level: 1))
        let effects = Self.press(.digit(3), &journey)
        #expect(effects.contains(.rate(RatingRequest(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit",
                                                     level: 1, reason: "device"))))
        #expect(journey.state.screen == .rated && journey.state.application?.rating == .saving)
        journey.send(.rated(.saved), effects: [.log("rating stored")])
        #expect(Self.screen(journey).contains("感谢您的评价"))
        // Done: home, and the session is wiped.
        let done = Self.press(.hash, &journey)
        #expect(done.contains(.endSession) && journey.state.application == nil && journey.state.citizen == nil)
    }

    @Test func aGoodRatingNeedsNoReasonAndTheRateButtonGoesAway() {
        var journey = Self.accepted()
        _ = Self.press(.digit(1), &journey)
        let effects = Self.press(.digit(2), &journey)   // 满意 (level 4)
        #expect(effects.contains(.rate(RatingRequest(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit",
                                                     level: 4, reason: nil))))
        journey.send(.rated(.failed(zh: "终端存储空间已满", en: "The kiosk's storage is full")), effects: [.log("rating not stored: The kiosk's storage is full")])
        #expect(Self.screen(journey).contains("评价未能保存：终端存储空间已满"))
        // No second rating for this case.
        journey.state.screen = .submitted
        #expect(!Self.screen(journey).contains("评价本次服务"))
        #expect(journey.send(.activated(.startRating)).isEmpty && journey.state.screen == .submitted)
    }

    @Test func progressIsLookedUpByTheNumberTypedWithDigitsAndLetters() {
        var journey = Journey()
        _ = Self.press(.digit(5), &journey)
        #expect(journey.state.screen == .progressLookup(typed: ""))
        // Letters before the 8 date digits are refused; the keypad's digits and A–F make the rest.
        journey.send(.activated(.hexLetter("A")))
        #expect(journey.state.screen == .progressLookup(typed: ""))
        for digit in [2, 0, 2, 6, 1, 1, 2, 2, 7] { _ = Self.press(.digit(digit), &journey) }
        journey.send(.activated(.hexLetter("F")))
        journey.send(.key(.character("3")))
        journey.send(.key(.character("a")))
        for character in "91C24B0D" { journey.send(.key(.character(character))) }
        #expect(journey.state.screen == .progressLookup(typed: "202611227F3A91C24B0D"))
        #expect(Self.screen(journey).contains("ZZ20261122-7F3A-91C2-4B0D"))
        // One more character does not fit.
        journey.send(.activated(.hexLetter("E")))
        let effects = Self.press(.hash, &journey)
        #expect(effects.contains(.lookUpProgress("ZZ20261122-7F3A-91C2-4B0D")))
        #expect(journey.state.screen == .progressResult && Self.screen(journey).contains("正在查询"))
        journey.send(.progressLookedUp(.found(CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit",
                                                           progress: "refused", reason: "材料不全", source: .platform))), effects: [.log("progress from the platform: refused")])
        let shown = Self.screen(journey)
        #expect(shown.contains("居住证申领") && shown.contains("不予通过") && shown.contains("材料不全") && shown.contains("来自政务服务平台"))
    }

    @Test func offlineTheKiosksOwnRecordIsShownAndSaysSo() {
        var journey = Journey()
        journey.state.screen = .progressResult
        journey.state.history = [.home, .progressLookup(typed: "202611227F3A91C24B0D")]
        journey.state.progress = .looking
        journey.send(.progressLookedUp(.found(CaseProgress(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", serviceID: "residence-permit",
                                                           progress: "manual_review", source: .kiosk(uploaded: false)))), effects: [.log("progress from this kiosk's record: manual_review")])
        let shown = Self.screen(journey)
        #expect(shown.contains("人工审核中") && shown.contains("本终端的记录") && shown.contains("尚未上传"))
        journey.state.progress = .looking
        journey.send(.progressLookedUp(.unavailable), effects: [.log("progress: platform unreachable, no local record")])
        #expect(Self.screen(journey).contains("暂时无法连接"))
    }

    @Test func aQueueTicketIsShownOnlyOnceItPrinted() {
        var journey = Journey()
        _ = Self.press(.digit(3), &journey)
        #expect(journey.state.screen == .queueCategories)
        #expect(Self.screen(journey).contains("B  住房公积金"))
        let effects = Self.press(.digit(2), &journey)
        #expect(effects.contains(.issueTicket(categoryID: "housing_fund", language: .zhHans)))
        #expect(journey.state.screen == .ticket && Self.screen(journey).contains("正在打印排队小票"))
        // A second press while it prints does nothing.
        journey.state.screen = .queueCategories
        #expect(!Self.press(.digit(2), &journey).contains { if case .issueTicket = $0 { return true } else { return false } })
        journey.state.screen = .ticket
        journey.send(.ticketIssued(.issued(IssuedTicket(number: "B007", categoryID: "housing_fund", peopleAhead: 4, waitMinutes: 32))), effects: [.log("ticket B007 issued")])
        let shown = Self.screen(journey)
        #expect(shown.contains("B007") && shown.contains("前面还有 4 人") && shown.contains("约 32 分钟"))
        var failed = Journey()
        _ = Self.press(.digit(3), &failed)
        _ = Self.press(.digit(1), &failed)
        failed.send(.ticketIssued(.notIssued(zh: "打印机缺纸", en: "The printer is out of paper")), effects: [.log("ticket not issued: The printer is out of paper")])
        #expect(Self.screen(failed).contains("未能出票，未占用号码：打印机缺纸"))
    }
}
