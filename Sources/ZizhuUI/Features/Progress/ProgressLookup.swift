// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 查询进度: where an answer came from.
public enum ProgressSource: Sendable, Hashable {
    /// The platform answered (authoritative).
    case platform
    /// The platform could not be asked: this kiosk's own record of the case.
    case kiosk(uploaded: Bool)
}

/// One case's progress as the lookup screen shows it.
public struct CaseProgress: Sendable, Hashable {
    public var acceptanceNumber: String
    public var serviceID: String
    /// approved | manual_review | refused
    public var progress: String
    public var reason: String?
    public var updatedAt: String?
    public var source: ProgressSource
    /// 证照寄递: the courier and tracking number of a mailed result (`中国邮政EMS 1180123456789`).
    public var courier: LocalizedText?

    public init(acceptanceNumber: String, serviceID: String, progress: String, reason: String? = nil, updatedAt: String? = nil,
                source: ProgressSource, courier: LocalizedText? = nil) {
        self.courier = courier
        self.acceptanceNumber = acceptanceNumber
        self.serviceID = serviceID
        self.progress = progress
        self.reason = reason
        self.updatedAt = updatedAt
        self.source = source
    }
}

public enum ProgressLookup: Sendable, Hashable {
    case looking
    case found(CaseProgress)
    /// 查询进度 by ID card: the applicant's cases, newest first.
    case cases([CaseProgress])
    /// Neither the platform nor this kiosk knows the number.
    case notFound
    /// The platform cannot be asked and this kiosk has no record of it.
    case unavailable
}

/// The 受理编号 as typed on the progress screen: `ZZ` is printed already; the citizen types
/// the 8 date digits and 12 characters (0-9, A-F).
public enum AcceptanceNumberEntry {
    public static let length = 20

    public static func canAppend(_ character: Character, to typed: String) -> Bool {
        guard typed.count < length else { return false }
        if typed.count < 8 { return character.isASCII && character.isNumber }
        return "0123456789ABCDEF".contains(character)
    }

    /// `ZZ20261122-7F3A-91C2-4B0D` from what was typed (nil until complete).
    public static func number(_ typed: String) -> String? {
        guard typed.count == length else { return nil }
        return "ZZ" + formatted(typed)
    }

    /// What was typed so far, with the dashes where the receipt has them.
    public static func formatted(_ typed: String) -> String {
        var text = ""
        for (index, character) in typed.enumerated() {
            if index == 8 || index == 12 || index == 16 { text.append("-") }
            text.append(character)
        }
        return text
    }
}
