// SPDX-License-Identifier: Apache-2.0
import CPCSCLite
import Foundation

/// 社保卡 readers through pcsc-lite (pcscd). Every call opens its own PC/SC context and
/// releases it, so nothing is shared between threads and a restarted pcscd is simply found
/// again. The calls block (waiting for a card blocks up to `wait`): run them on a thread of
/// their own, never on Swift concurrency's pool.
///
/// `PCSCLITE_CSOCK_NAME` in the environment points the library at another pcscd (tests and
/// the demo start a private one).
public enum PCSCReaders {
    /// One successful read: which reader, the card's answer to reset, and the holder.
    public struct Read: Sendable {
        public var reader: String
        public var atr: [UInt8]
        public var holder: SocialSecurityCardholder
    }

    /// The readers pcscd knows, by name.
    public static func list() throws(SmartCardFault) -> [String] {
        let context = try Context()
        defer { context.release() }
        return try context.readers()
    }

    /// The readers and whether a card is in each, without waiting (diagnostics).
    public static func status() throws(SmartCardFault) -> [(reader: String, cardPresent: Bool, atr: [UInt8])] {
        let context = try Context()
        defer { context.release() }
        let names = try context.readers()
        return try context.states(of: names, timeout: 0).map { ($0.reader, $0.present, $0.atr) }
    }

