// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Crypto
import Foundation
import ZizhuWire

/// `zizhu-central catalogue keygen | public-key | endorse | sign | verify`: the operator's
/// offline tools for signed catalogues. The private key never needs to be on the platform:
/// `serve` is given only the public key (`--catalogue-public-key`), which it hands to kiosks
/// at enrolment.
struct CatalogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue", abstract: "Sign catalogue versions for kiosks (Ed25519, offline).",
        subcommands: [Keygen.self, PublicKey.self, Endorse.self, Sign.self, Verify.self])

    static let purpose = "catalogue-signing"

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new catalogue-signing key (mode 0600; never overwrites); print its public key.")
        @Option(help: "Where to write the private key.") var key: String

        func run() throws { print(SigningKeyFile.publicText(try SigningKeyFile.load(key, create: !FileManager.default.fileExists(atPath: key), purpose: purpose))) }
    }

    struct PublicKey: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a catalogue-signing key's public half (base64) and its fingerprint.")
        @Option(help: "The private key file.") var key: String

        func run() throws {
            let text = SigningKeyFile.publicText(try SigningKeyFile.load(key, create: false, purpose: purpose))
            print("\(text)\nfingerprint \(CatalogueSignature.fingerprint(text))")
        }
    }

    struct Endorse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Key rotation: the old key vouches for a new public key (a JSON file to pass to `sign --endorsement`).")
        @Option(help: "The old (trusted) private key.") var key: String
        @Option(help: "The new public key (base64), as `catalogue public-key` prints it.") var newPublicKey: String
        @Option(help: "Where to write the endorsement.") var out: String

        func run() throws {
            guard let new = CatalogueSignature.publicKey(newPublicKey) else { throw ValidationError("--new-public-key is 32 bytes of base64") }
            let endorsement = try CatalogueSignature.Endorsement.make(new: new, by: SigningKeyFile.load(key, create: false, purpose: purpose))
            try CanonicalJSON.encode(endorsement).write(to: URL(fileURLWithPath: out))
            print("\(CatalogueSignature.fingerprint(endorsement.by)) endorses \(CatalogueSignature.fingerprint(endorsement.key)): \(out)")
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a catalogue folder as version NUMBER: writes FOLDER/.signature.json.",
            discussion: "Each version signed must be higher than any before: kiosks refuse to go back.")
        @Argument(help: "The catalogue folder (the *.yaml files are signed).") var folder: String
        @Option(help: "The private key.") var key: String
        @Option(help: "The version number (版本号), higher than the last.") var number: Int
        @Option(help: "Who signs, as technicians will read it (e.g. 省政务办 张三).") var signer: String
        @Option(help: "Endorsement files from `catalogue endorse`, oldest first (key rotation).") var endorsement: [String] = []

        func run() throws {
            guard number > 0 else { throw ValidationError("--number is a positive version number") }
            guard !signer.isEmpty, signer.count <= 80, !signer.contains(where: { $0.isNewline }) else {
                throw ValidationError("--signer is one line of at most 80 characters")
            }
            let bundle = try CatalogueCommand.bundle(folder)
            let endorsements = try endorsement.map { path -> CatalogueSignature.Endorsement in
                guard let data = FileManager.default.contents(atPath: path),
                      let parsed = try? JSONDecoder().decode(CatalogueSignature.Endorsement.self, from: data) else {
                    throw ValidationError("\(path) is not an endorsement from `catalogue endorse`")
                }
                return parsed
            }
            let signature = try CatalogueSignature.sign(bundle, number: number, signer: signer, at: UTCTime.iso(Date()),
                                                        key: SigningKeyFile.load(key, create: false, purpose: purpose), endorsements: endorsements)
            try CanonicalJSON.encode(signature).write(to: URL(fileURLWithPath: folder).appendingPathComponent(".signature.json"), options: .atomic)
            print("catalogue \(bundle.version.prefix(12)) signed as version \(number) by \(signer) (key \(CatalogueSignature.fingerprint(signature.key)))")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a folder's signature as a kiosk trusting PUBLIC-KEY would; exit 1 when a kiosk would refuse it.")
        @Argument(help: "The catalogue folder.") var folder: String
        @Option(help: "The public key kiosks were given (base64).") var publicKey: String

        func run() throws {
            switch CatalogueTrust.check(try CatalogueCommand.bundle(folder), trusted: publicKey, installed: nil) {
            case .install(let key):
                print("good: a kiosk trusting \(CatalogueSignature.fingerprint(publicKey)) installs it (signing key \(CatalogueSignature.fingerprint(key)))")
            case .current:
                print("good")
            case .refused(let why):
                FileHandle.standardError.write(Data("refused: \(why)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// The folder's `*.yaml` files and its `.signature.json`, as the platform serves them.
    static func bundle(_ folder: String) throws -> CatalogueBundle {
        do {
            return try CatalogueBundle.load(folder: URL(fileURLWithPath: folder))
        } catch {
            throw ValidationError("\(folder): \(error)")
        }
    }
}
