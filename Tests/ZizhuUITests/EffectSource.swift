// SPDX-License-Identifier: Apache-2.0
import ZizhuCore
@testable import ZizhuUI

/// An effect as the Swift a journey test states it (for reading a failed expectation, and
/// for writing the effects of a new step down).
extension Effect {
    var swiftSource: String? {
        func text(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        func id(_ number: IDNumber) -> String { "IDNumber(fromCard: \(text(number.unmasked)))" }
        func optional(_ s: String?) -> String { s.map(text) ?? "nil" }
        switch self {
        case .beep: return ".beep"
        case .endSession: return ".endSession"
        case .log(let line): return ".log(\(text(line)))"
        case .quit: return ".quit"
        case .startCardReading: return ".startCardReading"
        case .stopCardReading: return ".stopCardReading"
        case .checkPrinter: return ".checkPrinter"
        case .previewReceipt(let sample, let language): return ".previewReceipt(.\(sample), .\(language))"
        case .printTestPage: return ".printTestPage"
        case .lookUpRecords(let number): return ".lookUpRecords(\(id(number)))"
        case .reloadCatalogue: return ".reloadCatalogue"
        case .requestHelp(let screen): return ".requestHelp(screen: \(text(screen)))"
        case .rate(let request):
            return ".rate(RatingRequest(acceptanceNumber: \(text(request.acceptanceNumber)), serviceID: \(text(request.serviceID)), "
                + "level: \(request.level), reason: \(optional(request.reason))))"
        case .lookUpProgress(let number): return ".lookUpProgress(\(text(number)))"
        case .issueTicket(let category, let language): return ".issueTicket(categoryID: \(text(category)), language: .\(language))"
        case .lookUpProgressByCard(let number): return ".lookUpProgressByCard(\(id(number)))"
        case .findAppointment(.code(let code)): return ".findAppointment(.code(\(text(code))))"
        case .findAppointment(.card(let number)): return ".findAppointment(.card(\(id(number))))"
        case .checkIn(let appointment, let language):
            return ".checkIn(Appointment(code: \(text(appointment.code)), categoryID: \(text(appointment.categoryID)), "
                + "time: \(text(appointment.time))), .\(language))"
        case .listProofs(let number): return ".listProofs(\(id(number)))"
        case .printProof(let proof, let holder, let number, let language):
            return ".printProof(id: \(text(proof)), holder: \(text(holder)), idNumber: \(id(number)), language: .\(language))"
        case .speak(let texts, let language): return ".speak([\(texts.map { ".\($0)" }.joined(separator: ", "))], .\(language))"
        case .speakCode(let key, let code, let language): return ".speakCode(.\(key), code: \(text(code)), .\(language))"
        case .verifyTechnicianPIN(let pin): return ".verifyTechnicianPIN(\(text(pin)))"
        case .runDiagnostics: return ".runDiagnostics"
        case .syncNow: return ".syncNow"
        case .scanPage(let material, let columns, let rows): return ".scanPage(materialID: \(text(material)), columns: \(columns), rows: \(rows))"
        case .keepScannedPage(let token, let material): return ".keepScannedPage(token: \(token), materialID: \(text(material)))"
        case .discardScannedPage(let token): return ".discardScannedPage(token: \(token))"
        case .submit, .printReceipt: return nil
        }
    }
}
