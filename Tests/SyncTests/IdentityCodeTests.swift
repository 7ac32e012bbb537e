// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import ZizhuCentral
import ZizhuCore
@testable import ZizhuOutbox
import ZizhuWire

/// 身份核验 by e-ID code through the real server: a valid code names its holder, an old one
/// is expired, anything else unknown; a malformed request is refused before any lookup; each
/// lookup is audited with the holder masked and never the code; offline the kiosk says the
/// code cannot be checked.
@Suite("e-ID codes verified by the platform (POST /v1/identity/code)")
struct IdentityCodeTests {
    static let codes: [String: IdentityCodeHolder] = {
        let file = Sample.catalogueFolder.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Devices/simulator/demo-identity-codes.yaml")
        return (try? DemoIdentityCodes.parse((try? String(contentsOf: file, encoding: .utf8)) ?? "", file: file.path)) ?? [:]
    }()
    static let valid = "ZZEID1.DEMO.440106198806150019.7F3A91C2"
    static let old = "ZZEID1.DEMO.440106198806150019.0LD0C0DE"

    func post(_ central: RunningCentral, _ enrolment: Enrolment, body: Data) async throws -> (Int, String) {
        let secret = try #require(enrolment.key)
        var request = URLRequest(url: try #require(URL(string: central.url + "/v1/identity/code")))
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in RequestSigning.headers(kioskID: enrolment.kioskID, secret: secret, method: "POST", path: "/v1/identity/code", body: body) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func aValidCodeNamesItsHolderAnOldOneHasExpiredAndOthersAreUnknown() async throws {
        #expect(Self.codes.count == 3, "the demo file's codes")
        let codes = Self.codes
        let central = try await RunningCentral(identityCodes: { DemoIdentityCodes.check($0, in: codes, today: $1) })
        defer { central.stop() }
        let enrolment = try await central.enrol("kiosk-a")
        // A long request bound: the in-process platform shares two cores with every suite
        // starting at once, and 20 s was not always enough in a full run's first minutes.
        let client = PlatformClient(outbox: try Outbox(home: Scratch.folder("eid-kiosk-a"), kioskID: "kiosk-a"), enrolment: enrolment,
                                    home: Scratch.folder("eid-kiosk-a-home"), logger: DashboardTests.logger, requestTimeoutSeconds: 120)
        guard case .verified(let holder) = await client.identityCode(Self.valid) else {
            Issue.record("the demo code was not verified")
            return
        }
        #expect(holder.idNumber.unmasked == "440106198806150019" && holder.name == "演示用户" && holder.gender == .male)
        #expect(holder.identity.source == .identityCode && holder.identity.birthDate == CalendarDate(year: 1988, month: 6, day: 15))
        #expect(await client.identityCode(Self.old) == .expired)
        #expect(await client.identityCode("ZZEID1.DEMO.NOT-ISSUED") == .unknown)
        #expect(await client.identityCode("https://example.com/not-an-e-id") == .unknown)

        // Refused before anything is looked up: a byte no code has, too long, an extra field, no code.
        for body in [#"{"code":"ZZEID1.\u0007"}"#, "{\"code\":\"\(String(repeating: "A", count: 513))\"}", #"{"code":"A","idNumber":"x"}"#,
                     #"{"code":""}"#, #"{}"#] {
            let (status, text) = try await post(central, enrolment, body: Data(body.utf8))
            #expect(status == 400, "\(body.prefix(40)): \(status) \(text)")
        }
        // Each lookup is audited: the holder masked (nobody for an unknown code), never the code.
        let trail = try await central.store.auditTrail(AuditFilter(action: "lookup.identity_code"))
        #expect(trail.count == 4, "\(trail)")
        #expect(trail.contains { $0.target == "4401**********0019" } && trail.allSatisfy { !$0.target.contains("ZZEID") && !$0.detail.contains("ZZEID") })
        #expect(!trail.contains { $0.target.contains("440106198806150019") })

        // The platform gone: the kiosk can only say the code cannot be checked now.
        await central.stopAndWait()
        #expect(await client.identityCode(Self.valid) == .unavailable)
        #expect(IdentityCodeCheck.unavailable.failure?.zh.contains("请使用身份证") == true)
    }
}
