// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// The application after identification, driven through `update` with the keys and
/// touches a citizen uses, and checked on the rendered screen.
@Suite("Application journeys: form, keyboard, materials, 告知承诺, pre-check")
struct ApplicationJourneyTests {
    /// An identified citizen on the identify screen of a service.
    static func identified(_ service: String, citizen: IdentityCard = Fixtures.demoCitizen) -> Journey {
        var journey = Journey()
        journey.state.screen = .identify(serviceID: service)
        journey.state.history = [.home, .serviceDetail(id: service, page: 0)]
        journey.state.citizen = citizen
        journey.state.identify.phase = .identified
        return journey
    }

    static func screen(_ journey: Journey) -> String { render(journey.state, Fixtures.context()).grid.plainText() }
    static func frame(_ journey: Journey) -> Frame { render(journey.state, Fixtures.context()) }

    /// Presses whatever button on the current screen claims this key, as the keypad does.
    static func press(_ key: Key, _ journey: inout Journey, sourceLocation: SourceLocation = #_sourceLocation) {
        let frame = render(journey.state, Fixtures.context())
        var mapper = InputMapper()
        guard let event = mapper.map(.key(key), frame: frame, focus: nil) else {
            Issue.record("key \(key) maps to nothing", sourceLocation: sourceLocation)
            return
        }
        _ = update(&journey.state, event)
    }

    static func records(_ citizen: IdentityCard) -> ApplicantRecords? { Fixtures.records[citizen.idNumber.unmasked] }

    @Test func proceedingStartsTheFormAndAsksThePlatformForTheRecords() throws {
        var journey = Self.identified("birth-bundle")
        let effects = journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        #expect(effects.contains(.lookUpRecords(Fixtures.demoCitizen.idNumber)))
        #expect(effects.contains(.stopCardReading))
        #expect(journey.state.screen == .applicationForm(field: 0))
        // Before the platform answers, the e-licence prefill says it is still looking.
        #expect(Self.screen(journey).contains("正在查询您的电子证照"))
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        let form = try #require(journey.state.application?.form)
        #expect(form.values["child_name"] == "演示宝宝")
        #expect(form.origins["child_name"] == .prefilled(.elicence(type: "birth_medical_certificate", attribute: "child_name")))
        let text = Self.screen(journey)
        #expect(text.contains("演示宝宝") && text.contains("已从电子证照「出生医学证明」获取"))
    }

    /// A catalogue update from the platform never changes a service under a citizen who
    /// is applying: it waits until the session ends.
    @Test func aCatalogueUpdateWaitsUntilTheApplyingCitizenLeaves() throws {
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        let before = journey.state.catalogue
        let updated = Catalogue(departments: before.departments, services: before.services.filter { $0.id != "birth-bundle" },
                                elicences: before.elicences)
        let effects = journey.send(.catalogueLoaded(updated), effects: [.log("catalogue update held until this citizen's session ends")])
        #expect(effects.contains(.log("catalogue update held until this citizen's session ends")))
        #expect(journey.state.catalogue == before && journey.state.pendingCatalogue == updated)
        #expect(journey.state.screen == .applicationForm(field: 0))
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")])
        #expect(journey.state.catalogue == updated && journey.state.pendingCatalogue == nil)
        // With nobody applying, an update takes over at once.
        journey.send(.catalogueLoaded(before), effects: [.log("catalogue loaded: 33 services")])
        #expect(journey.state.catalogue == before)
    }

