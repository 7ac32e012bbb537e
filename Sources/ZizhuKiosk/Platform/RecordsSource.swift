// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuWire

/// Where the applicant's e-licences and credit status come from. The central platform
/// (issue 6) answers in production; the demo answers from `Devices/simulator/demo-records.yaml`.
public struct RecordsSource: Sendable {
    let lookUp: @Sendable (IDNumber) async -> ApplicantRecords?

    public init(lookUp: @escaping @Sendable (IDNumber) async -> ApplicantRecords?) {
        self.lookUp = lookUp
    }

    /// The demo platform: applicants on file get their records, others an empty file.
    public static func demo(file: URL) throws(StartupError) -> RecordsSource {
        demo(records: try demoRecords(file: file))
    }

    public static func demo(records: [String: ApplicantRecords]) -> RecordsSource {
        RecordsSource { number in records[number.unmasked] ?? ApplicantRecords(elicences: [], credit: "good") }
    }

    /// The demo platform's records file, by ID number.
    public static func demoRecords(file: URL) throws(StartupError) -> [String: ApplicantRecords] {
        let text: String
        do {
            text = try KioskResources.readText(file)
        } catch {
            throw StartupError("\(error)")
        }
        do {
            return try DemoRecords.parse(text, file: file.path)
        } catch {
            throw StartupError(error.description)
        }
    }

    /// The central platform, through the enrolled kiosk's signed link.
    public static func platform(_ worker: PlatformClient) -> RecordsSource {
        RecordsSource { number in
            guard let answer = await worker.records(idNumber: number.unmasked) else { return nil }
            return ApplicantRecords(elicences: answer.elicences.compactMap { licence in
                Grade(letter: licence.grade).map { Elicence(type: licence.type, grade: $0, attributes: licence.attributes) }
            }, credit: answer.credit)
        }
    }

    /// No platform connection: every lookup says the records are unavailable, so prefill
    /// from e-licences fails visibly and rules needing credit are "to be verified".
    public static let unavailable = RecordsSource { _ in nil }
}
