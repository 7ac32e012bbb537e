// SPDX-License-Identifier: Apache-2.0
/// Why reading a card did not work, in words a citizen can act on.
public enum CardReadFailure: Error, Sendable, Hashable {
    /// The card left the reader during select or read (or the read timed out).
    case cardMovedTooSoon
    /// The card answered but cannot be read (unknown type, authentication failed, bad data).
    case unreadableCard(detail: String)
    /// No reader, or it stopped answering.
    case readerNotConnected
    /// The 社保卡 could not be read or cannot identify here (its own words, from the PC/SC reader).
    case socialSecurityCard(LocalizedText)
    /// A 社保卡 was read where the service needs the ID card itself.
    case socialSecurityCardNotAccepted
    /// A scanned e-ID code did not identify anyone (expired, not an e-ID code, not checkable now).
    case identityCode(LocalizedText)

    public var zh: String {
        switch self {
        case .cardMovedTooSoon: return "读卡未完成，请将身份证平放在读卡区，读完前不要移动"
        case .unreadableCard: return "无法读取此证件，请换一张证件，或到人工窗口办理"
        case .readerNotConnected: return "读卡器未连接，请呼叫工作人员"
        case .socialSecurityCard(let text): return text.zh
        case .socialSecurityCardNotAccepted: return "此事项须使用身份证核验身份，请取回社保卡，将身份证放在读卡区"
        case .identityCode(let text): return text.zh
        }
    }

    public var en: String {
        switch self {
        case .cardMovedTooSoon: return "The card was moved too soon. Lay it flat on the reader and keep it still until it is read"
        case .unreadableCard: return "This card cannot be read. Try another card, or go to a staffed counter"
        case .readerNotConnected: return "The card reader is not connected. Please call a member of staff"
        case .socialSecurityCard(let text): return text.en
        case .socialSecurityCardNotAccepted: return "This service needs your ID card. Take back your social security card and place your ID card on the reader"
        case .identityCode(let text): return text.en
        }
    }
}

/// What the ID card reader reports to the screens. Personal data travels only inside
/// `cardRead`, whose `IdentityCard` masks itself when printed.
public enum ReaderEvent: Sendable, Hashable {
    /// The reader answered its health check.
    case connected(ReaderInfo)
    /// The reader went away (unplugged, not found) or never came.
    case disconnected(reason: String)
    /// Polling: no card on the reader yet.
    case waitingForCard
    /// A card was found; select and read are under way.
    case reading
    case cardRead(IdentityCard)
    case readFailed(CardReadFailure)
    /// The card that was read has been taken off the reader.
    case cardRemoved
}

/// The reader as a technician sees it (`zizhu reader info`, the diagnostics screen).
public struct ReaderInfo: Sendable, Hashable, Codable {
    /// "serial /dev/ttyUSB0 115200 8N1" or "usb 0400:C35A (bus 1, device 3)".
    public var transport: String
    /// `AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE`, once read.
    public var samID: String?
    public var connected: Bool
    public var lastError: String?

    public init(transport: String, samID: String? = nil, connected: Bool, lastError: String? = nil) {
        self.transport = transport
        self.samID = samID
        self.connected = connected
        self.lastError = lastError
    }
}
