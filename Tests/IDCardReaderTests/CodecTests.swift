// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Testing
@testable import IDCardReader
import ZizhuCore

func sha256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
}

func frames(_ events: [DecoderEvent]) -> [SAMFrame] {
    events.compactMap { if case .frame(let frame) = $0 { return frame } else { return nil } }
}

@Suite("GA 467 frames: the shared test vectors, byte for byte")
struct FrameVectorTests {
    @Test func theVectorsAreTheDocumentedBytes() {
        #expect(Vectors.readBaseReply.count == 1295)
        #expect(sha256(Vectors.readBaseReply) == Vectors.readBaseReplySHA256)
        #expect(Vectors.readWithFingerprintReply.count == 1297)
        #expect(sha256(Vectors.readWithFingerprintReply) == Vectors.readWithFingerprintReplySHA256)
        #expect(Vectors.addressReply.count == 81)
    }

    @Test(arguments: [
        (SAMCommand.samStatus, Vectors.samStatusRequest), (.samID, Vectors.samIDRequest), (.findCard, Vectors.findRequest),
        (.selectCard, Vectors.selectRequest), (.readBase, Vectors.readBaseRequest),
        (.readBaseWithFingerprint, Vectors.readWithFingerprintRequest), (.readAppendedAddress, Vectors.addressRequest),
    ])
    func requestsEncodeExactly(_ command: SAMCommand, _ bytes: [UInt8]) {
        #expect(command.frame.bytes == bytes, "\(command)")
    }

    @Test func setMaximumRFBytes() {
        #expect(SAMCommand.setMaximumRFBytes(0x50).frame.bytes == Vectors.bytes("AA AA AA 96 69 00 04 61 FF 50 CA"))
    }

    @Test(arguments: [
        (Vectors.samStatusOK, SAMStatus.success, 0), (Vectors.samIDReply, .success, 16),
        (Vectors.findCardPresent, .cardFound, 4), (Vectors.findNoCard, .noCard, 0),
        (Vectors.selectOK, .success, 8), (Vectors.selectFailed, .selectFailed, 0),
        (Vectors.readBaseReply, .success, 1284), (Vectors.readWithFingerprintReply, .success, 1286),
        (Vectors.readFailed, .readFailed, 0), (Vectors.addressNone, .noContent, 0),
        (Vectors.addressReply, .success, 70), (Vectors.badChecksumReply, .badChecksumReceived, 0),
    ])
    func responsesDecodeAndReEncodeExactly(_ bytes: [UInt8], _ status: SAMStatus, _ dataLength: Int) throws {
        var decoder = FrameDecoder()
        let found = frames(decoder.feed(bytes))
        #expect(found.count == 1)
        let response = try #require(found.first?.response)
        #expect(response.status == status)
        #expect(response.hasValidPrefix)
        #expect(response.data.count == dataLength)
        #expect(response.frame.bytes == bytes)
        #expect(decoder.pendingCount == 0)
    }

    @Test func theBadChecksumRequestIsRejected() {
        var decoder = FrameDecoder()
        let events = decoder.feed(Vectors.badChecksumRequest)
        #expect(events == [.badChecksum(length: 3, expected: 0x22, received: 0x21)])
    }

    @Test func requestsAreRecognisedInCapturedStreams() {
        var decoder = FrameDecoder()
        let found = frames(decoder.feed(Vectors.findRequest))
        #expect(found.first?.request == .findCard)
        #expect(found.first?.response == nil)   // two body bytes cannot be a reply
    }
}

@Suite("Streaming decoder: split, merged and garbage-prefixed streams")
struct StreamingDecoderTests {
    @Test func aFrameSplitAtEveryByteBoundaryIsReassembled() {
        for split in 1..<Vectors.findCardPresent.count {
            var decoder = FrameDecoder()
            var found = frames(decoder.feed(Vectors.findCardPresent[..<split]))
            #expect(found.isEmpty, "split \(split) produced a frame early")
            found += frames(decoder.feed(Vectors.findCardPresent[split...]))
            #expect(found.count == 1 && found.first?.bytes == Vectors.findCardPresent, "split at \(split)")
        }
    }

    @Test func theLongReplyArrivesIn64ByteChunks() {
        var decoder = FrameDecoder()
        var found: [SAMFrame] = []
        var index = 0
        while index < Vectors.readBaseReply.count {
            let end = min(index + 64, Vectors.readBaseReply.count)
            found += frames(decoder.feed(Vectors.readBaseReply[index..<end]))
            index = end
        }
        #expect(found.count == 1)
        #expect(found.first?.bytes == Vectors.readBaseReply)
    }

