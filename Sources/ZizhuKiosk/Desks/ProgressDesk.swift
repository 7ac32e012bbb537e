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
                             updatedAt: $0.updatedAt, source: .platform, courier: Self.courier($0.courier))
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

    /// The courier as the screen names it (a company this kiosk does not know by its code).
    static func courier(_ dispatch: CourierDispatch?) -> LocalizedText? {
        guard let dispatch else { return nil }
        let company = CourierCompany(rawValue: dispatch.company)
        return LocalizedText(zh: (company?.chinese ?? dispatch.company) + " " + dispatch.number,
                             en: (company?.english ?? dispatch.company) + " " + dispatch.number)
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
                                       updatedAt: answer.updatedAt, source: .platform, courier: Self.courier(answer.courier)))
        }
        guard let record = (try? outbox?.record(acceptanceNumber: number)) ?? nil else {
            return platform == .unknown ? .notFound : .unavailable
        }
        return .found(Self.kioskRecord(record))
    }
}
