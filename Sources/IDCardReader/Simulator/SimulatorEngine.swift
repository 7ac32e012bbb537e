// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The reader's side of the protocol, for tests and demo kiosks: answers real GA 467
/// frames from a list of fake citizens, with faults a test can script.
/// Pure: bytes in, replies out; the host (`SimulatorHost`) does the I/O.
public final class SimulatorEngine: @unchecked Sendable {
    /// A card the simulator can place on its reading area.
    public struct Card: Sendable, Hashable {
        public var identity: IdentityCard
        public var appendedAddress: String?
        public var photo: [UInt8]

        public init(identity: IdentityCard, appendedAddress: String? = nil, photo: [UInt8]? = nil) {
            self.identity = identity
            self.appendedAddress = appendedAddress
            self.photo = photo ?? SimulatorEngine.fakePhoto
        }
    }

    /// Faults a test (or a technician rehearsing) can switch on.
    public enum Fault: String, Sendable, CaseIterable {
        case selectFail = "select-fail"
        case readFail = "read-fail"
        case badChecksum = "bad-checksum"
        case silent
        case unknownCard = "unknown-card"
    }

    /// What to send back for one request.
    public struct Reply: Sendable, Hashable {
        public var bytes: [UInt8]
        /// Milliseconds to wait before sending.
        public var delay: Int
    }

    /// "NOT-A-REAL-WLT-PHOTO " repeated to 1024 bytes: the photo is opaque WLT on real cards.
    public static let fakePhoto: [UInt8] = {
        let unit = Array("NOT-A-REAL-WLT-PHOTO ".utf8)
        return (0..<1024).map { unit[$0 % unit.count] }
    }()

    public let cards: [Card]
    public let samID: SAMIdentifier
    /// Index of the card on the reader, if any.
    public private(set) var present: Int?
    /// Faults active until switched off, and faults that fire once.
    public private(set) var persistentFaults: Set<Fault> = []
    public private(set) var onceFaults: [Fault] = []
    /// Every reply is delayed by this many milliseconds.
    public var latency = 0
    /// Demo behaviour: a card appears after this many find requests without a card, and
    /// goes away this many find requests after it was read.
    public var autoPlaceAfterPolls: Int?
    public var autoRemoveAfterPolls: Int?
    private var pollsWithoutCard = 0
    private var pollsSinceRead: Int?
    private var nextAutoCard = 0
    private var decoder = FrameDecoder()
    public private(set) var requestsSeen: [SAMCommand] = []

    public init(cards: [Card], samID: SAMIdentifier) {
        self.cards = cards
        self.samID = samID
    }

    // MARK: - Control

    public func place(_ index: Int) -> Bool {
        guard cards.indices.contains(index) else { return false }
        present = index
        pollsSinceRead = nil
        return true
    }

    public func remove() {
        present = nil
        pollsSinceRead = nil
        pollsWithoutCard = 0
    }

    public func set(_ fault: Fault, once: Bool) {
        if once { onceFaults.append(fault) } else { persistentFaults.insert(fault) }
    }

    public func clearFaults() {
        persistentFaults = []
        onceFaults = []
    }

    private func take(_ fault: Fault) -> Bool {
        if persistentFaults.contains(fault) { return true }
        if let index = onceFaults.firstIndex(of: fault) {
            onceFaults.remove(at: index)
            return true
        }
        return false
    }

    // MARK: - Protocol

    /// Feeds bytes from the host; returns the replies to send, in order.
    public func receive(_ bytes: [UInt8]) -> [Reply] {
        var replies: [Reply] = []
        for event in decoder.feed(bytes) {
            switch event {
            case .frame(let frame):
                if let reply = respond(to: frame) { replies.append(reply) }
            case .badChecksum:
                replies.append(finish(SAMResponse(status: .badChecksumReceived)))
            case .badLength:
                replies.append(finish(SAMResponse(status: .badLengthReceived)))
            case .garbage:
                continue
            }
        }
        return replies
    }

