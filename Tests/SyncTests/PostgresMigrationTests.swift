// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import PostgresNIO
import Testing
@testable import ZizhuCentral
import ZizhuKiosk
import ZizhuProcess
import ZizhuWire

/// PostgreSQL's schema is versioned like SQLite's: named migrations, each recorded once.
@Suite("PostgreSQL migrations")
struct PostgresMigrationTests {
    @Test func eachMigrationRunsOnceAndIsRecordedByName() async throws {
        let url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
        let store = try await PostgresCentralStore(url: url, keyring: testKeyring)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        var recorded: [String] = []
        for try await name in try await store.client.query("SELECT name FROM schema_migration ORDER BY applied_at, name", logger: logger)
            .decode(String.self) { recorded.append(name) }
        #expect(Set(recorded) == Set(PostgresMigrations.all.map(\.name)) && recorded.count == PostgresMigrations.all.count, "\(recorded)")
        #expect(recorded.contains("v5-staff"))
        // A second server on the same database applies nothing, and the data stays.
        let token = try await store.createToken()
        #expect(try await PostgresMigrations.apply(on: store.client, logger: logger).isEmpty)
        let again = try await PostgresCentralStore(url: url, keyring: testKeyring)
        _ = try await again.enrol(token: token, kioskID: "kiosk-a", site: "a")
        #expect(try await again.stats().kiosks == 1)
    }

    /// `sslmode` in the database URL is honoured: the test cluster serves no TLS, so
    /// `require` and `verify-full` must fail to connect (never fall back to plain text),
    /// `disable` connects, and an unknown mode is a clear error.
    @Test func sslmodeFromTheURLIsHonoured() async throws {
        let url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
        _ = try await PostgresCentralStore(url: url + "?sslmode=disable", keyring: testKeyring)
        for mode in ["require", "verify-full"] {
            let error = await #expect(throws: ProblemResponse.self, "sslmode=\(mode) against a server without TLS") {
                _ = try await PostgresCentralStore(url: url + "?sslmode=\(mode)", keyring: testKeyring)
            }
            #expect(error?.detail.contains("sslmode: \(mode)") == true, "\(String(describing: error))")
        }
        await #expect(throws: ProblemResponse.self) { _ = try await PostgresCentralStore(url: url + "?sslmode=sometimes", keyring: testKeyring) }
    }
}
