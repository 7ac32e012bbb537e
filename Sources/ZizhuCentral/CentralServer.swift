import Crypto
import Foundation
import Hummingbird
import Logging
import ZizhuWire

/// The platform's HTTP API (Hummingbird). Kiosk requests are signed (`RequestSigning`);
/// enrolment spends a one-time token.
public enum CentralServer {
    /// Larger request bodies are refused with 413 (the kiosk halves its batch).
    public static let maximumBody = 1 << 20

    public static func router(store: any CentralStorage, maximumBody: Int = CentralServer.maximumBody,
                              records: @escaping @Sendable (String) -> RecordsResponse? = { _ in nil },
                              proofs: @escaping @Sendable (String) -> [ProofDocument] = { _ in [] },
                              appointments: @escaping @Sendable (AppointmentQuery) -> [AppointmentList.Item] = { _ in [] },
                              catalogue: URL? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in "ok\n" }
        router.get("/openapi.yaml") { _, _ -> Response in
            guard let text = openAPIDocument else { return problem(.notFound, "missing", "the OpenAPI document is not installed") }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }

        router.post("/v1/enrol") { request, _ -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: 64 << 10) else {
                return problem(.contentTooLarge, "too large", "an enrolment request is small")
            }
            guard let enrolment = try? JSONDecoder().decode(EnrolmentRequest.self, from: Data(buffer: body)),
                  !enrolment.kioskID.isEmpty, enrolment.kioskID.count <= 64 else {
                return problem(.badRequest, "malformed request", "expected {token, kioskID, siteName}")
            }
            do {
                let secret = try await store.enrol(token: enrolment.token, kioskID: enrolment.kioskID, site: enrolment.siteName)
                return json(.created, EnrolmentResponse(kioskID: enrolment.kioskID, secret: secret))
            } catch EnrolmentProblem.unknownToken {
                return problem(.forbidden, "unknown token", "this enrolment token was never issued")
            } catch EnrolmentProblem.tokenUsed {
                return problem(.forbidden, "token used", "this enrolment token has already enrolled a kiosk")
            } catch EnrolmentProblem.kioskExists {
                return problem(.conflict, "kiosk exists", "a kiosk with this id is already enrolled")
            }
        }

        router.post("/v1/submissions") { request, _ -> Response in
            switch await signed(request, SubmissionBatch.self, upTo: maximumBody, store: store,
                                tooLarge: "at most \(maximumBody) bytes per batch; send fewer submissions",
                                malformed: ("malformed batch", "expected {submissions: [...]}")) {
            case .refused(let response): return response
            case .accepted(let kioskID, let batch):
                return json(.ok, SubmissionBatchResult(results: try await store.store(batch.submissions, from: kioskID)))
            }
        }

        // 好差评 and 取号 records: the outbox's other kinds, idempotent by key, one per reference.
        for kind in [OutboxKind.rating, .ticket] {
            router.post(RouterPath(kind.path)) { request, _ -> Response in
                switch await signed(request, EntryBatch.self, upTo: maximumBody, store: store,
                                    tooLarge: "at most \(maximumBody) bytes per batch; send fewer entries",
                                    malformed: ("malformed batch", "expected {entries: [...]}")) {
                case .refused(let response): return response
                case .accepted(let kioskID, let batch):
                    return json(.ok, SubmissionBatchResult(results: try await store.storeEntries(batch.entries, kind: kind, from: kioskID)))
                }
            }
        }

        // 打印证明: the proofs the platform can issue for an applicant, then one of them.
        router.post("/v1/proofs") { request, _ -> Response in
            switch await applicant(request, ProofsRequest.self, store: store, what: "a proofs request", number: \.idNumber) {
            case .refused(let response): return response
            case .accepted(_, let query):
                return json(.ok, ProofList(proofs: proofs(query.idNumber).map { ProofList.Item(id: $0.id, title: $0.title) }))
            }
        }

        router.post("/v1/proofs/{id}") { request, context -> Response in
            switch await applicant(request, ProofsRequest.self, store: store, what: "a proofs request", number: \.idNumber) {
            case .refused(let response): return response
            case .accepted(_, let query):
                guard let id = context.parameters.get("id"), var document = proofs(query.idNumber).first(where: { $0.id == id }) else {
                    return problem(.notFound, "no such proof", "the platform holds no such proof for this applicant")
                }
                document.issuedAt = UTCTime.iso(Date())
                document.verificationCode = verificationCode(proof: document.id, idNumber: query.idNumber, issuedAt: document.issuedAt)
                return json(.ok, document)
            }
        }

        router.post("/v1/heartbeat") { request, _ -> Response in
            switch await signed(request, Heartbeat.self, upTo: 64 << 10, store: store, tooLarge: "a heartbeat is small",
                                malformed: ("malformed heartbeat", "expected the Heartbeat fields")) {
            case .refused(let response): return response
            case .accepted(let kioskID, let heartbeat):
                try await store.recordHeartbeat(kioskID: kioskID, heartbeat)
                return Response(status: .noContent)
            }
        }

        router.post("/v1/help") { request, _ -> Response in
            switch await signed(request, HelpRequest.self, upTo: 16 << 10, store: store, tooLarge: "a help request is small",
                                malformed: ("malformed help request", "expected {screen, at}"), valid: { !$0.screen.isEmpty }) {
            case .refused(let response): return response
            case .accepted(let kioskID, let help):
                return json(.created, HelpTicket(id: try await store.createHelp(kioskID: kioskID, help), status: "open"))
            }
        }

        router.get("/v1/help/{id}") { request, context -> Response in
            let kioskID: String
            switch await authenticate(request, body: Data(), store: store) {
            case .success(let id): kioskID = id
            case .failure(let failure): return failure.response
            }
            guard let id = context.parameters.get("id").flatMap(Int64.init),
                  let ticket = try await store.help(id: id, kioskID: kioskID) else {
                return problem(.notFound, "unknown help request", "this kiosk has no such help request")
            }
            return json(.ok, ticket)
        }

        // 预约: today's appointments by code or by ID number (one of the two).
        router.post("/v1/appointments") { request, _ -> Response in
            switch await signed(request, AppointmentQuery.self, upTo: 4 << 10, store: store, tooLarge: "an appointment query is small",
                                malformed: ("malformed request", "expected {code} (6 digits) or {idNumber} (18 characters)"),
                                valid: { query in
                                    (query.code == nil) != (query.idNumber == nil)
                                        && (query.code.map { $0.count == 6 && $0.allSatisfy(\.isNumber) } ?? true)
                                        && (query.idNumber.map { $0.count == 18 } ?? true)
                                }) {
            case .refused(let response): return response
            case .accepted(_, let query): return json(.ok, AppointmentList(appointments: appointments(query)))
            }
        }

        // The platform's clock: the technician's network check measures latency and offset.
        router.get("/v1/time") { request, _ -> Response in
            switch await authenticate(request, body: Data(), store: store) {
            case .failure(let failure): return failure.response
            case .success(let kioskID):
                let now = Date()
                return json(.ok, PlatformTime(kioskID: kioskID, epochMilliseconds: Int64((now.timeIntervalSince1970 * 1000).rounded()),
                                              now: UTCTime.iso(now)))
            }
        }

        // 电子证照 and credit for an applicant (demo data on this platform).
        router.post("/v1/records") { request, _ -> Response in
            switch await applicant(request, RecordsRequest.self, store: store, what: "a records request", number: \.idNumber) {
            case .refused(let response): return response
            case .accepted(_, let query):
                return json(.ok, records(query.idNumber) ?? RecordsResponse(elicences: [], credit: "good"))
            }
        }

        // The catalogue kiosks should run, versioned by ETag (304 when the kiosk has it).
        router.get("/v1/catalogue") { request, _ -> Response in
            if case .failure(let failure) = await authenticate(request, body: Data(), store: store) { return failure.response }
            guard let catalogue, let names = try? FileManager.default.contentsOfDirectory(atPath: catalogue.path) else {
                return problem(.notFound, "no catalogue", "this platform distributes no catalogue (serve --catalogue DIR)")
            }
            let files = names.filter { $0.hasSuffix(".yaml") }.compactMap { name in
                (try? String(contentsOf: catalogue.appendingPathComponent(name), encoding: .utf8)).map { CatalogueBundle.File(name: name, text: $0) }
            }
            let bundle = CatalogueBundle(files: files)
            let etag = "\"\(bundle.version)\""
            if header(request, "If-None-Match") == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
            var response = json(.ok, bundle)
            response.headers[.eTag] = etag
            return response
        }

        router.get("/dashboard") { _, _ -> Response in
            let page = Dashboard.page(fleet: try await store.fleet(),
                                      perHour: try await store.submissionsPerHour(since: Date().addingTimeInterval(-24 * 3600)),
                                      help: try await store.openHelp(), stats: try await store.stats(), now: Date(),
                                      review: try await store.reviewQueue(limit: 50), ratings: try await store.ratingCounts())
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }

        router.post("/dashboard/help/{id}/acknowledge") { _, context -> Response in
            guard let id = context.parameters.get("id").flatMap(Int64.init), try await store.acknowledgeHelp(id: id) else {
                return problem(.notFound, "unknown help request", "no open help request with this id")
            }
            return Response(status: .seeOther, headers: [.location: "/dashboard"])
        }

        // 人工审核: a reviewer approves or refuses a case; its progress changes accordingly.
        for (action, approve) in [("approve", true), ("refuse", false)] {
            router.post(RouterPath("/dashboard/review/{number}/\(action)")) { request, context -> Response in
                var request = request
                let form = (try? await request.collectBody(upTo: 8 << 10)).map { String(buffer: $0) } ?? ""
                let reason = formValue(form, "reason") ?? ""
                if !approve && reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    return problem(.badRequest, "reason required", "a refusal must say why (the citizen sees it)")
                }
                guard let number = context.parameters.get("number") else { return problem(.notFound, "unknown", "no number") }
                switch try await store.decide(acceptanceNumber: number, approve: approve, reason: reason) {
                case .decided: return Response(status: .seeOther, headers: [.location: "/dashboard#review"])
                case .unknown: return problem(.notFound, "unknown acceptance number", "no submission has this 受理编号")
                case .notInReview(let progress): return problem(.conflict, "not in review", "this case is already \(progress)")
                }
            }
        }

        // 查询进度 by ID card: the applicant's cases, newest first.
        router.post("/v1/progress") { request, _ -> Response in
            switch await applicant(request, ProofsRequest.self, store: store, what: "a progress request", number: \.idNumber) {
            case .refused(let response): return response
            case .accepted(_, let query):
                return json(.ok, ProgressList(cases: try await store.progressAnswers(applicant: query.idNumber, limit: 20)))
            }
        }

        router.get("/v1/progress/{number}") { request, context -> Response in
            let body = Data()
            if case .failure(let failure) = await authenticate(request, body: body, store: store) { return failure.response }
            guard let number = context.parameters.get("number"), let answer = try await store.progressAnswer(acceptanceNumber: number) else {
                return problem(.notFound, "unknown acceptance number", "no submission has this 受理编号")
            }
            return json(.ok, answer)
        }
        return router
    }

    /// A code printed on a proof that the issuer can check: derived from the proof, the
    /// holder and the issue time (demo: no issuer key; a real platform signs it).
    static func verificationCode(proof: String, idNumber: String, issuedAt: String) -> String {
        let hex = Data("\(proof)|\(idNumber)|\(issuedAt)".utf8).sha256Hex.uppercased()
        return stride(from: 0, to: 16, by: 4).map { offset in
            String(hex.dropFirst(offset).prefix(4))
        }.joined(separator: "-")
    }

    /// One field of an `application/x-www-form-urlencoded` body.
    static func formValue(_ form: String, _ name: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            return raw.removingPercentEncoding ?? raw
        }
        return nil
    }

    /// The OpenAPI 3.1 document that describes this API (`Sources/ZizhuCentral/openapi.yaml`).
    public static let openAPIDocument: String? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? String(contentsOf: $0, encoding: .utf8) }

    /// Why a request was not accepted as coming from an enrolled kiosk.
    struct AuthFailure: Error {
        var status: HTTPResponse.Status
        var error: String
        var detail: String
        var response: Response { problem(status, error, detail) }
    }

    static func header(_ request: Request, _ name: String) -> String? {
        let wanted = name.lowercased()
        return request.headers.first { $0.name.canonicalName == wanted }?.value
    }

    /// A signed kiosk request with a JSON body, or the response that refuses it: too large
    /// (413), not from an enrolled kiosk (401), or not the expected shape (400) — in that order.
    enum Signed<Value> {
        case accepted(kioskID: String, Value)
        case refused(Response)
    }

    static func signed<Value: Decodable>(_ request: Request, _ type: Value.Type, upTo limit: Int, store: any CentralStorage,
                                         tooLarge: String, malformed: (error: String, detail: String),
                                         valid: (Value) -> Bool = { _ in true }) async -> Signed<Value> {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: limit) else {
            return .refused(problem(.contentTooLarge, "too large", tooLarge))
        }
        let body = Data(buffer: buffer)
        let kioskID: String
        switch await authenticate(request, body: body, store: store) {
        case .success(let id): kioskID = id
        case .failure(let failure): return .refused(failure.response)
        }
        guard let value = try? JSONDecoder().decode(Value.self, from: body), valid(value) else {
            return .refused(problem(.badRequest, malformed.error, malformed.detail))
        }
        return .accepted(kioskID: kioskID, value)
    }

    /// A signed question about one applicant (`{idNumber}`, 18 characters).
    static func applicant<Value: Decodable>(_ request: Request, _ type: Value.Type, store: any CentralStorage, what: String,
                                            number: KeyPath<Value, String>) async -> Signed<Value> {
        await signed(request, type, upTo: 4 << 10, store: store, tooLarge: "\(what) is small",
                     malformed: ("malformed request", "expected {idNumber} with 18 characters"), valid: { $0[keyPath: number].count == 18 })
    }

    static func authenticate(_ request: Request, body: Data, store: any CentralStorage) async -> Result<String, AuthFailure> {
        guard let kioskID = header(request, RequestSigning.kioskHeader),
              let timestampText = header(request, RequestSigning.timestampHeader),
              let nonce = header(request, RequestSigning.nonceHeader),
              let signature = header(request, RequestSigning.signatureHeader) else {
            return .failure(AuthFailure(status: .unauthorized, error: "unsigned",
                                        detail: "kiosk requests must carry X-Zizhu-Kiosk, -Timestamp, -Nonce and -Signature"))
        }
        guard let timestamp = Int64(timestampText) else {
            return .failure(AuthFailure(status: .unauthorized, error: "bad timestamp", detail: "X-Zizhu-Timestamp is Unix seconds"))
        }
        guard let secret = try? await store.secret(kioskID: kioskID) else {
            return .failure(AuthFailure(status: .unauthorized, error: "unknown kiosk", detail: "kiosk '\(kioskID)' is not enrolled"))
        }
        guard RequestSigning.isValid(signature: signature, secret: secret, method: request.method.rawValue,
                                     path: request.uri.path, timestamp: timestamp, nonce: nonce, body: body) else {
            return .failure(AuthFailure(status: .unauthorized, error: "bad signature",
                                        detail: "the signature does not match this kiosk's secret and this request"))
        }
        let skew = timestamp - Int64(Date().timeIntervalSince1970)
        guard abs(skew) <= RequestSigning.maximumSkew else {
            return .failure(AuthFailure(status: .unauthorized, error: "stale request",
                                        detail: "the kiosk's clock is \(skew) s off; at most \(RequestSigning.maximumSkew) s is accepted"))
        }
        guard (try? await store.remember(nonce: nonce, kioskID: kioskID, timestamp: timestamp, skew: skew)) == true else {
            return .failure(AuthFailure(status: .unauthorized, error: "replayed request", detail: "this nonce was used before"))
        }
        return .success(kioskID)
    }

    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let data = (try? CanonicalJSON.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ error: String, _ detail: String) -> Response {
        json(status, ProblemResponse(error: error, detail: detail))
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}
