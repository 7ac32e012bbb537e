// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/enrol: a kiosk spends a one-time token for its secret.

public struct EnrolmentRequest: Codable, Sendable {
    public var token: String
    public var kioskID: String
    public var siteName: String
    public init(token: String, kioskID: String, siteName: String) {
        self.token = token
        self.kioskID = kioskID
        self.siteName = siteName
    }
}

public struct EnrolmentResponse: Codable, Sendable {
    public var kioskID: String
    /// Base64 of the 256-bit HMAC secret, shown once.
    public var secret: String
    /// The operator's catalogue-signing public key (base64): the only key whose catalogues
    /// (or whose endorsed successors' catalogues) this kiosk will install. Nil: none.
    public var catalogueKey: String?
    public init(kioskID: String, secret: String, catalogueKey: String? = nil) {
        self.kioskID = kioskID
        self.secret = secret
        self.catalogueKey = catalogueKey
    }
}
