// SPDX-License-Identifier: Apache-2.0
import Foundation
@testable import IDCardReader
import ZizhuCore

/// The byte-exact test vectors of the shared protocol research (idcard-protocol.md §3).
enum Vectors {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0, radix: 16) }
    }

    static let samStatusRequest = bytes("AA AA AA 96 69 00 03 11 FF ED")
    static let samStatusOK = bytes("AA AA AA 96 69 00 04 00 00 90 94")
    static let samIDRequest = bytes("AA AA AA 96 69 00 03 12 FF EE")
    static let samIDReply = bytes("AA AA AA 96 69 00 14 00 00 90 05 00 01 00 A5 3A 34 01 01 00 00 00 02 00 00 00 29")
    static let findRequest = bytes("AA AA AA 96 69 00 03 20 01 22")
    static let findCardPresent = bytes("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    static let findNoCard = bytes("AA AA AA 96 69 00 04 00 00 80 84")
    static let selectRequest = bytes("AA AA AA 96 69 00 03 20 02 21")
    static let selectOK = bytes("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")
    static let selectFailed = bytes("AA AA AA 96 69 00 04 00 00 81 85")
    static let readBaseRequest = bytes("AA AA AA 96 69 00 03 30 01 32")
    static let readWithFingerprintRequest = bytes("AA AA AA 96 69 00 03 30 10 23")
    static let readFailed = bytes("AA AA AA 96 69 00 04 00 00 41 45")
    static let addressRequest = bytes("AA AA AA 96 69 00 03 30 03 30")
    static let addressNone = bytes("AA AA AA 96 69 00 04 00 00 91 95")
    static let addressReply = bytes("AA AA AA 96 69 00 4A 00 00 90 17 53 AC 4E 02 5E 77 6D C0 6D 3A 53 37 68 2C 67 57 88 32 00 F7 53")
        + Array(repeating: [0x20, 0x00], count: 24).flatMap { $0 } + [0xA3]
    static let badChecksumRequest = bytes("AA AA AA 96 69 00 03 20 01 21")
    static let badChecksumReply = bytes("AA AA AA 96 69 00 04 00 00 10 14")

    /// V5's 256-byte text block: 测试样本, female, 汉, 19491231, 11010519491231002X, valid 20200101–长期.
    static let residentText = bytes("""
        4B 6D D5 8B 37 68 2C 67 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 32 00
        30 00 31 00 31 00 39 00 34 00 39 00 31 00 32 00 33 00 31 00 17 53 AC 4E 02 5E 1D 67 33 96 3A 53
        4B 6D D5 8B EF 8D 31 00 F7 53 37 68 2C 67 0F 5C 3A 53 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 31 00 31 00 30 00
        31 00 30 00 35 00 31 00 39 00 34 00 39 00 31 00 32 00 33 00 31 00 30 00 30 00 32 00 58 00 17 53
        AC 4E 02 5E 6C 51 89 5B 40 5C 1D 67 33 96 06 52 40 5C 20 00 20 00 20 00 20 00 20 00 32 00 30 00
        32 00 30 00 30 00 31 00 30 00 31 00 7F 95 1F 67 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        """)

    static let permitText = bytes("""
        4B 6D D5 8B 2F 6E BA 4E 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 31 00
        20 00 20 00 31 00 39 00 39 00 30 00 30 00 31 00 30 00 31 00 7F 5E 1C 4E 01 77 7F 5E DE 5D 02 5E
        29 59 B3 6C 3A 53 4B 6D D5 8B EF 8D 33 00 F7 53 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 38 00 31 00 30 00
        30 00 30 00 30 00 31 00 39 00 39 00 30 00 30 00 31 00 30 00 31 00 31 00 32 00 33 00 30 00 7F 5E
        DE 5D 02 5E 6C 51 89 5B 40 5C 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 32 00 30 00
        32 00 30 00 30 00 31 00 30 00 31 00 32 00 30 00 32 00 35 00 30 00 31 00 30 00 31 00 48 00 31 00
        32 00 33 00 34 00 35 00 36 00 37 00 38 00 30 00 31 00 20 00 20 00 20 00 4A 00 20 00 20 00 20 00
        """)

    static let foreignText = bytes("""
        54 00 45 00 53 00 54 00 2C 00 20 00 53 00 41 00 4D 00 50 00 4C 00 45 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00
        20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 31 00 5A 00 5A 00 5A 00
        31 00 31 00 30 00 30 00 39 00 30 00 30 00 31 00 30 00 31 00 30 00 30 00 5A 00 5A 00 5A 00 4B 6D
        D5 8B 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 20 00 32 00 30 00
        32 00 30 00 30 00 31 00 30 00 31 00 32 00 30 00 33 00 30 00 30 00 31 00 30 00 31 00 31 00 39 00
        39 00 30 00 30 00 31 00 30 00 31 00 30 00 31 00 31 00 31 00 30 00 30 00 49 00 20 00 20 00 20 00
        """)

    /// "NOT-A-REAL-WLT-PHOTO " repeated and cut to 1024 bytes (its XOR is 0x11).
    static let photo: [UInt8] = {
        let unit = Array("NOT-A-REAL-WLT-PHOTO ".utf8)
        return (0..<1024).map { unit[$0 % unit.count] }
    }()

    /// V5: the whole 1295-byte reply to 30 01.
    static let readBaseReply: [UInt8] = bytes("AA AA AA 96 69 05 08 00 00 90 01 00 04 00") + residentText + photo + [0x59]
    static let readBaseReplySHA256 = "00111b2195226bed5aa8ec982893a2626e3f7b4e95a61cd587c40a438a2119ce"
    /// V6a: 30 10 for a card without fingerprints (1297 bytes).
    static let readWithFingerprintReply: [UInt8] = bytes("AA AA AA 96 69 05 0A 00 00 90 01 00 04 00 00 00") + residentText + photo + [0x5B]
    static let readWithFingerprintReplySHA256 = "1e35724655b753bbd1fdec2766f8b9718909a041e03104b9d35daad67909bfa7"
}
