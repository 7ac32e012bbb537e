// SPDX-License-Identifier: Apache-2.0
import Foundation
import IDCardReader
import ZizhuCore
import ZizhuResources

/// `zizhu reader decode`: every frame in a captured byte stream, explained.
public enum CaptureDecoder {
    /// One thing found in the stream.
    public struct Item: Codable, Sendable {
        public var index: Int
        public var kind: String
        public var command: String?
        public var status: String?
        public var statusText: String?
        public var dataLength: Int?
        public var detail: String?
        public var card: CardFields?
        public var bytes: Int?
        public var hex: String?

        enum CodingKeys: String, CodingKey {
            case index, kind, command, status, statusText = "status_text", dataLength = "data_length", detail, card, bytes, hex
        }
    }

    /// A card's fields as printed; the ID number masked unless a technician asks.
    public struct CardFields: Codable, Sendable {
        public var type: String
        public var name: String
        public var englishName: String?
        public var gender: String
        public var nation: String?
        public var birthDate: String?
        public var address: String?
        public var idNumber: String
        public var idNumberValid: Bool
        public var authority: String?
        public var validFrom: String?
        public var validUntil: String?
        public var passNumber: String?
        public var nationality: String?

        enum CodingKeys: String, CodingKey {
            case type, name, englishName = "english_name", gender, nation, birthDate = "birth_date", address
            case idNumber = "id_number", idNumberValid = "id_number_valid", authority, validFrom = "valid_from"
            case validUntil = "valid_until", passNumber = "pass_number", nationality
        }

        init(_ card: IdentityCard, unmasked: Bool) {
            type = card.kind.rawValue
            name = card.name
            englishName = card.englishName
            gender = card.gender.rawValue
            nation = card.nationName
            birthDate = card.birthDate?.description
            address = card.address
            idNumber = unmasked ? card.idNumber.unmasked : card.idNumber.masked
            idNumberValid = card.idNumber.isValid
            authority = card.issuingAuthority
            validFrom = card.validFrom?.description
            validUntil = card.validIndefinitely ? "长期" : card.validUntil?.description
            passNumber = card.passNumber.map { unmasked ? $0 : IDNumber.mask($0) }
            nationality = card.nationality
        }
    }

