// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuCore
import ZizhuWire

/// The staff side under `/dashboard`, served on its own listener: the sign-in page, and
/// behind `StaffSessionMiddleware` the overview, the audit trail, case histories and every
/// action — each checking its role and writing one audit row.
struct StaffRoutes {
    let store: any CentralStorage
    let settings: StaffSettings

    func add(to staff: RouterGroup<CentralRequestContext>) {
        let store = store, settings = settings
        staff.get("staff.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: StaffPages.styleSheet)))
        }
        let login = StaffLogin(store: store, settings: settings)
        staff.get("login") { request, _ in try await login.page(request) }
        staff.post("login") { request, context in try await login.signIn(request, context: context) }

        let signedIn = staff.group().add(middleware: StaffSessionMiddleware(store: store, settings: settings))
        signedIn.get { request, context in
            let query = Dashboard.FleetQuery(search: request.uri.queryParameters.get("q") ?? "",
                                             page: request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1)
            return try await overview(context.staff(anyOf: StaffRole.allCases), notice: nil, query: query)
        }
        signedIn.post("logout") { _, context in try await login.signOut(context) }
        signedIn.get("audit") { request, context -> Response in
            let viewer = try context.staff(.auditor)
            let query = StaffPages.form(request.uri.query ?? "")
            func value(_ name: String) -> String? { query[name].flatMap { $0.isEmpty ? nil : String($0.prefix(64)) } }
            let filter = AuditFilter(since: value("since"), actor: value("actor"), action: value("action"), target: value("target"))
            return StaffPages.html(.ok, StaffPages.audit(try await store.auditTrail(filter), filter: filter, viewer: viewer))
        }
        signedIn.get("cases/{number}") { _, context -> Response in
            let viewer = try context.staff(anyOf: [.reviewer, .auditor])
            guard let number = context.parameters.get("number"), let answer = try await store.progressAnswer(acceptanceNumber: number) else {
                throw StaffRefusal(.notFound, "没有这个案件 · No such case", "No submission has this 受理编号.")
            }
            // The application itself, opened with the platform key: each viewing is in the audit trail.
            let application = try await store.casePayload(acceptanceNumber: number)
                .flatMap { try? JSONDecoder().decode(SubmissionPayload.self, from: Data($0.utf8)) }
            try await audit(viewer, viewer.has(.reviewer) ? .reviewer : .auditor, "case.view", target: number, context: context)
            let history = try await store.auditTrail(AuditFilter(target: number))
            let pages = try await store.casePages(acceptanceNumber: number)
            return StaffPages.html(.ok, StaffPages.caseHistory(number: number, answer: answer, application: application, history: history,
                                                               viewer: viewer, pages: pages))
        }
        // 扫描纸质材料: one page of a case, for its reviewer (each look is in the audit trail).
        signedIn.get("cases/{number}/pages/{material}/{page}") { _, context -> Response in
            let viewer = try context.staff(anyOf: [.reviewer, .auditor])
            guard let number = context.parameters.get("number"), let material = context.parameters.get("material"),
                  let page = context.parameters.get("page").flatMap({ Int($0) }),
                  let bytes = try await store.casePage(acceptanceNumber: number, material: material, number: page) else {
                throw StaffRefusal(.notFound, "没有这一页 · No such page", "The case has no whole page by that name.")
            }
            try await audit(viewer, viewer.has(.reviewer) ? .reviewer : .auditor, "case.page.view", target: number,
                            detail: "\(material) \(page)", context: context)
            return Response(status: .ok, headers: [.contentType: "image/webp", .cacheControl: "no-store"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        signedIn.post("help/{id}/acknowledge") { _, context -> Response in
            let viewer = try context.staff(.helpdesk)
            guard let id = context.parameters.get("id").flatMap(Int64.init), try await store.acknowledgeHelp(id: id) else {
                throw StaffRefusal(.notFound, "没有这个求助 · No such help request", "No open help request has this number.")
            }
            try await audit(viewer, .helpdesk, "help.acknowledge", target: "H\(id)", context: context)
            return Response(status: .seeOther, headers: [.location: "/dashboard"])
        }
        // 人工审核: a reviewer approves or refuses a case; its progress changes accordingly.
        for (action, approve) in [("approve", true), ("refuse", false)] {
            signedIn.post(RouterPath("review/{number}/\(action)")) { _, context -> Response in
                let viewer = try context.staff(.reviewer)
                let reason = String((context.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
                if !approve && reason.isEmpty {
                    throw StaffRefusal(.badRequest, "需要理由 · A reason is needed", "A refusal must say why: the citizen reads it.")
                }
                guard let number = context.parameters.get("number") else { throw StaffRefusal(.notFound, "No such case", "") }
                switch try await store.decide(acceptanceNumber: number, approve: approve, reason: reason) {
                case .decided:
                    try await audit(viewer, .reviewer, "case.\(action)", target: number, detail: reason, context: context)
                    return Response(status: .seeOther, headers: [.location: "/dashboard#review"])
                case .unknown: throw StaffRefusal(.notFound, "没有这个案件 · No such case", "No submission has this 受理编号.")
                case .notInReview(let progress):
                    throw StaffRefusal(.conflict, "已有结论 · Already decided", "This case is already \(progress).")
                }
            }
        }
        addOperatorActions(to: signedIn)
        addCourier(to: signedIn)
    }

    /// 证照寄递: a reviewer (on the case's page) or an operator (from the post room, by the
    /// number on the envelope) records the courier of an approved case the citizen chose to
    /// have mailed; the kiosk's 查询进度 shows it from then on.
    func addCourier(to signedIn: RouterGroup<CentralRequestContext>) {
        let store = store
        signedIn.post("courier") { _, context -> Response in
            let viewer = try context.staff(anyOf: [.reviewer, .operator])
            let number = String((context.form["number"] ?? "").trimmingCharacters(in: .whitespaces).uppercased().prefix(32))
            let tracking = (context.form["tracking"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            guard let company = CourierCompany(rawValue: context.form["company"] ?? "") else {
                throw StaffRefusal(.badRequest, "请选择快递公司 · Choose a courier", "The courier must be one of the list.")
            }
            guard CourierDispatch.isPlausible(number: tracking) else {
                throw StaffRefusal(.badRequest, "快递单号不正确 · Not a tracking number", "A tracking number is 8 to 30 letters and digits.")
            }
            // Whether the citizen chose 邮寄 is in the sealed application: opened here, not shown.
            guard let payload = try await store.casePayload(acceptanceNumber: number)
                .flatMap({ try? JSONDecoder().decode(SubmissionPayload.self, from: Data($0.utf8)) }) else {
                throw StaffRefusal(.notFound, "没有这个案件 · No such case", "No submission has this 受理编号.")
            }
            guard payload.fields[ResultDelivery.methodField] == "mail" else {
                throw StaffRefusal(.conflict, "申请人选择自取 · Collected in person", "The applicant chose to collect the result; nothing is mailed.")
            }
            let dispatch = CourierDispatch(company: company.rawValue, number: tracking)
            switch try await store.recordCourier(acceptanceNumber: number, dispatch) {
            case .recorded:
                let role: StaffRole = viewer.has(.reviewer) ? .reviewer : .operator
                try await audit(viewer, role, "case.courier", target: number, detail: dispatch.stored, context: context)
                return Response(status: .seeOther, headers: [.location: viewer.has(.reviewer) ? "/dashboard/cases/\(number)" : "/dashboard"])
            case .unknown: throw StaffRefusal(.notFound, "没有这个案件 · No such case", "No submission has this 受理编号.")
            case .notApproved(let progress):
                throw StaffRefusal(.conflict, "尚未办结 · Not approved", "This case is \(progress): a result is mailed only once it is approved.")
            }
        }
    }

    /// Kiosks (disable, enable, a new secret) and enrolment tokens.
    func addOperatorActions(to signedIn: RouterGroup<CentralRequestContext>) {
        let store = store
        for action in ["disable", "enable"] {
            signedIn.post(RouterPath("kiosks/{id}/\(action)")) { _, context -> Response in
                let viewer = try context.staff(.operator)
                let kioskID = context.parameters.get("id") ?? ""
                let reason = String((context.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
                if action == "disable" && reason.isEmpty {
                    throw StaffRefusal(.badRequest, "需要原因 · A reason is needed", "The kiosk's technician sees why it was disabled.")
                }
                guard try await store.setKioskDisabled(kioskID: kioskID, reason: action == "disable" ? reason : nil) else {
                    throw StaffRefusal(.notFound, "没有这台终端 · No such kiosk", "No kiosk is enrolled with this id.")
                }
                try await audit(viewer, .operator, "kiosk.\(action)", target: kioskID, detail: reason, context: context)
                return Response(status: .seeOther, headers: [.location: "/dashboard"])
            }
        }
        signedIn.post("kiosks/{id}/rotate") { _, context -> Response in
            let viewer = try context.staff(.operator)
            let kioskID = context.parameters.get("id") ?? ""
            guard let token = try await store.rotateSecret(kioskID: kioskID) else {
                throw StaffRefusal(.notFound, "没有这台终端 · No such kiosk", "No kiosk is enrolled with this id.")
            }
            try await audit(viewer, .operator, "kiosk.rotate", target: kioskID, context: context)
            return try await overview(viewer, notice: "\(kioskID): its old secret no longer works. Re-enrol it with this one-time token "
                                      + "(zizhu enroll --token …): \(token)")
        }
        signedIn.post("tokens") { _, context -> Response in
            let viewer = try context.staff(.operator)
            let token = try await store.createToken()
            try await audit(viewer, .operator, "token.create", target: String(token.prefix(8)) + "…", context: context)
            return try await overview(viewer, notice: "New one-time enrolment token (shown once): \(token)")
        }
    }

    func overview(_ viewer: StaffViewer, notice: String?, query: Dashboard.FleetQuery = Dashboard.FleetQuery()) async throws -> Response {
        // Each kiosk's lookups of personal records in the last hour, from the audit trail.
        let lookups = try await store.auditTrail(AuditFilter(since: UTCTime.iso(Date().addingTimeInterval(-3600)), limit: 100_000))
            .filter { $0.action.hasPrefix("lookup.") && $0.actor.hasPrefix("kiosk:") }
        let perKiosk = Dictionary(grouping: lookups) { String($0.actor.dropFirst("kiosk:".count)) }.mapValues(\.count)
        let fleet = try await store.fleet().map { kiosk -> FleetKiosk in
            var counted = kiosk
            counted.lookupsLastHour = perKiosk[kiosk.id] ?? 0
            return counted
        }
        let page = Dashboard.page(fleet: fleet,
                                  perHour: try await store.submissionsPerHour(since: Date().addingTimeInterval(-24 * 3600)),
                                  help: try await store.openHelp(), stats: try await store.stats(), now: Date(),
                                  review: try await store.reviewQueue(limit: 50), ratings: try await store.ratingCounts(),
                                  viewer: viewer, notice: notice, query: query)
        return StaffPages.html(.ok, page)
    }

    func audit(_ viewer: StaffViewer, _ role: StaffRole, _ action: String, target: String, detail: String = "",
               context: CentralRequestContext) async throws {
        try await store.appendAudit(AuditEntry(actor: viewer.name, role: role.rawValue, action: action, target: target, detail: detail,
                                               address: context.address))
    }
}
