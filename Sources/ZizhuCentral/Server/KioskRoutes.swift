// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuCore
import ZizhuWire

/// The kiosk API under `/v1`, every route behind `KioskSignatureMiddleware`: the handlers
/// find the signing kiosk and its signed body in the context.
struct KioskRoutes {
    let store: any CentralStorage
    let maximumBody: Int
    let sources: CentralServer.Sources
    /// Decides every application again before it is stored (no 秒批 on the kiosk's word).
    let adjudicator: PlatformAdjudicator

    func add(to kiosks: RouterGroup<CentralRequestContext>) {
        addOutbox(kiosks)
        addCitizenQuestions(kiosks)
        addKioskUpkeep(kiosks)
    }

    /// What the outbox delivers: applications, 好差评 ratings and 取号 records, idempotent by key.
    private func addOutbox(_ kiosks: RouterGroup<CentralRequestContext>) {
        let (store, maximumBody, adjudicator) = (store, maximumBody, adjudicator)
        // Each entry checked on its own (schema, payload schema, then `CentralRules`): the
        // answers come back in batch order, one per entry, a bad one never costing the rest.
        kiosks.post("submissions") { _, context -> Response in
            let batch = RequestSchemas.entries(context.signedBody, parsed: context.parsedBody, field: "submissions")
            let (kioskID, verdicts) = (try context.kiosk(), adjudicator.verdicts(batch.valid, payloads: batch.payloads))
            let stored = try await context.once { nonce in
                try await store.storeEntries(batch.valid, kind: .submission, from: kioskID, verdicts: verdicts, once: nonce)
            }
            return CentralServer.json(.ok, SubmissionBatchResult(results: Self.merge(batch, stored)))
        }
        // 扫描纸质材料: a page of one of this kiosk's applications, chunk by chunk (see `PageChunk`).
        kiosks.put("pages/{acceptance}/{material}/{number}") { request, context -> Response in
            let query = request.uri.queryParameters
            guard let acceptance = context.parameters.get("acceptance"), let material = context.parameters.get("material"),
                  let number = context.parameters.get("number").flatMap({ Int($0) }), let offset = query.get("offset").flatMap({ Int($0) }),
                  let size = query.get("size").flatMap({ Int($0) }), let sha256 = query.get("sha256") else {
                throw Refusal(.badRequest, "malformed page chunk", "expected PUT /v1/pages/{acceptanceNumber}/{material}/{number}?offset=&size=&sha256=")
            }
            let chunk = PageChunk(acceptanceNumber: acceptance, material: material, number: number, offset: offset, size: size, sha256: sha256,
                                  bytes: context.signedBody)
            if let problem = chunk.problem { throw Refusal(.badRequest, "malformed page chunk", problem) }
            let kioskID = try context.kiosk()
            let outcome: PageChunkOutcome
            do {
                outcome = try await store.storePageChunk(chunk, from: kioskID)
            } catch {
                throw Refusal(.serviceUnavailable, "storage unavailable", "the platform cannot store this now; try again later")
            }
            switch outcome {
            case .answer(let answer): return CentralServer.json(.ok, answer)
            case .unknownCase: throw Refusal(.notFound, "unknown case", "no application has this 受理编号 yet: pages follow their application")
            case .otherKiosk: throw Refusal(.forbidden, "not this kiosk's case", "a kiosk sends pages only for its own applications")
            case .conflict: throw Refusal(.conflict, "page conflict", "this page was announced before with another size or SHA-256")
            case .corrupt: throw Refusal(.unprocessableContent, "page corrupt", "the page's bytes do not match its SHA-256; it starts again from 0")
            case .tooMany: throw Refusal(.contentTooLarge, "too many pages", "at most \(PageRules.mostPages) pages for one application")
            }
        }
        for kind in [OutboxKind.rating, .ticket] {
            kiosks.post(RouterPath(String(kind.path.dropFirst("/v1/".count)))) { _, context -> Response in
                let batch = RequestSchemas.entries(context.signedBody, parsed: context.parsedBody, field: "entries")
                let stored = try await store.storeEntries(batch.valid, kind: kind, from: try context.kiosk(), verdicts: [:])
                return CentralServer.json(.ok, SubmissionBatchResult(results: Self.merge(batch, stored)))
            }
        }
    }

