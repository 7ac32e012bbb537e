// SPDX-License-Identifier: Apache-2.0

/// Why a 社保卡 could not be read: what the citizen is told (zh/en) and what the
/// technician's log says (`detail`). Nothing read before a fault is kept.
public enum SmartCardFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// pcscd is not running or cannot be reached (the reader's service is down).
    case serviceUnavailable(detail: String)
    /// pcscd runs but no reader is attached (unplugged), or the named one is missing.
    case noReader(detail: String)
    /// No card was inserted in time.
    case noCard
    /// The card left the reader (or lost power) in the middle of a read.
    case cardRemoved(detail: String)
    /// The card answered, but not as a 社保卡 does (another card, a blocked application).
    case cardRefused(step: String, status: String)
    /// An answer that does not parse (a damaged card or a faulty reader).
    case malformedAnswer(detail: String)
    /// The card was read, but its number is not a valid resident identity number.
    case notIdentifiable(detail: String)
    /// Any other PC/SC failure, with its code and pcsc-lite's words for it.
    case reader(detail: String)

    public var zh: String {
        switch self {
        case .serviceUnavailable, .noReader, .reader: return "社保卡读卡器暂时无法使用，请使用身份证，或呼叫帮办。"
        case .noCard: return "未检测到社保卡，请将社保卡芯片朝上插入读卡口。"
        case .cardRemoved: return "读卡未完成时社保卡被取出，请重新插入并保持不动。"
        case .cardRefused: return "这张卡不是可识别的社会保障卡，请换用身份证。"
        case .malformedAnswer: return "社保卡信息读取失败，请重新插入，或使用身份证。"
        case .notIdentifiable: return "这张社保卡不能用于身份核验，请使用身份证。"
        }
    }

    public var en: String {
        switch self {
        case .serviceUnavailable, .noReader, .reader:
            return "The social security card reader is not available. Please use your ID card, or call for help."
        case .noCard: return "No social security card found. Insert it chip side up."
        case .cardRemoved: return "The card was taken out before reading finished. Insert it again and leave it in."
        case .cardRefused: return "This card is not a social security card we can read. Please use your ID card."
        case .malformedAnswer: return "The card could not be read. Insert it again, or use your ID card."
        case .notIdentifiable: return "This social security card cannot be used to identify you. Please use your ID card."
        }
    }

    /// For the technician and the log: what failed, in PC/SC and ISO 7816 terms. Never
    /// holds a citizen's data.
    public var description: String {
        switch self {
        case .serviceUnavailable(let detail): return "pcscd unavailable: \(detail)"
        case .noReader(let detail): return "no smart card reader: \(detail)"
        case .noCard: return "no card inserted"
        case .cardRemoved(let detail): return "card removed during the read: \(detail)"
        case .cardRefused(let step, let status): return "card refused \(step): \(status)"
        case .malformedAnswer(let detail): return "malformed answer: \(detail)"
        case .notIdentifiable(let detail): return "not identifiable: \(detail)"
        case .reader(let detail): return "PC/SC error: \(detail)"
        }
    }
}
