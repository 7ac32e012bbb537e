// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
@testable import ZizhuUI

/// 扫描纸质材料 on a kiosk with a document scanner: the paper material of 居住证申领 scanned
/// page by page (preview, the quality gate's words, keep or scan again), marked on the
/// materials and the pre-check, and carried by the submission.
@Suite("扫描纸质材料: paper materials scanned at the kiosk")
struct ScanStepTests {
    typealias Steps = ApplicationJourneyTests

    /// 居住证申领 at 申请材料, on a kiosk with (or without) a scanner.
    static func atMaterials(scanner: Bool = true) -> Journey {
        var journey = Steps.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.state.settings.documentScanner = scanner
        journey.send(.activated(.proceed), effects: .unchecked)
        journey.send(.recordsLookedUp(Steps.records(Fixtures.demoCitizen)), effects: .unchecked)
        journey.state.application?.form.set("residence_region", "440106")
        journey.state.application?.form.set("months_resident", "24")
        journey.state.application?.form.set("phone", "13800138000")
        journey.state.screen = .materials(page: 0)
        return journey
    }

    static let preview = ["⣿⣿⣀⣀", "⠉⠉⣿⣿"]

    @Test func aPageIsScannedKeptAndTheMaterialTravelsAsScanned() throws {
        var journey = Self.atMaterials()
        var text = Steps.screen(journey)
        #expect(text.contains("在本机扫描") && text.contains("承诺后补交"), "\(text)")
        // The commit button takes 1, the scan button 2.
        Steps.press(.digit(2), &journey)
        #expect(journey.state.screen == .scanMaterial(materialID: "residence-registration"))
        text = Steps.screen(journey)
        #expect(text.contains("扫描纸质材料") && text.contains("居住登记凭证或房屋租赁合同") && text.contains("有字的一面朝下"), "\(text)")
        #expect(text.contains("本材料已扫描 0 页"))

        // 开始扫描: the runtime is asked for a page with a preview that fits the screen.
        let asked = journey.send(.activated(.startScan), effects: .unchecked)
        #expect(asked == [.scanPage(materialID: "residence-registration", columns: 40, rows: 15)])
        #expect(Steps.screen(journey).contains("正在扫描"))
        // Pressing again while it scans does nothing.
        #expect(journey.send(.activated(.startScan), effects: .unchecked).isEmpty)

        // A crooked page: said, and it may still be kept.
        let crooked = CapturedPage(token: 7, preview: Self.preview, problems: [LocalizedText(zh: "这一页放歪了（约 5 度）", en: "crooked")], keepable: true)
        journey.send(.pageScanned(materialID: "residence-registration", .captured(crooked)), effects: .unchecked)
        text = Steps.screen(journey)
        #expect(text.contains("⣿⣿⣀⣀") && text.contains("这一页放歪了（约 5 度）") && text.contains("仍然保留") && text.contains("重扫"), "\(text)")
        // 重扫: the page is thrown away.
        #expect(journey.send(.activated(.retakePage), effects: .unchecked).contains(.discardScannedPage(token: 7)))
        _ = journey.send(.activated(.startScan), effects: .unchecked)
        let clear = CapturedPage(token: 8, preview: Self.preview, problems: [], keepable: true)
        journey.send(.pageScanned(materialID: "residence-registration", .captured(clear)), effects: .unchecked)
        #expect(Steps.screen(journey).contains("这一页清晰可用"))
        #expect(journey.send(.activated(.keepPage), effects: .unchecked).contains(.keepScannedPage(token: 8, materialID: "residence-registration")))
        text = Steps.screen(journey)
        #expect(text.contains("已保留第 1 页") && text.contains("本材料已扫描 1 页") && text.contains("完成（1 页）"), "\(text)")

        // 完成: back on the materials, the material marked scanned; no commitment offered now.
        journey.send(.activated(.finishScan), effects: .unchecked)
        #expect(journey.state.screen == .materials(page: 0))
        text = Steps.screen(journey)
        #expect(text.contains("✓ 已在本机扫描 1 页，由工作人员核验"), "\(text)")
        #expect(!render(journey.state, Fixtures.context()).hits.contains { $0.button == .commit("residence-registration") })

        // The pre-check: handed in as a scan, so a person decides; nothing owed.
        let service = try #require(Fixtures.catalogue.service(id: "residence-permit"))
        let application = try #require(journey.state.application)
        let decision = try #require(application.decisions(service, catalogue: Fixtures.catalogue, citizen: Fixtures.migrantCitizen).first)
        #expect(decision.outcome == .manualReview && decision.owed.isEmpty, "\(decision)")
        #expect(decision.checks.contains { $0.id == "material.residence-registration" && $0.status == .scanned })
        journey.state.screen = .precheck(page: 0)
        text = Steps.screen(journey)
        #expect(text.contains("居住登记凭证或房屋租赁合同（纸质，须核验原件） (已在本机扫描，由工作人员核验)")
                || text.contains("已在本机扫描，由工作人员核验"), "\(text)")
        let effects = journey.send(.activated(.submitApplication), effects: .unchecked)
        let request = try #require(DeliveryJourneyTests.submitted(effects))
        #expect(request.scanned == ["residence-registration": 1])
    }

    @Test func aBlankPageCannotBeKeptAndAFaultIsSaid() {
        var journey = Self.atMaterials()
        journey.send(.activated(.scanMaterial("residence-registration")), effects: .unchecked)
        _ = journey.send(.activated(.startScan), effects: .unchecked)
        let blank = CapturedPage(token: 1, preview: [], problems: [LocalizedText(zh: "这一页是空白的", en: "blank")], keepable: false)
        journey.send(.pageScanned(materialID: "residence-registration", .captured(blank)), effects: .unchecked)
        var text = Steps.screen(journey)
        #expect(text.contains("这一页是空白的") && text.contains("这一页不能使用") && !text.contains("保留"), "\(text)")
        #expect(journey.send(.activated(.keepPage), effects: .unchecked).isEmpty)
        #expect(journey.state.application?.form.scanned.isEmpty == true)
        _ = journey.send(.activated(.retakePage), effects: .unchecked)
        _ = journey.send(.activated(.startScan), effects: .unchecked)
        journey.send(.pageScanned(materialID: "residence-registration", .failed(LocalizedText(zh: "没有检测到纸张", en: "no paper"))),
                     effects: .unchecked)
        text = Steps.screen(journey)
        #expect(text.contains("没有检测到纸张") && text.contains("开始扫描"), "\(text)")
        // Leaving keeps nothing: back on the materials, the paper still owed.
        journey.send(.activated(.back), effects: .unchecked)
        #expect(journey.state.screen == .materials(page: 0))
        #expect(Steps.screen(journey).contains("纸质材料，须到窗口核验原件"))
    }

    @Test func aPageThatArrivesAfterTheCitizenLeftIsThrownAway() {
        var journey = Self.atMaterials()
        journey.send(.activated(.scanMaterial("residence-registration")), effects: .unchecked)
        _ = journey.send(.activated(.startScan), effects: .unchecked)
        journey.send(.activated(.back), effects: .unchecked)
        let late = CapturedPage(token: 3, preview: [], problems: [], keepable: true)
        let effects = journey.send(.pageScanned(materialID: "residence-registration", .captured(late)), effects: .unchecked)
        #expect(effects.contains(.discardScannedPage(token: 3)))
        #expect(journey.state.application?.form.scanned.isEmpty == true)
    }

    @Test func withoutAScannerPaperIsOnlyOwed() {
        let journey = Self.atMaterials(scanner: false)
        #expect(!Steps.screen(journey).contains("在本机扫描"))
        #expect(!render(journey.state, Fixtures.context()).hits.contains { $0.button == .scanMaterial("residence-registration") })
        var pressed = journey
        _ = update(&pressed.state, .activated(.scanMaterial("residence-registration")))
        #expect(pressed.state.screen == .materials(page: 0))
    }
}
