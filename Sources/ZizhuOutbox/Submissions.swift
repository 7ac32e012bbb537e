// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuWire

/// Builds what is stored and sent for one application, from the same pieces the screens
/// use (service, form values, commitments, decisions).
public enum Submissions {
    static func summary(_ decision: Decision) -> SubmissionPayload.DecisionSummary {
        SubmissionPayload.DecisionSummary(outcome: decision.outcome.rawValue, decidedBy: decision.decidedBy,
                                          owed: decision.owed.map { ["material": $0.material.zh, "deadline": $0.deadline.description] })
    }

    public static func payload(service: Service, idNumber: String, name: String, cardKind: String, fields: [String: String],
                               committed: [String], decisions: [Decision], catalogueVersion: String) -> SubmissionPayload {
        let overall = Outcome.overall(decisions)
        let owed = decisions.flatMap { summary($0).owed }
        let deciding = decisions.filter { $0.outcome == overall }.flatMap(\.decidedBy)
        return SubmissionPayload(
            service: service.id,
            applicant: .init(idNumber: idNumber, name: name, cardKind: cardKind),
            fields: fields, committed: committed.sorted(),
            decisions: Dictionary(decisions.map { ($0.serviceID, summary($0)) }, uniquingKeysWith: { first, _ in first }),
            decision: .init(outcome: overall.rawValue, decidedBy: deciding.isEmpty ? decisions.flatMap(\.decidedBy) : deciding, owed: owed),
            catalogueVersion: catalogueVersion)
    }

    /// The fields a facts file gives, as the form would hold them.
    public static func fields(from facts: Facts) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in facts.values where name.hasPrefix("field.") {
            let id = String(name.dropFirst("field.".count))
            switch value {
            case .text(let text): fields[id] = text
            case .bool(let flag): fields[id] = flag ? "yes" : "no"
            default: fields[id] = value.description
            }
        }
        return fields
    }

    public static func committed(from facts: Facts) -> [String] {
        facts.values.compactMap { name, value in
            guard name.hasPrefix("material."), name.hasSuffix(".committed"), value == .bool(true) else { return nil }
            return String(name.dropFirst("material.".count).dropLast(".committed".count))
        }
    }
}
