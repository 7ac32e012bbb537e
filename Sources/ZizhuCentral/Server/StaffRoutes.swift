// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuWire

/// The staff side under `/dashboard`: the fleet, open help requests, the review queue and
/// its decisions. (Staff accounts and login arrive as middleware on this group.)
struct StaffRoutes {
    let store: any CentralStorage

    func add(to staff: RouterGroup<CentralRequestContext>) {
        let store = store
        staff.get { _, _ -> Response in
            let page = Dashboard.page(fleet: try await store.fleet(),
                                      perHour: try await store.submissionsPerHour(since: Date().addingTimeInterval(-24 * 3600)),
                                      help: try await store.openHelp(), stats: try await store.stats(), now: Date(),
                                      review: try await store.reviewQueue(limit: 50), ratings: try await store.ratingCounts())
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        staff.post("help/{id}/acknowledge") { _, context -> Response in
            guard let id = context.parameters.get("id").flatMap(Int64.init), try await store.acknowledgeHelp(id: id) else {
                throw Refusal(.notFound, "unknown help request", "no open help request with this id")
            }
            return Response(status: .seeOther, headers: [.location: "/dashboard"])
        }
        // 人工审核: a reviewer approves or refuses a case; its progress changes accordingly.
        for (action, approve) in [("approve", true), ("refuse", false)] {
            staff.post(RouterPath("review/{number}/\(action)")) { request, context -> Response in
                var request = request
                let form = (try? await request.collectBody(upTo: 8 << 10)).map { String(buffer: $0) } ?? ""
                let reason = CentralServer.formValue(form, "reason") ?? ""
                if !approve && reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw Refusal(.badRequest, "reason required", "a refusal must say why (the citizen sees it)")
                }
                guard let number = context.parameters.get("number") else { throw Refusal(.notFound, "unknown", "no number") }
                switch try await store.decide(acceptanceNumber: number, approve: approve, reason: reason) {
                case .decided: return Response(status: .seeOther, headers: [.location: "/dashboard#review"])
                case .unknown: throw Refusal(.notFound, "unknown acceptance number", "no submission has this 受理编号")
                case .notInReview(let progress): throw Refusal(.conflict, "not in review", "this case is already \(progress)")
                }
            }
        }
    }
}
