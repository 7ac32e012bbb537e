// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The 256-byte text block of a card, decoded by the type flag at offset 248
/// (`I` foreign permanent resident, `J` HK/Macau/Taiwan residence permit, `Y` 2023
/// foreign permanent resident, anything else a resident ID card).
public enum TextBlock {
    public static let length = 256

    /// The card kind the flag at offset 248 names.
    public static func kind(of text: [UInt8]) -> CardKind {
        guard text.count >= 250, text[249] == 0 else { return .resident }
        switch text[248] {
        case 0x49: return .foreignPermanentResident
        case 0x4A: return .hkMacauTaiwanResidence
        case 0x59: return .foreignPermanentResident2023
        default: return .resident
        }
    }

    public static func decode(_ text: [UInt8]) throws(PayloadError) -> IdentityCard {
        guard text.count == length else { throw PayloadError("a text block is 256 bytes, got \(text.count)") }
        func field(_ offset: Int, _ width: Int) -> String { UCS2.decode(text[offset..<(offset + width)]) }
        func date(_ offset: Int) -> CalendarDate? { CalendarDate(digits: field(offset, 16)) }
        let kind = kind(of: text)
        switch kind {
        case .resident, .hkMacauTaiwanResidence:
            let until = field(204, 16)
            var card = IdentityCard(
                kind: kind, name: field(0, 30), gender: Gender(cardCode: field(30, 2)),
                nationCode: kind == .resident ? field(32, 4) : nil, birthDate: date(36), address: field(52, 70),
                idNumber: IDNumber(fromCard: field(122, 36)), issuingAuthority: field(158, 30), validFrom: date(188),
                validUntil: CalendarDate(digits: until), validIndefinitely: until == "长期")
            if kind == .hkMacauTaiwanResidence {
                card.passNumber = field(220, 18)
                card.issueCount = field(238, 4)
            }
            return card
        case .foreignPermanentResident:
            let english = field(0, 120)
            let chinese = field(158, 30)
            return IdentityCard(
                kind: kind, name: chinese.isEmpty ? english : chinese, englishName: english,
                gender: Gender(cardCode: field(120, 2)), birthDate: date(220),
                idNumber: IDNumber(fromCard: field(122, 30)), issuingAuthority: field(240, 8),
                validFrom: date(188), validUntil: date(204), nationality: field(152, 6))
        case .foreignPermanentResident2023:
            let english = (field(52, 70) + field(220, 22)).trimmingWhitespace
            return IdentityCard(
                kind: kind, name: field(0, 30), englishName: english, gender: Gender(cardCode: field(30, 2)),
                birthDate: date(36), idNumber: IDNumber(fromCard: field(122, 36)), validFrom: date(188),
                validUntil: date(204), issueCount: field(32, 4), nationality: field(242, 6))
        }
    }

    /// The text block for a card (the simulator's side of the protocol).
    public static func encode(_ card: IdentityCard) -> [UInt8] {
        var text = [UInt8](repeating: 0, count: length)
        func put(_ value: String?, _ offset: Int, _ width: Int) {
            let bytes = UCS2.encode(value ?? "", width: width)
            text.replaceSubrange(offset..<(offset + width), with: bytes)
        }
        func digits(_ date: CalendarDate?) -> String {
            guard let date else { return "" }
            return date.description.replacingOccurrences(of: "-", with: "")
        }
        func gender(_ g: Gender) -> String {
            switch g {
            case .male: return "1"
            case .female: return "2"
            case .unknown: return "0"
            case .unspecified: return "9"
            }
        }
        switch card.kind {
        case .resident, .hkMacauTaiwanResidence:
            put(card.name, 0, 30)
            put(gender(card.gender), 30, 2)
            put(card.kind == .resident ? card.nationCode : "", 32, 4)
            put(digits(card.birthDate), 36, 16)
            put(card.address, 52, 70)
            put(card.idNumber.unmasked, 122, 36)
            put(card.issuingAuthority, 158, 30)
            put(digits(card.validFrom), 188, 16)
            put(card.validIndefinitely ? "长期" : digits(card.validUntil), 204, 16)
            if card.kind == .hkMacauTaiwanResidence {
                put(card.passNumber, 220, 18)
                put(card.issueCount, 238, 4)
                put("", 242, 6)
                put("J", 248, 2)
                put("", 250, 6)
            } else {
                put("", 220, 36)
            }
        case .foreignPermanentResident:
            put(card.englishName ?? card.name, 0, 120)
            put(gender(card.gender), 120, 2)
            put(card.idNumber.unmasked, 122, 30)
            put(card.nationality, 152, 6)
            put(card.name, 158, 30)
            put(digits(card.validFrom), 188, 16)
            put(digits(card.validUntil), 204, 16)
            put(digits(card.birthDate), 220, 16)
            put("01", 236, 4)
            put(card.issuingAuthority, 240, 8)
            put("I", 248, 2)
            put("", 250, 6)
        case .foreignPermanentResident2023:
            let english = card.englishName ?? ""
            let first = String(english.prefix(35)), rest = String(english.dropFirst(35).prefix(11))
            put(card.name, 0, 30)
            put(gender(card.gender), 30, 2)
            put(card.issueCount ?? "00", 32, 4)
            put(digits(card.birthDate), 36, 16)
            put(first, 52, 70)
            put(card.idNumber.unmasked, 122, 36)
            put("", 158, 30)
            put(digits(card.validFrom), 188, 16)
            put(digits(card.validUntil), 204, 16)
            put(rest, 220, 22)
            put(card.nationality, 242, 6)
            put("Y", 248, 2)
            put("", 250, 6)
        }
        return text
    }
}
