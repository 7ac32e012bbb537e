// SPDX-License-Identifier: Apache-2.0
import Foundation

// GET /v1/progress/{number} and POST /v1/progress: 查询进度.

/// 查询进度 by ID card (`POST /v1/progress` with `ProofsRequest`'s {idNumber}): the
/// applicant's cases, newest first.
public struct ProgressList: Codable, Sendable, Hashable {
    public var cases: [ProgressAnswer]
    public init(cases: [ProgressAnswer]) { self.cases = cases }
}

/// A case's progress as the platform answers `GET /v1/progress/{number}`.
public struct ProgressAnswer: Codable, Sendable, Hashable {
    public var acceptanceNumber: String
    /// approved | manual_review | refused
    public var progress: String
    public var serviceID: String?
    /// The reviewer's reason, when a person decided.
    public var reason: String?
    public var updatedAt: String?
    /// 证照寄递: the courier carrying a mailed result, once staff have sent it.
    public var courier: CourierDispatch?

    public init(acceptanceNumber: String, progress: String, serviceID: String? = nil, reason: String? = nil, updatedAt: String? = nil,
                courier: CourierDispatch? = nil) {
        self.courier = courier
        self.acceptanceNumber = acceptanceNumber
        self.progress = progress
        self.serviceID = serviceID
        self.reason = reason
        self.updatedAt = updatedAt
    }
}

/// A mailed result handed to a courier: which one, its tracking number (快递单号), when.
public struct CourierDispatch: Codable, Sendable, Hashable {
    /// A `CourierCompany` raw value.
    public var company: String
    public var number: String
    public var sentAt: String?

    public init(company: String, number: String, sentAt: String? = nil) {
        self.company = company
        self.number = number
        self.sentAt = sentAt
    }

    /// `ems:1180123456789`, as the database keeps it.
    public var stored: String { company + ":" + number }

    public init?(stored: String?, sentAt: String? = nil) {
        guard let stored, let colon = stored.firstIndex(of: ":") else { return nil }
        self.init(company: String(stored[..<colon]), number: String(stored[stored.index(after: colon)...]), sentAt: sentAt)
    }

    /// Whether a tracking number as staff typed it can be one: 8 to 30 of A–Z and 0–9.
    public static func isPlausible(number: String) -> Bool {
        (8...30).contains(number.count) && number.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
    }
}

/// The couriers government results go by (EMS carries most 证照; the others by contract).
public enum CourierCompany: String, CaseIterable, Sendable {
    case ems, sf, jd, chinaPost = "china_post"

    public var chinese: String {
        switch self {
        case .ems: return "中国邮政EMS"
        case .sf: return "顺丰速运"
        case .jd: return "京东物流"
        case .chinaPost: return "中国邮政"
        }
    }

    public var english: String {
        switch self {
        case .ems: return "China Post EMS"
        case .sf: return "SF Express"
        case .jd: return "JD Logistics"
        case .chinaPost: return "China Post"
        }
    }
}
