// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuWire

/// Looking up a person's e-licences, proofs and cases by ID number needs the card at the
/// kiosk, which the platform cannot see; what it can see is how often a kiosk asks. Every
/// lookup is an audit row (`kiosk:ID`, `lookup.records|proofs|proof|progress`, the masked
/// number), and a kiosk asking more than `perMinute` times in a minute is refused (429) — a
/// kiosk serves one citizen at a time, so a stolen secret cannot walk the population.
/// Counted from the audit trail, so every instance behind a balancer sees the same count.
///
/// ```swift
/// try await LookupGuard(store: store).admit(kioskID: "tianhe-01", action: "lookup.records",
///                                           idNumber: query.idNumber, address: context.address)
/// ```
struct LookupGuard {
    static let perMinute = 30
    let store: any CentralStorage

    func admit(kioskID: String, action: String, idNumber: String, address: String) async throws {
        let actor = "kiosk:\(kioskID)"
        let recent: [AuditEntry]
        do {
            recent = try await store.auditTrail(AuditFilter(since: UTCTime.iso(Date().addingTimeInterval(-60)), actor: actor,
                                                            limit: Self.perMinute * 4))
        } catch {
            throw Refusal(.serviceUnavailable, "storage unavailable", "the platform cannot record this lookup now; try again later")
        }
        guard recent.filter({ $0.action.hasPrefix("lookup.") }).count < Self.perMinute else {
            throw Refusal(.tooManyRequests, "too many lookups",
                          "at most \(Self.perMinute) lookups of personal records a minute per kiosk; this kiosk has reached it")
        }
        do {
            try await store.appendAudit(AuditEntry(actor: actor, role: "kiosk", action: action, target: IDNumber.mask(idNumber), address: address))
        } catch {
            // No lookup that is not written down.
            throw Refusal(.serviceUnavailable, "storage unavailable", "the platform cannot record this lookup now; try again later")
        }
    }
}
