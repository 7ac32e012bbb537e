// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
@testable import ZizhuUI

/// 证照寄递 at the kiosk: 领取方式 after the service's own fields — 自取 with its place, or
/// 邮寄 with an address (prefilled from the card) and a phone — shown on 核对信息, carried by
/// the submission, printed (masked) on the receipt.
@Suite("证照寄递: 自取 or 邮寄, chosen with the application")
struct DeliveryJourneyTests {
    typealias Steps = ApplicationJourneyTests

    /// 边境旅游出入境通行证 up to 领取方式: destination, departure date, phone.
    static func atDeliveryMethod() throws -> (Journey, Service) {
        var journey = Steps.identified("border-tourism-pass")
        journey.send(.activated(.proceed), effects: .unchecked)
        journey.send(.recordsLookedUp(Steps.records(Fixtures.demoCitizen)), effects: .unchecked)
        let service = try #require(journey.state.catalogue.service(id: "border-tourism-pass"))
        journey.send(.activated(.choose("vietnam")), effects: .unchecked)
        let departure = try #require(Fixtures.today.adding(days: 10))
        for digit in departure.description.filter(\.isNumber) { journey.send(.activated(.digit(Int(String(digit)) ?? 0))) }
        journey.send(.activated(.confirm), effects: .unchecked)
        for digit in "13800138000" { journey.send(.activated(.digit(Int(String(digit)) ?? 0))) }
        journey.send(.activated(.confirm), effects: .unchecked)
        let method = try #require(service.fields.firstIndex { $0.id == ResultDelivery.methodField })
        #expect(journey.state.screen == .applicationForm(field: method))
        return (journey, service)
    }

    static func submitted(_ effects: [Effect]) -> SubmissionRequest? {
        effects.compactMap { if case .submit(let request) = $0 { return request } else { return nil } }.first
    }

    @Test func mailAsksForAnAddressFromTheCardAndAPhoneAndTheyTravelWithTheApplication() throws {
        var (journey, service) = try Self.atDeliveryMethod()
        #expect(service.fields.suffix(3).map(\.id) == ["delivery_method", "delivery_address", "delivery_phone"])
        var text = Steps.screen(journey)
        #expect(text.contains("领取方式") && text.contains("自取地点：区出入境接待大厅3号窗口") && text.contains("第 4/6 项"), "\(text)")
        #expect(text.contains("自取") && text.contains("邮寄（到付）"))

        journey.send(.activated(.choose("mail")), effects: .unchecked)
        // 邮寄 asks two more: the address first, prefilled from the card and saying so.
        text = Steps.screen(journey)
        #expect(text.contains("收件地址") && text.contains("广东省广州市天河区演示大道100号") && text.contains("已从身份证读取"), "\(text)")
        #expect(text.contains("第 5/6 项"), "\(text)")
        journey.send(.activated(.confirm), effects: .unchecked)
        #expect(Steps.screen(journey).contains("收件人电话"))
        // A phone that is not one is refused with what to type.
        for digit in "12345" { journey.send(.activated(.digit(Int(String(digit)) ?? 0))) }
        journey.send(.activated(.confirm), effects: .unchecked)
        #expect(Steps.screen(journey).contains("请输入11位手机号"))
        for _ in 0..<5 { journey.send(.activated(.deleteDigit)) }
        for digit in "13912345678" { journey.send(.activated(.digit(Int(String(digit)) ?? 0))) }
        journey.send(.activated(.confirm), effects: .unchecked)
        #expect(journey.state.screen == .materials(page: 0))

        journey.send(.activated(.toReview), effects: .unchecked)
        var review = ""
        for page in 0..<4 {
            journey.state.screen = .review(page: page)
            review += Steps.screen(journey)
        }
        #expect(review.contains("邮寄（到付）") && review.contains("演示大道100号") && review.contains("13912345678"), "\(review)")
        journey.state.screen = .review(page: 9)
        journey.send(.activated(.toPrecheck), effects: .unchecked)
        let request = try #require(Self.submitted(journey.send(.activated(.submitApplication), effects: .unchecked)))
        #expect(request.fields["delivery_method"] == "mail" && request.fields["delivery_address"] == "广东省广州市天河区演示大道100号"
                && request.fields["delivery_phone"] == "13912345678")
        #expect(request.delivery == .mail(address: "广东省广州市天河区演示大道100号", phone: "13912345678"))