    @Test func severalFramesInOneRead() {
        var decoder = FrameDecoder()
        let stream = Vectors.samStatusOK + Vectors.findCardPresent + Vectors.selectOK + Vectors.readBaseReply
        let found = frames(decoder.feed(stream))
        #expect(found.map(\.bytes) == [Vectors.samStatusOK, Vectors.findCardPresent, Vectors.selectOK, Vectors.readBaseReply])
    }

    @Test func garbageBeforeThePreambleIsSkippedAndReported() {
        var decoder = FrameDecoder()
        let noise: [UInt8] = [0x00, 0xFF, 0xAA, 0xAA, 0x13, 0x96, 0x69, 0xAA]
        let events = decoder.feed(noise + Vectors.findNoCard)
        #expect(events == [.garbage(count: noise.count, prefix: noise), .frame(SAMFrame(body: [0, 0, 0x80]))])
    }

    @Test func aPartialPreambleAtTheEndOfAReadIsKept() {
        var decoder = FrameDecoder()
        let events = decoder.feed([0x01, 0x02, 0xAA, 0xAA, 0xAA])
        #expect(events == [.garbage(count: 2, prefix: [0x01, 0x02])])
        #expect(decoder.pendingCount == 3)
        #expect(frames(decoder.feed(Vectors.findNoCard[3...])).count == 1)
    }

    @Test func anAbsurdLengthIsRejectedAndTheDecoderResynchronises() {
        var decoder = FrameDecoder()
        let bogus: [UInt8] = SAMFrame.preamble + [0xFF, 0xFF, 0x00]
        let events = decoder.feed(bogus + Vectors.samStatusOK)
        #expect(events.contains(.badLength(0xFFFF)))
        #expect(frames(events).map(\.bytes) == [Vectors.samStatusOK])
        #expect(decoder.pendingCount == 0)
    }

    @Test func aTooShortLengthIsRejected() {
        var decoder = FrameDecoder()
        let events = decoder.feed(SAMFrame.preamble + [0x00, 0x01, 0x00] + Vectors.findNoCard)
        #expect(events.first == .badLength(1))
        #expect(frames(events).count == 1)
    }

    @Test func aCorruptedByteIsCaughtByTheChecksumAndTheNextFrameStillDecodes() {
        var corrupted = Vectors.readBaseReply
        corrupted[600] ^= 0x01
        var decoder = FrameDecoder()
        let events = decoder.feed(corrupted + Vectors.findNoCard)
        #expect(events.first == .badChecksum(length: 0x0508, expected: 0x58, received: 0x59))
        #expect(frames(events).map(\.bytes) == [Vectors.findNoCard])
    }

    @Test func aTruncatedFrameIsReportedAtTheEnd() {
        var decoder = FrameDecoder()
        #expect(decoder.feed(Vectors.readBaseReply[0..<500]).isEmpty)
        let left = decoder.finish()
        #expect(left == [.garbage(count: 500, prefix: Array(Vectors.readBaseReply[0..<16]))])
    }

    @Test func noiseFloodsStaySmall() {
        var decoder = FrameDecoder()
        for _ in 0..<100 {
            let events = decoder.feed([UInt8](repeating: 0x55, count: 10_000))
            for case .garbage(_, let prefix) in events { #expect(prefix.count <= FrameDecoder.garbagePrefixKept) }
            #expect(decoder.pendingCount <= 4)
        }
    }
}

@Suite("Payloads and card text blocks")
struct PayloadTests {
    @Test func samIdentifierUsesTheRecommendedFormat() throws {
        var decoder = FrameDecoder()
        let reply = try #require(frames(decoder.feed(Vectors.samIDReply)).first?.response)
        let id = try SAMIdentifier(payload: reply.data)
        #expect(id.description == "05.01-20200101-0000000001-0000000002")
        #expect(id.payload == reply.data)
        #expect(throws: PayloadError.self) { try SAMIdentifier(payload: [1, 2, 3]) }
    }

    @Test func baseMessageWithoutAndWithFingerprint() throws {
        var decoder = FrameDecoder()
        let plain = try #require(frames(decoder.feed(Vectors.readBaseReply)).first?.response)
        let message = try BaseMessage(payload: plain.data, withFingerprint: false)
        #expect(message.text == Vectors.residentText)
        #expect(message.photo == Vectors.photo)
        #expect(message.fingerprint == nil)
        #expect(message.payload(withFingerprint: false) == plain.data)
        let withFP = try #require(frames(decoder.feed(Vectors.readWithFingerprintReply)).first?.response)
        let fp = try BaseMessage(payload: withFP.data, withFingerprint: true)
        #expect(fp.text == Vectors.residentText && fp.fingerprint == [])
        #expect(fp.payload(withFingerprint: true) == withFP.data)
    }

