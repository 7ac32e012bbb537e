// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
@testable import ZizhuCentral
import ZizhuCore
import ZizhuOutbox
import ZizhuProcess
import ZizhuTestSupport
import ZizhuWire

/// Issue 17: personal data sealed on the platform, and the platform's own 秒批 decision —
/// through the real server (Hummingbird on loopback) on SQLite and PostgreSQL.
@Suite("The platform seals personal data and decides for itself")
struct SealedPlatformTests {
    /// A valid ID number no other test uses (ISO 7064 MOD 11-2 check character), so a search
    /// of the shared PostgreSQL cluster's files finds only what this test stored.
    static func freshIDNumber() -> String {
        let body = "440106" + "1975" + String(format: "%02d%02d", Int.random(in: 1...12), Int.random(in: 1...28)) + String(format: "%03d", Int.random(in: 0...999))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    static func payload(_ idNumber: String, name: String, outcome: String = "manual_review", legalRepresentative: String = "yes",
                        catalogue: String = Sample.catalogueVersion) -> SubmissionPayload {
        var payload = Sample.payload(1, outcome: outcome)
        payload.applicant = .init(idNumber: idNumber, name: name, cardKind: "resident")
        payload.fields["is_legal_representative"] = legalRepresentative
        payload.catalogueVersion = catalogue
        return payload
    }

    /// Every byte of the store's files (SQLite: the database and its WAL; PostgreSQL: the
    /// cluster's data folder after a checkpoint).
    static func files(of store: any CentralStorage) async throws -> [URL: Data] {
        var found: [URL: Data] = [:]
        if let sqlite = store as? SQLiteCentralStore {
            for path in [sqlite.writer.path, sqlite.writer.path + "-wal"] {
                found[URL(fileURLWithPath: path)] = FileManager.default.contents(atPath: path)
            }
        } else if let postgres = store as? PostgresCentralStore {
            try await postgres.client.query("CHECKPOINT", logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            let folder = try TestPostgres.shared.get().folder
            let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
            while let url = walker?.nextObject() as? URL {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { found[url] = FileManager.default.contents(atPath: url.path) }
            }
        }
        return found
    }

    @Test(arguments: StorageKind.allCases)
    func noPersonalDataIsReadableFromTheDatabaseFilesAndAReviewerStillSeesTheCase(_ storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let idNumber = Self.freshIDNumber(), name = "林封存\(Int.random(in: 100...999))"
        let enrolment = try await central.enrol("kiosk-seal")
        let home = Scratch.folder("kiosk-seal")
        let outbox = try Outbox(home: home, kioskID: "kiosk-seal")
        let client = PlatformClient(outbox: outbox, enrolment: enrolment, home: home, logger: DashboardTests.logger)
        let waiting = try outbox.submit(Self.payload(idNumber, name: name))
        _ = try outbox.enqueue(.rating, serviceID: "business-licence-print",
                               body: RatingPayload(acceptanceNumber: waiting.acceptanceNumber, serviceID: "business-licence-print", level: 2,
                                                   reason: "\(name)等了很久", ratedAt: UTCTime.iso(Date())))
        #expect(try await client.drain().delivered == 2)

        // What a copy of the database files shows: no ID number, no name, no kiosk secret,
        // and not the unkeyed SHA-256 index an attacker could reverse by trying every number.
        let secrets: [(String, Data)] = [("the ID number", Data(idNumber.utf8)), ("the name", Data(name.utf8)),
                                         ("the kiosk's secret", Data(enrolment.secret.utf8)),
                                         ("an unkeyed hash of the ID number", Data(Data(idNumber.utf8).sha256Hex.utf8))]
        let files = try await Self.files(of: central.store)
        #expect(files.values.reduce(0) { $0 + $1.count } > 0)
        for (url, data) in files {
            for (what, needle) in secrets { #expect(data.range(of: needle) == nil, "\(what) is readable in \(url.path)") }
        }

        // With the platform key, the platform still finds the case by card, and a reviewer reads it.
        #expect(try await central.store.progressAnswers(applicant: idNumber.lowercased(), limit: 5).map(\.acceptanceNumber) == [waiting.acceptanceNumber])
        let reviewer = try await StaffFixtures.signedIn(central, "shen.he", [.reviewer])
        let page = try await reviewer.get("/dashboard/cases/\(waiting.acceptanceNumber)")
        #expect(page.status == 200 && page.body.contains(name) && page.body.contains(IDNumber.mask(idNumber)), "\(page.body)")
        #expect(!page.body.contains(idNumber), "the ID number is masked on the reviewer's page too")
        #expect(try await central.store.auditTrail(AuditFilter(actor: "shen.he", action: "case.view")).map(\.target) == [waiting.acceptanceNumber])
        let helpdesk = try await StaffFixtures.signedIn(central, "bang.ban", [.helpdesk])
        let refused = try await helpdesk.get("/dashboard/cases/\(waiting.acceptanceNumber)")
        #expect(refused.status == 403 && !refused.body.contains(name))
        #expect(try await central.store.ratingCounts()[2] == 1)
    }

    /// The platform's verdict carries the applicant's number in memory (to index the case
    /// without decoding the payload again); printed, it is masked.
    @Test func aVerdictPrintsTheApplicantMasked() {
        let verdict = CentralRules.Verdict(progress: .approved, applicant: "440106198806150019")
        for text in ["\(verdict)", String(reflecting: verdict)] {
            #expect(!text.contains("440106198806150019") && text.contains(IDNumber.mask("440106198806150019")), "\(text)")
        }
    }

    @Test func withoutTheKeyOrWithAnotherNothingOpensAndTheErrorSaysWhy() async throws {
        let path = Scratch.folder("sealed-keys").appendingPathComponent("central.sqlite").path
        let store = try SQLiteCentralStore(path: path, keyring: testKeyring)
        let secret = try await store.enrol(token: try await store.createToken(), kioskID: "kiosk-a", site: "a")
        _ = try await store.store([StorageTests.envelope(payload: StorageTests.payload())], from: "kiosk-a")
        let keyless = try SQLiteCentralStore(path: path, keyring: nil)
        #expect(try await keyless.stats().submissions == 1, "statistics need no key")
        await #expect(throws: PlatformSeal.MissingKey.self) { _ = try await keyless.secret(kioskID: "kiosk-a") }
        let wrong = #expect(throws: PlatformKeyring.Problem.self) { _ = try SQLiteCentralStore(path: path, keyring: PlatformKeyring.generate()) }
        #expect(wrong?.description.contains("does not hold") == true, "\(String(describing: wrong))")
        let opened = try await store.secret(kioskID: "kiosk-a")
        #expect(opened.map { $0.withUnsafeBytes { Data($0).base64EncodedString() } } == secret)
        // A sealed value moved to another row does not open there.
        try await store.writer.write { db in
            try db.execute(sql: "INSERT INTO kiosk(id, secret, site, enrolled_at) SELECT 'kiosk-b', secret, site, enrolled_at FROM kiosk WHERE id = 'kiosk-a'")
        }
        let moved = await #expect(throws: PlatformKeyring.Problem.self) { _ = try await store.secret(kioskID: "kiosk-b") }
        #expect(moved?.description.contains("moved from another row") == true)
    }

    @Test(arguments: StorageKind.allCases)
    func aRotatedKeyResealsEverythingAndTheOldKeyCanThenGo(_ storage: StorageKind) async throws {
        let first = PlatformKeyring.generate()
        let url: String
        switch storage {
        case .sqlite: url = Scratch.folder("rotation").appendingPathComponent("central.sqlite").path
        case .postgres: url = try await ChildProcess.detached { try TestPostgres.shared.get().newDatabase() }
        }
        let old = try await CentralDatabase.open(url, keyring: first)
        let secret = try await old.enrol(token: try await old.createToken(), kioskID: "kiosk-a", site: "a")
        let envelope = StorageTests.envelope(payload: StorageTests.payload("manual_review"))
        _ = try await old.store([envelope], from: "kiosk-a")
        // Rotate: the new key seals from now on, the old one still opens.
        let rotated = first.rotated()
        let both = try await CentralDatabase.open(url, keyring: rotated)
        #expect(try await both.casePayload(acceptanceNumber: envelope.acceptanceNumber) == envelope.payload)
        let census = try await both.reseal()
        #expect(census.byKey[first.currentKeyID] == 2 && census.resealed == 2 && census.plain == 0, "\(census)")
        #expect(try await both.reseal().resealed == 0, "a second pass finds nothing under an old key")
        // Retired: only the new key; everything still opens, and lookups by card still work.
        let retired = try rotated.retiring(first.currentKeyID)
        #expect(throws: PlatformKeyring.Problem.self) { _ = try retired.retiring(retired.currentKeyID) }
        let after = try await CentralDatabase.open(url, keyring: retired)
        #expect(try await after.casePayload(acceptanceNumber: envelope.acceptanceNumber) == envelope.payload)
        #expect(try await after.secret(kioskID: "kiosk-a").map { $0.withUnsafeBytes { Data($0).base64EncodedString() } } == secret)
        #expect(try await after.progressAnswers(applicant: "440106198806150019", limit: 5).count == 1)
    }

    @Test func aDatabaseAnOlderVersionLeftInPlainTextIsSealedWhenOpened() async throws {
        let path = Scratch.folder("sealed-legacy").appendingPathComponent("central.sqlite").path
        let store = try SQLiteCentralStore(path: path, keyring: testKeyring)
        let payload = StorageTests.payload("manual_review", idNumber: "11010519491231002X")
        let key = UUIDv7.make()
        let number = AcceptanceNumber.from(key: key) ?? ""
        // As a version before sealing wrote them: plain payload, plain secret, unkeyed index.
        try await store.writer.write { db in
            try db.execute(sql: "INSERT INTO kiosk(id, secret, site, enrolled_at) VALUES ('kiosk-old', ?, 'old', '2026-01-01T00:00:00Z')",
                           arguments: [CentralRules.newSecret()])
            try db.execute(sql: """
                INSERT INTO submission(key, kiosk_id, sequence, acceptance_number, service_id, payload_hash, payload, created_at, received_at,
                                       progress, applicant) VALUES (?, 'kiosk-old', 1, ?, 'business-licence-print', ?, ?, '2026-01-01T00:00:00Z',
                                       '2026-01-01T00:00:00Z', 'manual_review', ?)
                """, arguments: [key, number, Data(payload.utf8).sha256Hex, payload, Data("11010519491231002X".utf8).sha256Hex])
        }
        let reopened = try SQLiteCentralStore(path: path, keyring: testKeyring)
        let raw = try await reopened.writer.read { db in try Row.fetchOne(db, sql: "SELECT payload, applicant FROM submission WHERE key = ?", arguments: [key]) }
        #expect((raw?["payload"] as String?)?.hasPrefix("zs1:") == true)
        #expect((raw?["applicant"] as String?) == testKeyring.applicantIndex(idNumber: "11010519491231002X"))
        #expect(try await reopened.casePayload(acceptanceNumber: number) == payload)
        #expect(try await reopened.progressAnswers(applicant: "11010519491231002X", limit: 5).map(\.acceptanceNumber) == [number])
        #expect(try await reopened.secret(kioskID: "kiosk-old") != nil)
        let again = try await reopened.reseal()
        #expect(again.plain == 0 && again.resealed == 0)
    }

    /// The kiosk's 秒批 is a claim. The platform decides again (same rules engine, the
    /// catalogue version the kiosk names, the platform's own records); where it cannot reach
    /// the kiosk's outcome, a person decides and sees why.
    @Test(arguments: StorageKind.allCases)
    func thePlatformDecidesEveryApplicationItself(_ storage: StorageKind) async throws {
        let central = try await RunningCentral(storage: storage)
        defer { central.stop() }
        let (client, _) = try await DashboardTests.worker(central, "kiosk-judge")
        let stranger = Self.freshIDNumber()
        let agreed = try client.outbox.submit(Sample.payload(1))
        let notTheRepresentative = try client.outbox.submit(Self.payload(Sample.applicant, name: "演示用户", outcome: "approved", legalRepresentative: "no"))
        let unknownCatalogue = try client.outbox.submit(Self.payload(Sample.applicant, name: "演示用户", outcome: "approved",
                                                                     catalogue: String(repeating: "0", count: 64)))
        let noLicenceOnRecord = try client.outbox.submit(Self.payload(stranger, name: "陌生人", outcome: "approved"))
        let honestReview = try client.outbox.submit(Self.payload(stranger, name: "陌生人", outcome: "manual_review"))
        let refusedButFine = try client.outbox.submit(Self.payload(Sample.applicant, name: "演示用户", outcome: "refused"))
        #expect(try await client.drain().delivered == 6)

        #expect(try await central.store.progress(acceptanceNumber: agreed.acceptanceNumber) == "approved")
        let queue = Dictionary(uniqueKeysWithValues: try await central.store.reviewQueue(limit: 50).map { ($0.acceptanceNumber, $0) })
        for entry in [notTheRepresentative, unknownCatalogue, noLicenceOnRecord, honestReview, refusedButFine] {
            #expect(queue[entry.acceptanceNumber] != nil, "\(entry.acceptanceNumber) waits for a person")
        }
        #expect(queue[notTheRepresentative.acceptanceNumber]?.flag?.contains("the kiosk said approved, the platform's rules say manual_review") == true,
                "\(String(describing: queue[notTheRepresentative.acceptanceNumber]?.flag))")
        #expect(queue[notTheRepresentative.acceptanceNumber]?.flag?.contains("legal-representative") == true)
        #expect(queue[unknownCatalogue.acceptanceNumber]?.flag?.contains("is not one this platform serves") == true)
        #expect(queue[noLicenceOnRecord.acceptanceNumber]?.flag?.contains("material.business-licence") == true,
                "\(String(describing: queue[noLicenceOnRecord.acceptanceNumber]?.flag))")
        #expect(queue[honestReview.acceptanceNumber]?.flag == nil, "the kiosk and the platform agree: a person decides, nothing to flag")
        #expect(queue[refusedButFine.acceptanceNumber]?.flag?.contains("the kiosk said refused, the platform's rules say approved") == true)
        // The reviewer sees the flag next to the case.
        let reviewer = try await StaffFixtures.signedIn(central, "pan.ding", [.reviewer])
        let dashboard = try await reviewer.get("/dashboard")
        #expect(dashboard.body.contains("data-flag=\"\(notTheRepresentative.acceptanceNumber)\"") && dashboard.body.contains("终端判定与平台不符"))
    }
}

/// The platform decides again on the day the kiosk decided: Beijing's, whatever zone the
/// platform's server keeps. A citizen who turns 16 today (Beijing) applies at 01:00 Beijing,
/// which is still yesterday in UTC; the kiosk approved, and the platform must agree rather
/// than send the case to a reviewer flagged as a mismatch.
@Suite("The platform's day")
struct PlatformDayTests {
    static func claim(_ idNumber: String, outcome: String, cardKind: String = "resident") throws -> ApplicationClaim {
        let json = """
            {"service":"social-insurance-certificate","applicant":{"idNumber":"\(idNumber)","name":"周十六","cardKind":"\(cardKind)"},
             "fields":{"purpose":"personal","period":"last-12"},"committed":[],"decision":{"outcome":"\(outcome)"},
             "catalogueVersion":"\(Sample.catalogueVersion)"}
            """
        return try #require(ApplicationClaim(conforming: JSONValue.parse(Data(json.utf8))))
    }

