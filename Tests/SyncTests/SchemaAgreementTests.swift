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

/// Issue 17, item 4: the server enforces exactly what `openapi.yaml` says, the document says
/// enough for a client that knows nothing else, and requests generated from the document's
/// schemas — boundary values, wrong types, nulls, unknown properties — get a 4xx, never a
/// 5xx, a trap or a lost batch. Through the real server on SQLite and PostgreSQL.
@Suite("The server and its OpenAPI document agree; fuzzed from the document")
struct SchemaAgreementTests {
    static func document() throws -> [String: Any] {
        let text = try #require(CentralServer.openAPIDocument)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// A client that signs from the document alone: the template, field meanings and header
    /// names in `securitySchemes.kioskSignature.x-zizhu-signing`.
    struct DocumentClient {
        let base: String
        let kioskID: String
        let secret: SymmetricKey
        let signing: [String: Any]

        init(base: String, kioskID: String, secret: String) throws {
            let root = try SchemaAgreementTests.document()
            let schemes = (root["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            signing = try #require((schemes?["kioskSignature"] as? [String: Any])?["x-zizhu-signing"] as? [String: Any])
            self.base = base
            self.kioskID = kioskID
            self.secret = SymmetricKey(data: try #require(Data(base64Encoded: secret)))
        }

        func headers(method: String, target: String, body: Data) throws -> [(String, String)] {
            #expect(signing["algorithm"] as? String == "HMAC-SHA256")
            let timestamp = String(Int64(Date().timeIntervalSince1970)), nonce = UUID().uuidString.lowercased()
            var canonical = try #require(signing["canonical"] as? String)
            for (field, value) in [("method", method.uppercased()), ("target", target), ("timestamp", timestamp), ("nonce", nonce),
                                   ("bodySHA256", Hex.string(Array(SHA256.hash(data: body))))] {
                canonical = canonical.replacingOccurrences(of: "{\(field)}", with: value)
            }
            let mac = HMAC<SHA256>.authenticationCode(for: Data(canonical.utf8), using: secret)
            let names = try #require(signing["headers"] as? [String: String])
            let kiosk = try #require(names["kiosk"]), time = try #require(names["timestamp"])
            let once = try #require(names["nonce"]), signature = try #require(names["signature"])
            return [(kiosk, kioskID), (time, timestamp), (once, nonce), (signature, Hex.string(Array(mac)))]
        }

        func send(_ method: String, _ target: String, _ body: Data = Data()) async throws -> OpenAPITests.Exchange {
            try await OpenAPITests.call(base, method, target, body: body, headers: try headers(method: method, target: target, body: body))
        }

        func send(_ method: String, _ target: String, json: String) async throws -> OpenAPITests.Exchange {
            try await send(method, target, Data(json.utf8))
        }
    }

    @Test func theDocumentSaysEnoughToBuildAndSignARequest() async throws {
        let root = try Self.document()
        var ids: [String] = []
        for (path, item) in try #require(root["paths"] as? [String: Any]) {
            for (method, node) in try #require(item as? [String: Any]) {
                let operation = try #require(node as? [String: Any])
                let id = operation["operationId"] as? String
                #expect(id?.isEmpty == false, "\(method) \(path) has no operationId")
                ids.append(id ?? "")
                #expect((operation["tags"] as? [String])?.isEmpty == false, "\(method) \(path) has no tags")
                if operation["security"] != nil {
                    let declared = (operation["parameters"] as? [[String: Any]] ?? []).compactMap { $0["$ref"] as? String }
                    for header in ["KioskID", "Timestamp", "Nonce", "Signature"] {
                        #expect(declared.contains("#/components/parameters/\(header)"), "\(method) \(path) does not declare \(header)")
                    }
                }
            }
        }
        #expect(Set(ids).count == ids.count, "operationIds are unique")
        // How 受理编号 derives from the key, with the document's own example.
        let schemas = try #require((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let envelope = try #require((schemas["SubmissionEnvelope"] as? [String: Any])?["properties"] as? [String: Any])
        let example = try #require((envelope["acceptanceNumber"] as? [String: Any])?["x-zizhu-example"] as? [String: String])
        let exampleKey = try #require(example["key"])
        #expect(AcceptanceNumber.from(key: exampleKey) == example["acceptanceNumber"])

        // A client built from the document alone is let in, and its batch is stored.
        let central = try await RunningCentral()
        defer { central.stop() }
        let enrolment = try await central.enrol("generic-01")
        let client = try DocumentClient(base: central.url, kioskID: "generic-01", secret: enrolment.secret)
        #expect(try await client.send("GET", "/v1/time").status == 200)
        #expect(try await client.send("GET", "/v1/time?probe=1").status == 200)
        let entry = Self.envelope(kiosk: "generic-01")
        let stored = try await client.send("POST", "/v1/submissions", json: "{\"submissions\":[\(entry)]}")
        #expect(stored.status == 200 && String(decoding: stored.body, as: UTF8.self).contains("\"accepted\""), "\(String(decoding: stored.body, as: UTF8.self))")
    }

    /// One application envelope as JSON text, with fields replaced or added as given (raw JSON).
    static func envelope(kiosk: String, sequence: String = "1", replacing: [String: String] = [:], payload given: String? = nil) -> String {
        let key = UUIDv7.make()
        let payload = given ?? String(decoding: (try? CanonicalJSON.encode(Sample.payload(1))) ?? Data(), as: UTF8.self)
        var fields: [String: String] = [
            "key": "\"\(key)\"", "acceptanceNumber": "\"\(AcceptanceNumber.from(key: key) ?? "")\"", "sequence": sequence,
            "kioskID": "\"\(kiosk)\"", "serviceID": "\"business-licence-print\"", "createdAt": "\"\(UTCTime.iso(Date()))\"",
            "payloadHash": "\"\(Data(payload.utf8).sha256Hex)\"", "payload": Self.quoted(payload),
        ]
        for (name, value) in replacing { fields[name] = value }
        if let text = fields["payload"], text != Self.quoted(payload), replacing["payloadHash"] == nil,
           let raw = try? JSONDecoder().decode(String.self, from: Data(text.utf8)) {
            fields["payloadHash"] = "\"\(Data(raw.utf8).sha256Hex)\""
        }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String { String(decoding: (try? JSONEncoder().encode(text)) ?? Data(), as: UTF8.self) }

    /// A valid heartbeat's members, as JSON text without the braces.
    static let heartbeat = "\"status\":\"ok\",\"devices\":{\"reader\":\"ok\"},\"diskFreeBytes\":1000,\"outboxPending\":0,\"deadLetters\":0,\"version\":\"0.1\",\"deviceTime\":\"2026-12-04T10:00:00Z\""

    /// A running platform on `storage` and a document-built client enrolled as `kioskID`.
    static func platform(_ storage: StorageKind, kiosk kioskID: String) async throws -> (RunningCentral, DocumentClient) {
        let central = try await RunningCentral(storage: storage)
        let enrolment = try await central.enrol(kioskID)
        return (central, try DocumentClient(base: central.url, kioskID: kioskID, secret: enrolment.secret))
    }

    /// Each thing the issue found the server and the document disagreeing on, now agreeing.
    @Test(arguments: StorageKind.allCases)
    func whatTheDocumentForbidsIsRefusedAndABadEntryCostsOnlyItself(_ storage: StorageKind) async throws {
        let (central, client) = try await Self.platform(storage, kiosk: "strict-01")
        defer { central.stop() }
        let heartbeat = Self.heartbeat
        #expect(try await client.send("POST", "/v1/heartbeat", json: "{\(heartbeat)}").status == 204)
        for (why, body) in [("an unknown property", "{\(heartbeat),\"admin\":true}"), ("null for an optional field", "{\(heartbeat),\"catalogueVersion\":null}"),
                            ("a negative count", "{\(heartbeat.replacingOccurrences(of: "\"outboxPending\":0", with: "\"outboxPending\":-1"))}"),
                            ("2^63", "{\(heartbeat.replacingOccurrences(of: "\"diskFreeBytes\":1000", with: "\"diskFreeBytes\":9223372036854775808"))}")] {
            let answer = try await client.send("POST", "/v1/heartbeat", json: body)
            #expect(answer.status == 400 && String(decoding: answer.body, as: UTF8.self).contains("not what the API document allows"), "\(why)")
        }
        #expect(try await client.send("POST", "/v1/help", json: "{\"screen\":\"\",\"at\":\"2026-12-04T10:00:00Z\"}").status == 400)
        #expect(try await client.send("POST", "/v1/appointments", json: "{\"code\":\"260315\"}").status == 200)
        #expect(try await client.send("POST", "/v1/appointments", json: "{\"code\":\"260315\",\"idNumber\":\"440106198806150019\"}").status == 400)
        #expect(try await client.send("POST", "/v1/appointments", json: "{}").status == 400)
        #expect(try await OpenAPITests.call(central.url, "POST", "/v1/enrol", body: Data("{\"token\":\"x\",\"kioskID\":\"\",\"siteName\":\"a\"}".utf8)).status == 400)

