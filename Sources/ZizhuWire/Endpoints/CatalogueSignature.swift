// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

/// An operator's signature over one catalogue version (Ed25519), made offline with
/// `zizhu-central catalogue sign` and kept beside the files as `.signature.json`.
///
/// The kiosk installs a catalogue only when its signature is good, by a key it trusts (the
/// one it was given at enrolment, or one that key endorsed), over exactly these files, with
/// a version number above the one it runs:
///
/// ```swift
/// let signature = try CatalogueSignature.sign(bundle, number: 7, signer: "省政务办 张三", key: key)
/// let verdict = CatalogueTrust.check(bundle.signed(signature), trusted: enrolment.catalogueKey, installed: 6)
/// ```
public struct CatalogueSignature: Codable, Sendable, Hashable {
    /// What the operator vouches for.
    public struct Statement: Codable, Sendable, Hashable {
        public var format: String
        /// The catalogue's version number (版本号): each signed version is higher than the last.
        public var number: Int
        /// `CatalogueBundle.version` of the files signed: a single changed byte breaks it.
        public var digest: String
        public var signer: String
        public var signedAt: String
    }

    /// An old key vouching for its successor (key rotation): the old key signs the new
    /// public key, so a kiosk that trusts the old one learns the new one from the catalogue.
    public struct Endorsement: Codable, Sendable, Hashable {
        /// The new public key (base64 of its 32 raw bytes).
        public var key: String
        /// The endorsing (old) public key.
        public var by: String
        /// base64url Ed25519 signature by `by` over `Endorsement.message(key)`.
        public var signature: String

        public static func message(_ key: String) -> Data { Data("zizhu-catalogue-key-1\n\(key)".utf8) }

        public static func make(new: Curve25519.Signing.PublicKey, by old: Curve25519.Signing.PrivateKey) throws -> Endorsement {
            let key = new.rawRepresentation.base64EncodedString()
            return Endorsement(key: key, by: old.publicKey.rawRepresentation.base64EncodedString(),
                               signature: Base64URL.encode(try old.signature(for: message(key))))
        }

        func isValid() -> Bool {
            guard let signer = CatalogueSignature.publicKey(by), let raw = Base64URL.decode(signature) else { return false }
            return signer.isValidSignature(raw, for: Self.message(key))
        }
    }

    public static let format = "zizhu-catalogue-1"

    public var statement: Statement
    /// The signing public key (base64 of its 32 raw bytes).
    public var key: String
    /// base64url Ed25519 signature over the canonical JSON of `statement`.
    public var signature: String
    /// The chain from a key the kiosk may trust to `key`, oldest first (empty: no rotation).
    public var endorsements: [Endorsement]

    public static func sign(_ bundle: CatalogueBundle, number: Int, signer: String, at time: String,
                            key: Curve25519.Signing.PrivateKey, endorsements: [Endorsement] = []) throws -> CatalogueSignature {
        let statement = Statement(format: format, number: number, digest: bundle.version, signer: signer, signedAt: time)
        return CatalogueSignature(statement: statement, key: key.publicKey.rawRepresentation.base64EncodedString(),
                                  signature: Base64URL.encode(try key.signature(for: CanonicalJSON.encode(statement))),
                                  endorsements: endorsements)
    }

    public static func publicKey(_ base64: String) -> Curve25519.Signing.PublicKey? {
        Data(base64Encoded: base64).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// A short, readable fingerprint of a public key for screens and logs (`3F2A-91C0-…`).
    public static func fingerprint(_ base64: String) -> String {
        let hex = Data(base64.utf8).sha256Hex.uppercased()
        return stride(from: 0, to: 16, by: 4).map { String(hex.dropFirst($0).prefix(4)) }.joined(separator: "-")
    }
}

/// The kiosk's verdict on a catalogue the platform offers.
public enum CatalogueTrust {
    public enum Verdict: Sendable, Hashable {
        /// Install it; `trustedKey` is the key to trust from now on (changed by a rotation).
        case install(trustedKey: String)
        /// The same version the kiosk runs.
        case current
        /// Refused, and why (in the technician's words).
        case refused(String)
    }

    public static func check(_ bundle: CatalogueBundle, trusted: String?, installed: CatalogueSignature.Statement?) -> Verdict {
        guard let trusted else { return .refused("this kiosk was given no catalogue key at enrolment: it installs no catalogue from the network") }
        guard let signed = bundle.signature else { return .refused("unsigned catalogue") }
        let statement = signed.statement
        guard statement.format == CatalogueSignature.format else { return .refused("unknown signature format '\(statement.format)'") }
        guard statement.digest == CatalogueBundle(files: bundle.files).version else {
            return .refused("the signature does not cover these files (changed after signing)")
        }
        // Walk the endorsements from the key this kiosk trusts to the signing key.
        var current = trusted
        for endorsement in signed.endorsements where endorsement.by == current && endorsement.key != current {
            guard endorsement.isValid() else { return .refused("a key endorsement's signature is not valid") }
            current = endorsement.key
        }
        guard signed.key == current else {
            return .refused("signed by a key this kiosk does not trust (\(CatalogueSignature.fingerprint(signed.key)); "
                            + "trusted: \(CatalogueSignature.fingerprint(trusted)))")
        }
        guard let publicKey = CatalogueSignature.publicKey(signed.key), let raw = Base64URL.decode(signed.signature),
              let message = try? CanonicalJSON.encode(statement), publicKey.isValidSignature(raw, for: message) else {
            return .refused("the catalogue's signature is not valid")
        }
        if let installed {
            if statement.number < installed.number {
                return .refused("downgrade refused: version \(statement.number) is older than the installed \(installed.number)")
            }
            if statement.number == installed.number {
                return statement.digest == installed.digest
                    ? .current : .refused("version \(statement.number) is already installed with other content")
            }
        }
        return .install(trustedKey: signed.key)
    }
}
