// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Crypto
import Foundation
import ZizhuWire

/// `zizhu-central proof public-key | verify SEAL`: offline checks of printed proofs.
struct ProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proof", abstract: "Printed proofs: the public key, and checking a seal offline.",
                                                    subcommands: [PublicKey.self, Verify.self])

    struct PublicKey: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the proof-signing key's public half (base64), for verifiers.")
        @Option(help: "The proof-signing key file.") var proofKey = "zizhu-central-proof.key"

        func run() throws { print(SigningKeyFile.publicText(try SigningKeyFile.load(proofKey, create: false, purpose: "proof-signing"))) }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a proof's seal (its QR code's text) offline; prints what it certifies, exit 1 when not genuine.")
        @Argument(help: "The seal: ZP1.….….") var seal: String
        @Option(help: "The platform's public key (base64), as `proof public-key` prints it.") var publicKey: String?
        @Option(help: "Or the proof-signing key file itself.") var proofKey = "zizhu-central-proof.key"

        func run() throws {
            let key: Curve25519.Signing.PublicKey
            if let publicKey {
                guard let raw = Data(base64Encoded: publicKey), let parsed = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                    throw ValidationError("--public-key is 32 bytes of base64")
                }
                key = parsed
            } else {
                key = try SigningKeyFile.load(proofKey, create: false, purpose: "proof-signing").publicKey
            }
            guard let certified = ProofSeal.open(seal, publicKey: key) else {
                print("NOT GENUINE: this seal was not made with this platform's key, or it was changed")
                throw ExitCode(1)
            }
            print("genuine \(ProofSeal.shortCode(seal))\n\(certified.title)\n\(certified.issuer)\n\(certified.holder)\n\(certified.issuedAt)")
            for line in certified.lines { print("  \(line)") }
        }
    }
}
