// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// What CUPS says about the receipt queue.
public struct PrinterStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable { case idle, processing, stopped, unknown }

    public var queue: String
    public var state: State
    /// IPP `printer-state-reasons`: `none`, `media-empty-error`, `media-low-report`,
    /// `offline-report`, `media-jam-error`, `door-open-report`, `paused`, …
    public var reasons: [String]
    public var message: String
    public var acceptingJobs: Bool

    public init(queue: String, state: State, reasons: [String], message: String, acceptingJobs: Bool) {
        self.queue = queue
        self.state = state
        self.reasons = reasons
        self.message = message
        self.acceptingJobs = acceptingJobs
    }

    /// The one thing the kiosk needs to know before a transaction that prints.
    public var health: PrinterHealth {
        func has(_ prefix: String) -> Bool { reasons.contains { $0.hasPrefix(prefix) } }
        if has("media-empty") { return .paperOut }
        if has("media-jam") { return .jammed }
        if has("door-open") || has("cover-open") { return .coverOpen }
        if has("offline") { return .offline }
        if state == .stopped || has("paused") || !acceptingJobs { return .stopped(message) }
        if has("media-low") { return .paperLow }
        return .ready
    }
}

/// How a print job ended.
public enum PrintOutcome: Sendable, Hashable {
    case printed(job: Int32)
    /// The job did not complete in time; it was cancelled so it never prints for the
    /// next citizen.
    case cancelled(job: Int32, reasons: [String])
    /// The job could not be printed (held, stopped, aborted): the printer's health says why.
    case failed(job: Int32?, health: PrinterHealth, reasons: [String])

    public var printed: Bool { if case .printed = self { return true } else { return false } }
}