    /// The store's answers for the conforming entries and the refusals for the others, in batch order.
    static func merge(_ batch: RequestSchemas.Entries, _ stored: [SubmissionResult]) -> [SubmissionResult] {
        var answers = batch.refused
        for (place, result) in zip(batch.places, stored) { answers[place] = result }
        return answers.keys.sorted().compactMap { answers[$0] }
    }

    /// What a citizen at the kiosk asks about themselves: proofs, appointments, records, progress.
    private func addCitizenQuestions(_ kiosks: RouterGroup<CentralRequestContext>) {
        let (store, sources) = (store, sources)
        let lookups = LookupGuard(store: store)
        // 打印证明: the proofs the platform can issue for an applicant, then one of them.
        kiosks.post("proofs") { _, context -> Response in
            let query = try context.applicant(ProofsRequest.self, what: "a proofs request", number: \.idNumber)
            try await lookups.admit(kioskID: try context.kiosk(), action: "lookup.proofs", idNumber: query.idNumber, address: context.address)
            return CentralServer.json(.ok, ProofList(proofs: sources.proofs(query.idNumber).map { ProofList.Item(id: $0.id, title: $0.title) }))
        }
        kiosks.post("proofs/{id}") { _, context -> Response in
            let query = try context.applicant(ProofsRequest.self, what: "a proofs request", number: \.idNumber)
            try await lookups.admit(kioskID: try context.kiosk(), action: "lookup.proof", idNumber: query.idNumber, address: context.address)
            guard let id = context.parameters.get("id"), var document = sources.proofs(query.idNumber).first(where: { $0.id == id }) else {
                throw Refusal(.notFound, "no such proof", "the platform holds no such proof for this applicant")
            }
            guard let key = sources.proofKey else {
                throw Refusal(.serviceUnavailable, "no proof key", "this platform has no proof-signing key (serve --proof-key)")
            }
            document.issuedAt = UTCTime.iso(Date())
            let certified = CertifiedProof(proof: document.id, title: document.title, issuer: document.issuer, lines: document.lines,
                                           holder: IDNumber.mask(query.idNumber), issuedAt: document.issuedAt)
            let seal = try ProofSeal.seal(certified, with: key)
            document.seal = seal
            document.verificationCode = ProofSeal.shortCode(seal)
            return CentralServer.json(.ok, document)
        }
        // 预约: today's appointments by code or by ID number (one of the two).
        kiosks.post("appointments") { _, context -> Response in
            let query = try context.decode(AppointmentQuery.self, limit: 4 << 10, tooLarge: "an appointment query is small",
                                           malformed: ("malformed request", "expected {code} (6 digits) or {idNumber} (18 characters)"),
                                           valid: { query in
                                               (query.code == nil) != (query.idNumber == nil)
                                                   && (query.code.map { $0.count == 6 && $0.allSatisfy(\.isNumber) } ?? true)
                                                   && (query.idNumber.map { $0.count == 18 } ?? true)
                                           })
            return CentralServer.json(.ok, AppointmentList(appointments: sources.appointments(query)))
        }
        // 电子证照 and credit for an applicant (demo data on this platform).
        kiosks.post("records") { _, context -> Response in
            let query = try context.applicant(RecordsRequest.self, what: "a records request", number: \.idNumber)
            try await lookups.admit(kioskID: try context.kiosk(), action: "lookup.records", idNumber: query.idNumber, address: context.address)
            return CentralServer.json(.ok, sources.records(query.idNumber) ?? RecordsResponse(elicences: [], credit: "good"))
        }
        // 身份核验 by e-ID code: whose a scanned code is. Limited and audited as a lookup of
        // personal records (a kiosk guessing codes meets the same per-minute wall); the
        // audit row names the code's holder masked, never the code.
        kiosks.post("identity/code") { _, context -> Response in
            let query = try context.decode(IdentityCodeRequest.self, limit: 4 << 10, tooLarge: "an e-ID code is small",
                                           malformed: ("malformed request", "expected {code}: 1 to \(IdentityCodeRequest.maximumLength) printable ASCII characters"),
                                           valid: { query in
                                               (1...IdentityCodeRequest.maximumLength).contains(query.code.utf8.count)
                                                   && query.code.utf8.allSatisfy { (0x20...0x7E).contains($0) }
                                           })
            let check = sources.identityCodes(query.code, CalendarDate.localToday())
            let holder: String
            if case .verified(let person) = check { holder = person.idNumber.unmasked } else { holder = "" }
            try await lookups.admit(kioskID: try context.kiosk(), action: "lookup.identity_code", idNumber: holder, address: context.address)
            switch check {
            case .verified(let person):
                let gender = person.gender == .female ? "female" : person.gender == .male ? "male" : nil
                return CentralServer.json(.ok, IdentityCodeAnswer(status: "verified", idNumber: person.idNumber.unmasked, name: person.name,
                                                                  gender: gender, birthDate: person.birthDate?.description))
            case .expired: return CentralServer.json(.ok, IdentityCodeAnswer(status: "expired"))
            case .unknown, .unavailable: return CentralServer.json(.ok, IdentityCodeAnswer(status: "unknown"))
            }
        }
        // 查询进度 by ID card: the applicant's cases, newest first; or one case by its number.
        kiosks.post("progress") { _, context -> Response in
            let query = try context.applicant(ProofsRequest.self, what: "a progress request", number: \.idNumber)
            try await lookups.admit(kioskID: try context.kiosk(), action: "lookup.progress", idNumber: query.idNumber, address: context.address)
            return CentralServer.json(.ok, ProgressList(cases: try await store.progressAnswers(applicant: query.idNumber, limit: 20)))
        }
        kiosks.get("progress/{number}") { _, context -> Response in
            guard let number = context.parameters.get("number"), let answer = try await store.progressAnswer(acceptanceNumber: number) else {
                throw Refusal(.notFound, "unknown acceptance number", "no submission has this 受理编号")
            }
            return CentralServer.json(.ok, answer)
        }
    }

