// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCentral
import ZizhuWire

/// Storage tests exercise the store, not the platform's second opinion: their applications
/// start where the payload's own decision says, as if the platform had reached the same one.
/// (The server never does this: `PlatformAdjudicator` decides every application itself.)
extension CentralStorage {
    func store(_ batch: [SubmissionEnvelope], from kioskID: String) async throws -> [SubmissionResult] {
        try await store(batch, from: kioskID, verdicts: Dictionary(batch.map { ($0.key, Self.claimed($0.payload)) }, uniquingKeysWith: { first, _ in first }))
    }

    func storeEntries(_ batch: [SubmissionEnvelope], kind: OutboxKind, from kioskID: String) async throws -> [SubmissionResult] {
        kind == .submission ? try await store(batch, from: kioskID) : try await storeEntries(batch, kind: kind, from: kioskID, verdicts: [:])
    }

    static func claimed(_ payload: String) -> CentralRules.Verdict {
        let outcome = (try? JSONDecoder().decode(SubmissionPayload.self, from: Data(payload.utf8)))?.decision.outcome
        return CentralRules.Verdict(progress: CentralRules.Progress(rawValue: outcome ?? "") ?? .manualReview)
    }
}

/// A platform key for one test store.
let testKeyring = PlatformKeyring.generate()
