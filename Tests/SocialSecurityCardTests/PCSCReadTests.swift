// SPDX-License-Identifier: Apache-2.0
import Foundation
import SocialSecurityCard
import Testing
import ZizhuCore
import ZizhuProcess

/// 社保卡 read through the real stack: libpcsclite → a private pcscd → vsmartcard's vpcd
/// driver → the card script, started by each test.
///
/// pcsc-lite reads `PCSCLITE_CSOCK_NAME` once per process, so the tests point it at one
/// fixed link and re-point the link at each test's own pcscd; hence one test at a time.
@Suite(.serialized)
struct PCSCReadTests {
    static let devices = CardCodecTests.root.appendingPathComponent("Devices")

    static let link: String = {
        let folder = NSTemporaryDirectory() + "zizhu-pcsc-link-\(getpid())"
        mkdir(folder, 0o700)
        let path = folder + "/pcscd.comm"
        setenv("PCSCLITE_CSOCK_NAME", path, 1)
        return path
    }()

    /// A private pcscd with the virtual reader, the link pointing at it.
    static func emulation() async throws -> SmartCardEmulation {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-sscard-\(UUID().uuidString.prefix(8))")
        let emulation = try await ChildProcess.detached { try SmartCardEmulation(folder: folder, devices: devices) }
        unlink(link)
        symlink(emulation.socketPath, link)
        return emulation
    }

    static func finish(_ emulation: SmartCardEmulation) async {
        await emulation.shutdown()
        try? FileManager.default.removeItem(at: emulation.folder)
    }

    static func cards() throws -> [SmartCardEmulation.CardData] {
        try SmartCardEmulation.cards(from: devices.appendingPathComponent("simulator/demo-sscards.yaml"))
    }

    /// A read of a card already in the reader: the wait only matters when pcscd is slow to
    /// power the card up (a loaded CI machine), so it is generous.
    static func read(wait: Double = 20) async throws -> Result<PCSCReaders.Read, SmartCardFault> {
        let profile = try CardCodecTests.shippedProfile()
        return try await ChildProcess.detached {
            Result { () throws(SmartCardFault) -> PCSCReaders.Read in try PCSCReaders.read(profile, wait: wait) }
        }
    }

    /// The end of pcscd's log, printable, for a failure message: what pcscd saw of the card.
    static func pcscdLog(_ emulation: SmartCardEmulation) -> String {
        let text = (try? String(contentsOf: emulation.folder.appendingPathComponent("pcscd.log"), encoding: .utf8)) ?? "(no log)"
        return String(text.suffix(1500).map { $0.isNewline || !$0.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) ? $0 : " " })
    }

    /// A private pcscd for the body, stopped afterwards however the body ends.
    static func withEmulation(_ body: (SmartCardEmulation) async throws -> Void) async throws {
        let emulation = try await emulation()
        do {
            try await body(emulation)
        } catch {
            await finish(emulation)
            throw error
        }
        await finish(emulation)
    }

    @Test func eachDemoCardIsReadThroughPcscdAndIdentifiesItsHolder() async throws {
        try await Self.withEmulation { emulation in
            let cards = try Self.cards()
            #expect(cards.count >= 2)
            let today = try #require(CalendarDate(year: 2026, month: 12, day: 5))
            for card in cards {
                try await emulation.inserting(card)
                let read = try await Self.read().get()
                #expect(read.reader == emulation.readerName)
                #expect(read.atr.starts(with: [0x3B, 0x6C]))
                #expect(read.holder.name == card["name"])
                #expect(read.holder.idNumber.unmasked == card["social_security_number"])
                #expect(read.holder.cardNumber == card["card_number"])
                let identity = try read.holder.identity(today: today)
                #expect(identity.idNumber.isValid && identity.source == .socialSecurityCard)
                await emulation.removing()
            }
            let listed = try await ChildProcess.detached { try PCSCReaders.status() }
            #expect(listed.contains { $0.reader == emulation.readerName && !$0.cardPresent })
        }
    }

    @Test func aCardPulledOutMidReadIsAFaultAndNothingIsKept() async throws {
        try await Self.withEmulation { emulation in
            let card = try #require(try Self.cards().first)
            // Out after the application, EF05 and four of its records: the holder's file is never reached.
            try await emulation.inserting(card, removeAfter: 6)
            let result = try await Self.read()
            guard case .failure(let fault) = result, case .cardRemoved(let detail) = fault else {
                Issue.record("expected the card to be reported removed, got \(result); pcscd's log:\n\(Self.pcscdLog(emulation))")
                return
            }
            #expect(detail.contains("SCardTransmit"))
            #expect(fault.zh.contains("重新插入"))
            // The next citizen's card reads whole.
            try await emulation.inserting(card)
            #expect(try await Self.read().get().holder.name == card["name"])
        }
    }

    @Test func noCardInTimeIsSaidPlainly() async throws {
        try await Self.withEmulation { _ in
            let result = try await Self.read(wait: 1)
            #expect(throws: SmartCardFault.noCard) { try result.get() }
            #expect(SmartCardFault.noCard.zh.contains("插入"))
        }
    }

    @Test func pcscdGoneIsTheServiceUnavailableNotAHang() async throws {
        let emulation = try await Self.emulation()
        await Self.finish(emulation)
        let result = try await Self.read(wait: 1)
        guard case .failure(let fault) = result, case .serviceUnavailable = fault else {
            Issue.record("expected pcscd to be reported unavailable, got \(result)")
            return
        }
        #expect(fault.zh.contains("身份证"))
    }
}
