// SPDX-License-Identifier: Apache-2.0

/// Something that carries one APDU to a card and its answer back: pcsc-lite for real, a
/// list of canned answers in the codec's tests.
public protocol CardChannel {
    mutating func transmit(_ command: CommandAPDU) throws(SmartCardFault) -> ResponseAPDU
}

/// The read of a 社保卡's basics, as a sequence of APDUs a profile describes: select the
/// application, then each file, then each record. Pure: it decides; the channel touches.
public enum CardReading {
    /// Reads every record the profile names and decodes the holder. `trace` sees each
    /// exchange (the technician's APDU log; it masks nothing, so only diagnostics use it).
    public static func read(_ profile: SocialSecurityCardProfile, over channel: inout some CardChannel,
                            trace: ((CommandAPDU, ResponseAPDU) -> Void)? = nil) throws(SmartCardFault) -> SocialSecurityCardholder {
        func send(_ command: CommandAPDU) throws(SmartCardFault) -> ResponseAPDU {
            var answer = try channel.transmit(command)
            trace?(command, answer)
            // T=0 cards say how much they have (61xx) or that Le was wrong (6Cxx): ask again.
            var retries = 0
            while retries < 4 {
                retries += 1
                if answer.sw1 == 0x61 {
                    let more = CommandAPDU(cla: command.cla, ins: 0xC0, p1: 0, p2: 0, le: answer.sw2)
                    let next = try channel.transmit(more)
                    trace?(more, next)
                    answer = ResponseAPDU(data: answer.data + next.data, sw1: next.sw1, sw2: next.sw2)
                } else if answer.sw1 == 0x6C, command.le != nil {
                    var again = command
                    again.le = answer.sw2
                    answer = try channel.transmit(again)
                    trace?(again, answer)
                } else {
                    break
                }
            }
            return answer
        }

        let selected = try send(.selectApplication(profile.application))
        guard selected.isSuccess else {
            throw .cardRefused(step: "SELECT of the social security application", status: StatusWord.describe(selected.sw1, selected.sw2))
        }
        var items: [CardField: (bytes: [UInt8], encoding: FieldEncoding)] = [:]
        for file in profile.files {
            let fid = HexBytes.string([UInt8(file.id >> 8), UInt8(file.id & 0xFF)]).replacingOccurrences(of: " ", with: "")
            let answer = try send(.selectFile(file.id))
            guard answer.isSuccess else {
                throw .cardRefused(step: "SELECT \(fid) (\(file.title))", status: StatusWord.describe(answer.sw1, answer.sw2))
            }
            for record in file.records {
                let answer = try send(.readRecord(record.number))
                if answer.status == 0x6A83, !SocialSecurityCardProfile.requiredFields.contains(record.field) {
                    continue   // an optional item this card does not carry
                }
                guard answer.isSuccess else {
                    throw .cardRefused(step: "READ RECORD \(record.number) of \(fid) (\(record.field.rawValue))",
                                       status: StatusWord.describe(answer.sw1, answer.sw2))
                }
                items[record.field] = (try value(of: answer.data, record: record), record.encoding)
            }
        }
        return try SocialSecurityCardholder(items: items)
    }

    /// A record's value from its `tag length value` form; the tag must be the record asked
    /// for and the length within what the profile allows and what arrived.
    static func value(of data: [UInt8], record: SocialSecurityCardProfile.Record) throws(SmartCardFault) -> [UInt8] {
        guard data.count >= 2 else {
            throw .malformedAnswer(detail: "record \(record.number) answered \(data.count) bytes, too short for a tag and a length")
        }
        guard data[0] == record.number else {
            throw .malformedAnswer(detail: "record \(record.number) answered with tag \(HexBytes.string([data[0]]))")
        }
        let length = Int(data[1])
        guard length <= record.length else {
            throw .malformedAnswer(detail: "\(record.field.rawValue) is \(length) bytes; the profile allows \(record.length)")
        }
        guard data.count >= 2 + length else {
            throw .malformedAnswer(detail: "\(record.field.rawValue) says \(length) bytes but \(data.count - 2) arrived")
        }
        return Array(data[2..<(2 + length)])
    }
}
