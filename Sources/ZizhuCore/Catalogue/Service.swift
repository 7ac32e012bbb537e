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

/// One item of the service catalogue (政务服务事项), as an operator describes it in
/// `Kiosk/catalogue/<id>.yaml`.
public struct Service: Sendable, Hashable, Identifiable {
    public var id: String
    /// Short number code a citizen can type on the keypad to find the service.
    public var code: String
    public var name: LocalizedText
    public var theme: ServiceTheme
    public var departmentID: String
    /// Shown among 热门事项 (frequently used services).
    public var hot: Bool
    public var summary: LocalizedText
    /// 受理条件: who may apply.
    public var conditions: [LocalizedText]
    /// 申请材料: what to bring or provide.
    public var materials: [LocalizedText]
    public var timeLimit: TimeLimit
    public var fee: LocalizedText
    public var identity: IdentityRequirement
    /// Where the service was defined, for error messages.
    public var location: SourceLocation

    public init(id: String, code: String, name: LocalizedText, theme: ServiceTheme, departmentID: String,
                hot: Bool, summary: LocalizedText, conditions: [LocalizedText], materials: [LocalizedText],
                timeLimit: TimeLimit, fee: LocalizedText, identity: IdentityRequirement,
                location: SourceLocation) {
        self.id = id
        self.code = code
        self.name = name
        self.theme = theme
        self.departmentID = departmentID
        self.hot = hot
        self.summary = summary
        self.conditions = conditions
        self.materials = materials
        self.timeLimit = timeLimit
        self.fee = fee
        self.identity = identity
        self.location = location
    }
}

/// The YAML shape of a service file; turned into a `Service` after checking.
struct ServiceFile: Decodable {
    var id: String
    var code: String
    var name: LocalizedText
    var theme: ServiceTheme
    var department: String
    var hot: Bool?
    var summary: LocalizedText
    var conditions: [LocalizedText]
    var materials: [LocalizedText]
    var timeLimit: TimeLimit
    var fee: LocalizedText
    var identity: IdentityRequirement

    enum CodingKeys: String, CodingKey {
        case id, code, name, theme, department, hot, summary, conditions, materials
        case timeLimit = "time_limit"
        case fee, identity
    }
}

struct DepartmentsFile: Decodable {
    var departments: [Department]
}
