// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 呼叫帮办: where a citizen's call for help stands.
public enum HelpStatus: Sendable, Hashable {
    /// Being sent to the platform.
    case sending
    /// The link is down: the kiosk keeps the call and sends it as soon as it can.
    case queued
    /// Staff have been notified; the number is the platform's request number.
    case sent(Int64)
    /// A member of staff acknowledged it on the dashboard: help is coming.
    case acknowledged(Int64)
    /// This kiosk has no platform link at all (not enrolled).
    case unavailable
}

/// One call for help in this session: the screen it came from and its status.
public struct HelpCall: Sendable, Hashable {
    public var screen: String
    public var status: HelpStatus

    public init(screen: String, status: HelpStatus) {
        self.screen = screen
        self.status = status
    }
}