    @Test func offlineThePrefillFailsVisiblyAndTheFieldMustBeTyped() throws {
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(nil), effects: [.log("records lookup failed: prefill from e-licences unavailable")])
        #expect(journey.state.application?.records == .unavailable)
        #expect(journey.state.application?.form.values["child_name"] == nil)
        var text = Self.screen(journey)
        #expect(text.contains("电子证照未能获取") && text.contains("请点「输入文字」"))
        // Required and empty: 确认 is not offered; the keyboard is.
        #expect(!render(journey.state, Fixtures.context()).hits.contains { $0.button == .confirm })
        // A card prefill that cannot work (number typed by hand, no card read) says so too.
        var manual = Self.identified("temporary-id-card", citizen: IdentityCard(
            kind: .resident, name: "", gender: .male, birthDate: nil, idNumber: IDNumber(fromCard: "440106198806150019"),
            source: .manualEntry))
        manual.send(.activated(.proceed), effects: [.log("application started: temporary-id-card"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        manual.send(.recordsLookedUp(ApplicantRecords(elicences: [], credit: "good")), effects: [.log("records found: 0 e-licences")])
        manual.send(.activated(.choose("waiting")))
        #expect(manual.state.screen == .applicationForm(field: 1))
        text = Self.screen(manual)
        #expect(text.contains("户籍地址") && text.contains("未能自动获取，请填写"), "\(text)")
    }

    @Test func keypadEntryIsValidatedAndAPrefilledValueCanBeKeptWithHash() throws {
        var journey = Self.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.send(.activated(.proceed), effects: [.log("application started: residence-permit"), .lookUpRecords(IDNumber(fromCard: "430102198806150011")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        // 居住地行政区划代码: five digits are not a region code.
        for digit in [4, 4, 0, 1, 0] { Self.press(.digit(digit), &journey) }
        Self.press(.hash, &journey)
        #expect(journey.state.application?.problem?.zh == "请输入6位行政区划代码")
        #expect(Self.screen(journey).contains("! 请输入6位行政区划代码"))
        #expect(journey.state.screen == .applicationForm(field: 0))
        Self.press(.digit(6), &journey)
        #expect(journey.state.application?.problem == nil)
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .applicationForm(field: 1))
        #expect(journey.state.application?.form.values["residence_region"] == "440106")
        #expect(journey.state.application?.form.origins["residence_region"] == .entered)
        // 月数: over the maximum, then corrected with the delete key (* on this keypad).
        for key in [Key.digit(7), .digit(0), .digit(0), .digit(0), .hash] { Self.press(key, &journey) }
        #expect(journey.state.application?.problem?.zh == "不能大于600")
        for _ in 0..<4 { Self.press(.star, &journey) }
        #expect(journey.state.application?.entry == "")
        for key in [Key.digit(2), .digit(4), .hash] { Self.press(key, &journey) }
        #expect(journey.state.application?.form.values["months_resident"] == "24")
        // Esc goes back a field; # keeps what is there.
        #expect(journey.state.screen == .applicationForm(field: 2))
        Self.press(.escape, &journey)
        #expect(journey.state.screen == .applicationForm(field: 1))
        #expect(Self.screen(journey).contains("内容无误请按 # 确认"))
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .applicationForm(field: 2))
        #expect(journey.state.application?.form.values["months_resident"] == "24")
    }

    @Test func datesAreTypedAsEightDigitsAndCheckedAgainstToday() {
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(nil), effects: [.log("records lookup failed: prefill from e-licences unavailable")])
        journey.state.screen = .applicationForm(field: 1)   // 出生日期
        for character in "20270101" { Self.press(.digit(character.wholeNumberValue ?? 0), &journey) }
        Self.press(.hash, &journey)
        #expect(journey.state.application?.problem?.zh == "日期不能晚于今天")
        journey.send(.activated(.deleteDigit))
        for _ in 0..<8 { Self.press(.backspace, &journey) }
        for character in "20261031" { Self.press(.digit(character.wholeNumberValue ?? 0), &journey) }
        Self.press(.hash, &journey)
        #expect(journey.state.application?.form.values["child_birth_date"] == "20261031")
        #expect(journey.state.screen == .applicationForm(field: 2))
    }

    @Test func phrasePinyinTypesAWholeWordAndLeavesTheRestToConvert() throws {
        let pinyin = try #require(Fixtures.pinyin, "librime with rime-data-luna-pinyin (the test command installs it)")
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(nil), effects: [.log("records lookup failed: prefill from e-licences unavailable")])
        journey.send(.activated(.openKeyboard), effects: [.log("screen keyboard")])
        #expect(journey.state.screen == .keyboard(field: 0) && journey.state.application?.inputMode == .pinyin)
        // 姓氏优先: the baby's name begins with a surname, so "xie" offers 谢 first, though
        // librime's everyday order puts another character first.
        for letter in "xie" { journey.send(.activated(.letter(letter))) }
        #expect(pinyin.candidates(for: "xie", limit: 1).first?.text != "谢")
        Self.press(.digit(1), &journey)
        #expect(journey.state.application?.entry == "谢")
        // After the first character the engine's order stands again.
        for letter in "xie" { journey.send(.activated(.letter(letter))) }
        Self.press(.digit(1), &journey)
        #expect(journey.state.application?.entry == "谢" + (try #require(pinyin.candidates(for: "xie", limit: 1).first)).text)
        journey.send(.activated(.clearText))
        for letter in "zhangxiaoming" { journey.send(.activated(.letter(letter))) }
        #expect(journey.state.application?.pinyin == "zhangxiaoming")
        #expect(pinyin.candidates(for: "zhangxiaoming", limit: 1).first == InputCandidate(text: "张小明"))
        #expect(Self.screen(journey).contains("张小明"))
        // A part of the phrase: 张 leaves "xiaoming" to convert next.
        let candidates = Array(Surnames.first(pinyin.candidates(for: "zhangxiaoming", limit: 20), text: \.text).prefix(5))
        let partial = try #require(candidates.firstIndex { $0.text == "张" }, "\(candidates)")
        Self.press(.digit(partial + 1), &journey)
        #expect(journey.state.application?.entry == "张" && journey.state.application?.pinyin == "xiaoming")
        // The keypad digit picks the candidate shown with it (the same as touching it).
        Self.press(.digit(1), &journey)
        #expect(journey.state.application?.entry == "张小明" && journey.state.application?.pinyin == "")
        // A physical keyboard's letters type too; paging moves through the candidates.
        for letter in "bao" { journey.send(.key(.character(letter))) }
        Self.press(.digit(8), &journey)
        #expect(journey.state.application?.candidatePage == 1)
        let secondPage = Array(pinyin.candidates(for: "bao", limit: 11).dropFirst(5).prefix(5))
        #expect(Self.screen(journey).contains(try #require(secondPage.first).text))
        Self.press(.digit(1), &journey)
        #expect(journey.state.application?.entry == "张小明" + secondPage[0].text)
        journey.send(.activated(.deleteDigit))
        #expect(journey.state.application?.entry == "张小明")
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .applicationForm(field: 1))
        #expect(journey.state.application?.form.values["child_name"] == "张小明")
        #expect(journey.state.application?.form.origins["child_name"] == .entered)
    }