    /// The kiosk's own upkeep: heartbeat, 呼叫帮办, the clock, the catalogue.
    private func addKioskUpkeep(_ kiosks: RouterGroup<CentralRequestContext>) {
        let (store, sources, adjudicator) = (store, sources, adjudicator)
        kiosks.post("heartbeat") { _, context -> Response in
            let heartbeat = try context.decode(Heartbeat.self, limit: 64 << 10, tooLarge: "a heartbeat is small",
                                               malformed: ("malformed heartbeat", "expected the Heartbeat fields"))
            let kioskID = try context.kiosk()
            try await context.once { nonce in
                try await store.recordHeartbeat(kioskID: kioskID, CentralRules.clamped(heartbeat), at: Date(), once: nonce) ? true : nil
            }
            return Response(status: .noContent)
        }
        kiosks.post("help") { _, context -> Response in
            let help = try context.decode(HelpRequest.self, limit: 16 << 10, tooLarge: "a help request is small",
                                          malformed: ("malformed help request", "expected {screen, at}"), valid: { !$0.screen.isEmpty })
            return CentralServer.json(.created, HelpTicket(id: try await store.createHelp(kioskID: try context.kiosk(), help), status: "open"))
        }
        kiosks.get("help/{id}") { _, context -> Response in
            guard let id = context.parameters.get("id").flatMap(Int64.init),
                  let ticket = try await store.help(id: id, kioskID: try context.kiosk()) else {
                throw Refusal(.notFound, "unknown help request", "this kiosk has no such help request")
            }
            return CentralServer.json(.ok, ticket)
        }
        // The platform's clock: the technician's network check measures latency and offset.
        kiosks.get("time") { _, context -> Response in
            let now = Date()
            return CentralServer.json(.ok, PlatformTime(kioskID: try context.kiosk(), epochMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()),
                                                        now: UTCTime.iso(now)))
        }
        // The catalogue kiosks should run, versioned by ETag (304 when the kiosk has it).
        let shelf = sources.catalogue.map { CatalogueShelf(folder: $0) }
        kiosks.get("catalogue") { request, _ -> Response in
            guard let shelf else {
                throw Refusal(.notFound, "no catalogue", "this platform distributes no catalogue (serve --catalogue DIR)")
            }
            let catalogue: CatalogueShelf.Entry
            do {
                catalogue = try shelf.current()
            } catch {
                throw Refusal(.serviceUnavailable, "catalogue unreadable", "\(error)")
            }
            adjudicator.learn(catalogue.bundle)
            if CentralServer.header(request, "If-None-Match") == catalogue.etag {
                return Response(status: .notModified, headers: [.eTag: catalogue.etag])
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .eTag: catalogue.etag],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: catalogue.body)))
        }
    }
}
