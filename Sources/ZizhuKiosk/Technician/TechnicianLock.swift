// SPDX-License-Identifier: Apache-2.0
import Crypto
import CryptoExtras
import DurableFiles
import Foundation
import ZizhuCore
import ZizhuUI

/// Checks the technician's PIN against its stored hash, with a lockout that survives
/// restarts: after 5 wrong PINs nothing is checked for 30 s, and each wrong PIN after that
/// doubles the wait (up to an hour). A right PIN clears the count.
/// State: `$ZIZHU_HOME/technician-lock.json` (counts and times only).
public final class TechnicianLock: @unchecked Sendable {
    public static let freeAttempts = 5
    public static let firstDelaySeconds = 30
    public static let longestDelaySeconds = 3600

    struct State: Codable, Equatable {
        var failures = 0
        /// Epoch seconds before which no PIN is checked.
        var lockedUntil: Double = 0
    }

    private let stored: TechnicianPIN.Stored?
    private let file: URL
    private let lock = NSLock()

    public init(stored: TechnicianPIN.Stored?, home: URL) {
        self.stored = stored
        file = home.appendingPathComponent("technician-lock.json")
    }

    public func check(_ pin: String, now: Date = Date()) -> PINCheck {
        guard let stored else { return .notConfigured }
        return lock.withLock {
            var state = load()
            let clock = now.timeIntervalSince1970
            if state.lockedUntil > clock { return .locked(seconds: Int((state.lockedUntil - clock).rounded(.up))) }
            if TechnicianPIN.isWellFormed(pin), let derived = try? Self.derive(pin, salt: stored.salt, rounds: stored.rounds),
               Self.constantTimeEqual(derived, stored.hash) {
                save(State())
                return .accepted
            }
            state.failures += 1
            let beyond = state.failures - Self.freeAttempts
            guard beyond >= 0 else {
                save(state)
                return .wrong(attemptsLeft: Self.freeAttempts - state.failures)
            }
            let delay = min(Self.longestDelaySeconds, Self.firstDelaySeconds << min(beyond, 16))
            state.lockedUntil = clock + Double(delay)
            save(state)
            return .locked(seconds: delay)
        }
    }

    /// A new stored hash for a PIN (a fresh random salt).
    public static func hash(_ pin: String, rounds: Int = TechnicianPIN.minimumRounds) throws -> TechnicianPIN.Stored {
        guard TechnicianPIN.isWellFormed(pin) else {
            throw ConfigProblem("a technician PIN is \(TechnicianPIN.minimumLength) to \(TechnicianPIN.maximumLength) digits")
        }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        return TechnicianPIN.Stored(rounds: rounds, salt: salt, hash: try derive(pin, salt: salt, rounds: rounds))
    }

    static func derive(_ pin: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    private func load() -> State {
        FileManager.default.contents(atPath: file.path).flatMap { try? JSONDecoder().decode(State.self, from: $0) } ?? State()
    }

    private func save(_ state: State) {
        guard let data = try? JSONEncoder().encode(state) else { return }
        // The lockout survives a power cut: pulling the plug must not reset the attempts.
        try? DurableFile.replace(file, with: data, permissions: 0o600)
    }

    /// A problem with a PIN given to `zizhu technician pin-hash`.
    public struct ConfigProblem: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
