// SPDX-License-Identifier: Apache-2.0
import Foundation

/// 技术人员 PIN: digits typed on the keypad, stored only as a salted PBKDF2-SHA256 hash in
/// kiosk.yaml (`technician.pin_hash`, made by `zizhu technician pin-hash`).
public enum TechnicianPIN {
    public static let minimumLength = 6
    public static let maximumLength = 12
    /// OWASP's floor for PBKDF2-SHA256.
    public static let minimumRounds = 210_000

    /// `pbkdf2-sha256$<rounds>$<salt, base64>$<hash, base64>`.
    public struct Stored: Sendable, Hashable {
        public var rounds: Int
        public var salt: [UInt8]
        public var hash: [UInt8]

        public init(rounds: Int, salt: [UInt8], hash: [UInt8]) {
            self.rounds = rounds
            self.salt = salt
            self.hash = hash
        }

        /// Nil when the text is not in the stored form (or too weak to accept).
        public init?(parsing text: String) {
            let parts = text.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= TechnicianPIN.minimumRounds,
                  let salt = Data(base64Encoded: String(parts[2])), salt.count >= 16,
                  let hash = Data(base64Encoded: String(parts[3])), hash.count == 32 else { return nil }
            self.init(rounds: rounds, salt: Array(salt), hash: Array(hash))
        }

        public var text: String {
            "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
        }
    }

    /// Whether a typed PIN has the allowed form: 6–12 digits.
    public static func isWellFormed(_ pin: String) -> Bool {
        (minimumLength...maximumLength).contains(pin.count) && pin.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
