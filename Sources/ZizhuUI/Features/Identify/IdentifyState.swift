// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 身份核验's slice of the session (the citizen it identifies is the session's own, shared by
/// every feature).
public struct IdentifyState: Sendable, Hashable {
    public var phase: IdentifyPhase = .waitingForCard
    /// The identified citizen's card has been taken off the reader.
    public var cardTaken = false
    /// 查询进度 / 预约签到: the citizen chose to use their ID card; the reader is waiting.
    public var cardLookup = false
    public init() {}
}

/// Where the identify screen is.
public enum IdentifyPhase: Sendable, Hashable {
    /// "请将身份证放在读卡区".
    case waitingForCard
    /// A card is on the reader; reading takes about a second.
    case reading
    /// Identity known (card read, or a valid number typed).
    case identified
    case failed(CardReadFailure)
    /// Typing the number: the characters so far, and what was wrong with the last attempt.
    case manualEntry(typed: String, problem: IDNumber.Problem?)
}