    @Test func theAdjudicatorCountsTheApplicantsAgeOnBeijingsDay() throws {
        let seventeen = "440106" + "20101205" + "001"
        let idNumber = seventeen + String(try #require(IDNumber.checkCharacter(for: Array(seventeen))))
        let judge = PlatformAdjudicator(catalogueFolder: Sample.catalogueFolder) { _ in
            ApplicantRecords(elicences: [Elicence(type: "id_card", grade: .a, attributes: [:])], credit: "good")
        }
        judge.refresh()
        let now = try #require(UTCTime.instant("2026-12-05T00:00:00Z"))
        // 2026-12-04T17:00Z is 2026-12-05 01:00 in Beijing: sixteen today.
        guard case .success(let birthday) = judge.decide(try Self.claim(idNumber, outcome: "approved"), createdAt: "2026-12-04T17:00:00Z", now: now) else {
            Issue.record("the platform could not decide")
            return
        }
        #expect(birthday.outcome == Outcome.approved, "\(birthday.decisions)")
        // An hour before Beijing's midnight the applicant is still fifteen: refused, on both sides.
        guard case .success(let eve) = judge.decide(try Self.claim(idNumber, outcome: "refused"), createdAt: "2026-12-04T15:00:00Z", now: now) else {
            Issue.record("the platform could not decide")
            return
        }
        #expect(eve.outcome == Outcome.refused)
        #expect(CalendarDate.localToday(try #require(UTCTime.instant("2026-12-04T16:20:00Z"))) == CalendarDate(year: 2026, month: 12, day: 5))
        #expect(CalendarDate.localToday(try #require(UTCTime.instant("2026-12-04T15:59:59Z"))) == CalendarDate(year: 2026, month: 12, day: 4))
    }

    /// Identified with the 社保卡: the platform decides with the card the kiosk read as the
    /// material (as the kiosk did), not with an ID card nobody read.
    @Test func theAdjudicatorKnowsAnApplicantWhoIdentifiedWithTheSocialSecurityCard() throws {
        let judge = PlatformAdjudicator(catalogueFolder: Sample.catalogueFolder) { _ in ApplicantRecords(elicences: [], credit: "good") }
        judge.refresh()
        let now = try #require(UTCTime.instant("2026-12-05T00:00:00Z"))
        guard case .success(let card) = judge.decide(try Self.claim("440106198806150019", outcome: "approved", cardKind: "socialSecurityCard"),
                                                     createdAt: "2026-12-04T17:00:00Z", now: now) else {
            Issue.record("the platform could not decide")
            return
        }
        #expect(card.outcome == Outcome.approved, "\(card.decisions)")
        let checks = card.decisions.flatMap(\.checks)
        #expect(checks.first { $0.id == "material.social-security-card" }?.status == .passed, "\(checks)")
        #expect(checks.first { $0.id == "material.id-card" }?.status == .notApplicable, "\(checks)")
        // Typed in, with no e-licence on record: neither card was read, so not 秒批.
        guard case .success(let typed) = judge.decide(try Self.claim("440106198806150019", outcome: "approved", cardKind: "manual"),
                                                      createdAt: "2026-12-04T17:00:00Z", now: now) else {
            Issue.record("the platform could not decide")
            return
        }
        #expect(typed.outcome != Outcome.approved, "\(typed.decisions)")
    }

    @Test func aClaimPrintsTheApplicantMasked() throws {
        let claim = try PlatformDayTests.claim("440106198806150019", outcome: "approved")
        for text in ["\(claim)", String(reflecting: claim)] {
            #expect(!text.contains("440106198806150019") && text.contains(IDNumber.mask("440106198806150019")) && !text.contains("周十六"), "\(text)")
        }
    }
}
