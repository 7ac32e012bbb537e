// SPDX-License-Identifier: Apache-2.0
import Foundation

// POST /v1/proofs and POST /v1/proofs/{id}: 打印证明.

/// The printable proofs the platform holds for an applicant (打印证明).
public struct ProofsRequest: Codable, Sendable, Hashable {
    public var idNumber: String
    public init(idNumber: String) { self.idNumber = idNumber }
}

public struct ProofList: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }
    public var proofs: [Item]
    public init(proofs: [Item]) { self.proofs = proofs }
}

/// One proof document as the platform issues it: printed as it comes, with a verification
/// code anyone can check with the issuer.
public struct ProofDocument: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var issuer: String
    public var lines: [String]
    public var verificationCode: String
    public var issuedAt: String

    public init(id: String, title: String, issuer: String, lines: [String], verificationCode: String, issuedAt: String) {
        self.id = id
        self.title = title
        self.issuer = issuer
        self.lines = lines
        self.verificationCode = verificationCode
        self.issuedAt = issuedAt
    }
}
