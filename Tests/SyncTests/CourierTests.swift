// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuCentral
@testable import ZizhuOutbox
import ZizhuWire

/// 证照寄递 on the platform: staff record the courier of an approved case the citizen chose
/// to have mailed, and the kiosk's 查询进度 answers with it — through the real server on
/// SQLite and on PostgreSQL, tried with the wrong role, a case collected in person, one not
/// approved, a number that is not one.
@Suite("证照寄递: the courier of a mailed result, recorded on the dashboard, answered to the kiosk")
struct CourierTests {
    static func mailed(_ index: Int, outcome: String = "approved", method: String = "mail") -> SubmissionPayload {
        var payload = Sample.payload(index, outcome: outcome)
        payload.fields["delivery_method"] = method
        if method == "mail" {
            payload.fields["delivery_address"] = "广东省广州市天河区演示大道100号"
            payload.fields["delivery_phone"] = "13912345678"
        }
        return payload
    }

    @Test(arguments: StorageKind.allCases)
    func staffRecordTheCourierOfAnApprovedMailedCaseAndTheKioskSeesIt(storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let enrolment = try await central.enrol("kiosk-a")
        let client = PlatformClient(outbox: try Outbox(home: Scratch.folder("courier-kiosk-a"), kioskID: "kiosk-a"), enrolment: enrolment,
                                    home: Scratch.folder("courier-kiosk-a-home"), logger: DashboardTests.logger)
        let mailed = try client.outbox.submit(Self.mailed(1))
        let collected = try client.outbox.submit(Self.mailed(2, method: "pickup"))
        let waiting = try client.outbox.submit(Self.mailed(3, outcome: "manual_review"))
        #expect(try await client.drain().delivered == 3)
        #expect(try await central.store.progress(acceptanceNumber: mailed.acceptanceNumber) == "approved")
        let number = mailed.acceptanceNumber
        let sent = ["number": number, "company": "ems", "tracking": "1180123456789"]

        // The help desk has no business with it.
        let helpdesk = try await StaffFixtures.signedIn(central, "zhao.lei", [.helpdesk])
        let forbidden = try await helpdesk.post("/dashboard/courier", sent)
        #expect(forbidden.status == 403 && forbidden.body.contains("reviewer"), "\(forbidden.body)")

        let reviewer = try await StaffFixtures.signedIn(central, "wang.fang", [.reviewer])
        // What cannot be one is refused with why, and nothing is recorded.
        var refused = try await reviewer.post("/dashboard/courier", sent.merging(["company": "pigeon"]) { $1 })
        #expect(refused.status == 400 && refused.body.contains("请选择快递公司"), "\(refused.body)")
        refused = try await reviewer.post("/dashboard/courier", sent.merging(["tracking": "12<script>"]) { $1 })
        #expect(refused.status == 400 && refused.body.contains("快递单号不正确") && !refused.body.contains("<script>"), "\(refused.body)")
        refused = try await reviewer.post("/dashboard/courier", sent.merging(["number": collected.acceptanceNumber]) { $1 })
        #expect(refused.status == 409 && refused.body.contains("申请人选择自取"), "\(refused.body)")
        refused = try await reviewer.post("/dashboard/courier", sent.merging(["number": waiting.acceptanceNumber]) { $1 })
        #expect(refused.status == 409 && refused.body.contains("尚未办结") && refused.body.contains("manual_review"), "\(refused.body)")
        refused = try await reviewer.post("/dashboard/courier", sent.merging(["number": "ZZ20260101-0000-0000-0000"]) { $1 })
        #expect(refused.status == 404, "\(refused.body)")
        #expect(try await central.store.progressAnswer(acceptanceNumber: number)?.courier == nil)
        #expect(try await central.store.progressAnswer(acceptanceNumber: collected.acceptanceNumber)?.courier == nil)

        // The case's page offers the form only for an approved 邮寄 case.
        let page = try await reviewer.get("/dashboard/cases/\(number)")
        #expect(page.body.contains("id=\"courier-form\"") && page.body.contains("delivery_address"), "\(page.body)")
        #expect(!(try await reviewer.get("/dashboard/cases/\(collected.acceptanceNumber)")).body.contains("id=\"courier-form\""))

        // Recorded (lower-case typing is taken as the number it is), audited, shown.
        let recorded = try await reviewer.post("/dashboard/courier", sent.merging(["tracking": " 1180123456789 "]) { $1 })
        #expect(recorded.status == 303 && recorded.header("Location") == "/dashboard/cases/\(number)", "\(recorded.body)")
        let answer = try await central.store.progressAnswer(acceptanceNumber: number)
        #expect(answer?.courier?.company == "ems" && answer?.courier?.number == "1180123456789" && answer?.courier?.sentAt != nil)
        var trail = try await central.store.auditTrail(AuditFilter(action: "case.courier"))
        #expect(trail.count == 1 && trail.first?.actor == "wang.fang" && trail.first?.role == "reviewer"
                && trail.first?.target == number && trail.first?.detail == "ems:1180123456789")
        #expect(try await reviewer.get("/dashboard/cases/\(number)").body.contains("中国邮政EMS 1180123456789"))

        // The kiosk's 查询进度, by number and by card.
        guard case .found(let byNumber) = await client.progress(acceptanceNumber: number) else {
            Issue.record("the kiosk could not look the case up")
            return
        }
        #expect(byNumber.courier == CourierDispatch(company: "ems", number: "1180123456789", sentAt: answer?.courier?.sentAt))
        let byCard = await client.progress(idNumber: Sample.applicant) ?? []
        #expect(byCard.first { $0.acceptanceNumber == number }?.courier?.number == "1180123456789")
        #expect(byCard.first { $0.acceptanceNumber == collected.acceptanceNumber }?.courier == nil)

        // An operator in the post room corrects it by the number on the envelope.
        let operatorClient = try await StaffFixtures.signedIn(central, "li.ming", [.operator])
        #expect(try await operatorClient.get("/dashboard").body.contains("id=\"courier-form\""))
        let corrected = try await operatorClient.post("/dashboard/courier", ["number": number.lowercased(), "company": "sf", "tracking": "SF1234567890"])
        #expect(corrected.status == 303 && corrected.header("Location") == "/dashboard", "\(corrected.body)")
        #expect(try await central.store.progressAnswer(acceptanceNumber: number)?.courier?.stored == "sf:SF1234567890")
        trail = try await central.store.auditTrail(AuditFilter(action: "case.courier"))
        #expect(trail.map(\.actor) == ["li.ming", "wang.fang"] && trail.first?.role == "operator")
        // An auditor sees the dashboard, not the form.
        let auditor = try await StaffFixtures.signedIn(central, "chen.jing", [.auditor])
        #expect(!(try await auditor.get("/dashboard")).body.contains("id=\"courier-form\""))
    }
}
