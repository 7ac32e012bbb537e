// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore

/// What the platform reads of an application's payload to decide it again: the service, the
/// applicant, the fields and commitments, the catalogue version and the outcome the kiosk
/// claims. Read field by field from the payload as `RequestSchemas` already parsed it (the
/// `ApplicationPayload` schema), so a batch's payloads are read once, not again by a
/// `JSONDecoder` (which took a fifth of the platform's time per stored batch).
///
/// ```swift
/// let claim = ApplicationClaim(conforming: JSONValue.parse(Data(envelope.payload.utf8)))
/// claim?.outcome   // "approved", as the kiosk decided
/// ```
struct ApplicationClaim: Sendable, Equatable {
    var service: String
    var idNumber: String
    var name: String
    var cardKind: String
    var fields: [String: String]
    var committed: [String]
    /// The overall outcome the kiosk reached (`decision.outcome`).
    var outcome: String
    var catalogueVersion: String?
    /// 扫描纸质材料: pages scanned per material, as the payload lists them (a claim only: it can
    /// send a case to a person, never approve one).
    var scanned: [String: Int] = [:]

    /// nil when the value is not an application payload (a field missing or of another kind).
    init?(conforming value: JSONValue?) {
        guard case .object(let payload)? = value, case .string(let service)? = payload["service"],
              case .object(let applicant)? = payload["applicant"], case .string(let idNumber)? = applicant["idNumber"],
              case .string(let name)? = applicant["name"], case .string(let cardKind)? = applicant["cardKind"],
              case .object(let fieldValues)? = payload["fields"], case .array(let committedValues)? = payload["committed"],
              case .object(let decision)? = payload["decision"], case .string(let outcome)? = decision["outcome"] else { return nil }
        var fields: [String: String] = [:]
        fields.reserveCapacity(fieldValues.count)
        for (id, value) in fieldValues {
            guard case .string(let text) = value else { return nil }
            fields[id] = text
        }
        var committed: [String] = []
        committed.reserveCapacity(committedValues.count)
        for value in committedValues {
            guard case .string(let text) = value else { return nil }
            committed.append(text)
        }
        switch payload["catalogueVersion"] {
        case nil, .null?: catalogueVersion = nil
        case .string(let version)?: catalogueVersion = version
        default: return nil
        }
        if case .array(let pages)? = payload["pages"] {
            for case .object(let page) in pages {
                guard case .string(let material)? = page["material"] else { return nil }
                scanned[material, default: 0] += 1
            }
        }
        (self.service, self.idNumber, self.name, self.cardKind, self.fields, self.committed, self.outcome)
            = (service, idNumber, name, cardKind, fields, committed, outcome)
    }
}

/// Printed (a log line, a failed test's message), a claim names the service, the outcome and
/// the catalogue version; the applicant only masked, and no name, fields or commitments.
extension ApplicationClaim: CustomStringConvertible, CustomDebugStringConvertible {
    var description: String {
        "ApplicationClaim(service: \(service), applicant: \(IDNumber.mask(idNumber)), outcome: \(outcome), "
            + "catalogueVersion: \(catalogueVersion.map { String($0.prefix(12)) } ?? "none"), fields: \(fields.count))"
    }

    var debugDescription: String { description }
}
