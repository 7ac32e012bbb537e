// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams
import ZizhuCore

/// The simulator's YAML file of fake citizens (`zizhu reader sim --cards FILE`).
///
/// ```yaml
/// sam_id: "05.01-20200101-0000000001-0000000002"
/// auto: {place_after_polls: 3, remove_after_polls: 2}   # demo kiosks only
/// cards:
///   - kind: resident            # resident | hk_macau_taiwan | foreign_permanent | foreign_permanent_2023
///     name: 测试样本
///     gender: female            # male | female
///     nation: "01"
///     birth: 1949-12-31
///     address: 北京市朝阳区测试路1号样本小区
///     id: 11010519491231002X
///     authority: 北京市公安局朝阳分局
///     valid_from: 2020-01-01
///     valid_until: 长期          # or a date
///     appended_address: 北京市海淀区样本街2号   # optional
/// ```
public enum SimulatorScript {
    struct File: Decodable {
        var samID: String?
        var auto: Auto?
        var cards: [CardEntry]
        enum CodingKeys: String, CodingKey {
            case samID = "sam_id", auto, cards
        }
    }

    struct Auto: Decodable {
        var placeAfterPolls: Int?
        var removeAfterPolls: Int?
        enum CodingKeys: String, CodingKey {
            case placeAfterPolls = "place_after_polls", removeAfterPolls = "remove_after_polls"
        }
    }

    struct CardEntry: Decodable {
        var kind: String
        var name: String
        var englishName: String?
        var gender: String
        var nation: String?
        var birth: String
        var address: String?
        var id: String
        var authority: String?
        var validFrom: String
        var validUntil: String
        var passNumber: String?
        var issueCount: String?
        var nationality: String?
        var appendedAddress: String?
        enum CodingKeys: String, CodingKey {
            case kind, name, englishName = "english_name", gender, nation, birth, address, id, authority
            case validFrom = "valid_from", validUntil = "valid_until", passNumber = "pass_number"
            case issueCount = "issue_count", nationality, appendedAddress = "appended_address"
        }
    }

    static let keys: [String: Set<String>] = [
        "": ["sam_id", "auto", "cards"], "auto": ["place_after_polls", "remove_after_polls"],
        "cards[]": ["kind", "name", "english_name", "gender", "nation", "birth", "address", "id", "authority",
                    "valid_from", "valid_until", "pass_number", "issue_count", "nationality", "appended_address"],
    ]

    /// Parses and checks a cards file; every problem names `file:line:column`.
    public static func load(_ text: String, file: String) throws(FileProblems) -> SimulatorEngine {
        let loaded = try YAMLDocument.load(File.self, from: text, file: file, allowedKeys: keys)
        let raw = loaded.value, root = loaded.root
        var problems = loaded.problems
        func at(_ index: Int, _ key: String) -> SourceLocation {
            let node = root.mapping?["cards"]?.sequence?[index]
            let field = node?.mapping?[key] ?? node
            return field.map { YAMLDocument.location(of: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
        }
        func date(_ text: String, _ index: Int, _ key: String) -> CalendarDate? {
            let date = CalendarDate(digits: text.replacingOccurrences(of: "-", with: ""))
            if date == nil { problems.append(FileProblem(at(index, key), "'\(text)' is not a date (YYYY-MM-DD)")) }
            return date
        }
        var cards: [SimulatorEngine.Card] = []
        for (index, entry) in raw.cards.enumerated() {
            let kind: CardKind
            switch entry.kind {
            case "resident": kind = .resident
            case "hk_macau_taiwan": kind = .hkMacauTaiwanResidence
            case "foreign_permanent": kind = .foreignPermanentResident
            case "foreign_permanent_2023": kind = .foreignPermanentResident2023
            default:
                problems.append(FileProblem(at(index, "kind"), "unknown card kind '\(entry.kind)' (resident, hk_macau_taiwan, foreign_permanent, foreign_permanent_2023)"))
                continue
            }
            let gender: Gender
            switch entry.gender {
            case "male": gender = .male
            case "female": gender = .female
            default:
                problems.append(FileProblem(at(index, "gender"), "gender must be male or female"))
                continue
            }
            if kind != .foreignPermanentResident, (try? IDNumber(validating: entry.id)) == nil {
                problems.append(FileProblem(at(index, "id"), "\(IDNumber.mask(entry.id)) fails the GB 11643 check (fake citizens need valid check digits)"))
            }
            let birth = date(entry.birth, index, "birth")
            let from = date(entry.validFrom, index, "valid_from")
            let indefinite = entry.validUntil == "长期"
            let until = indefinite ? nil : date(entry.validUntil, index, "valid_until")
            let identity = IdentityCard(
                kind: kind, name: entry.name, englishName: entry.englishName, gender: gender,
                nationCode: kind == .resident ? (entry.nation ?? "01") : nil, birthDate: birth, address: entry.address,
                idNumber: IDNumber(fromCard: entry.id), issuingAuthority: entry.authority, validFrom: from,
                validUntil: until, validIndefinitely: indefinite, passNumber: entry.passNumber,
                issueCount: entry.issueCount, nationality: entry.nationality)
            cards.append(SimulatorEngine.Card(identity: identity, appendedAddress: entry.appendedAddress))
        }
        var samID = SAMIdentifier(a: 5, b: 1, c: 20_200_101, d: 1, e: 2)
        if let text = raw.samID {
            let parts = text.split(whereSeparator: { $0 == "." || $0 == "-" }).compactMap { UInt32($0) }
            if parts.count == 5, parts[0] <= 0xFFFF, parts[1] <= 0xFFFF {
                samID = SAMIdentifier(a: UInt16(parts[0]), b: UInt16(parts[1]), c: parts[2], d: parts[3], e: parts[4])
            } else {
                problems.append(FileProblem(loaded.location(of: "sam_id"), "sam_id must look like 05.01-20200101-0000000001-0000000002"))
            }
        }
        if cards.isEmpty && problems.isEmpty {
            problems.append(FileProblem(SourceLocation(file: file, line: 1, column: 1), "no cards"))
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        let engine = SimulatorEngine(cards: cards, samID: samID)
        engine.autoPlaceAfterPolls = raw.auto?.placeAfterPolls
        engine.autoRemoveAfterPolls = raw.auto?.removeAfterPolls
        return engine
    }
}
