// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore

/// One reader event as a line for `zizhu reader read` (ID numbers masked).
public enum ReaderEventLine {
    public static func render(_ event: ReaderEvent, json: Bool) -> String {
        var fields: [String: String] = [:]
        switch event {
        case .connected(let info):
            fields = ["event": "connected", "transport": info.transport, "sam_id": info.samID ?? ""]
        case .disconnected(let reason):
            fields = ["event": "disconnected", "reason": reason]
        case .waitingForCard:
            fields = ["event": "waiting"]
        case .reading:
            fields = ["event": "reading"]
        case .cardRead(let card):
            fields = ["event": "card_read", "kind": card.kind.rawValue, "name": card.name, "id": card.idNumber.masked]
        case .readFailed(let failure):
            fields = ["event": "read_failed", "failure": "\(failure)", "message": failure.en]
        case .cardRemoved:
            fields = ["event": "card_removed"]
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? String(decoding: encoder.encode(fields), as: UTF8.self)) ?? "{}"
        }
        let event = fields.removeValue(forKey: "event") ?? "?"
        return ([event] + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}