        // One batch: a good entry and every kind of bad one. Each bad one is refused by
        // itself, with the reason; the good one is stored.
        let good = Self.envelope(kiosk: "strict-01")
        let bad: [(String, String)] = [
            ("sequence 0", Self.envelope(kiosk: "strict-01", sequence: "0")),
            ("sequence 2^63", Self.envelope(kiosk: "strict-01", sequence: "9223372036854775808")),
            ("a payload that is not JSON", Self.envelope(kiosk: "strict-01", replacing: ["payload": "\"not json\""])),
            ("kind AAA", Self.envelope(kiosk: "strict-01", replacing: ["kind": "\"AAA\""])),
            ("kind null", Self.envelope(kiosk: "strict-01", replacing: ["kind": "null"])),
            ("a rating sent as an application", Self.envelope(kiosk: "strict-01", replacing: ["kind": "\"rating\""])),
            ("an unknown property", Self.envelope(kiosk: "strict-01", replacing: ["extra": "1"])),
            ("an empty service", Self.envelope(kiosk: "strict-01", replacing: ["serviceID": "\"\""])),
            ("not an object", "42"),
        ]
        let answer = try await client.send("POST", "/v1/submissions", json: "{\"submissions\":[\(good),\(bad.map(\.1).joined(separator: ","))]}")
        #expect(answer.status == 200)
        let results = try JSONDecoder().decode(SubmissionBatchResult.self, from: answer.body).results
        try #require(results.count == 1 + bad.count, "one answer per entry")
        #expect(results[0].status == .accepted)
        for (index, (why, _)) in bad.enumerated() {
            #expect(results[index + 1].status == .rejected && results[index + 1].reason?.isEmpty == false, "\(why): \(results[index + 1])")
        }
        #expect(try await central.store.stats().submissions == 1, "nothing but the good entry was stored")
    }

    /// A property-based fuzz: for every kiosk operation with a body, a valid request is
    /// mutated at a place the document's schema names, in a way the schema forbids (unknown
    /// property, null, wrong type, missing required, out of range, too short or long) or at
    /// a boundary it allows. The server answers every one with the document's verdict (400,
    /// or a per-entry rejection for a batch), never 5xx; afterwards a kiosk still syncs.
    @Test(arguments: StorageKind.allCases)
    func fuzzedFromTheDocumentTheServerAnswersAndKeepsRunning(_ storage: StorageKind) async throws {
        let (central, client) = try await Self.platform(storage, kiosk: "fuzz-01")
        defer { central.stop() }
        let seed = UInt64.random(in: 1...UInt64.max)
        var generator = SchemaFuzzer(document: try Self.document(), seed: seed)
        let rating = String(decoding: try CanonicalJSON.encode(RatingPayload(acceptanceNumber: "ZZ20261204-0123-4567-89AB", serviceID: "business-licence-print",
                                                                             level: 5, reason: nil, ratedAt: "2026-12-04T10:00:00Z")), as: UTF8.self)
        let ticket = String(decoding: try CanonicalJSON.encode(TicketPayload(reference: "fuzz-01/2026-12-04/A001", category: "A", number: "A001",
                                                                             issuedAt: "2026-12-04T10:00:00Z", peopleAhead: 0)), as: UTF8.self)
        let valid: [(String, String, String)] = [   // operation path, schema, a valid body
            ("/v1/heartbeat", "Heartbeat", "{\(Self.heartbeat)}"),
            ("/v1/help", "HelpRequest", "{\"screen\":\"home\",\"at\":\"2026-12-04T10:00:00Z\"}"),
            ("/v1/appointments", "AppointmentQuery", "{\"code\":\"260315\"}"),
            ("/v1/records", "RecordsRequest", "{\"idNumber\":\"440106198806150019\"}"),
            ("/v1/progress", "ProofsRequest", "{\"idNumber\":\"440106198806150019\"}"),
            ("/v1/proofs", "ProofsRequest", "{\"idNumber\":\"440106198806150019\"}"),
            ("/v1/proofs/social_insurance", "ProofsRequest", "{\"idNumber\":\"440106198806150019\"}"),
            ("/v1/submissions", "SubmissionBatch", "{\"submissions\":[\(Self.envelope(kiosk: "fuzz-01"))]}"),
            ("/v1/ratings", "EntryBatch", "{\"entries\":[\(Self.envelope(kiosk: "fuzz-01", replacing: ["kind": "\"rating\""], payload: rating))]}"),
            ("/v1/tickets", "EntryBatch", "{\"entries\":[\(Self.envelope(kiosk: "fuzz-01", replacing: ["kind": "\"ticket\""], payload: ticket))]}"),
            ("/v1/enrol", "EnrolmentRequest", "{\"token\":\"zzt-unknown\",\"kioskID\":\"fuzz-02\",\"siteName\":\"天河\"}"),
        ]
        var tried = 0, refused = 0, served = 0
        for round in 0..<25 {
            for (path, schema, body) in valid {
                guard let mutation = generator.mutate(body, schema: schema) else { continue }
                tried += 1
                // Enrolment is the one public POST: sent without a signature.
                let answer = path == "/v1/enrol" ? try await OpenAPITests.call(central.url, "POST", path, body: Data(mutation.body.utf8))
                                                 : try await client.send("POST", path, json: mutation.body)
                let text = String(decoding: answer.body, as: UTF8.self)
                #expect(answer.status < 500, "seed \(seed) round \(round) \(path) \(mutation.what): \(answer.status) \(text)")
                if answer.status == 429 { continue }   // the lookup limit: the verdict is not reached
                if mutation.what.hasPrefix("$.submissions[") || mutation.what.hasPrefix("$.entries[") {
                    // Inside an entry: the batch is answered, the entry refused by itself.
                    let results = (try? JSONDecoder().decode(SubmissionBatchResult.self, from: answer.body))?.results ?? []
                    if mutation.forbidden {
                        #expect(answer.status == 200 && results.first?.status == .rejected, "seed \(seed) \(mutation.what): \(text)")
                    }
                } else if mutation.forbidden {
                    #expect(answer.status == 400, "seed \(seed) \(path) \(mutation.what): the document forbids it, the server said \(answer.status) \(text)")
                } else {
                    #expect(answer.status != 400, "seed \(seed) \(path) \(mutation.what): the document allows it, the server refused: \(text)")
                }
                if answer.status == 400 { refused += 1 } else { served += 1 }
            }
        }
        #expect(tried > 200 && refused > 0 && served > 0, "tried \(tried), refused \(refused), served \(served)")
        // Path parameters, from the document's schemas and beyond them: a 4xx, never a 5xx.
        for target in ["/v1/help/-1", "/v1/help/9223372036854775808", "/v1/help/abc", "/v1/help/%00", "/v1/help/999999?x=%ff",
                       "/v1/progress/ZZ", "/v1/progress/\(String(repeating: "Z", count: 5000))", "/v1/progress/%E5%AD%97", "/v1/catalogue?x=1"] {
            let answer = try await client.send("GET", target)
            #expect((400..<500).contains(answer.status), "GET \(target): \(answer.status)")
        }
        // Still serving: health, and a real kiosk's application goes through.
        #expect(try await OpenAPITests.call(central.url, "GET", "/health").status == 200)
        let stored = try await client.send("POST", "/v1/submissions", json: "{\"submissions\":[\(Self.envelope(kiosk: "fuzz-01", sequence: "99"))]}")
        #expect(stored.status == 200 && String(decoding: stored.body, as: UTF8.self).contains("\"accepted\""))
    }
}
