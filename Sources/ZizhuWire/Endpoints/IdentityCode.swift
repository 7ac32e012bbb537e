// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/identity/code: an e-ID code (电子身份证 / 粤省事码 QR) scanned at the kiosk.

public struct IdentityCodeRequest: Codable, Sendable, Hashable {
    /// The code as the scanner read it (printable ASCII, at most `maximumLength`).
    public var code: String
    public init(code: String) { self.code = code }
    public static let maximumLength = 512
}

/// Whose the code is, when it is valid. The number travels only in this signed answer, as
/// the records lookup's does.
public struct IdentityCodeAnswer: Codable, Sendable, Hashable {
    /// verified | expired | unknown
    public var status: String
    public var idNumber: String?
    public var name: String?
    /// male | female
    public var gender: String?
    /// `1988-06-15`
    public var birthDate: String?

    public init(status: String, idNumber: String? = nil, name: String? = nil, gender: String? = nil, birthDate: String? = nil) {
        self.status = status
        self.idNumber = idNumber
        self.name = name
        self.gender = gender
        self.birthDate = birthDate
    }
}
