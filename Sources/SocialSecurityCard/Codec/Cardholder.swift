// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore

/// What a 社保卡 says about its holder and itself, decoded by a profile. Lives only in the
/// session, like an `IdentityCard`; `description` masks the number and leaves out the name.
public struct SocialSecurityCardholder: Sendable, Hashable, CustomStringConvertible {
    public var cardNumber: String?
    public var cardType: String?
    public var specificationVersion: String?
    public var issuerCode: String?
    public var issueDate: CalendarDate?
    public var expiryDate: CalendarDate?
    public var idNumber: IDNumber
    public var name: String
    public var gender: Gender
    public var nationCode: String?
    public var birthDate: CalendarDate?

    public var description: String {
        "社保卡 \(idNumber.masked) card \(cardNumber.map(Self.maskCardNumber) ?? "?") expires \(expiryDate?.description ?? "?")"
    }

    /// A card number with all but its first and last two characters hidden.
    public static func maskCardNumber(_ number: String) -> String {
        guard number.count > 4 else { return String(repeating: "*", count: number.count) }
        return String(number.prefix(2)) + String(repeating: "*", count: number.count - 4) + String(number.suffix(2))
    }

    /// The holder as the identify screen's person: the social security number is the
    /// identity card number for citizens; a card whose number is not one (some foreign
    /// holders) cannot identify anyone here.
    public func identity(today: CalendarDate) throws(SmartCardFault) -> IdentityCard {
        guard idNumber.isValid else {
            throw .notIdentifiable(detail: "social security number \(idNumber.masked) is not a valid GB 11643 number")
        }
        if let expiryDate, expiryDate < today {
            throw .notIdentifiable(detail: "card expired on \(expiryDate)")
        }
        return IdentityCard(kind: .resident, name: name, gender: gender, nationCode: nationCode,
                            birthDate: birthDate ?? idNumber.birthDate, idNumber: idNumber, source: .socialSecurityCard)
    }

    /// Decodes the items read, by field. Fails with `.malformedAnswer` when a required one
    /// is missing or an item does not decode as the profile says.
    public init(items: [CardField: (bytes: [UInt8], encoding: FieldEncoding)]) throws(SmartCardFault) {
        var text: [CardField: String] = [:]
        for (field, item) in items {
            guard let value = Self.decode(item.bytes, item.encoding) else {
                throw .malformedAnswer(detail: "\(field.rawValue) is not \(item.encoding.rawValue)")
            }
            text[field] = value
        }
        guard let number = text[.socialSecurityNumber], !number.isEmpty, let name = text[.name], !name.isEmpty else {
            throw .malformedAnswer(detail: "the card holds no social security number or name")
        }
        func date(_ field: CardField) throws(SmartCardFault) -> CalendarDate? {
            guard let digits = text[field], !digits.isEmpty else { return nil }
            guard let date = CalendarDate(digits: digits) else { throw .malformedAnswer(detail: "\(field.rawValue) is not a date") }
            return date
        }
        cardNumber = text[.cardNumber]
        cardType = text[.cardType]
        specificationVersion = text[.specificationVersion]
        issuerCode = text[.issuerCode]
        issueDate = try date(.issueDate)
        expiryDate = try date(.expiryDate)
        idNumber = IDNumber(fromCard: number)
        self.name = name
        gender = text[.gender].map { Gender(cardCode: $0) } ?? .unknown
        nationCode = text[.nation]
        birthDate = try date(.birthDate)
    }

    /// One data item as text; nil when its bytes are not in the encoding.
    static func decode(_ bytes: [UInt8], _ encoding: FieldEncoding) -> String? {
        var trimmed = bytes[...]
        while let last = trimmed.last, last == 0x00 || last == 0x20 || last == 0xFF { trimmed = trimmed.dropLast() }
        switch encoding {
        case .ascii:
            guard trimmed.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
            return String(decoding: trimmed, as: UTF8.self)
        case .gbk:
            let gb18030 = String.Encoding(rawValue: 0x8000_0632)
            return String(data: Data(trimmed), encoding: gb18030)
        case .bcd:
            var digits = ""
            for byte in bytes {
                let high = byte >> 4, low = byte & 0x0F
                guard high <= 9, low <= 9 else { return nil }
                digits += "\(high)\(low)"
            }
            return digits
        case .hex:
            return HexBytes.string(bytes).replacingOccurrences(of: " ", with: "")
        }
    }
}