    /// Reads hex text (`AA AA AA 96 69 …`, any separators, `#` comments) into bytes.
    public static func bytes(fromHex text: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var nibble: UInt8?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for character in content {
                guard let value = character.hexDigitValue else {
                    if character.isWhitespace || ",:;-".contains(character) { continue }
                    throw CaptureError("'\(character)' is not a hex digit")
                }
                if let high = nibble {
                    out.append(high << 4 | UInt8(value))
                    nibble = nil
                } else {
                    nibble = UInt8(value)
                }
            }
        }
        if nibble != nil { throw CaptureError("odd number of hex digits") }
        return out
    }

    public struct CaptureError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Decodes a whole capture. Garbage and broken frames are reported, never fatal.
    public static func decode(_ bytes: [UInt8], unmasked: Bool) -> [Item] {
        var decoder = FrameDecoder()
        var events = decoder.feed(bytes)
        events += decoder.finish()
        var items: [Item] = []
        var lastCommand: SAMCommand?
        for event in events {
            var item = Item(index: items.count + 1, kind: "")
            switch event {
            case .garbage(let count, let prefix):
                item.kind = "garbage"
                item.bytes = count
                item.hex = hexString(prefix) + (count > prefix.count ? " …" : "")
            case .badChecksum(let length, let expected, let received):
                item.kind = "bad_checksum"
                item.detail = "LEN \(length): checksum \(hex(received)) should be \(hex(expected)); frame dropped"
            case .badLength(let length):
                item.kind = "bad_length"
                item.detail = "LEN \(length) is impossible; resynchronising"
            case .frame(let frame):
                if let request = frame.request, !(frame.body.first == 0 && frame.body.count >= 3 && frame.body[1] == 0) {
                    item.kind = "request"
                    item.command = "\(request.name) (\(hex(request.command)) \(hex(request.parameter)))"
                    lastCommand = request
                } else if let response = frame.response {
                    item.kind = "reply"
                    item.status = hex(response.status.rawValue)
                    item.statusText = response.status.en + " / " + response.status.zh
                    item.dataLength = response.data.count
                    explain(response, after: lastCommand, unmasked: unmasked, into: &item)
                    lastCommand = nil
                } else {
                    item.kind = "frame"
                    item.hex = hexString(frame.body)
                }
            }
            items.append(item)
        }
        return items
    }

    static func explain(_ response: SAMResponse, after command: SAMCommand?, unmasked: Bool, into item: inout Item) {
        if !response.hasValidPrefix { item.detail = "unexpected SW1/SW2 \(hex(response.sw1)) \(hex(response.sw2))" }
        guard response.status == .success, !response.data.isEmpty else { return }
        let data = response.data
        let key = command.map { UInt16($0.command) << 8 | UInt16($0.parameter) }
        if key == 0x12FF || (key == nil && data.count == 16), let id = try? SAMIdentifier(payload: data) {
            item.command = "read SAM ID"
            item.detail = "SAM ID \(id)"
        } else if key == 0x3001 || key == 0x3010 || (key == nil && data.count >= 260) {
            let withFingerprint = key == 0x3010 || (key == nil && data.count >= 6 && (Int(data[0]) << 8 | Int(data[1])) == 256
                                                     && data.count == 6 + 256 + (Int(data[2]) << 8 | Int(data[3])) + (Int(data[4]) << 8 | Int(data[5])))
            do {
                let message = try BaseMessage(payload: data, withFingerprint: withFingerprint)
                let card = try TextBlock.decode(message.text)
                item.command = withFingerprint ? "read base message with fingerprint" : "read base message"
                item.card = CardFields(card, unmasked: unmasked)
                item.detail = "photo \(message.photo.count) bytes (WLT, not decoded)" + (message.fingerprint.map { ", fingerprint \($0.count) bytes" } ?? "")
            } catch {
                item.detail = "base message not decodable: \(error)"
            }
        } else if key == 0x3003 || (key == nil && data.count == 70), let address = try? AppendedAddress.decode(payload: data) {
            item.command = "read appended address"
            item.detail = "appended address: \(unmasked ? address : String(address.prefix(6)) + "…")"
        } else if key == 0x2002 || (key == nil && data.count == 8) {
            item.detail = "card serial \(hexString(data))"
        }
    }

    static func hex(_ byte: UInt8) -> String { hexString([byte]) }

    /// The human-readable listing.
    public static func text(_ items: [Item]) -> String {
        var lines: [String] = []
        for item in items {
            var line = "#\(item.index) \(item.kind)"
            if let command = item.command { line += "  \(command)" }
            if let status = item.status, let text = item.statusText { line += "  status \(status) \(text)" }
            if let length = item.dataLength, length > 0 { line += ", \(length) data bytes" }
            if let bytes = item.bytes { line += "  \(bytes) bytes: \(item.hex ?? "")" }
            if let detail = item.detail { line += "\n    \(detail)" }
            if let card = item.card {
                line += "\n    card: \(card.type)  name \(card.name)" + (card.englishName.map { " (\($0))" } ?? "")
                line += "\n    id \(card.idNumber)\(card.idNumberValid ? "" : " (check digit or date invalid)")  gender \(card.gender)"
                    + (card.nation.map { "  nation \($0)" } ?? "") + (card.birthDate.map { "  born \($0)" } ?? "")
                if let address = card.address, !address.isEmpty { line += "\n    address \(address)" }
                line += "\n    issued by \(card.authority ?? "-")  valid \(card.validFrom ?? "?") to \(card.validUntil ?? "?")"
                if let pass = card.passNumber { line += "  pass \(pass)" }
                if let nationality = card.nationality { line += "  nationality \(nationality)" }
            }
            lines.append(line)
        }
        let frames = items.filter { $0.kind == "request" || $0.kind == "reply" }.count
        let problems = items.count - frames
        lines.append("\(frames) frames" + (problems > 0 ? ", \(problems) problems (garbage or broken frames)" : ""))
        return lines.joined(separator: "\n")
    }
}

/// Loads reader profiles from `Devices/readers/`.
public enum ReaderProfiles {
    public static func load(name: String, shareRoot: URL) throws -> ReaderProfile {
        let url = shareRoot.appendingPathComponent("Devices/readers/\(name).yaml")
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path))?
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted().joined(separator: ", ") ?? "none"
            throw StartupError("\(url.path): no reader profile '\(name)' (known: \(known))")
        }
        do {
            return try ReaderProfile.parse(text, name: name, file: url.path)
        } catch {
            throw StartupError(error.description)
        }
    }
}
