// SPDX-License-Identifier: Apache-2.0
import Foundation
import SocialSecurityCard
import Testing
import ZizhuCore

/// The shipped profile, and a card that answers from a table: the read's decisions
/// (retries, TLV checks, optional items, faults) without pcscd.
struct CardCodecTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shippedProfile() throws -> SocialSecurityCardProfile {
        let url = root.appendingPathComponent("Devices/sscard/gen3.yaml")
        return try SocialSecurityCardProfile.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
    }

    /// A card as a table of records; answers the way `sscard-vicc.py` and ISO 7816 do.
    struct TableCard: CardChannel {
        var records: [UInt8: [UInt8]]
        var application: [UInt8]
        var sent: [CommandAPDU] = []
        /// Records answered with 6Cxx unless asked with the exact length (a strict T=0 card).
        var strictLength = false
        /// Records answered with this status instead.
        var refuse: [UInt8: (UInt8, UInt8)] = [:]
        /// Records whose tag byte is replaced (a damaged answer).
        var wrongTag: Set<UInt8> = []

        mutating func transmit(_ command: CommandAPDU) throws(SmartCardFault) -> ResponseAPDU {
            sent.append(command)
            switch command.ins {
            case 0xA4 where command.p1 == 0x04:
                return command.data == application ? ResponseAPDU(data: [], sw1: 0x90, sw2: 0) : ResponseAPDU(data: [], sw1: 0x6A, sw2: 0x82)
            case 0xA4:
                return ResponseAPDU(data: [], sw1: 0x90, sw2: 0)
            case 0xB2:
                if let (sw1, sw2) = refuse[command.p1] { return ResponseAPDU(data: [], sw1: sw1, sw2: sw2) }
                guard let value = records[command.p1] else { return ResponseAPDU(data: [], sw1: 0x6A, sw2: 0x83) }
                let record = [wrongTag.contains(command.p1) ? 0x55 : command.p1, UInt8(value.count)] + value
                if strictLength, command.le != UInt8(record.count) { return ResponseAPDU(data: [], sw1: 0x6C, sw2: UInt8(record.count)) }
                return ResponseAPDU(data: record, sw1: 0x90, sw2: 0)
            default:
                return ResponseAPDU(data: [], sw1: 0x6D, sw2: 0)
            }
        }
    }

    static func card(_ profile: SocialSecurityCardProfile) -> TableCard {
        let gbkName: [UInt8] = [0xD1, 0xDD, 0xCA, 0xBE, 0xD3, 0xC3, 0xBB, 0xA7]   // 演示用户 in GBK
        return TableCard(records: [
            2: Array("3".utf8), 5: [0x20, 0x21, 0x03, 0x01], 6: [0x20, 0x31, 0x03, 0x01], 7: Array("A00000019".utf8),
            8: Array("440106198806150019".utf8), 9: gbkName + [UInt8](repeating: 0, count: 22), 10: Array("1".utf8),
            11: [0x01], 13: [0x19, 0x88, 0x06, 0x15],
        ], application: profile.application)
    }

    @Test func theShippedProfileNamesTheApplicationFilesAndWhatIsNotEmulated() throws {
        let profile = try Self.shippedProfile()
        #expect(profile.application == Array("sx1.sh.".utf8) + [0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF])
        #expect(profile.files.map(\.id) == [0xEF05, 0xEF06])
        #expect(profile.files[1].records.map(\.field).contains(.socialSecurityNumber))
        #expect(profile.notEmulated.contains { $0.contains("PSAM") })
    }

    @Test func commandsAreTheISO7816BytesReadersExpect() {
        #expect(CommandAPDU.selectFile(0xEF05).bytes == [0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x05])
        #expect(CommandAPDU.readRecord(8).bytes == [0x00, 0xB2, 0x08, 0x04, 0x00])
        #expect(CommandAPDU.selectApplication([0x73, 0x78]).bytes == [0x00, 0xA4, 0x04, 0x00, 0x02, 0x73, 0x78])
        #expect(ResponseAPDU(bytes: [0x90]) == nil)
        let answer = ResponseAPDU(bytes: [0x01, 0x02, 0x6A, 0x83])
        #expect(answer?.data == [0x01, 0x02] && answer?.status == 0x6A83)
        #expect(StatusWord.describe(0x69, 0x82).contains("authentication"))
    }

    @Test func aProfileWithMistakesSaysEachWithItsLine() {
        let text = """
        name: broken
        application: "73 7"
        files:
          - fid: EF0
            title: x
            records: []
          - fid: EF06
            title: 持卡人基本信息
            records:
              - { number: 9, field: nickname, length: 30, encoding: gbk }
              - { number: 10, field: gender, length: 1, encoding: ebcdic }
        colour: blue
        """
        #expect {
            _ = try SocialSecurityCardProfile.parse(text, file: "bad.yaml")
        } throws: { error in
            let said = "\(error)"
            return said.contains("bad.yaml:2:") && said.contains("hex bytes") && said.contains("'EF0'")
                && said.contains("unknown field 'nickname'") && said.contains("unknown encoding 'ebcdic'")
                && said.contains("unknown key 'colour'") && said.contains("must read social_security_number")
        }
    }

    @Test func aCardReadsIntoItsHolderWithTheNumberMaskedInDescriptions() throws {
        let profile = try Self.shippedProfile()
        var card = Self.card(profile)
        let holder = try CardReading.read(profile, over: &card)
        #expect(holder.name == "演示用户")
        #expect(holder.idNumber.unmasked == "440106198806150019")
        #expect(holder.gender == .male && holder.nationCode == "01")
        #expect(holder.birthDate == CalendarDate(year: 1988, month: 6, day: 15))
        #expect(holder.expiryDate == CalendarDate(year: 2031, month: 3, day: 1))
        #expect(holder.description.contains("4401**********0019") && !holder.description.contains("440106198806150019"))
        #expect(!holder.description.contains("演示用户") && holder.description.contains("A0*****19"))
        // Items the card does not carry (1, 3, 4) are skipped; the rest each asked once.
        #expect(card.sent.filter { $0.ins == 0xB2 }.count == 12)
        let identity = try holder.identity(today: try #require(CalendarDate(year: 2026, month: 12, day: 5)))
        #expect(identity.source == .socialSecurityCard && identity.address == nil && identity.kind == .resident)
    }

    @Test func aStrictCardIsAskedAgainWithTheLengthItNames() throws {
        let profile = try Self.shippedProfile()
        var card = Self.card(profile)
        card.strictLength = true
        let holder = try CardReading.read(profile, over: &card)
        #expect(holder.name == "演示用户")
        let reads = card.sent.filter { $0.ins == 0xB2 && $0.p1 == 8 }
        #expect(reads.map(\.le) == [0, 20])
    }

    @Test func refusalsAndDamagedAnswersAreFaultsThatKeepNothing() throws {
        let profile = try Self.shippedProfile()
        var other = Self.card(profile)
        other.application = Array("1PAY.SYS.DDF01".utf8)
        #expect(throws: SmartCardFault.cardRefused(step: "SELECT of the social security application",
                                                   status: "6A 82 file or application not found")) {
            _ = try CardReading.read(profile, over: &other)
        }
        var locked = Self.card(profile)
        locked.refuse[8] = (0x69, 0x82)   // a real card without PSAM authentication
        #expect {
            _ = try CardReading.read(profile, over: &locked)
        } throws: { error in
            guard case SmartCardFault.cardRefused(let step, let status) = error else { return false }
            return step.contains("READ RECORD 8 of EF06") && status.contains("authentication")
        }
        var damaged = Self.card(profile)
        damaged.wrongTag = [9]
        #expect {
            _ = try CardReading.read(profile, over: &damaged)
        } throws: { error in
            guard case SmartCardFault.malformedAnswer(let detail) = error else { return false }
            return detail.contains("record 9") && detail.contains("55")
        }
        var missingName = Self.card(profile)
        missingName.records[9] = nil
        #expect(throws: SmartCardFault.self) { _ = try CardReading.read(profile, over: &missingName) }
        var tooLong = Self.card(profile)
        tooLong.records[10] = Array("12".utf8)
        #expect {
            _ = try CardReading.read(profile, over: &tooLong)
        } throws: { error in "\(error)".contains("gender is 2 bytes; the profile allows 1") }
        var badDate = Self.card(profile)
        badDate.records[13] = [0x19, 0x88, 0x13, 0x45]
        #expect(throws: SmartCardFault.malformedAnswer(detail: "birth_date is not a date")) {
            _ = try CardReading.read(profile, over: &badDate)
        }
    }

    @Test func aCardThatCannotIdentifySaysSoToTheCitizen() throws {
        let profile = try Self.shippedProfile()
        var foreign = Self.card(profile)
        foreign.records[8] = Array("ZZZ110090010100000".utf8)
        let holder = try CardReading.read(profile, over: &foreign)
        let today = try #require(CalendarDate(year: 2026, month: 12, day: 5))
        #expect {
            _ = try holder.identity(today: today)
        } throws: { error in
            guard let fault = error as? SmartCardFault, case .notIdentifiable = fault else { return false }
            return fault.zh.contains("身份证") && !fault.description.contains("ZZZ110090010100000")
        }
        var expired = Self.card(profile)
        expired.records[6] = [0x20, 0x24, 0x01, 0x01]
        let old = try CardReading.read(profile, over: &expired)
        #expect(throws: SmartCardFault.notIdentifiable(detail: "card expired on 2024-01-01")) { _ = try old.identity(today: today) }
    }
}
