// SPDX-License-Identifier: Apache-2.0
/// The SAM's status byte (SW3). Unknown values are kept as they are, never a crash.
public struct SAMStatus: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = SAMStatus(rawValue: 0x90)
    public static let cardFound = SAMStatus(rawValue: 0x9F)
    public static let noContent = SAMStatus(rawValue: 0x91)
    public static let badChecksumReceived = SAMStatus(rawValue: 0x10)
    public static let badLengthReceived = SAMStatus(rawValue: 0x11)
    public static let commandError = SAMStatus(rawValue: 0x21)
    public static let notPermitted = SAMStatus(rawValue: 0x23)
    public static let unrecognisedError = SAMStatus(rawValue: 0x24)
    public static let cardAuthenticationOfSAMFailed = SAMStatus(rawValue: 0x31)
    public static let samAuthenticationOfCardFailed = SAMStatus(rawValue: 0x32)
    public static let verificationError = SAMStatus(rawValue: 0x33)
    public static let fingerprintVerificationError = SAMStatus(rawValue: 0x37)
    public static let lengthError = SAMStatus(rawValue: 0x3F)
    public static let unknownCardType = SAMStatus(rawValue: 0x40)
    public static let readFailed = SAMStatus(rawValue: 0x41)
    public static let randomNumberFailed = SAMStatus(rawValue: 0x47)
    public static let selfTestFailed = SAMStatus(rawValue: 0x60)
    public static let notAuthorised = SAMStatus(rawValue: 0x66)
    public static let noCard = SAMStatus(rawValue: 0x80)
    public static let selectFailed = SAMStatus(rawValue: 0x81)

    static let texts: [UInt8: (zh: String, en: String)] = [
        0x90: ("操作成功", "success"),
        0x9F: ("找卡成功", "card found"),
        0x91: ("证/卡中此项无内容", "the card has no content for this item"),
        0x10: ("读卡器收到的校验和错误", "the reader received a bad checksum"),
        0x11: ("读卡器收到的长度错误", "the reader received a bad length"),
        0x21: ("命令参数错误", "command error"),
        0x23: ("越权操作", "operation not permitted"),
        0x24: ("无法识别的错误", "unrecognised error"),
        0x31: ("卡认证安全模块失败", "the card failed to authenticate the SAM"),
        0x32: ("安全模块认证卡失败", "the SAM failed to authenticate the card"),
        0x33: ("信息验证错误", "information verification error"),
        0x37: ("指纹信息验证错误", "fingerprint verification error"),
        0x3F: ("信息长度错误", "information length error"),
        0x40: ("无法识别的卡类型", "unrecognised card type"),
        0x41: ("读卡操作失败", "reading the card failed"),
        0x47: ("取随机数失败", "getting a random number failed"),
        0x60: ("安全模块自检失败", "SAM self-test failed"),
        0x66: ("安全模块未经授权", "SAM not authorised"),
        0x80: ("找卡失败（无卡）", "no card"),
        0x81: ("选卡失败", "selecting the card failed"),
    ]

    public var isKnown: Bool { Self.texts[rawValue] != nil }
    public var zh: String { Self.texts[rawValue]?.zh ?? "未知状态 0x\(format2(rawValue))" }
    public var en: String { Self.texts[rawValue]?.en ?? "unknown status 0x\(format2(rawValue))" }
    public var description: String { "\(format2(rawValue)) \(en)" }
}
