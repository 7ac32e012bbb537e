// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Hummingbird
import Logging
import ZizhuCore
import ZizhuWire

/// The platform's HTTP API (Hummingbird), on two listeners. The kiosk API (`router`):
/// public routes (health, readiness, the OpenAPI document, enrolment with a one-time token) and the
/// kiosk routes under `/v1` behind `KioskSignatureMiddleware`; it has no staff path at all.
/// The staff side (`staffRouter`): `/dashboard` behind a login, on an address of its own
/// (by default loopback only), so the office network can reach it and the halls cannot.
///
/// ```swift
/// let store = try await CentralDatabase.open("sqlite:///var/lib/zizhu-central/central.sqlite")
/// let kiosks = Application(router: CentralServer.router(store: store), configuration: .init(address: .hostname("0.0.0.0", port: 8443)))
/// let staff = Application(router: CentralServer.staffRouter(store: store), configuration: .init(address: .hostname("127.0.0.1", port: 8444)))
/// ```
public enum CentralServer {
    /// Larger request bodies are refused with 413 (the kiosk halves its batch).
    public static let maximumBody = 1 << 20

    /// Where the answers about applicants come from (demo records on this platform).
    struct Sources: Sendable {
        var records: @Sendable (String) -> RecordsResponse?
        var proofs: @Sendable (String) -> [ProofDocument]
        /// Signs every proof issued (Ed25519); without it no proof is issued.
        var proofKey: Curve25519.Signing.PrivateKey?
        var appointments: @Sendable (AppointmentQuery) -> [AppointmentList.Item]
        /// e-ID codes (电子身份证 / 粤省事码): whose a code is, on a day (demo data on this platform).
        var identityCodes: @Sendable (String, CalendarDate) -> IdentityCodeCheck
        var catalogue: URL?
        /// The operator's catalogue-signing public key, handed to kiosks at enrolment.
        var catalogueKey: String?
    }

    /// `adjudicator` decides every application again; by default with the catalogue folder
    /// the platform distributes and the records it answers lookups from.
    public static func router(store: any CentralStorage, maximumBody: Int = CentralServer.maximumBody,
                              records: @escaping @Sendable (String) -> RecordsResponse? = { _ in nil },
                              proofs: @escaping @Sendable (String) -> [ProofDocument] = { _ in [] },
                              appointments: @escaping @Sendable (AppointmentQuery) -> [AppointmentList.Item] = { _ in [] },
                              identityCodes: @escaping @Sendable (String, CalendarDate) -> IdentityCodeCheck = { _, _ in .unknown },
                              catalogue: URL? = nil, catalogueKey: String? = nil,
                              proofKey: Curve25519.Signing.PrivateKey? = nil,
                              adjudicator: PlatformAdjudicator? = nil,
                              readiness: Readiness = Readiness(), trustedProxies: Set<String> = []) -> Router<CentralRequestContext> {
        let router = Router(context: CentralRequestContext.self)
        router.add(middleware: ForwardedForMiddleware(trusted: trustedProxies))
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ in await readiness.answer(store: store) }
        router.get("/openapi.yaml") { _, _ -> Response in
            guard let text = openAPIDocument else { throw Refusal(.notFound, "missing", "the OpenAPI document is not installed") }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/v1/enrol") { request, _ -> Response in try await enrol(request, store: store, catalogueKey: catalogueKey) }
        let sources = Sources(records: records, proofs: proofs, proofKey: proofKey, appointments: appointments, identityCodes: identityCodes,
                              catalogue: catalogue, catalogueKey: catalogueKey)
        // 证明核验: anyone holding a printed proof checks its QR here; the page shows what the
        // platform certified (what the paper shows), or that it is not genuine.
        router.get("/verify") { request, _ -> Response in
            let seal = String((request.uri.queryParameters.get("seal") ?? "").prefix(8192))
            let certified = proofKey.flatMap { ProofSeal.open(seal, publicKey: $0.publicKey) }
            return ProofVerifyPage.response(seal: seal, certified: certified)
        }
        KioskRoutes(store: store, maximumBody: maximumBody, sources: sources,
                    adjudicator: adjudicator ?? PlatformAdjudicator(catalogueFolder: catalogue, answers: records))
            .add(to: router.group("v1").add(middleware: KioskSignatureMiddleware(store: store, maximumBody: maximumBody)))
        return router
    }

    /// The staff side: sign-in, the overview, the audit trail, case histories, and every
    /// staff action, each behind its role; security headers and a same-origin check on all.
    public static func staffRouter(store: any CentralStorage, settings: StaffSettings = StaffSettings(),
                                   readiness: Readiness = Readiness()) -> Router<CentralRequestContext> {
        let router = Router(context: CentralRequestContext.self)
        router.add(middleware: ForwardedForMiddleware(trusted: settings.trustedProxies))
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { _, _ in await readiness.answer(store: store) }
        let staff = router.group("dashboard").add(middleware: StaffHeadersMiddleware()).add(middleware: SameOriginMiddleware())
        StaffRoutes(store: store, settings: settings).add(to: staff)
        return router
    }

    /// A kiosk spends a one-time token for its signing secret.
    static func enrol(_ request: Request, store: any CentralStorage, catalogueKey: String?) async throws -> Response {
        var request = request
        guard let body = try? await request.collectBody(upTo: 64 << 10) else {
            throw Refusal(.contentTooLarge, "too large", "an enrolment request is small")
        }
        try RequestSchemas.conform(Data(buffer: body), method: "POST", path: "/v1/enrol")
        guard let enrolment = try? JSONDecoder().decode(EnrolmentRequest.self, from: Data(buffer: body)),
              !enrolment.kioskID.isEmpty, enrolment.kioskID.count <= 64 else {
            throw Refusal(.badRequest, "malformed request", "expected {token, kioskID, siteName}")
        }
        do {
            let secret = try await store.enrol(token: enrolment.token, kioskID: enrolment.kioskID, site: enrolment.siteName)
            return json(.created, EnrolmentResponse(kioskID: enrolment.kioskID, secret: secret, catalogueKey: catalogueKey))
        } catch EnrolmentProblem.unknownToken {
            throw Refusal(.forbidden, "unknown token", "this enrolment token was never issued")
        } catch EnrolmentProblem.tokenUsed {
            throw Refusal(.forbidden, "token used", "this enrolment token has already enrolled a kiosk")
        } catch EnrolmentProblem.kioskExists {
            throw Refusal(.conflict, "kiosk exists", "a kiosk with this id is already enrolled")
        } catch EnrolmentProblem.otherKiosk {
            throw Refusal(.forbidden, "token for another kiosk", "this token re-enrols one kiosk only, and not this id")
        }
    }

    /// The OpenAPI 3.1 document that describes this API (`Sources/ZizhuCentral/openapi.yaml`).
    public static let openAPIDocument: String? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? String(contentsOf: $0, encoding: .utf8) }
}
