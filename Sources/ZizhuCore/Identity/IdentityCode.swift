// SPDX-License-Identifier: Apache-2.0
/// An e-ID code (电子身份证 / 粤省事码 QR) as the platform knows it: whose it is and until
/// when it may be used. The kiosk never decides a code itself: it asks the platform
/// (`POST /v1/identity/code`); the demo kiosk asks its own copy of the demo file.
public struct IdentityCodeHolder: Sendable, Hashable {
    public var idNumber: IDNumber
    public var name: String
    public var gender: Gender
    public var birthDate: CalendarDate?
    public var validUntil: CalendarDate

    public init(idNumber: IDNumber, name: String, gender: Gender, birthDate: CalendarDate?, validUntil: CalendarDate) {
        self.idNumber = idNumber
        self.name = name
        self.gender = gender
        self.birthDate = birthDate
        self.validUntil = validUntil
    }

    /// The person as the screens take them: identified by a verified code, no address, no
    /// card validity.
    public var identity: IdentityCard {
        IdentityCard(kind: .resident, name: name, gender: gender, birthDate: birthDate ?? idNumber.birthDate, idNumber: idNumber,
                     source: .identityCode)
    }
}

/// What verifying a code says.
public enum IdentityCodeCheck: Sendable, Hashable, CustomStringConvertible {
    case verified(IdentityCodeHolder)
    /// Known but no longer valid (the app shows a new one every minute).
    case expired
    /// Not a code the platform issued.
    case unknown
    /// The platform could not be asked (offline, refused): nothing can be said about it.
    case unavailable

    /// Safe for logs: the holder's number masked, no name.
    public var description: String {
        switch self {
        case .verified(let holder): return "verified \(holder.idNumber.masked)"
        case .expired: return "expired"
        case .unknown: return "unknown"
        case .unavailable: return "unavailable"
        }
    }

    /// What the citizen is told when the code does not identify them.
    public var failure: CardReadFailure? {
        switch self {
        case .verified: return nil
        case .expired:
            return .identityCode(LocalizedText(zh: "此电子身份码已过期，请在手机上刷新后重新扫码，或使用身份证",
                                               en: "This e-ID code has expired. Refresh it on your phone and scan again, or use your ID card"))
        case .unknown:
            return .identityCode(LocalizedText(zh: "无法识别此二维码，请出示电子身份证或粤省事身份码，或使用身份证",
                                               en: "This QR code is not an e-ID code. Show your e-ID or 粤省事 code, or use your ID card"))
        case .unavailable:
            return .identityCode(LocalizedText(zh: "政务平台暂时无法连接，电子身份码现在无法核验，请使用身份证",
                                               en: "The platform cannot be reached, so e-ID codes cannot be checked now. Please use your ID card"))
        }
    }
}

/// The demo platform's e-ID codes (`Devices/simulator/demo-identity-codes.yaml`).
public enum DemoIdentityCodes {
    public static func parse(_ text: String, file: String) throws(FileProblems) -> [String: IdentityCodeHolder] {
        Dictionary(try listed(text, file: file), uniquingKeysWith: { first, _ in first })
    }

    /// The file's codes in the order it lists them (the simulator's `demo N`).
    public static func orderedCodes(_ text: String, file: String) throws(FileProblems) -> [String] {
        try listed(text, file: file).map(\.0)
    }

    static func listed(_ text: String, file: String) throws(FileProblems) -> [(String, IdentityCodeHolder)] {
        var (root, reader) = try NodeReader.open(text, file: file)
        var codes: [(String, IdentityCodeHolder)] = []
        let top = reader.mapping(root, what: "the demo e-ID codes", allowed: ["codes"], required: ["codes"])
        for item in reader.sequence(top?["codes"], what: "codes") {
            guard let entries = reader.mapping(item, what: "a code", allowed: ["code", "id_number", "name", "gender", "birth_date", "valid_until"],
                                               required: ["code", "id_number", "name", "gender", "valid_until"]),
                  let code = reader.string(entries["code"], what: "code"),
                  let number = reader.string(entries["id_number"], what: "id_number"),
                  let name = reader.string(entries["name"], what: "name"),
                  let gender = reader.keyword(entries["gender"], what: "gender", ["male": Gender.male, "female": .female]),
                  let until = reader.date(entries["valid_until"], what: "valid_until") else { continue }
            guard let idNumber = try? IDNumber(validating: number) else {
                reader.problem(entries["id_number"], "'\(IDNumber.mask(number))' is not a valid ID number")
                continue
            }
            if codes.contains(where: { $0.0 == code }) { reader.problem(entries["code"], "code listed twice") }
            codes.append((code, IdentityCodeHolder(idNumber: idNumber, name: name, gender: gender,
                                                   birthDate: entries["birth_date"].flatMap { reader.date($0, what: "birth_date") },
                                                   validUntil: until)))
        }
        if !reader.problems.isEmpty { throw FileProblems(reader.problems) }
        return codes
    }

    /// What the demo platform answers for a code on `today`.
    public static func check(_ code: String, in codes: [String: IdentityCodeHolder], today: CalendarDate) -> IdentityCodeCheck {
        guard let holder = codes[code] else { return .unknown }
        return holder.validUntil < today ? .expired : .verified(holder)
    }
}
