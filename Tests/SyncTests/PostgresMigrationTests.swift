// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import PostgresNIO
import Testing
@testable import ZizhuCentral
import ZizhuKiosk
import ZizhuProcess

/// PostgreSQL's schema is versioned like SQLite's: named migrations, each recorded once.
@Suite("PostgreSQL migrations")
struct PostgresMigrationTests {
    @Test func eachMigrationRunsOnceAndIsRecordedByName() async throws {
        let url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
        let store = try await PostgresCentralStore(url: url)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        var recorded: [String] = []
        for try await name in try await store.client.query("SELECT name FROM schema_migration ORDER BY applied_at, name", logger: logger)
            .decode(String.self) { recorded.append(name) }
        #expect(Set(recorded) == Set(PostgresMigrations.all.map(\.name)) && recorded.count == PostgresMigrations.all.count, "\(recorded)")
        #expect(recorded.contains("v5-staff"))
        // A second server on the same database applies nothing, and the data stays.
        let token = try await store.createToken()
        #expect(try await PostgresMigrations.apply(on: store.client, logger: logger).isEmpty)
        let again = try await PostgresCentralStore(url: url)
        _ = try await again.enrol(token: token, kioskID: "kiosk-a", site: "a")
        #expect(try await again.stats().kiosks == 1)
    }
}
