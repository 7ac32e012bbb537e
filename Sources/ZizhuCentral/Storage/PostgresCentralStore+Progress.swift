// SPDX-License-Identifier: Apache-2.0
import Foundation
import PostgresNIO
import ZizhuWire

/// 查询进度 on PostgreSQL: a case's progress (by 受理编号 or by the applicant's sealed index),
/// and 证照寄递's courier, recorded by staff once a mailed result is sent.
extension PostgresCentralStore {
    public func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer? {
        let rows = try await client.query("""
            SELECT progress, service_id, progress_reason, COALESCE(progress_at, received_at), courier, courier_at FROM submission
            WHERE acceptance_number = \(acceptanceNumber)
            """, logger: logger)
        for try await (progress, service, reason, at, courier, courierAt) in rows.decode((String, String, String?, Date, String?, Date?).self) {
            return ProgressAnswer(acceptanceNumber: acceptanceNumber, progress: progress, serviceID: service, reason: reason,
                                  updatedAt: UTCTime.iso(at), courier: CourierDispatch(stored: courier, sentAt: courierAt.map(UTCTime.iso)))
        }
        return nil
    }

    public func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer] {
        let index = try sealing().applicantIndex(idNumber: idNumber)
        let rows = try await client.query("""
            SELECT acceptance_number, progress, service_id, progress_reason, COALESCE(progress_at, received_at), courier, courier_at
            FROM submission WHERE applicant = \(index) ORDER BY received_at DESC, sequence DESC LIMIT \(limit)
            """, logger: logger)
        var answers: [ProgressAnswer] = []
        for try await (number, progress, service, reason, at, courier, courierAt)
            in rows.decode((String, String, String, String?, Date, String?, Date?).self) {
            answers.append(ProgressAnswer(acceptanceNumber: number, progress: progress, serviceID: service, reason: reason,
                                          updatedAt: UTCTime.iso(at), courier: CourierDispatch(stored: courier, sentAt: courierAt.map(UTCTime.iso))))
        }
        return answers
    }

    public func recordCourier(acceptanceNumber: String, _ dispatch: CourierDispatch) async throws -> CourierOutcome {
        let rows = try await client.query("""
            UPDATE submission SET courier = \(dispatch.stored), courier_at = now()
            WHERE acceptance_number = \(acceptanceNumber) AND progress = 'approved' RETURNING key
            """, logger: logger)
        for try await _ in rows { return .recorded }
        guard let current = try await progress(acceptanceNumber: acceptanceNumber) else { return .unknown }
        return .notApproved(current)
    }
}
