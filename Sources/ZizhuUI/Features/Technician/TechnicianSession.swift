// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 技术人员模式: what the PIN check answered.
public enum PINCheck: Sendable, Hashable {
    case accepted
    /// Wrong; this many tries are left before the lockout.
    case wrong(attemptsLeft: Int)
    /// Too many wrong PINs: no PIN is checked for this many seconds (the delay grows).
    case locked(seconds: Int)
    /// No PIN is configured on this kiosk (technician.pin_hash in kiosk.yaml).
    case notConfigured
}

/// Technician mode, while it is open (wiped with the session).
public struct TechnicianSession: Sendable, Hashable {
    /// The last report; nil until the first one arrives.
    public var report: DiagnosticReport?
    /// A report has been asked for and has not arrived.
    public var checking = false
    /// Something changed while a report was being taken: take another when it arrives.
    public var stale = false
    /// What the last action came to (sync now, test read, reload).
    public var note: LocalizedText?
    /// The test read is waiting for a card.
    public var testReading = false

    public init() {}
}

/// 技术人员模式's slice of the session: the PIN screen's last answer (nil while typing), a PIN
/// being checked, and the session once the PIN was accepted.
public struct TechnicianState: Sendable, Hashable {
    public var pinCheck: PINCheck?
    public var pinChecking = false
    public var session: TechnicianSession?
    public init() {}
}