        // The receipt says how the result comes, with the address shortened and the phone masked.
        let accepted = journey.send(.submitted(.accepted(acceptanceNumber: "ZZ20261122-7F3A-91C2-4B0D", outcome: .approved, owed: [])),
                                    effects: .unchecked)
        let receipt = try #require(accepted.compactMap { if case .printReceipt(let r) = $0 { return r } else { return nil } }.first)
        let line = try #require(receipt.delivery?.line)
        #expect(line.zh == "邮寄：广东省广州市天河****，电话 139****5678", "\(line.zh)")
        #expect(!line.zh.contains("演示大道") && !line.zh.contains("13912345678"))
    }

    @Test func pickupAsksNothingMoreAndTheCardsAddressIsNotSent() throws {
        var (journey, _) = try Self.atDeliveryMethod()
        journey.send(.activated(.choose("pickup")), effects: .unchecked)
        // Straight to the materials: no address, no phone.
        #expect(journey.state.screen == .materials(page: 0))
        // The address was prefilled from the card all the same; it is not submitted.
        #expect(journey.state.application?.form.values["delivery_address"] == "广东省广州市天河区演示大道100号")
        journey.send(.activated(.toReview), effects: .unchecked)
        var review = ""
        for page in 0..<4 {
            journey.state.screen = .review(page: page)
            review += Steps.screen(journey)
        }
        #expect(review.contains("领取方式") && review.contains("自取") && !review.contains("收件地址"), "\(review)")
        journey.state.screen = .review(page: 9)
        journey.send(.activated(.toPrecheck), effects: .unchecked)
        let request = try #require(Self.submitted(journey.send(.activated(.submitApplication), effects: .unchecked)))
        #expect(request.fields["delivery_method"] == "pickup" && request.fields["delivery_address"] == nil && request.fields["delivery_phone"] == nil)
        #expect(request.delivery?.line.zh == "自取：区出入境接待大厅3号窗口")
    }

    /// Changed on 核对信息 from 自取 to 邮寄: the new questions are asked before going back, and
    /// a change abandoned half-way cannot reach the pre-check with the phone empty.
    @Test func switchingToMailOnReviewAsksTheNewQuestionsAndLeavesNoHole() throws {
        var (journey, service) = try Self.atDeliveryMethod()
        journey.send(.activated(.choose("pickup")), effects: .unchecked)
        journey.send(.activated(.toReview), effects: .unchecked)
        let method = try #require(service.fields.firstIndex { $0.id == ResultDelivery.methodField })
        journey.send(.activated(.editField(method)), effects: .unchecked)
        journey.send(.activated(.choose("mail")), effects: .unchecked)
        #expect(journey.state.screen == .applicationForm(field: method + 1))
        journey.send(.activated(.confirm), effects: .unchecked)
        #expect(journey.state.screen == .applicationForm(field: method + 2))
        // The citizen leaves the phone unanswered and goes back to 核对信息 ...
        journey.send(.activated(.back), effects: .unchecked)
        #expect(journey.state.screen.isReview, "\(journey.state.screen)")
        journey.state.screen = .review(page: 9)
        // ... and 下一步 asks for it instead of going to the pre-check.
        let effects = journey.send(.activated(.toPrecheck), effects: .unchecked)
        #expect(effects.contains(.log("review: delivery_phone is still empty")))
        #expect(journey.state.screen == .applicationForm(field: method + 2))
        #expect(Steps.screen(journey).contains("请填写「收件人电话」"))
        for digit in "13912345678" { journey.send(.activated(.digit(Int(String(digit)) ?? 0))) }
        journey.send(.activated(.confirm), effects: .unchecked)
        #expect(journey.state.screen.isReview, "\(journey.state.screen)")
        journey.state.screen = .review(page: 9)
        journey.send(.activated(.toPrecheck), effects: .unchecked)
        let request = try #require(Self.submitted(journey.send(.activated(.submitApplication), effects: .unchecked)))
        #expect(request.fields["delivery_phone"] == "13912345678" && request.fields["delivery_method"] == "mail")
    }
}

extension Screen {
    var isReview: Bool { if case .review = self { return true } else { return false } }
}
