// SPDX-License-Identifier: Apache-2.0
import Crypto
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
    /// The short code printed and shown (`ProofSeal.shortCode` of the seal).
    public var verificationCode: String
    public var issuedAt: String
    /// The platform's signed seal (`ProofSeal`), printed as the proof's QR code.
    public var seal: String?

    public init(id: String, title: String, issuer: String, lines: [String], verificationCode: String, issuedAt: String, seal: String? = nil) {
        self.id = id
        self.title = title
        self.issuer = issuer
        self.lines = lines
        self.verificationCode = verificationCode
        self.issuedAt = issuedAt
        self.seal = seal
    }
}

/// What a printed proof certifies, signed by the platform's proof key (Ed25519): exactly
/// what the paper shows of the person (the masked ID number), never more.
public struct CertifiedProof: Codable, Sendable, Hashable {
    public var proof: String
    public var title: String
    public var issuer: String
    public var lines: [String]
    /// The holder's ID number as the paper prints it (`4401**********0019`).
    public var holder: String
    public var issuedAt: String

    public init(proof: String, title: String, issuer: String, lines: [String], holder: String, issuedAt: String) {
        self.proof = proof
        self.title = title
        self.issuer = issuer
        self.lines = lines
        self.holder = holder
        self.issuedAt = issuedAt
    }
}

/// A proof's seal: `ZP1.<content>.<signature>` (base64url of the certified content's
/// canonical JSON, and of its Ed25519 signature). It goes in the proof's QR code and can be
/// checked offline with the platform's public key; the short verification code printed
/// beside it is derived from it.
///
/// ```swift
/// let seal = try ProofSeal.seal(content, with: key)
/// ProofSeal.open(seal, publicKey: key.publicKey)   // the content, or nil when forged
/// ```
public enum ProofSeal {
    public static let prefix = "ZP1."

    public static func seal(_ content: CertifiedProof, with key: Curve25519.Signing.PrivateKey) throws -> String {
        let body = try CanonicalJSON.encode(content)
        let signature = try key.signature(for: body)
        return prefix + Base64URL.encode(body) + "." + Base64URL.encode(signature)
    }

    /// The certified content when the seal is the platform's; nil when it is not (forged,
    /// changed, or another key's).
    public static func open(_ seal: String, publicKey: Curve25519.Signing.PublicKey) -> CertifiedProof? {
        guard seal.hasPrefix(prefix), seal.count < 8192 else { return nil }
        let parts = seal.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let body = Base64URL.decode(String(parts[0])), let signature = Base64URL.decode(String(parts[1])),
              publicKey.isValidSignature(signature, for: body) else { return nil }
        return try? JSONDecoder().decode(CertifiedProof.self, from: body)
    }

    /// The short code printed and shown beside the QR: `XXXX-XXXX-XXXX-XXXX` from the seal.
    public static func shortCode(_ seal: String) -> String {
        let hex = Data(seal.utf8).sha256Hex.uppercased()
        return stride(from: 0, to: 16, by: 4).map { String(hex.dropFirst($0).prefix(4)) }.joined(separator: "-")
    }

}