    @Test func aCharacterWrittenOnThePadIsRecognisedAndTaken() throws {
        _ = try #require(Fixtures.handwriting, "Zinnia with tegaki-zinnia-simplified-chinese (the test command installs it)")
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(nil), effects: [.log("records lookup failed: prefill from e-licences unavailable")])
        journey.send(.activated(.openKeyboard), effects: [.log("screen keyboard")])
        journey.send(.activated(.inputMode(.handwriting)))
        var frame = Self.frame(journey)
        let pad = try #require(frame.pad, "the handwriting screen has a pad")
        #expect(Self.screen(journey).contains("在此书写"))
        // 王: four strokes, as the finger draws them (press, moves, release), through the mapper.
        var mapper = InputMapper()
        let strokes = [[(0.2, 0.2), (0.5, 0.2), (0.8, 0.2)], [(0.25, 0.5), (0.75, 0.5)], [(0.5, 0.2), (0.5, 0.5), (0.5, 0.85)],
                       [(0.1, 0.85), (0.5, 0.85), (0.9, 0.85)]]
        for stroke in strokes {
            let cells = stroke.map { (pad.x + Int($0.0 * Double(pad.width - 1)), pad.y + Int($0.1 * Double(pad.height - 1))) }
            for (index, cell) in cells.enumerated() {
                let raws: [RawInput] = index == 0 ? [.press(x: cell.0, y: cell.1)]
                    : [.drag(x: cell.0, y: cell.1)] + (index == cells.count - 1 ? [.release(x: cell.0, y: cell.1)] : [])
                for raw in raws {
                    if let event = mapper.map(raw, frame: frame, focus: nil) { journey.send(event) }
                }
            }
            frame = Self.frame(journey)
        }
        #expect(journey.state.application?.drawing.strokes.count == 4)
        let screen = Self.screen(journey)
        #expect(!screen.contains("在此书写") && screen.contains("█"), "the strokes are drawn")
        let shown = frame.hits.compactMap { hit -> String? in
            if case .candidate(let candidate) = hit.button { return candidate.text }
            return nil
        }
        let wang = try #require(shown.prefix(3).firstIndex(of: "王"), "王 among the first three: \(shown)")
        Self.press(.digit(wang + 1), &journey)
        #expect(journey.state.application?.entry == "王" && journey.state.application?.drawing.isEmpty == true)
        // 退格 takes a stroke back while writing, then a character.
        journey.send(.pen(PenEvent(.down, x: pad.x + 1, y: pad.y + 1, pad: pad)))
        journey.send(.pen(PenEvent(.up, x: pad.x + 5, y: pad.y + 1, pad: pad)))
        #expect(journey.state.application?.drawing.strokes.count == 1)
        journey.send(.activated(.deleteDigit))
        #expect(journey.state.application?.drawing.isEmpty == true && journey.state.application?.entry == "王")
        journey.send(.activated(.deleteDigit))
        #expect(journey.state.application?.entry == "")
        // Back to pinyin: the pad is gone.
        journey.send(.activated(.inputMode(.pinyin)))
        #expect(Self.frame(journey).pad == nil)
    }

    @Test func creditCodesAreTypedWithLettersAndKeypadDigitsAndChecked() {
        var journey = Self.identified("business-licence-print", citizen: JourneyFixtures.stranger)
        journey.send(.activated(.proceed), effects: [.log("application started: business-licence-print"), .lookUpRecords(IDNumber(fromCard: "110105199001010029")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(ApplicantRecords(elicences: [], credit: "good")), effects: [.log("records found: 0 e-licences")])
        #expect(Self.screen(journey).contains("未能自动获取，请填写"))
        journey.send(.activated(.openKeyboard), effects: [.log("screen keyboard")])
        for character in "91440106MA9W0DEM02" {
            if let digit = character.wholeNumberValue { Self.press(.digit(digit), &journey) }
            else { journey.send(.activated(.letter(Character(character.lowercased())))) }
        }
        #expect(journey.state.application?.entry == "91440106MA9W0DEM02")
        Self.press(.hash, &journey)
        #expect(journey.state.application?.problem?.zh.contains("统一社会信用代码不正确") == true)
        journey.send(.activated(.deleteDigit))
        Self.press(.digit(1), &journey)
        Self.press(.hash, &journey)
        #expect(journey.state.application?.form.values["credit_code"] == "91440106MA9W0DEM01")
        #expect(journey.state.screen == .applicationForm(field: 1))
    }

    @Test func aMissingTolerableMaterialIsCommittedToAndOwedOnThePrecheck() throws {
        var journey = Self.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.send(.activated(.proceed), effects: [.log("application started: residence-permit"), .lookUpRecords(IDNumber(fromCard: "430102198806150011")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        journey.state.application?.form.set("residence_region", "440106")
        journey.state.application?.form.set("months_resident", "24")
        journey.state.application?.form.set("phone", "13800138000")
        journey.state.screen = .materials(page: 0)
        var text = Self.screen(journey)
        #expect(text.contains("✓ 电子证照A级，已获取") && text.contains("可承诺后 10 日内补交"))
        Self.press(.digit(1), &journey)
        #expect(journey.state.screen == .commitment(materialID: "residence-registration"))
        text = Self.screen(journey)
        #expect(text.contains("补交期限：2026-12-02 前（10 日内）") && text.contains("本人承诺在10日内"))
        journey.send(.activated(.confirmCommitment), effects: [.log("commitment confirmed: residence-registration"), .log("screen materials")])
        #expect(journey.state.screen == .materials(page: 0))
        #expect(Self.screen(journey).contains("已承诺，2026-12-02 前补交"))
        // The commit button is gone once committed.
        #expect(!render(journey.state, Fixtures.context()).hits.contains { $0.button == .commit("residence-registration") })
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .review(page: 0))
        #expect(Self.screen(journey).contains("已承诺，2026-12-02 前补交"))
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .precheck(page: 0))
        let application = try #require(journey.state.application)
        let service = try #require(Fixtures.catalogue.service(id: "residence-permit"))
        let decision = try #require(application.decisions(service, catalogue: Fixtures.catalogue, citizen: Fixtures.migrantCitizen).first)
        #expect(decision.owed.map(\.deadline) == [CalendarDate(year: 2026, month: 12, day: 2)])
        // Registered in Changsha, living in Guangzhou for two years: accepted with the material owed.
        #expect(decision.outcome != .refused && decision.isToleratedMissing, "\(decision)")
        text = Self.screen(journey)
        #expect(text.contains("✓ 本市户籍居民无需办理居住证") && text.contains("✓ 须在本市居住满半年"), "\(text)")
        #expect(!text.contains("本申请不能受理"))
        #expect(!journey.send(.activated(.submitApplication), effects: .unchecked).isEmpty)
        #expect(journey.state.screen == .submitted)
    }

    /// A Guangzhou hukou holder learns at identification that a Guangzhou 居住证 is not for
    /// them (the card decides it), with the reason — not after the form at the pre-check.
    @Test func aLocalResidentIsToldAtIdentificationThatAResidencePermitIsNotForThem() {
        let journey = Self.identified("residence-permit")
        let frame = render(journey.state, Fixtures.context())
        #expect(frame.grid.plainText().contains("✗ 本市户籍居民无需办理居住证"))
        #expect(!frame.hits.contains { $0.button == .proceed })
    }

    @Test func anApprovedApplicationCanBeSubmittedAndHomeWipesIt() throws {
        var journey = Self.identified("business-licence-print")
        journey.send(.activated(.proceed), effects: [.log("application started: business-licence-print"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        #expect(Self.screen(journey).contains("91440106MA9W0DEM01"))
        Self.press(.digit(1), &journey)                   // keep the prefilled credit code
        Self.press(.digit(1), &journey)                   // 是 法定代表人
        Self.press(.digit(2), &journey)                   // 2 copies
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .materials(page: 0))
        // 核对信息: every field as it will be sent; 份数 changed from there, and back there.
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .review(page: 0))
        var review = Self.screen(journey)
        #expect(review.contains("核对信息") && review.contains("91440106MA9W0DEM01") && review.contains("修改"), "\(review)")
        let frame = render(journey.state, Fixtures.context())
        let copiesRow = try #require(frame.hits.first { $0.button == .editField(2) }, "份数 has its 修改")
        #expect(copiesRow.keys.first == .digit(3))
        journey.send(.activated(.editField(2)), effects: [.log("review: change field copies"), .log("screen application-form")])
        #expect(journey.state.screen == .applicationForm(field: 2))
        Self.press(.digit(3), &journey)                   // 3 copies instead
        Self.press(.hash, &journey)
        #expect(journey.state.screen == .review(page: 0), "taking the field goes back to 核对信息")
        #expect(journey.state.application?.form.values["copies"] == "3" && journey.state.application?.returningToReview == false)
        review = Self.screen(journey)
        #expect(review.contains("下一步：预审"))
        let effects = journey.send(.activated(.toPrecheck), effects: [.log("precheck business-licence-print=approved"), .log("screen precheck")])
        #expect(effects.contains(.log("precheck business-licence-print=approved")))
        #expect(Self.screen(journey).contains("预审结果：秒批通过"))
        let submit = journey.send(.activated(.submitApplication), effects: .unchecked)
        let request = try #require(submit.compactMap { effect -> SubmissionRequest? in
            if case .submit(let request) = effect { return request }
            return nil
        }.first)
        #expect(request.serviceID == "business-licence-print" && request.idNumber == Fixtures.demoCitizen.idNumber)
        #expect(request.fields["copies"] == "3" && request.decisions.map(\.outcome) == [.approved])
        // Nothing says 已受理 until the outbox answers; a second press submits nothing.
        #expect(journey.state.screen == .submitted)
        #expect(Self.screen(journey).contains("正在保存您的申请") && !Self.screen(journey).contains("已受理"))
        journey.state.screen = .precheck(page: 0)
        #expect(journey.send(.activated(.submitApplication)).isEmpty)
        journey.state.screen = .submitted
        let accepted = journey.send(.submitted(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: [])), effects: .unchecked)
        // Only now is the receipt printed, with the number masked.
        #expect(accepted == [.log("accepted ZZ20261122-7F3A-91C2-4B0D approved"),
                             .printReceipt(AcceptanceReceipt(service: LocalizedText(zh: "营业执照打印", en: "Business licence print"),
                                                             acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", maskedID: "4401**********0019",
                                                             outcome: .approved, owed: [], language: .zhHans))]
                || accepted.contains { if case .printReceipt(let receipt) = $0 { return receipt.maskedID == "4401**********0019" }; return false })
        var text = Self.screen(journey)
        #expect(text.contains("受理编号：ZZ20261122-7F3A-91C2-4B0D") && text.contains("办理结果：秒批通过"))
        #expect(text.contains("正在打印受理回执"))
        journey.send(.receiptPrinted(.notPrinted(zh: "打印机缺纸，暂不能打印回执", en: "out of paper")), effects: [.log("receipt not printed: out of paper")])
        text = Self.screen(journey)
        #expect(text.contains("回执未能打印，请记下受理编号。打印机缺纸"), "\(text)")
        Self.press(.hash, &journey)   // 完成
        #expect(journey.state.screen == .home && journey.state.application == nil && journey.state.citizen == nil)
        #expect(journey.state.isPristine)
    }

    @Test func aSubmissionThatCouldNotBeStoredSaysSoAndNeverSaysAccepted() {
        var journey = Self.identified("business-licence-print")
        journey.send(.activated(.proceed), effects: [.log("application started: business-licence-print"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        journey.state.screen = .precheck(page: 0)
        journey.send(.activated(.submitApplication), effects: .unchecked)
        journey.send(.submitted(.failed(zh: "终端存储空间已满，本次申请未能保存，请到人工窗口办理", en: "full")), effects: [.log("submission not stored: full")])
        let text = Self.screen(journey)
        #expect(text.contains("本次申请未能保存") && text.contains("存储空间已满") && !text.contains("已受理"))
    }

    @Test func goingHomeStillWipes() {
        var journey = Self.identified("business-licence-print")
        journey.send(.activated(.proceed), effects: [.log("application started: business-licence-print"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.activated(.goHome), effects: [.endSession, .log("screen home")])
        #expect(journey.state.application == nil && journey.state.citizen == nil && journey.state.isPristine)
    }

    @Test func aBundleIsDecidedPartByPartOnOnePrecheck() throws {
        var journey = Self.identified("birth-bundle")
        journey.send(.activated(.proceed), effects: [.log("application started: birth-bundle"), .lookUpRecords(IDNumber(fromCard: "440106198806150019")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(Self.records(Fixtures.demoCitizen)), effects: [.log("records found: 8 e-licences")])
        let application = try #require(journey.state.application)
        let bundle = try #require(Fixtures.catalogue.service(id: "birth-bundle"))
        // Shared fields are asked once: the bundle's form has each field id once.
        let ids = application.fields(bundle).map(\.id)
        #expect(Set(ids).count == ids.count && ids.contains("child_name"))
        journey.state.screen = .precheck(page: 0)
        let decisions = application.decisions(bundle, catalogue: Fixtures.catalogue, citizen: Fixtures.demoCitizen)
        #expect(decisions.map(\.serviceID) == bundle.parts)
        let text = Self.screen(journey)
        for part in bundle.parts {
            let name = try #require(Fixtures.catalogue.service(id: part)).name.zh
            #expect(text.contains(name + "："), "\(part) has its own outcome line")
        }
    }

    @Test func theIdleTimeoutWipesTheApplication() {
        var journey = Self.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.send(.activated(.proceed), effects: [.log("application started: residence-permit"), .lookUpRecords(IDNumber(fromCard: "430102198806150011")), .log("screen application-form"), .stopCardReading])
        journey.state.application?.form.set("phone", "13800138000")
        _ = journey.tick(journey.state.settings.idleTimeoutSeconds + journey.state.settings.countdownSeconds)
        #expect(journey.state.application == nil && journey.state.citizen == nil && journey.state.screen == .home)
    }
}

enum JourneyFixtures {
    /// Someone the demo platform has nothing on file for.
    static let stranger = IdentityCard(kind: .resident, name: "测试", gender: .female, birthDate: CalendarDate(year: 1990, month: 1, day: 1),
                                       idNumber: IDNumber(fromCard: "110105199001010029"))
}

/// 先问关键: what the ID card alone decides is said right after identification.
@Suite("The card decides first: refusals known before the form")
struct CardDecidesFirstTests {
    @Test func aThirtyEightYearOldLearnsAtOnceThatRetirementCannotBeAppliedFor() throws {
        // The demo citizen was born in 1988: 38 on the journeys' date, a man.
        var journey = ApplicationJourneyTests.identified("retirement-bundle")
        let frame = render(journey.state, Fixtures.context())
        let screen = frame.grid.plainText()
        #expect(screen.contains("本事项暂不能办理"), "\(screen)")
        #expect(screen.contains("须达到法定退休年龄（男60周岁，女50周岁）"), "\(screen)")
        #expect(screen.contains("办法：弹性提前退休或特殊工种请到窗口办理"), "\(screen)")
        // Every part is ruled out: no 继续办理, and its key does nothing but say why in the log.
        #expect(!frame.hits.contains { $0.button == .proceed })
        let before = journey.state
        let effects = journey.send(.activated(.proceed), effects: .unchecked)
        #expect(effects.count == 1 && effects.first.map { "\($0)" }?.contains("card check: retirement-bundle refused by") == true, "\(effects)")
        #expect(journey.state.screen == before.screen && journey.state.application == nil)
    }

    @Test func aCitizenOfRetirementAgeGoesOnAndATypedNumberIsOnlyWellFormed() throws {
        let elder = IdentityCard(kind: .resident, name: "测试样本", gender: .female, nationCode: "01",
                                 birthDate: CalendarDate(year: 1949, month: 12, day: 31), address: "北京市朝阳区测试路1号样本小区",
                                 idNumber: IDNumber(fromCard: "11010519491231002X"), validIndefinitely: true)
        var journey = ApplicationJourneyTests.identified("retirement-bundle", citizen: elder)
        let frame = render(journey.state, Fixtures.context())
        #expect(!frame.grid.plainText().contains("暂不能办理") && frame.hits.contains { $0.button == .proceed })
        journey.send(.activated(.proceed), effects: .unchecked)
        #expect(journey.state.application?.serviceID == "retirement-bundle")
        // A number typed by hand: its format is right, nothing was verified — and it says so.
        var typed = elder
        typed.source = .manualEntry
        let manual = ApplicationJourneyTests.identified("temporary-id-card", citizen: typed)
        let text = render(manual.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("号码格式正确") && !text.contains("身份核验成功"), "\(text)")
    }

    @Test func onlyRulesThatReadTheCardAloneAreAskedFirst() throws {
        let pension = try #require(Fixtures.catalogue.service(id: "pension-claim"))
        let ages = pension.rules.filter(\.readsOnlyTheCard).map(\.id)
        #expect(!ages.isEmpty)
        // The contribution months come from the form or the platform: not a card rule.
        #expect(!pension.rules.filter { !$0.readsOnlyTheCard }.isEmpty)
        let refusals = Decider.cardRefusals(pension, card: Fixtures.demoCitizen, today: Fixtures.today)
        #expect(refusals.map(\.id) == pension.rules.filter { $0.readsOnlyTheCard && $0.otherwise == .refuse
            && $0.require.evaluate(Facts.applicant(Fixtures.demoCitizen, today: Fixtures.today)) == .no }.map(\.id))
    }
}

/// After 已受理: the next step in words, and one consistent message about the receipt.
@Suite("After 已受理: what happens next, and what to take away")
struct AfterAcceptanceTests {
    static func accepted(outcome: Outcome, owed: [OwedMaterial], receipt: ReceiptState) throws -> Journey {
        var journey = ApplicationJourneyTests.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.send(.activated(.proceed), effects: .unchecked)
        journey.state.screen = .submitted
        journey.state.application?.submission = .done(.accepted(acceptanceNumber: "ZZ20261122-0193-4F2A", outcome: outcome, owed: owed))
        journey.state.application?.receipt = receipt
        return journey
    }

    @Test func aReviewWithAnOwedMaterialSaysByWhenAndWhere() throws {
        let owed = [OwedMaterial(material: LocalizedText(zh: "居住登记凭证", en: "Residence registration"),
                                 deadline: try #require(CalendarDate(year: 2026, month: 12, day: 2)))]
        let journey = try Self.accepted(outcome: .manualReview, owed: owed, receipt: .printed)
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        // 2026-11-22 is a Sunday: 10 working days later is Friday 2026-12-04.
        #expect(text.contains("工作人员将在 10 个工作日内（2026-12-04 前）审核"), "\(text)")
        #expect(text.contains("请于 2026-12-02 前携带所缺材料原件，到本大厅「公安局」窗口补交"), "\(text)")
        #expect(text.contains("受理回执已打印"))
    }

    @Test func aReceiptThatDidNotPrintIsSaidOnceAndTheRatingScreenDoesNotAskForIt() throws {
        var journey = try Self.accepted(outcome: .approved, owed: [], receipt: .notPrinted(zh: "打印机缺纸", en: "out of paper"))
        let text = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(text.contains("下一步：已办结"), "\(text)")
        #expect(text.contains("回执未能打印") && text.components(separatedBy: "记下受理编号").count == 2, "one message: \(text)")
        journey.state.application?.rating = .saved
        journey.state.screen = .rated
        let thanks = render(journey.state, Fixtures.context()).grid.plainText()
        #expect(!thanks.contains("身份证和回执") && thanks.contains("回执未能打印，请记下受理编号：ZZ20261122-0193-4F2A"), "\(thanks)")
        // With the receipt printed, both are to be taken.
        journey.state.application?.receipt = .printed
        #expect(render(journey.state, Fixtures.context()).grid.plainText().contains("请取走您的身份证和回执"))
    }

    @Test func withSpeechOnTheNumberIsReadOut() throws {
        var journey = try Self.accepted(outcome: .approved, owed: [], receipt: .printing)
        journey.state.settings.speaksPrompts = true
        journey.state.application?.submission = .submitting
        journey.state.application?.receipt = nil
        let effects = journey.send(.submitted(.accepted(acceptanceNumber: "ZZ20261122-0193-4F2A", outcome: .approved, owed: [])),
                                   effects: .unchecked)
        #expect(effects.contains(.speakCode(.submittedNumberSpoken, code: "ZZ20261122-0193-4F2A", .zhHans)), "\(effects)")
        // Without speech, nothing is said.
        var quiet = try Self.accepted(outcome: .approved, owed: [], receipt: .printing)
        quiet.state.application?.submission = .submitting
        let silent = quiet.send(.submitted(.accepted(acceptanceNumber: "ZZ20261122-0193-4F2A", outcome: .approved, owed: [])),
                                effects: .unchecked)
        #expect(!silent.contains { if case .speakCode = $0 { return true } else { return false } })
    }

    @Test func workingDaysSkipWeekends() throws {
        let friday = try #require(CalendarDate(year: 2026, month: 12, day: 4))
        #expect(friday.weekday == 4)
        #expect(friday.adding(workingDays: 1) == CalendarDate(year: 2026, month: 12, day: 7))
        #expect(friday.adding(workingDays: 5) == CalendarDate(year: 2026, month: 12, day: 11))
        #expect(friday.adding(workingDays: 0) == friday)
    }
}

/// 办事指南 says whether 秒批 is possible; a bundle's guide names every department and
/// every part's conditions.
@Suite("The guide says how a service is decided and who takes each part")
struct GuideTests {
    @Test func aBundlesGuideNamesEveryPartsDepartmentAndWhetherItIsInstant() throws {
        var state = Fixtures.state()
        state.screen = .serviceDetail(id: "retirement-bundle", page: 0)
        let service = try #require(Fixtures.catalogue.service(id: "retirement-bundle"))
        let canvas = Canvas(state: state, context: Fixtures.context())
        let text = canvas.detailLines(service, department: "人力资源和社会保障局", width: 200).map(\.text).joined(separator: "\n")
        #expect(text.contains("审批方式"), "\(text)")
        for part in service.parts.compactMap(Fixtures.catalogue.service(id:)) {
            let department = try #require(Fixtures.catalogue.department(id: part.departmentID))
            #expect(text.contains(department.name.zh), "\(part.id): \(text)")
            #expect(text.contains(part.name.zh + "（" + department.name.zh + "）：" + (part.approval == .instant ? "可秒批" : "须人工审核")),
                    "\(part.id): \(text)")
            for condition in part.conditions { #expect(text.contains(condition.zh), "\(part.id): \(condition.zh)") }
        }
        let single = try #require(Fixtures.catalogue.service(id: "business-licence-print"))
        let guide = canvas.detailLines(single, department: "市场监督管理局", width: 200).map(\.text).joined(separator: "\n")
        #expect(guide.contains(single.approval == .instant ? "可秒批" : "须人工审核"))
    }
}
