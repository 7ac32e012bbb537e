// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import ZizhuWire

/// 查询进度 on SQLite: a case's progress (by 受理编号 or by the applicant's sealed index), and
/// 证照寄递's courier, recorded by staff once a mailed result is sent.
extension SQLiteCentralStore {
    static func registerCourierMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-courier") { db in
            // `ems:1180123456789`, and when it was recorded.
            try db.execute(sql: """
                ALTER TABLE submission ADD COLUMN courier TEXT;
                ALTER TABLE submission ADD COLUMN courier_at TEXT;
                """)
        }
    }

    static let progressColumns = """
        acceptance_number, progress, service_id, progress_reason, COALESCE(progress_at, received_at) AS at, courier, courier_at
        """

    static func progress(_ row: Row) -> ProgressAnswer {
        ProgressAnswer(acceptanceNumber: row["acceptance_number"], progress: row["progress"], serviceID: row["service_id"],
                       reason: row["progress_reason"], updatedAt: row["at"],
                       courier: CourierDispatch(stored: row["courier"], sentAt: row["courier_at"]))
    }

    public func progressAnswer(acceptanceNumber: String) async throws -> ProgressAnswer? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.progressColumns) FROM submission WHERE acceptance_number = ?",
                             arguments: [acceptanceNumber]).map(Self.progress)
        }
    }

    public func progressAnswers(applicant idNumber: String, limit: Int) async throws -> [ProgressAnswer] {
        let index = try sealing().applicantIndex(idNumber: idNumber)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.progressColumns) FROM submission WHERE applicant = ? ORDER BY received_at DESC, sequence DESC LIMIT ?
                """, arguments: [index, limit]).map(Self.progress)
        }
    }

    public func recordCourier(acceptanceNumber: String, _ dispatch: CourierDispatch) async throws -> CourierOutcome {
        try await writer.write { db in
            try db.execute(sql: "UPDATE submission SET courier = ?, courier_at = ? WHERE acceptance_number = ? AND progress = 'approved'",
                           arguments: [dispatch.stored, Self.now(), acceptanceNumber])
            if db.changesCount > 0 { return .recorded }
            guard let progress = try String.fetchOne(db, sql: "SELECT progress FROM submission WHERE acceptance_number = ?",
                                                     arguments: [acceptanceNumber]) else { return .unknown }
            return .notApproved(progress)
        }
    }
}