    func respond(to frame: SAMFrame) -> Reply? {
        guard frame.body.count >= 2 else { return finish(SAMResponse(status: .commandError)) }
        let command = SAMCommand(command: frame.body[0], parameter: frame.body[1], data: Array(frame.body[2...]))
        requestsSeen.append(command)
        if take(.silent) { return nil }
        switch command.key {
        case SAMCommand.samStatus.key, SAMCommand.resetSAM.key:
            return finish(SAMResponse(status: .success))
        case SAMCommand.samID.key:
            return finish(SAMResponse(status: .success, data: samID.payload))
        case 0x61FF:
            return finish(SAMResponse(status: .success))
        case SAMCommand.findCard.key:
            autoBehaviour()
            guard present != nil else { return finish(SAMResponse(status: .noCard)) }
            return finish(SAMResponse(status: .cardFound, data: [0, 0, 0, 0]))
        case SAMCommand.selectCard.key:
            guard present != nil else { return finish(SAMResponse(status: .selectFailed)) }
            if take(.selectFail) { return finish(SAMResponse(status: .selectFailed)) }
            return finish(SAMResponse(status: .success, data: [UInt8](repeating: 0, count: 8)))
        case SAMCommand.readBase.key, SAMCommand.readBaseWithFingerprint.key:
            guard let index = present else { return finish(SAMResponse(status: .readFailed)) }
            if take(.readFail) { return finish(SAMResponse(status: .readFailed)) }
            if take(.unknownCard) { return finish(SAMResponse(status: .unknownCardType)) }
            let card = cards[index]
            let withFingerprint = command.key == SAMCommand.readBaseWithFingerprint.key
            let message = BaseMessage(text: TextBlock.encode(card.identity), photo: card.photo, fingerprint: withFingerprint ? [] : nil)
            pollsSinceRead = 0
            return finish(SAMResponse(status: .success, data: message.payload(withFingerprint: withFingerprint)))
        case SAMCommand.readAppendedAddress.key:
            guard let index = present else { return finish(SAMResponse(status: .readFailed)) }
            guard let address = cards[index].appendedAddress else { return finish(SAMResponse(status: .noContent)) }
            return finish(SAMResponse(status: .success, data: AppendedAddress.encode(address)))
        default:
            return finish(SAMResponse(status: .commandError))
        }
    }

    private func autoBehaviour() {
        if present == nil, let after = autoPlaceAfterPolls, !cards.isEmpty {
            pollsWithoutCard += 1
            if pollsWithoutCard >= after {
                present = nextAutoCard % cards.count
                nextAutoCard += 1
                pollsWithoutCard = 0
            }
        } else if let since = pollsSinceRead, let after = autoRemoveAfterPolls {
            pollsSinceRead = since + 1
            if since + 1 > after { remove() }
        }
    }

    private func finish(_ response: SAMResponse) -> Reply {
        var bytes = response.frame.bytes
        if take(.badChecksum) { bytes[bytes.count - 1] ^= 0xFF }
        return Reply(bytes: bytes, delay: latency)
    }

    /// Applies a control line (`place 2`, `remove`, `fault read-fail once`, `fault none`,
    /// `slow 1500`, `auto off`); returns what it did, or an error for the sender.
    public func control(_ line: String) -> Result<String, SimulatorControlError> {
        let words = line.split(separator: " ").map(String.init)
        guard let verb = words.first else { return .failure(.init("empty command")) }
        switch verb {
        case "place":
            guard words.count == 2, let n = Int(words[1]), place(n - 1) else {
                return .failure(.init("usage: place N (1 to \(cards.count))"))
            }
            return .success("card \(n) placed (\(cards[n - 1].identity.idNumber.masked))")
        case "remove":
            remove()
            return .success("card removed")
        case "fault":
            guard words.count >= 2 else { return .failure(.init("usage: fault NAME [once] | fault none")) }
            if words[1] == "none" {
                clearFaults()
                return .success("faults cleared")
            }
            guard let fault = Fault(rawValue: words[1]) else {
                return .failure(.init("unknown fault '\(words[1])' (\(Fault.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            let once = words.count > 2 && words[2] == "once"
            set(fault, once: once)
            return .success("fault \(fault.rawValue)\(once ? " once" : "") on")
        case "slow":
            guard words.count == 2, let ms = Int(words[1]), ms >= 0 else { return .failure(.init("usage: slow MILLISECONDS")) }
            latency = ms
            return .success("replies delayed by \(ms) ms")
        case "auto":
            if words.count == 2 && words[1] == "off" {
                autoPlaceAfterPolls = nil
                autoRemoveAfterPolls = nil
                return .success("automatic cards off")
            }
            return .failure(.init("usage: auto off"))
        default:
            return .failure(.init("unknown command '\(verb)'"))
        }
    }
}

public struct SimulatorControlError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
