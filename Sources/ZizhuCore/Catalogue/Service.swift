// SPDX-License-Identifier: Apache-2.0
/// Who a service is for: the 个人/企业 split every Chinese service catalogue starts with.
public enum ServiceTheme: String, Sendable, Hashable, Codable, CaseIterable {
    case personal
    case business
}

/// How an applicant must identify for a service.
public enum IdentityRequirement: String, Sendable, Hashable, Codable {
    /// The second-generation ID card must be read by the kiosk's reader.
    case idCard = "id_card"
    /// The ID card, or an ID number typed in (for services that allow it).
    case idCardOrManual = "id_card_or_manual"
    /// The ID card, or the 社保卡 (social-insurance services, on kiosks with a PC/SC reader).
    case idCardOrSocialSecurityCard = "id_card_or_sscard"
}

/// Time limits a service is bound by, in working days; 0 means 即办 (done on the spot).
public struct TimeLimit: Sendable, Hashable, Codable {
    /// 法定办结时限: the limit the law sets.
    public var legalDays: Int
    /// 承诺办结时限: the (shorter) limit the department promises.
    public var promisedDays: Int

    public init(legalDays: Int, promisedDays: Int) {
        self.legalDays = legalDays
        self.promisedDays = promisedDays
    }

    enum CodingKeys: String, CodingKey {
        case legalDays = "legal_days"
        case promisedDays = "promised_days"
    }
}

/// A government department that owns services (the catalogue's 部门 view).
public struct Department: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var name: LocalizedText

    public init(id: String, name: LocalizedText) {
        self.id = id
        self.name = name
    }
}

/// What a service produces besides its decision.
public struct ServiceOutputs: Sendable, Hashable {
    /// The receipt template (`Assets/receipts/<name>.yaml`).
    public var receipt: String
    /// A proof document the platform prepares (for 打印证明 services), if any.
    public var proof: String?

    public init(receipt: String = "acceptance", proof: String? = nil) {
        self.receipt = receipt
        self.proof = proof
    }
}

/// One item of the service catalogue (政务服务事项), or a 一件事 bundle of several, as an
/// operator describes it in `Kiosk/catalogue/<id>.yaml`.
public struct Service: Sendable, Hashable, Identifiable {
    public var id: String
    /// Short number code a citizen can type on the keypad to find the service.
    public var code: String
    public var name: LocalizedText
    /// 简称: the few characters elder mode draws big at the top of the service's own screens
    /// (居住证 for 居住证申领); nil where the name itself is short enough.
    public var shortName: LocalizedText?
    /// How wide a short name may be (columns of text): six Hanzi, drawn big, fill a 100-column screen.
    public static let shortNameWidth = 12

    /// What elder mode draws big for this service: its short name, or its name.
    public var bigName: LocalizedText { shortName ?? name }
    public var theme: ServiceTheme
    public var departmentID: String
    /// Shown among 热门事项 (frequently used services).
    public var hot: Bool
    public var summary: LocalizedText
    /// 受理条件 in words, for the guide.
    public var conditions: [LocalizedText]
    public var timeLimit: TimeLimit
    public var fee: LocalizedText
    public var identity: IdentityRequirement
    /// The form: for a bundle, the shared fields of all its parts, each asked once.
    public var fields: [Field]
    /// 申请材料 (for a bundle, all its parts' materials, each asked once).
    public var materialSpecs: [Material]
    /// 秒批 rules (a bundle has none of its own: each part is decided by its own).
    public var rules: [Rule]
    public var approval: Approval
    public var outputs: ServiceOutputs
    /// 证照寄递: how the result reaches the citizen (nil: nothing is handed over, or a proof
    /// printed on the spot).
    public var delivery: ResultDelivery?
    /// For 一件事 bundles: the services it fans out into, one sub-application each.
    public var parts: [String]
    /// The facts its rules may use (checked at load time).
    public var schema: FactSchema
    /// Where the service was defined, for error messages.
    public var location: SourceLocation

    public init(id: String, code: String, name: LocalizedText, theme: ServiceTheme, departmentID: String,
                hot: Bool, summary: LocalizedText, conditions: [LocalizedText], timeLimit: TimeLimit,
                fee: LocalizedText, identity: IdentityRequirement, fields: [Field] = [], materials: [Material] = [],
                rules: [Rule] = [], approval: Approval = .review, outputs: ServiceOutputs = ServiceOutputs(),
                parts: [String] = [], schema: FactSchema = FactSchema(), location: SourceLocation) {
        self.id = id
        self.code = code
        self.name = name
        self.theme = theme
        self.departmentID = departmentID
        self.hot = hot
        self.summary = summary
        self.conditions = conditions
        self.timeLimit = timeLimit
        self.fee = fee
        self.identity = identity
        self.fields = fields
        self.materialSpecs = materials
        self.rules = rules
        self.approval = approval
        self.outputs = outputs
        self.parts = parts
        self.schema = schema
        self.location = location
    }

    /// The material names, for the guide.
    public var materials: [LocalizedText] { materialSpecs.map(\.name) }

    public var isBundle: Bool { !parts.isEmpty }

    public func field(id: String) -> Field? { fields.first { $0.id == id } }
}

struct DepartmentsFile: Decodable {
    var departments: [Department]
}
