// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ZizhuCore
import ZizhuOutbox
import ZizhuUI
import ZizhuWire

/// 查询进度: the platform's answer when it can be asked, else this kiosk's own record of
/// the case (and the screen says which).
public struct ProgressDesk: Sendable {
    let worker: PlatformClient?
    let outbox: Outbox?

    public init(worker: PlatformClient?, outbox: Outbox?) {
        self.worker = worker
        self.outbox = outbox
    }

    /// 查询进度 by ID card: the platform's list; when it cannot be asked, this kiosk's
    /// applications by the person that are still waiting to be uploaded.
    public func lookUp(card number: IDNumber) async -> ProgressLookup {
        if let answers = await worker?.progress(idNumber: number.unmasked) {
            guard !answers.isEmpty else { return .notFound }
            return .cases(answers.map {
                CaseProgress(acceptanceNumber: $0.acceptanceNumber, serviceID: $0.serviceID ?? "", progress: $0.progress, reason: $0.reason,
                             updatedAt: $0.updatedAt, source: .platform)
            })
        }
        let pending = (try? outbox?.pendingSubmissions(applicant: number.unmasked)) ?? []
        guard !pending.isEmpty else { return .unavailable }
        // Each case as the lookup by its number says it (one record, one answer: by card and
        // by number never disagree).
        return .cases(pending.reversed().map { summary in
            let record = (try? outbox?.record(acceptanceNumber: summary.acceptanceNumber)) ?? nil
            return Self.kioskRecord(record ?? summary)
        })
    }

    /// This kiosk's own record of a case, as 查询进度 shows it offline.
    static func kioskRecord(_ record: Outbox.Summary) -> CaseProgress {
        CaseProgress(acceptanceNumber: record.acceptanceNumber, serviceID: record.serviceID, progress: record.progress ?? "manual_review",
                     updatedAt: record.createdAt, source: .kiosk(uploaded: record.state == .confirmed))
    }

    public func lookUp(_ number: String) async -> ProgressLookup {
        let platform = await worker?.progress(acceptanceNumber: number)
        if case .found(let answer)? = platform {
            let service = answer.serviceID ?? (try? outbox?.record(acceptanceNumber: number))??.serviceID ?? ""
            return .found(CaseProgress(acceptanceNumber: number, serviceID: service, progress: answer.progress, reason: answer.reason,
                                       updatedAt: answer.updatedAt, source: .platform))
        }
        guard let record = (try? outbox?.record(acceptanceNumber: number)) ?? nil else {
            return platform == .unknown ? .notFound : .unavailable
        }
        return .found(Self.kioskRecord(record))
    }
}
