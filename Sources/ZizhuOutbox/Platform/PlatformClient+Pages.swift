// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import ZizhuWire

/// 扫描纸质材料: the pages of applications the platform holds, uploaded in chunks after them.
/// Each chunk's answer says how much of the page the platform holds; that is recorded
/// durably, so a dropped link (or a power cut) resumes from there, and a chunk sent twice is
/// answered the same. A page the platform holds whole is deleted here.
extension PlatformClient {
    func uploadPages(secret: SymmetricKey, report: inout Report) async throws {
        while true {
            let pages = try outbox.pagesToUpload()
            if pages.isEmpty { return }
            for page in pages {
                switch await upload(page, secret: secret) {
                case .delivered:
                    try outbox.confirmPage(page.id)
                    report.pagesDelivered += 1
                case .refused(let reason):
                    try outbox.refusePage(page.id, reason: reason)
                    report.pagesRefused += 1
                    logger.error("page refused by the platform", metadata: ["page": "\(page.acceptanceNumber)/\(page.material)/\(page.number)",
                                                                           "reason": "\(reason)"])
                case .paused(let reason):
                    report.stoppedBecause = "page upload paused: \(reason)"
                    return
                }
            }
        }
    }

    enum PageUpload { case delivered, refused(String), paused(String) }

    func upload(_ page: PendingPage, secret: SymmetricKey) async -> PageUpload {
        var offset = min(max(0, page.sent), page.data.count)
        var stalls = 0
        while true {
            let end = min(page.data.count, offset + PageRules.chunkBytes)
            let path = PageRules.chunkPath(acceptanceNumber: page.acceptanceNumber, material: page.material, number: page.number,
                                           offset: offset, size: page.data.count, sha256: page.sha256)
            let status: Int, body: Data
            do {
                (status, body) = try await exchange("PUT", path, body: page.data.subdata(in: offset..<end), secret: secret, limit: 16 << 10,
                                                    contentType: "application/octet-stream")
            } catch {
                return .paused("\(error)")
            }
            switch status {
            case 200:
                guard let answer = try? JSONDecoder().decode(PageChunkAnswer.self, from: body),
                      (0...page.data.count).contains(answer.received) else { return .paused("an answer that is not a page chunk answer") }
                if answer.complete { return .delivered }
                do {
                    try outbox.recordPageSent(page.id, bytes: answer.received)
                } catch {
                    return .paused("\(error)")
                }
                // The platform holds less than was sent (it starts the page again): go on from there, a few times at most.
                if answer.received <= offset { stalls += 1 }
                if stalls > 3 { return .paused("the platform does not take the page's chunks") }
                offset = answer.received
            case 400, 403, 404, 409, 413, 422:
                let reason = (try? JSONDecoder().decode(ProblemResponse.self, from: body)).map { "\($0.error): \($0.detail ?? "")" } ?? "status \(status)"
                // 404: the platform does not know the application yet (answered, then lost?): later.
                if status == 404 { return .paused(reason) }
                return .refused("\(status) \(reason)")
            default:
                return .paused("status \(status)")
            }
        }
    }
}