    @Test func inconsistentLengthsAreRejected() {
        let payload: [UInt8] = [0x01, 0x00, 0x04, 0x00] + [UInt8](repeating: 0, count: 1000)
        #expect(throws: PayloadError.self) { try BaseMessage(payload: payload, withFingerprint: false) }
        #expect(throws: PayloadError.self) { try BaseMessage(payload: [0x01], withFingerprint: true) }
    }

    @Test func residentCard() throws {
        let card = try TextBlock.decode(Vectors.residentText)
        #expect(card.kind == .resident)
        #expect(card.name == "测试样本")
        #expect(card.gender == .female)
        #expect(card.nationCode == "01" && card.nationName == "汉族")
        #expect(card.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(card.address == "北京市朝阳区测试路1号样本小区")
        #expect(card.idNumber.unmasked == "11010519491231002X")
        #expect(card.idNumber.masked == "1101**********002X")
        #expect(card.issuingAuthority == "北京市公安局朝阳分局")
        #expect(card.validFrom == CalendarDate(year: 2020, month: 1, day: 1))
        #expect(card.validIndefinitely && card.validUntil == nil)
        #expect(card.consistencyProblems.isEmpty)
        #expect(TextBlock.encode(card) == Vectors.residentText)
        #expect(!"\(card)".contains("19491231002X"))
    }

    @Test func hongKongMacauTaiwanPermit() throws {
        let card = try TextBlock.decode(Vectors.permitText)
        #expect(card.kind == .hkMacauTaiwanResidence)
        #expect(card.name == "测试港人" && card.gender == .male)
        #expect(card.nationCode == nil)
        #expect(card.idNumber.unmasked == "810000199001011230" && card.idNumber.isValid)
        #expect(card.passNumber == "H12345678" && card.issueCount == "01")
        #expect(card.validUntil == CalendarDate(year: 2025, month: 1, day: 1))
        #expect(TextBlock.encode(card) == Vectors.permitText)
    }

    @Test func foreignPermanentResidentCard() throws {
        let card = try TextBlock.decode(Vectors.foreignText)
        #expect(card.kind == .foreignPermanentResident)
        #expect(card.englishName == "TEST, SAMPLE" && card.name == "测试")
        #expect(card.idNumber.unmasked == "ZZZ110090010100")
        #expect(card.nationality == "ZZZ" && card.issuingAuthority == "1100")
        #expect(card.birthDate == CalendarDate(year: 1990, month: 1, day: 1))
        #expect(TextBlock.encode(card) == Vectors.foreignText)
    }

    @Test func foreignPermanentResident2023RoundTrips() throws {
        let number = IDNumber(fromCard: "911234199001011239")
        let card = IdentityCard(kind: .foreignPermanentResident2023, name: "测试外", englishName: "SAMPLE, TESTER MIDDLENAME LONGFAMILYNAME ROE",
                                gender: .male, birthDate: CalendarDate(year: 1990, month: 1, day: 1), idNumber: number,
                                validFrom: CalendarDate(year: 2023, month: 12, day: 1), validUntil: CalendarDate(year: 2033, month: 12, day: 1),
                                issueCount: "00", nationality: "ZZZ")
        let text = TextBlock.encode(card)
        #expect(text[248] == 0x59 && text[249] == 0)
        let decoded = try TextBlock.decode(text)
        #expect(decoded == card)
    }

    @Test func anUnknownNationCodeIsShownRawNeverACrash() throws {
        var text = Vectors.residentText
        text.replaceSubrange(32..<36, with: Array("77".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let card = try TextBlock.decode(text)
        #expect(card.nationName == "77")
        #expect(Nation.name(code: "97") == "其他")
        #expect(Nation.name(code: "56") == "基诺族")
    }

    @Test func birthDateAndGenderMismatchesAreReportedNotFatal() throws {
        var text = Vectors.residentText
        text.replaceSubrange(30..<32, with: [0x31, 0x00])    // gender 1 (male) on a female number
        let card = try TextBlock.decode(text)
        #expect(card.consistencyProblems.contains { $0.contains("gender") })
    }

    @Test func appendedAddress() throws {
        var decoder = FrameDecoder()
        let reply = try #require(frames(decoder.feed(Vectors.addressReply)).first?.response)
        #expect(try AppendedAddress.decode(payload: reply.data) == "北京市海淀区样本街2号")
        #expect(AppendedAddress.encode("北京市海淀区样本街2号") == reply.data)
    }

    @Test func everyStatusHasTextAndUnknownOnesArePreserved() {
        for code in [0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x37, 0x3F, 0x40, 0x41, 0x47, 0x60, 0x66, 0x80, 0x81] {
            let status = SAMStatus(rawValue: UInt8(code))
            #expect(status.isKnown && !status.zh.isEmpty && !status.en.isEmpty)
        }
        let unknown = SAMStatus(rawValue: 0x5A)
        #expect(!unknown.isKnown && unknown.rawValue == 0x5A && unknown.en.contains("5A"))
    }
}
