// SPDX-License-Identifier: Apache-2.0
import Crypto
import CryptoExtras
import Foundation
import ZizhuWire

/// The staff side's rules, written once for every store: how passwords are hashed and
/// checked, how wrong passwords lock an account or an address, how sessions are made and
/// when they expire.
///
/// ```swift
/// let hash = try StaffRules.hashPassword("correct horse battery")
/// StaffRules.verify("correct horse battery", against: hash)   // true
/// ```
public enum StaffRules {
    // MARK: Passwords

    /// scrypt (memory-hard; BoringSSL's, through swift-crypto) with N = 2^15, r = 8, p = 1:
    /// 32 MiB and tens of milliseconds per guess. Stored as `scrypt$N$r$p$salt$hash`, so
    /// stronger parameters later still verify the hashes made now.
    public struct ScryptParameters: Sendable, Hashable {
        public var rounds = 1 << 15
        public var blockSize = 8
        public var parallelism = 1
        public init(rounds: Int = 1 << 15) { self.rounds = rounds }
    }

    public static let minimumPasswordLength = 12

    public static func check(password: String, name: String) throws(StaffProblem) {
        if password.count < minimumPasswordLength {
            throw .weakPassword("at least \(minimumPasswordLength) characters")
        }
        if password.lowercased().contains(name.lowercased()) { throw .weakPassword("it must not contain the login name") }
        if Set(password).count < 5 { throw .weakPassword("too few different characters") }
    }

    public static func check(name: String) throws(StaffProblem) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        guard (2...32).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else { throw .badName(name) }
    }

    public static func hashPassword(_ password: String, parameters: ScryptParameters = ScryptParameters()) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let key = try derive(password, salt: salt, parameters)
        return ["scrypt", String(parameters.rounds), String(parameters.blockSize), String(parameters.parallelism),
                salt.base64EncodedString(), key.base64EncodedString()].joined(separator: "$")
    }

    /// True when the password matches; false for a wrong password or a hash it cannot read.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let blockSize = Int(parts[2]),
              let parallelism = Int(parts[3]), let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              (1 << 10...1 << 20).contains(rounds), rounds & (rounds - 1) == 0, (1...32).contains(blockSize), (1...16).contains(parallelism)
        else { return false }
        var parameters = ScryptParameters()
        parameters.rounds = rounds
        parameters.blockSize = blockSize
        parameters.parallelism = parallelism
        guard let actual = try? derive(password, salt: salt, parameters) else { return false }
        return constantTimeEqual(actual, expected)
    }

    /// A hash to check against when the account does not exist, so a wrong name takes as
    /// long as a wrong password (no account discovery by timing): made once per parameters.
    static func decoy(_ parameters: ScryptParameters) -> String {
        decoyLock.withLock {
            if let made = decoys[parameters] { return made }
            let made = (try? hashPassword("decoy password that matches nothing", parameters: parameters)) ?? ""
            decoys[parameters] = made
            return made
        }
    }
    private static let decoyLock = NSLock()
    nonisolated(unsafe) private static var decoys: [ScryptParameters: String] = [:]

    private static func derive(_ password: String, salt: Data, _ parameters: ScryptParameters) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: parameters.rounds,
                                           blockSize: parameters.blockSize, parallelism: parameters.parallelism,
                                           maxMemory: 256 << 20)
        return key.withUnsafeBytes { Data($0) }
    }

    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    // MARK: Lockout

    /// Wrong passwords allowed before a lock: per account, and per address (an address may
    /// hold several people behind one NAT, so it gets more).
    public static let accountAttempts = 5
    public static let addressAttempts = 20

    /// The lock after `failures` wrong passwords in a row: none below the limit, then 30 s,
    /// doubling with each further failure, at most an hour.
    public static func lockSeconds(failures: Int, limit: Int) -> Int {
        guard failures >= limit else { return 0 }
        let doublings = min(failures - limit, 7)
        return min(3600, 30 << doublings)
    }

    /// The counter after one more wrong password at `now`.
    public static func failed(_ throttle: LoginThrottle?, limit: Int, now: Date) -> LoginThrottle {
        let failures = (throttle?.failures ?? 0) + 1
        let seconds = lockSeconds(failures: failures, limit: limit)
        return LoginThrottle(failures: failures, lockedUntil: seconds > 0 ? now.addingTimeInterval(Double(seconds)) : nil)
    }

    /// Seconds left on a lock; 0 when not locked.
    public static func lockedFor(_ throttle: LoginThrottle?, now: Date) -> Int {
        guard let until = throttle?.lockedUntil, until > now else { return 0 }
        return Int(until.timeIntervalSince(now).rounded(.up))
    }

    // MARK: Sessions

    /// A session ends after this long without a request, and after `absoluteLifetime` in any case.
    public static let defaultIdleTimeout: TimeInterval = 15 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600

    /// A new random token (the cookie's value).
    public static func newToken() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// What the database keeps of a token: a stolen copy of the table opens no session.
    public static func tokenHash(_ token: String) -> String { Hex.string(SHA256.hash(data: Data(token.utf8))) }

    public static func isLive(_ session: StaffSession, idleTimeout: TimeInterval, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) <= idleTimeout && now.timeIntervalSince(session.createdAt) <= absoluteLifetime
    }

    /// Same length and bytes, compared in constant time (CSRF tokens).
    public static func same(_ a: String, _ b: String) -> Bool { constantTimeEqual(Data(a.utf8), Data(b.utf8)) }
}
