// SPDX-License-Identifier: Apache-2.0
import Yams
/// 证照寄递: how a service's result (a licence, a pass, a card) reaches the citizen — 自取 at
/// a named place, or 邮寄 to an address typed at the kiosk. A service file says it with
///
/// ```yaml
/// delivery:
///   pickup: {zh: 区出入境接待大厅 3 号窗口, en: District exit-entry hall, counter 3}
///   mail: true                 # offer 邮寄 (default true)
///   address_from_card: true    # prefill the address from the ID card (default true)
/// ```
///
/// The choice is asked as three fields the loader adds after the service's own (so the
/// form, the keyboards, 核对信息 and 修改 work for it as for any field): the method, and —
/// only when 邮寄 is chosen — the address (pinyin keyboard) and a phone (keypad). The values
/// travel with the application under these ids.
public struct ResultDelivery: Sendable, Hashable {
    /// Where the result is collected in person.
    public var pickup: LocalizedText
    /// Whether 邮寄 is offered.
    public var mail: Bool
    /// Whether the address starts as the ID card's (the citizen may change it).
    public var addressFromCard: Bool

    public init(pickup: LocalizedText, mail: Bool = true, addressFromCard: Bool = true) {
        self.pickup = pickup
        self.mail = mail
        self.addressFromCard = addressFromCard
    }

    public static let methodField = "delivery_method"
    public static let addressField = "delivery_address"
    public static let phoneField = "delivery_phone"
    public static let fieldIDs: Set<String> = [methodField, addressField, phoneField]
    /// The most characters of a mailing address (a Chinese address with building and room
    /// fits in 60).
    public static let addressLength = 60

    /// The fields the form asks (none when only 自取 is offered: there is nothing to choose).
    func fields(location: SourceLocation) -> [Field] {
        guard mail, let onlyWhenMailed = try? ConditionParser(schema: FactSchema(types: [
            "field.\(Self.methodField)": .choice(["pickup", "mail"]),
        ])).parse("field.\(Self.methodField) == mail") else { return [] }
        let method = Field(
            id: Self.methodField, label: LocalizedText(zh: "领取方式", en: "How to receive the result"), type: .choice,
            options: [FieldOption(id: "pickup", label: LocalizedText(zh: "自取", en: "Collect in person")),
                      FieldOption(id: "mail", label: LocalizedText(zh: "邮寄（到付）", en: "By post (paid on delivery)"))],
            hint: LocalizedText(zh: "自取地点：\(pickup.zh)", en: "Collect at: \(pickup.en)"), location: location)
        var address = Field(id: Self.addressField, label: LocalizedText(zh: "收件地址", en: "Mailing address"), type: .text,
                            prefill: addressFromCard ? .card("address") : nil, maxLength: Self.addressLength,
                            hint: LocalizedText(zh: "写明省、市、区县、街道和门牌号", en: "Province, city, district, street and number"),
                            location: location)
        address.onlyIf = onlyWhenMailed
        var phone = Field(id: Self.phoneField, label: LocalizedText(zh: "收件人电话", en: "Recipient's phone"), type: .phone,
                          hint: LocalizedText(zh: "快递员联系您用", en: "For the courier to reach you"), location: location)
        phone.onlyIf = onlyWhenMailed
        return [method, address, phone]
    }

    /// What the citizen chose, from an application's values (自取 when nothing was chosen, or
    /// when 邮寄 is not offered).
    public func choice(_ values: [String: String]) -> DeliveryChoice {
        guard mail, values[Self.methodField] == "mail" else { return .pickup(pickup) }
        return .mail(address: values[Self.addressField] ?? "", phone: values[Self.phoneField] ?? "")
    }
}

/// One application's 领取方式.
public enum DeliveryChoice: Sendable, Hashable {
    case pickup(LocalizedText)
    case mail(address: String, phone: String)

    /// One line for the receipt and the screens: the address shortened to its first part and
    /// the phone masked (a receipt left on the kiosk must not give a stranger either).
    public var line: LocalizedText {
        switch self {
        case .pickup(let place):
            return LocalizedText(zh: "自取：\(place.zh)", en: "Collect at: \(place.en)")
        case .mail(let address, let phone):
            let shown = Self.maskedAddress(address), masked = Self.maskedPhone(phone)
            return LocalizedText(zh: "邮寄：\(shown)，电话 \(masked)", en: "By post: \(shown), phone \(masked)")
        }
    }

    /// `广东省广州市天河区****`: the first part of the address (at most 9 characters, at
    /// most half of it), the rest starred.
    public static func maskedAddress(_ address: String) -> String {
        let kept = min(9, address.count / 2)
        return String(address.prefix(kept)) + "****"
    }

    /// `138****5678`: the first three and the last four digits.
    public static func maskedPhone(_ phone: String) -> String {
        guard phone.count >= 8 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + String(repeating: "*", count: phone.count - 7) + String(phone.suffix(4))
    }
}

extension ServiceLoader {
    /// `delivery: {pickup: {zh, en}, mail: bool, address_from_card: bool}` (证照寄递).
    mutating func parseDelivery(_ node: Node) -> ResultDelivery? {
        guard let entries = reader.mapping(node, what: "delivery", allowed: ["pickup", "mail", "address_from_card"], required: ["pickup"]),
              let pickup = reader.localized(entries["pickup"], what: "pickup place") else { return nil }
        let mail = entries["mail"].flatMap { reader.bool($0, what: "mail") } ?? true
        let fromCard = entries["address_from_card"].flatMap { reader.bool($0, what: "address_from_card") } ?? true
        if !mail && entries["address_from_card"] != nil {
            reader.problem(entries["address_from_card"], "address_from_card is for 邮寄; this service offers only 自取 (mail: false)")
        }
        return ResultDelivery(pickup: pickup, mail: mail, addressFromCard: fromCard)
    }
}
