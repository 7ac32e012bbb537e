// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// The data items a kiosk reads from a 社会保障卡, named as the card specification names them.
public enum CardField: String, Sendable, Hashable, CaseIterable, Codable {
    /// 卡识别码.
    case cardIdentifier = "card_identifier"
    /// 卡的类别 (e.g. "3" for the third generation).
    case cardType = "card_type"
    /// 规范版本.
    case specificationVersion = "specification_version"
    /// 初始化机构编号 (the issuing region and body).
    case issuerCode = "issuer_code"
    /// 发卡日期.
    case issueDate = "issue_date"
    /// 卡有效期.
    case expiryDate = "expiry_date"
    /// 卡号 (printed on the card; not the person's number).
    case cardNumber = "card_number"
    /// 社会保障号码: for citizens, their identity card number.
    case socialSecurityNumber = "social_security_number"
    /// 姓名.
    case name
    /// 性别 (GB/T 2261.1: 1 male, 2 female).
    case gender
    /// 民族 (GB 3304 code).
    case nation
    /// 出生日期.
    case birthDate = "birth_date"
}

/// How a data item's bytes are written on the card.
public enum FieldEncoding: String, Sendable, Hashable, Codable {
    /// Printable ASCII, padded with NUL, space or FF.
    case ascii
    /// GBK (names), padded the same way.
    case gbk
    /// Binary-coded decimal digits (dates, codes).
    case bcd
    /// Raw bytes, shown as hex.
    case hex
}

/// Which files and records of a 社保卡 a kiosk reads, and how (a `Devices/sscard/` file).
/// Card generations and issuing provinces differ in file identifiers and record
/// numbers; the kiosk's code does not.
public struct SocialSecurityCardProfile: Sendable, Hashable {
    public struct Record: Sendable, Hashable {
        public var number: UInt8
        public var field: CardField
        /// The item's length on the card (longer answers are refused).
        public var length: Int
        public var encoding: FieldEncoding
    }

    public struct File: Sendable, Hashable {
        public var id: UInt16
        public var title: String
        public var records: [Record]
    }

    public var name: String
    /// The DF name SELECTed first (on 社保卡: "sx1.sh.社会保障" in GBK).
    public var application: [UInt8]
    public var files: [File]
    /// What real cards hold or demand that the emulation does not (said on the
    /// technician screen and by `zizhu sscard read`).
    public var notEmulated: [String]

    struct Raw: Decodable {
        struct RawFile: Decodable {
            var fid: String
            var title: String
            var records: [RawRecord]
        }
        struct RawRecord: Decodable {
            var number: Int
            var field: String
            var length: Int
            var encoding: String
        }
        var name: String
        var application: String
        var files: [RawFile]
        var not_emulated: [String]?
    }

    static let keys: [String: Set<String>] = [
        "": ["name", "application", "files", "not_emulated"],
        "files[]": ["fid", "title", "records"],
        "files[].records[]": ["number", "field", "length", "encoding"],
    ]

    /// The fields a kiosk cannot identify anyone without.
    public static let requiredFields: Set<CardField> = [.socialSecurityNumber, .name]

    /// Parses and checks a profile; every problem names `file:line:column`.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> SocialSecurityCardProfile {
        let loaded = try YAMLDocument.load(Raw.self, from: text, file: file, allowedKeys: keys)
        var problems = loaded.problems
        func at(_ key: String) -> SourceLocation { loaded.location(of: key) }
        let raw = loaded.value
        let application = hexBytes(raw.application)
        if application == nil || application?.isEmpty == true || (application?.count ?? 0) > 16 {
            problems.append(FileProblem(at("application"), "application must be the DF name as 1 to 16 hex bytes, e.g. \"73 78 31 2E\""))
        }
        var files: [File] = []
        var seen: Set<CardField> = []
        for rawFile in raw.files {
            guard let fidBytes = hexBytes(rawFile.fid), fidBytes.count == 2 else {
                problems.append(FileProblem(at("files"), "file id '\(rawFile.fid)' must be two hex bytes, e.g. EF05"))
                continue
            }
            var records: [Record] = []
            for rawRecord in rawFile.records {
                guard let field = CardField(rawValue: rawRecord.field) else {
                    let known = CardField.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.append(FileProblem(at("files"), "unknown field '\(rawRecord.field)' in \(rawFile.fid) (known: \(known))"))
                    continue
                }
                guard let encoding = FieldEncoding(rawValue: rawRecord.encoding) else {
                    problems.append(FileProblem(at("files"), "unknown encoding '\(rawRecord.encoding)' for \(field.rawValue) (ascii, gbk, bcd, hex)"))
                    continue
                }
                guard (1...254).contains(rawRecord.number), (1...253).contains(rawRecord.length) else {
                    problems.append(FileProblem(at("files"), "\(field.rawValue): record number must be 1–254 and length 1–253"))
                    continue
                }
                if !seen.insert(field).inserted {
                    problems.append(FileProblem(at("files"), "\(field.rawValue) is read twice"))
                }
                records.append(Record(number: UInt8(rawRecord.number), field: field, length: rawRecord.length, encoding: encoding))
            }
            files.append(File(id: UInt16(fidBytes[0]) << 8 | UInt16(fidBytes[1]), title: rawFile.title, records: records))
        }
        for missing in requiredFields.subtracting(seen).sorted(by: { $0.rawValue < $1.rawValue }) {
            problems.append(FileProblem(at("files"), "the profile must read \(missing.rawValue): a citizen cannot be identified without it"))
        }
        guard problems.isEmpty, let application else { throw FileProblems(problems) }
        return SocialSecurityCardProfile(name: raw.name, application: application, files: files, notEmulated: raw.not_emulated ?? [])
    }

    /// "73 78 31" or "737831" → bytes; nil for anything else.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = text.utf8.filter { $0 != UInt8(ascii: " ") }.map(\.hexDigitValue)
        guard digits.count % 2 == 0, !digits.contains(nil) else { return nil }
        let values = digits.compactMap { $0 }
        return stride(from: 0, to: values.count, by: 2).map { values[$0] << 4 | values[$0 + 1] }
    }
}
