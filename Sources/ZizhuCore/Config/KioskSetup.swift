// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams

/// 终端设置: what a technician gives a newly installed kiosk, as `zizhu-setup.yaml` on the
/// image's boot partition (FAT, writable from any laptop after the image is written):
///
/// ```yaml
/// kiosk_id: GZ-TH-0001                # as the platform's operator registered it
/// site_name: {zh: 天河区政务服务中心 24小时自助区, en: Tianhe Government Service Centre}
/// central: https://zizhu.example.gov.cn
/// token: zzt-...                      # the one-time enrolment token
/// ca: |                               # the CA that signs the platform's certificate (PEM)
///   -----BEGIN CERTIFICATE-----
///   ...
/// technician_pin: "20261204"           # 6-12 digits; only its hash is kept
/// ```
///
/// `zizhu setup` enrols the kiosk, keeps the site (`KioskSite`) and deletes the file: the token
/// and the PIN do not stay on the disk.
public struct KioskSetup: Sendable, Equatable {
    public var kioskID: String?
    public var siteName: LocalizedText?
    public var central: String
    public var token: String
    public var caPEM: String?
    public var technicianPIN: String?

    public static let fileName = "zizhu-setup.yaml"

    struct File: Decodable {
        var kiosk_id: String?
        var site_name: LocalizedText?
        var central: String?
        var token: String?
        var ca: String?
        var technician_pin: String?
    }

    /// Reads the technician's file; every problem is named with its line.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> KioskSetup {
        let loaded = try YAMLDocument.load(File.self, from: text, file: file, allowedKeys: [
            "": ["kiosk_id", "site_name", "central", "token", "ca", "technician_pin"],
            "site_name": ["zh", "en"],
        ])
        let raw = loaded.value
        func at(_ key: String) -> SourceLocation { topLevelLocation(key, in: loaded.root, file: file) }
        var problems = loaded.problems
        let central = raw.central?.trimmingWhitespace ?? ""
        if central.isEmpty { problems.append(FileProblem(at("central"), "central: the platform's address (https://...) is missing")) }
        let token = raw.token?.trimmingWhitespace ?? ""
        if token.isEmpty { problems.append(FileProblem(at("token"), "token: the enrolment token from the platform's operator is missing")) }
        if let id = raw.kiosk_id, !KioskSite.isKioskID(id) {
            problems.append(FileProblem(at("kiosk_id"), "kiosk_id must be 1-64 letters, digits, '-', '_' or '.', not \(id)"))
        }
        if let pin = raw.technician_pin, !TechnicianPIN.isWellFormed(pin) {
            problems.append(FileProblem(at("technician_pin"),
                                        "technician_pin must be \(TechnicianPIN.minimumLength) to \(TechnicianPIN.maximumLength) digits (write it in quotes)"))
        }
        if let ca = raw.ca, !ca.contains("-----BEGIN CERTIFICATE-----") {
            problems.append(FileProblem(at("ca"), "ca must be the platform CA's certificate in PEM (-----BEGIN CERTIFICATE-----)"))
        }
        guard problems.isEmpty else { throw FileProblems(problems) }
        return KioskSetup(kioskID: raw.kiosk_id, siteName: raw.site_name, central: central, token: token, caPEM: raw.ca,
                          technicianPIN: raw.technician_pin)
    }
}

/// The kiosk's own site settings, kept by `zizhu setup` in `$ZIZHU_HOME/site.yaml`: its id,
/// where it stands and its technician PIN's hash. They are laid over kiosk.yaml (the
/// operator's file in /etc/zizhu stays as it was installed), so one image serves every kiosk.
public struct KioskSite: Sendable, Equatable {
    public var kioskID: String?
    public var siteName: LocalizedText?
    public var technicianPIN: TechnicianPIN.Stored?

    public init(kioskID: String? = nil, siteName: LocalizedText? = nil, technicianPIN: TechnicianPIN.Stored? = nil) {
        self.kioskID = kioskID
        self.siteName = siteName
        self.technicianPIN = technicianPIN
    }

    public static let fileName = "site.yaml"

    static func isKioskID(_ id: String) -> Bool {
        (1...64).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    struct File: Decodable {
        var kiosk_id: String?
        var site_name: LocalizedText?
        var technician_pin_hash: String?
    }

    public static func parse(_ text: String, file: String) throws(FileProblems) -> KioskSite {
        let loaded = try YAMLDocument.load(File.self, from: text, file: file, allowedKeys: [
            "": ["kiosk_id", "site_name", "technician_pin_hash"],
            "site_name": ["zh", "en"],
        ])
        let raw = loaded.value
        func at(_ key: String) -> SourceLocation { topLevelLocation(key, in: loaded.root, file: file) }
        var problems = loaded.problems
        var site = KioskSite(kioskID: raw.kiosk_id, siteName: raw.site_name)
        if let id = raw.kiosk_id, !isKioskID(id) { problems.append(FileProblem(at("kiosk_id"), "kiosk_id is not a kiosk id: \(id)")) }
        if let text = raw.technician_pin_hash {
            if let stored = TechnicianPIN.Stored(parsing: text) {
                site.technicianPIN = stored
            } else {
                problems.append(FileProblem(at("technician_pin_hash"), "technician_pin_hash is not a stored PIN (pbkdf2-sha256$...)"))
            }
        }
        guard problems.isEmpty else { throw FileProblems(problems) }
        return site
    }

    /// The file's text (YAML, the values quoted as JSON strings, which YAML reads as they are).
    public var yaml: String {
        func quoted(_ text: String) -> String {
            let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        var lines = ["# Written by `zizhu setup` from the technician's zizhu-setup.yaml; laid over kiosk.yaml."]
        if let kioskID { lines.append("kiosk_id: \(quoted(kioskID))") }
        if let siteName { lines.append("site_name: {zh: \(quoted(siteName.zh)), en: \(quoted(siteName.en))}") }
        if let technicianPIN { lines.append("technician_pin_hash: \(quoted(technicianPIN.text))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The config with this site's settings in place of kiosk.yaml's.
    public func applied(to config: KioskConfig) -> KioskConfig {
        var config = config
        if let kioskID { config.kioskID = kioskID }
        if let siteName { config.siteName = siteName }
        if let technicianPIN { config.technicianPIN = technicianPIN }
        return config
    }
}

/// Where a top-level key of a small settings file is (its first line when the key is absent).
private func topLevelLocation(_ key: String, in root: Node, file: String) -> SourceLocation {
    root.mapping?[key].map { YAMLDocument.location(of: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
}
