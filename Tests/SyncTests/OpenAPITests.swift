// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import Yams
import ZizhuCentral
import ZizhuWire

/// The OpenAPI document in the repository, checked against what the real server answers:
/// every response's status must be documented for its path and method, and its JSON body
/// must validate against the documented schema (types, required, enums, patterns, no
/// undocumented properties).
@Suite("OpenAPI document against real responses")
struct OpenAPITests {
    struct Document {
        let root: [String: Any]

        init(_ text: String) throws {
            root = try #require(try Yams.load(yaml: text) as? [String: Any])
        }

        func resolve(_ node: Any) -> [String: Any] {
            guard let map = node as? [String: Any] else { return [:] }
            if let ref = map["$ref"] as? String {
                var current: Any = root
                for part in ref.dropFirst(2).split(separator: "/") { current = (current as? [String: Any])?[String(part)] ?? [:] }
                return resolve(current)
            }
            return map
        }

        /// The documented response for a concrete path (templates like `/v1/help/{id}` match).
        func response(method: String, path: String, status: Int) -> [String: Any]? {
            guard let paths = root["paths"] as? [String: Any] else { return nil }
            for (template, item) in paths where Self.matches(template: template, path: path) {
                guard let operation = (item as? [String: Any])?[method.lowercased()] as? [String: Any],
                      let responses = operation["responses"] as? [String: Any], let response = responses[String(status)] else { continue }
                return resolve(response)
            }
            return nil
        }

        static func matches(template: String, path: String) -> Bool {
            let a = template.split(separator: "/"), b = path.split(separator: "/")
            return a.count == b.count && zip(a, b).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }

        /// Problems of a value against a schema ("" path = the body).
        func validate(_ value: Any, _ schemaNode: Any, at path: String = "$") -> [String] {
            let schema = resolve(schemaNode)
            var problems: [String] = []
            switch schema["type"] as? String {
            case "object":
                guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
                let properties = schema["properties"] as? [String: Any] ?? [:]
                for name in schema["required"] as? [String] ?? [] where object[name] == nil { problems.append("\(path).\(name): required") }
                for (name, child) in object {
                    if let property = properties[name] {
                        problems += validate(child, property, at: "\(path).\(name)")
                    } else if let extra = schema["additionalProperties"] {
                        if extra as? Bool == false { problems.append("\(path).\(name): not documented") }
                        else if extra is [String: Any] { problems += validate(child, extra, at: "\(path).\(name)") }
                    }
                }
            case "array":
                guard let array = value as? [Any] else { return ["\(path): not an array"] }
                for (index, item) in array.enumerated() { problems += validate(item, schema["items"] ?? [:], at: "\(path)[\(index)]") }
            case "string":
                guard let text = value as? String else { return ["\(path): not a string"] }
                if let options = schema["enum"] as? [String], !options.contains(text) { problems.append("\(path): '\(text)' not in \(options)") }
                if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                    problems.append("\(path): '\(text)' does not match \(pattern)")
                }
            case "integer":
                guard let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded() else { return ["\(path): not an integer"] }
                if let minimum = schema["minimum"] as? Int, number.intValue < minimum { problems.append("\(path): below \(minimum)") }
            case "number":
                if !(value is NSNumber) { problems.append("\(path): not a number") }
            default:
                break
            }
            return problems
        }
    }

    struct Exchange {
        var method: String
        var path: String
        var status: Int
        var contentType: String
        var body: Data
    }

    static func call(_ base: String, _ method: String, _ path: String, body: Data = Data(), headers: [(String, String)] = []) async throws -> Exchange {
        var request = URLRequest(url: try #require(URL(string: base + path)))
        request.httpMethod = method
        if !body.isEmpty { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Exchange(method: method, path: path, status: http.statusCode,
                        contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "", body: data)
    }

    @Test func everyResponseIsDocumentedAndValidatesAgainstItsSchema() async throws {
        let proofDocument = ProofDocument(id: "social_insurance", title: "社会保险个人参保证明", issuer: "演示", lines: ["参保状态：正常参保"],
                                          verificationCode: "", issuedAt: "")
        // A signed catalogue to distribute, and the operator's key handed out at enrolment.
        let catalogueFolder = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: catalogueFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: catalogueFolder) }
        try "id: demo\n".write(to: catalogueFolder.appendingPathComponent("demo.yaml"), atomically: true, encoding: .utf8)
        let catalogueKey = Curve25519.Signing.PrivateKey()
        let signature = try CatalogueSignature.sign(try CatalogueBundle.load(folder: catalogueFolder), number: 1, signer: "测试",
                                                    at: "2026-12-04T10:00:00Z", key: catalogueKey)
        try CanonicalJSON.encode(signature).write(to: catalogueFolder.appendingPathComponent(".signature.json"))
        let central = try await RunningCentral(proofs: { $0 == "440106198806150019" ? [proofDocument] : [] },
                                               appointments: { $0.code == "260315" ? [AppointmentList.Item(code: "260315", category: "social_insurance",
                                                                                                              day: "2026-11-22", time: "10:30")] : [] },
                                               catalogue: catalogueFolder, catalogueKey: catalogueKey.publicKey.rawRepresentation.base64EncodedString())
        defer { central.stop() }
        let served = try await Self.call(central.url, "GET", "/openapi.yaml")
        #expect(served.status == 200)
        let text = String(decoding: served.body, as: UTF8.self)
        #expect(text.hasPrefix("openapi: 3.1.0"))
        let document = try Document(text)

        var exchanges: [Exchange] = []
        let token = try await central.store.createToken()
        let enrolBody = try CanonicalJSON.encode(EnrolmentRequest(token: token, kioskID: "kiosk-a", siteName: "天河"))
        let enrolled = try await Self.call(central.url, "POST", "/v1/enrol", body: enrolBody)
        exchanges.append(enrolled)
        exchanges.append(try await Self.call(central.url, "POST", "/v1/enrol", body: enrolBody))            // 403 token used
        exchanges.append(try await Self.call(central.url, "POST", "/v1/enrol", body: Data("{}".utf8)))      // 400
        let secret = SymmetricKey(data: try #require(Data(base64Encoded: try JSONDecoder().decode(EnrolmentResponse.self, from: enrolled.body).secret)))
        func signed(_ method: String, _ path: String, _ body: Data = Data()) async throws -> Exchange {
            try await Self.call(central.url, method, path, body: body,
                                headers: RequestSigning.headers(kioskID: "kiosk-a", secret: secret, method: method, path: path, body: body))
        }
        let key = UUIDv7.make()
        let payload = StorageTests.payload("approved")
        let envelope = SubmissionEnvelope(key: key, acceptanceNumber: AcceptanceNumber.from(key: key) ?? "", sequence: 1, kioskID: "kiosk-a",
                                          serviceID: "business-licence-print", createdAt: "2026-11-22T10:00:00Z",
                                          payloadHash: Data(payload.utf8).sha256Hex, payload: payload)
        let batch = try CanonicalJSON.encode(SubmissionBatch(submissions: [envelope]))
        let manualKey = UUIDv7.make()
        let manualPayload = StorageTests.payload("manual_review")
        let manual = SubmissionEnvelope(key: manualKey, acceptanceNumber: AcceptanceNumber.from(key: manualKey) ?? "", sequence: 4,
                                        kioskID: "kiosk-a", serviceID: "talent-housing-subsidy", createdAt: "2026-11-22T10:00:00Z",
                                        payloadHash: Data(manualPayload.utf8).sha256Hex, payload: manualPayload)
        exchanges.append(try await signed("POST", "/v1/submissions", batch))
        exchanges.append(try await signed("POST", "/v1/submissions", batch))                                // duplicate
        exchanges.append(try await signed("POST", "/v1/submissions", Data("{\"nope\":1}".utf8)))            // 400
        exchanges.append(try await Self.call(central.url, "POST", "/v1/submissions", body: batch))           // 401
        let heartbeat = Heartbeat(status: "ok", devices: ["reader": "ok"], diskFreeBytes: 1 << 30, outboxPending: 0, outboxOldestSeconds: nil,
                                  deadLetters: 0, version: "0.1.0", deviceTime: "2026-11-22T10:00:00Z")
        exchanges.append(try await signed("POST", "/v1/heartbeat", try CanonicalJSON.encode(heartbeat)))
        let help = try await signed("POST", "/v1/help", try CanonicalJSON.encode(HelpRequest(screen: "home", at: "2026-11-22T10:00:00Z")))
        exchanges.append(help)
        let ticket = try JSONDecoder().decode(HelpTicket.self, from: help.body)
        exchanges.append(try await signed("GET", "/v1/help/\(ticket.id)"))
        exchanges.append(try await signed("GET", "/v1/help/999999"))                                        // 404
        exchanges.append(try await signed("GET", "/v1/time"))
        exchanges.append(try await signed("POST", "/v1/appointments", try CanonicalJSON.encode(AppointmentQuery(code: "260315"))))
        exchanges.append(try await signed("POST", "/v1/appointments", try CanonicalJSON.encode(AppointmentQuery(code: "2603"))))    // 400
        exchanges.append(try await Self.call(central.url, "GET", "/v1/time", body: Data()))                  // 401
        exchanges.append(try await signed("GET", "/v1/progress/\(envelope.acceptanceNumber)"))
        exchanges.append(try await signed("GET", "/v1/progress/ZZ00000000-0000-0000-0000"))                  // 404
        exchanges.append(try await signed("POST", "/v1/progress", try CanonicalJSON.encode(ProofsRequest(idNumber: "440106198806150019"))))
        exchanges.append(try await signed("POST", "/v1/progress", Data("{}".utf8)))                           // 400
        exchanges.append(try await signed("POST", "/v1/records", try CanonicalJSON.encode(RecordsRequest(idNumber: "440106198806150019"))))
        exchanges.append(try await signed("POST", "/v1/records", Data("{}".utf8)))                            // 400
        let catalogue = try await signed("GET", "/v1/catalogue")
        exchanges.append(catalogue)
        #expect(try JSONDecoder().decode(CatalogueBundle.self, from: catalogue.body).signature == signature)
        #expect(try JSONDecoder().decode(EnrolmentResponse.self, from: enrolled.body).catalogueKey
                == catalogueKey.publicKey.rawRepresentation.base64EncodedString())
        let rating = RatingPayload(acceptanceNumber: envelope.acceptanceNumber, serviceID: envelope.serviceID, level: 4, reason: nil,
                                   ratedAt: "2026-11-22T10:05:00Z")
        let ratingText = String(decoding: try CanonicalJSON.encode(rating), as: UTF8.self)
        let ratingKey = UUIDv7.make()
        let ratingEntry = SubmissionEnvelope(key: ratingKey, acceptanceNumber: AcceptanceNumber.from(key: ratingKey) ?? "", sequence: 2,
                                             kioskID: "kiosk-a", serviceID: envelope.serviceID, createdAt: "2026-11-22T10:05:00Z",
                                             payloadHash: Data(ratingText.utf8).sha256Hex, payload: ratingText, kind: "rating")
        exchanges.append(try await signed("POST", "/v1/ratings", try CanonicalJSON.encode(EntryBatch(entries: [ratingEntry]))))
        exchanges.append(try await signed("POST", "/v1/ratings", Data("{\"submissions\":[]}".utf8)))            // 400
        let queueTicket = TicketPayload(reference: "kiosk-a/2026-11-22/A001", category: "social_insurance", number: "A001",
                                   issuedAt: "2026-11-22T09:00:00Z", peopleAhead: 3)
        let ticketText = String(decoding: try CanonicalJSON.encode(queueTicket), as: UTF8.self)
        let ticketKey = UUIDv7.make()
        let ticketEntry = SubmissionEnvelope(key: ticketKey, acceptanceNumber: AcceptanceNumber.from(key: ticketKey) ?? "", sequence: 3,
                                             kioskID: "kiosk-a", serviceID: "social_insurance", createdAt: "2026-11-22T09:00:00Z",
                                             payloadHash: Data(ticketText.utf8).sha256Hex, payload: ticketText, kind: "ticket")
        exchanges.append(try await signed("POST", "/v1/tickets", try CanonicalJSON.encode(EntryBatch(entries: [ticketEntry]))))
        let person = try CanonicalJSON.encode(ProofsRequest(idNumber: "440106198806150019"))
        exchanges.append(try await signed("POST", "/v1/proofs", person))
        let proof = try await signed("POST", "/v1/proofs/social_insurance", person)
        exchanges.append(proof)
        #expect(proof.status == 200 && String(decoding: proof.body, as: UTF8.self).contains("参保"))
        exchanges.append(try await signed("POST", "/v1/proofs/no_such_proof", person))                        // 404
        let seal = try #require(try JSONDecoder().decode(ProofDocument.self, from: proof.body).seal)
        let verifyPath = "/verify?seal=" + (seal.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
        var verified = try await Self.call(central.url, "GET", verifyPath)
        verified.path = "/verify"
        #expect(verified.status == 200)
        exchanges.append(verified)
        var notGenuine = try await Self.call(central.url, "GET", "/verify?seal=ZP1.AAAA.BBBB")
        notGenuine.path = "/verify"
        exchanges.append(notGenuine)                                                                           // 404
        exchanges.append(try await signed("POST", "/v1/proofs", Data("{}".utf8)))                             // 400
        let review = try CanonicalJSON.encode(SubmissionBatch(submissions: [manual]))
        exchanges.append(try await signed("POST", "/v1/submissions", review))
        _ = try await central.store.decide(acceptanceNumber: manual.acceptanceNumber, approve: false, reason: "材料不全")
        let decided = try await signed("GET", "/v1/progress/\(manual.acceptanceNumber)")
        exchanges.append(decided)
        #expect(String(decoding: decided.body, as: UTF8.self).contains("材料不全"))
        exchanges.append(try await Self.call(central.url, "GET", "/health"))
        #expect(try await central.store.setKioskDisabled(kioskID: "kiosk-a", reason: "检修 maintenance"))
        let held = try await signed("GET", "/v1/time")                                                      // 403 disabled
        #expect(held.status == 403 && String(decoding: held.body, as: UTF8.self).contains("检修 maintenance"))
        exchanges.append(held)
        #expect(try await central.store.setKioskDisabled(kioskID: "kiosk-a", reason: nil))
        exchanges += try await Self.staffExchanges(central, waiting: manual.acceptanceNumber, decided: envelope.acceptanceNumber)

        let statuses = Set(exchanges.map(\.status))
        #expect(statuses.isSuperset(of: [200, 201, 204, 303, 400, 401, 403, 404, 409, 429]), "\(statuses.sorted())")
        for exchange in exchanges {
            let documented = document.response(method: exchange.method, path: exchange.path, status: exchange.status)
            #expect(documented != nil, "\(exchange.method) \(exchange.path) answered \(exchange.status), which is not documented")
            // The answer's media type is one the document lists for it (none when it lists none).
            let listed = Set((documented?["content"] as? [String: Any] ?? [:]).keys)
            let media = String(exchange.contentType.split(separator: ";").first ?? "")
            #expect(listed.isEmpty ? exchange.body.isEmpty : listed.contains(media),
                    "\(exchange.method) \(exchange.path) \(exchange.status) answered \(media), documented \(listed.sorted())")
            guard let documented, exchange.contentType.hasPrefix("application/json") else { continue }
            let schema = ((documented["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
            let body = try JSONSerialization.jsonObject(with: exchange.body)
            let problems = document.validate(body, schema ?? [:])
            #expect(problems.isEmpty, "\(exchange.method) \(exchange.path) \(exchange.status): \(problems)")
        }
    }

    /// The staff side's answers, from its own listener: signed out, signed in with each
    /// role's refusals, the sign-in page's refusals and its lockout.
    static func staffExchanges(_ central: RunningCentral, waiting: String, decided: String) async throws -> [Exchange] {
        var exchanges: [Exchange] = []
        func add(_ method: String, _ path: String, _ answer: StaffClient.Answer) {
            exchanges.append(Exchange(method: method, path: path.split(separator: "?").first.map(String.init) ?? path, status: answer.status,
                                      contentType: answer.header("Content-Type") ?? "", body: Data(answer.body.utf8)))
        }
        let stranger = StaffClient(central.staffURL)
        for path in ["/dashboard", "/dashboard/login", "/dashboard/staff.css", "/dashboard/audit", "/dashboard/cases/\(waiting)"] {
            add("GET", path, try await stranger.get(path))
        }
        for path in ["/dashboard/logout", "/dashboard/tokens", "/dashboard/help/1/acknowledge", "/dashboard/review/\(waiting)/approve",
                     "/dashboard/review/\(waiting)/refuse", "/dashboard/kiosks/kiosk-a/disable", "/dashboard/kiosks/kiosk-a/enable",
                     "/dashboard/kiosks/kiosk-a/rotate"] {
            add("POST", path, try await stranger.post(path))                                                   // 401
        }
        add("POST", "/dashboard/login", try await stranger.post("/dashboard/login", ["name": "x", "password": "y"]))   // 403 no form token
        for attempt in 0..<StaffRules.accountAttempts { add("POST", "/dashboard/login", try await stranger.signIn("ghost", "guess-\(attempt)")) }
        add("POST", "/dashboard/login", try await stranger.signIn("ghost", "guess-again"))                      // 429
        try await central.store.setLoginThrottle("address:127.0.0.1", nil)

        let reviewer = try await StaffFixtures.signedIn(central, "reviewer.api", [.reviewer])
        add("GET", "/dashboard", try await reviewer.get("/dashboard"))
        add("GET", "/dashboard/cases/\(waiting)", try await reviewer.get("/dashboard/cases/\(waiting)"))
        add("GET", "/dashboard/cases/ZZ20260101-0000-0000-0000", try await reviewer.get("/dashboard/cases/ZZ20260101-0000-0000-0000"))
        add("GET", "/dashboard/audit", try await reviewer.get("/dashboard/audit"))                              // 403 role
        add("POST", "/dashboard/review/\(waiting)/refuse", try await reviewer.post("/dashboard/review/\(waiting)/refuse", csrf: ""))  // 403
        add("POST", "/dashboard/review/\(waiting)/refuse", try await reviewer.post("/dashboard/review/\(waiting)/refuse", ["reason": ""]))
        add("POST", "/dashboard/review/ZZ20260101-0000-0000-0000/approve", try await reviewer.post("/dashboard/review/ZZ20260101-0000-0000-0000/approve"))
        add("POST", "/dashboard/review/\(decided)/approve", try await reviewer.post("/dashboard/review/\(decided)/approve"))     // 409
        add("POST", "/dashboard/review/\(waiting)/approve", try await reviewer.post("/dashboard/review/\(waiting)/approve"))     // 303
        add("POST", "/dashboard/help/1/acknowledge", try await reviewer.post("/dashboard/help/1/acknowledge"))                  // 403 role
        let operator_ = try await StaffFixtures.signedIn(central, "operator.api", [.operator, .helpdesk, .auditor])
        add("GET", "/dashboard/audit", try await operator_.get("/dashboard/audit?actor=reviewer.api"))
        add("POST", "/dashboard/help/999/acknowledge", try await operator_.post("/dashboard/help/999/acknowledge"))            // 404
        add("POST", "/dashboard/kiosks/kiosk-a/disable", try await operator_.post("/dashboard/kiosks/kiosk-a/disable"))              // 400
        add("POST", "/dashboard/kiosks/kiosk-a/disable", try await operator_.post("/dashboard/kiosks/kiosk-a/disable", ["reason": "检修"]))
        add("POST", "/dashboard/kiosks/kiosk-a/enable", try await operator_.post("/dashboard/kiosks/kiosk-a/enable"))
        add("POST", "/dashboard/kiosks/nobody/enable", try await operator_.post("/dashboard/kiosks/nobody/enable"))          // 404
        add("POST", "/dashboard/kiosks/nobody/rotate", try await operator_.post("/dashboard/kiosks/nobody/rotate"))            // 404
        add("POST", "/dashboard/tokens", try await operator_.post("/dashboard/tokens"))
        add("POST", "/dashboard/logout", try await operator_.post("/dashboard/logout"))
        #expect(exchanges.contains { $0.status == 429 } && exchanges.contains { $0.status == 303 })
        return exchanges
    }
}