    /// Waits up to `wait` seconds for a card in `reader` (or in any reader), then reads it
    /// with the profile.
    public static func read(_ profile: SocialSecurityCardProfile, reader: String? = nil, wait: Double,
                            trace: ((CommandAPDU, ResponseAPDU) -> Void)? = nil) throws(SmartCardFault) -> Read {
        let context = try Context()
        defer { context.release() }
        let readers = try context.readers()
        let watched: [String]
        if let reader {
            guard readers.contains(reader) else {
                throw .noReader(detail: "no reader named '\(reader)' (pcscd has: \(readers.joined(separator: ", ")))")
            }
            watched = [reader]
        } else {
            watched = readers
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(max(0, wait) * 1000))
        var found: (reader: String, present: Bool, atr: [UInt8])?
        while found == nil {
            let left = deadline - ContinuousClock.now
            let milliseconds = max(0, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            found = try context.states(of: watched, timeout: UInt32(min(milliseconds, 500))).first(where: \.present)
            if found == nil, ContinuousClock.now >= deadline { throw .noCard }
        }
        guard let found else { throw .noCard }
        var card = try context.connect(found.reader)
        defer { card.disconnect() }
        let holder = try CardReading.read(profile, over: &card, trace: trace)
        return Read(reader: found.reader, atr: found.atr, holder: holder)
    }

    /// A PC/SC result code as a fault, in pcsc-lite's own words.
    static func fault(_ code: LONG, _ call: String) -> SmartCardFault {
        let words = String(cString: pcsc_stringify_error(code))
        let detail = "\(call): \(words) (0x\(String(UInt32(truncatingIfNeeded: code), radix: 16)))"
        switch code {
        case zz_scard_e_no_service(), zz_scard_e_service_stopped(): return .serviceUnavailable(detail: detail)
        case zz_scard_e_no_readers_available(), zz_scard_e_unknown_reader(), zz_scard_e_reader_unavailable(): return .noReader(detail: detail)
        case zz_scard_w_removed_card(), zz_scard_e_no_smartcard(), zz_scard_w_reset_card(), zz_scard_w_unresponsive_card(),
             zz_scard_e_not_transacted():
            return .cardRemoved(detail: detail)
        case zz_scard_e_timeout(): return .noCard
        default: return .reader(detail: detail)
        }
    }

    /// One PC/SC context.
    struct Context {
        let handle: SCARDCONTEXT

        init() throws(SmartCardFault) {
            var handle = SCARDCONTEXT()
            let result = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &handle)
            guard result == zz_scard_success() else { throw PCSCReaders.fault(result, "SCardEstablishContext") }
            self.handle = handle
        }

        func release() { SCardReleaseContext(handle) }

        func readers() throws(SmartCardFault) -> [String] {
            var length = DWORD(0)
            var result = SCardListReaders(handle, nil, nil, &length)
            if result == zz_scard_e_no_readers_available() { return [] }
            guard result == zz_scard_success() else { throw PCSCReaders.fault(result, "SCardListReaders") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            result = SCardListReaders(handle, nil, &buffer, &length)
            if result == zz_scard_e_no_readers_available() { return [] }
            guard result == zz_scard_success() else { throw PCSCReaders.fault(result, "SCardListReaders") }
            // A multi-string: names separated by NUL, ended by an empty one.
            return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }

        func states(of readers: [String], timeout: UInt32) throws(SmartCardFault) -> [(reader: String, present: Bool, atr: [UInt8])] {
            guard !readers.isEmpty else { throw .noReader(detail: "pcscd lists no reader (unplugged?)") }
            let names = readers.map { strdup($0) }
            defer { names.forEach { free($0) } }
            var states = names.map { name in
                var state = SCARD_READERSTATE()
                state.szReader = UnsafePointer(name)
                state.dwCurrentState = DWORD(SCARD_STATE_UNAWARE)
                return state
            }
            let result = SCardGetStatusChange(handle, DWORD(timeout), &states, DWORD(states.count))
            guard result == zz_scard_success() || result == zz_scard_e_timeout() else { throw PCSCReaders.fault(result, "SCardGetStatusChange") }
            return zip(readers, states).map { name, state in
                let atr = withUnsafeBytes(of: state.rgbAtr) { Array($0.prefix(Int(min(state.cbAtr, DWORD(MAX_ATR_SIZE))))) }
                let present = state.dwEventState & DWORD(SCARD_STATE_PRESENT) != 0 && state.dwEventState & DWORD(SCARD_STATE_MUTE) == 0
                return (name, present, present ? atr : [])
            }
        }

        /// Whether the reader reports its card gone within a few seconds (drivers poll for
        /// presence, vpcd about every two seconds).
        func becomesEmpty(_ reader: String) -> Bool {
            let name = strdup(reader)
            defer { free(name) }
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(name)
            state.dwCurrentState = DWORD(SCARD_STATE_PRESENT)
            let deadline = ContinuousClock.now + .seconds(4)
            while ContinuousClock.now < deadline {
                let result = SCardGetStatusChange(handle, 500, &state, 1)
                guard result == zz_scard_success() || result == zz_scard_e_timeout() else { return true }
                if state.dwEventState & DWORD(SCARD_STATE_EMPTY) != 0 { return true }
                state.dwCurrentState = state.dwEventState & ~DWORD(SCARD_STATE_CHANGED)
            }
            return false
        }

        func connect(_ reader: String) throws(SmartCardFault) -> Card {
            var card = SCARDHANDLE()
            var protocolInUse = DWORD(0)
            let result = SCardConnect(handle, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &protocolInUse)
            guard result == zz_scard_success() else { throw PCSCReaders.fault(result, "SCardConnect") }
            return Card(handle: card, protocolInUse: protocolInUse, context: self, reader: reader)
        }
    }

    /// A connected card: the channel the read runs over.
    struct Card: CardChannel {
        let handle: SCARDHANDLE
        let protocolInUse: DWORD
        let context: Context
        let reader: String

        mutating func transmit(_ command: CommandAPDU) throws(SmartCardFault) -> ResponseAPDU {
            let bytes = command.bytes
            var answer = [UInt8](repeating: 0, count: 258)
            var length = DWORD(answer.count)
            let result = zz_scard_transmit(handle, protocolInUse, bytes, DWORD(bytes.count), &answer, &length)
            guard result == zz_scard_success() else { throw PCSCReaders.fault(result, "SCardTransmit") }
            guard let response = ResponseAPDU(bytes: Array(answer.prefix(Int(min(length, DWORD(answer.count)))))) else {
                // Some readers (vpcd among them) hand on an empty answer when the card goes
                // mid-command; the reader's state says which it was.
                if context.becomesEmpty(reader) {
                    throw .cardRemoved(detail: "SCardTransmit of \(HexBytes.string(Array(command.bytes.prefix(4)))) got no answer and the reader now reports no card")
                }
                throw .malformedAnswer(detail: "the card answered \(length) bytes, fewer than the two status bytes")
            }
            return response
        }

        func disconnect() { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }
    }
}
