// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Crypto
import Foundation

/// An Ed25519 private key in a file: one line of base64, mode 0600. The platform's
/// proof-signing key (made the first time `serve` needs it) and the operator's catalogue
/// keys (made by `catalogue keygen`, kept offline) are both kept this way.
enum SigningKeyFile {
    static func load(_ path: String, create: Bool, purpose: String) throws -> Curve25519.Signing.PrivateKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw ValidationError("\(path) is not a \(purpose) key (one line of base64)")
            }
            return key
        }
        guard create else { throw ValidationError("no \(purpose) key at \(path)") }
        let key = Curve25519.Signing.PrivateKey()
        let text = Data((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        // O_EXCL through createFile's atomic write is not enough: never replace a key.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ValidationError("cannot create the \(purpose) key \(path) (errno \(errno))") }
        defer { close(descriptor) }
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else { throw ValidationError("cannot write the \(purpose) key to \(path)") }
        return key
    }

    static func publicText(_ key: Curve25519.Signing.PrivateKey) -> String { key.publicKey.rawRepresentation.base64EncodedString() }
}
