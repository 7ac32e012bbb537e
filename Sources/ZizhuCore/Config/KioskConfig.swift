// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams

/// The terminal's own settings, from `Kiosk/kiosk.yaml` (or the file given with `--config`).
public struct KioskConfig: Sendable, Hashable {
    /// The kiosk's identity as the platform and the technician know it.
    public var kioskID: String
    /// Where the kiosk stands, shown in the title bar (e.g. 天河区政务服务中心 24小时自助区).
    public var siteName: LocalizedText
    /// The language a new session starts in.
    public var defaultLanguage: Language
    /// Seconds without input before the "还在吗?" countdown appears.
    public var idleTimeoutSeconds: Int
    /// Length of that countdown; when it reaches zero the session is wiped.
    public var countdownSeconds: Int
    /// Below this size the kiosk shows "screen too small" instead of a broken layout.
    public var minimumWidth: Int
    public var minimumHeight: Int
    /// The service catalogue folder, relative to the config file unless absolute.
    public var cataloguePath: String
    /// Where GNU Unifont's `.hex` file is, for elder mode's big headlines.
    public var unifontPath: String
    /// The ID card reader's profile (a file in `Devices/readers/`), or nil for none.
    public var readerProfile: String?
    /// The serial device of a serial reader (e.g. `/dev/zizhu-idcard`).
    public var readerPort: String?
    /// The 社保卡 reader: its profile (a file in `Devices/sscard/`) and, where pcscd has
    /// several readers, which one (nil: the first with a card). No profile: no 社保卡 reader.
    public var socialSecurityCardProfile: String?
    public var socialSecurityCardReader: String?
    /// The e-ID QR scanner: a `Devices/qr/` profile and its port (nil: none fitted).
    public var qrScannerProfile: String?
    public var qrScannerPort: String?
    /// The document scanner for paper materials: a `Devices/scanners/` profile (nil: none
    /// fitted; paper is then handed in at a counter).
    public var documentScannerProfile: String?
    /// The CUPS queue receipts go to, its printer profile (`Devices/printers/`), and the
    /// CUPS server (a socket path or host:port; nil: `CUPS_SERVER`, else the system's).
    public var printerQueue = "zizhu-receipt"
    public var printerProfile = "80mm"
    public var printerServer: String?
    /// 取号: the queues this hall calls.
    public var queueCategories: [QueueCategory] = QueueCategory.defaults
    /// How often an enrolled kiosk drains its outbox and sends a heartbeat (seconds).
    public var syncSeconds = 60
    /// How often an enrolled kiosk asks the platform for a newer catalogue (seconds).
    public var catalogueCheckSeconds = 600
    /// The CA that signs the platform's TLS certificate (PEM), read at `zizhu enroll` and
    /// kept in the enrolment: from then on the kiosk trusts that CA alone for the platform.
    public var platformCAFile: String?
    /// 语音提示: prompts spoken through espeak-ng (elder-friendly); off by default.
    public var speech = SpeechSettings()
    /// The technician's PIN, hashed (nil: technician mode cannot be opened on a production kiosk).
    public var technicianPIN: TechnicianPIN.Stored?
    /// 值守时间 (`hall.staffed_hours`, Beijing time).
    public var staffedHours = StaffedHours.office

    public init(kioskID: String = "zizhu-demo-001",
                siteName: LocalizedText = LocalizedText(zh: "政务服务 24小时自助区", en: "24-hour government self-service"),
                defaultLanguage: Language = .zhHans, idleTimeoutSeconds: Int = 60, countdownSeconds: Int = 10,
                minimumWidth: Int = 80, minimumHeight: Int = 24, cataloguePath: String = "catalogue",
                unifontPath: String = "/usr/share/unifont/unifont.hex") {
        self.kioskID = kioskID
        self.siteName = siteName
        self.defaultLanguage = defaultLanguage
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.countdownSeconds = countdownSeconds
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.cataloguePath = cataloguePath
        self.unifontPath = unifontPath
    }

    /// Parses and checks a config file; every problem names `file:line:column`.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> KioskConfig {
        let loaded = try YAMLDocument.load(KioskConfigFile.self, from: text, file: file, allowedKeys: [
            "": ["kiosk", "language", "idle", "screen", "catalogue", "unifont", "reader", "printer", "platform", "queue", "technician", "audio",
                 "hall", "social_security_card", "qr_scanner", "document_scanner"],
            "social_security_card": ["profile", "reader"],
            "document_scanner": ["profile"],
            "qr_scanner": ["profile", "port"],
            "hall": ["staffed_hours"],
            "audio": ["speak", "rate", "output"],
            "technician": ["pin_hash"],
            "platform": ["sync_seconds", "catalogue_check_seconds", "ca_file"],
            "queue[]": ["id", "letter", "name", "minutes"],
            "queue[].name": ["zh", "en"],
            "reader": ["profile", "port"],
            "printer": ["queue", "profile", "server"],
            "kiosk": ["id", "name"],
            "kiosk.name": ["zh", "en"],
            "idle": ["timeout_seconds", "countdown_seconds"],
            "screen": ["min_width", "min_height"],
        ])
        let raw = loaded.value, root = loaded.root
        func at(_ path: String...) -> SourceLocation {
            var node: Node? = root
            for key in path { node = node?.mapping?[key] ?? node }
            return node.map { YAMLDocument.location(of: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
        }
        var config = KioskConfig()
        var problems = loaded.problems
        config.kioskID = raw.kiosk.id
        config.siteName = raw.kiosk.name
        if raw.kiosk.id.trimmingWhitespace.isEmpty {
            problems.append(FileProblem(at("kiosk", "id"), "kiosk.id must not be empty"))
        }
        if let language = raw.language { config.defaultLanguage = language }
        if let idle = raw.idle {
            if let timeout = idle.timeoutSeconds {
                if timeout < 15 || timeout > 3600 {
                    problems.append(FileProblem(at("idle", "timeout_seconds"), "idle.timeout_seconds must be between 15 and 3600, not \(timeout)"))
                }
                config.idleTimeoutSeconds = timeout
            }
            if let countdown = idle.countdownSeconds {
                if countdown < 3 || countdown > 60 {
                    problems.append(FileProblem(at("idle", "countdown_seconds"), "idle.countdown_seconds must be between 3 and 60, not \(countdown)"))
                }
                config.countdownSeconds = countdown
            }
        }
        if let screen = raw.screen {
            if let width = screen.minWidth {
                if width < 80 { problems.append(FileProblem(at("screen", "min_width"), "screen.min_width cannot be below 80 (the layouts need it)")) }
                config.minimumWidth = width
            }
            if let height = screen.minHeight {
                if height < 24 { problems.append(FileProblem(at("screen", "min_height"), "screen.min_height cannot be below 24 (the layouts need it)")) }
                config.minimumHeight = height
            }
        }
        if let catalogue = raw.catalogue { config.cataloguePath = catalogue }
        if let unifont = raw.unifont { config.unifontPath = unifont }
        if let printer = raw.printer {
            if let queue = printer.queue { config.printerQueue = queue }
            if let profile = printer.profile { config.printerProfile = profile }
            config.printerServer = printer.server
        }
        if let queue = raw.queue {
            var ids = Set<String>(), letters = Set<Character>()
            for category in queue {
                let here = at("queue")
                if !ids.insert(category.id).inserted { problems.append(FileProblem(here, "queue: the id '\(category.id)' is used twice")) }
                guard category.letter.count == 1, let letter = category.letter.first, letter.isASCII, letter.isUppercase else {
                    problems.append(FileProblem(here, "queue '\(category.id)': letter must be one capital letter A-Z, not '\(category.letter)'"))
                    continue
                }
                if !letters.insert(letter).inserted { problems.append(FileProblem(here, "queue: the letter \(letter) is used twice")) }
                if !(1...120).contains(category.minutes) {
                    problems.append(FileProblem(here, "queue '\(category.id)': minutes must be between 1 and 120, not \(category.minutes)"))
                }
            }
            if queue.isEmpty || queue.count > 6 { problems.append(FileProblem(at("queue"), "queue: between 1 and 6 categories, not \(queue.count)")) }
            config.queueCategories = queue.compactMap { item in
                item.letter.first.map { QueueCategory(id: item.id, letter: $0, name: item.name, minutesPerPerson: item.minutes) }
            }
        }
        if let platform = raw.platform {
            if let seconds = platform.syncSeconds {
                if seconds < 5 || seconds > 3600 {
                    problems.append(FileProblem(at("platform", "sync_seconds"), "platform.sync_seconds must be between 5 and 3600, not \(seconds)"))
                }
                config.syncSeconds = seconds
            }
            if let seconds = platform.catalogueCheckSeconds {
                if seconds < 5 || seconds > 86_400 {
                    problems.append(FileProblem(at("platform", "catalogue_check_seconds"),
                                                "platform.catalogue_check_seconds must be between 5 and 86400, not \(seconds)"))
                }
                config.catalogueCheckSeconds = seconds
            }
            config.platformCAFile = platform.caFile
        }
        if let audio = raw.audio {
            config.speech.enabled = audio.speak ?? false
            if let rate = audio.rate {
                if !(80...300).contains(rate) {
                    problems.append(FileProblem(at("audio", "rate"), "audio.rate must be between 80 and 300 words a minute, not \(rate)"))
                }
                config.speech.wordsPerMinute = rate
            }
            if let output = audio.output, output != "speaker" { config.speech.recordFolder = output }
        }
        if let text = raw.hall?.staffedHours {
            if let hours = StaffedHours(parsing: text) {
                config.staffedHours = hours
            } else {
                problems.append(FileProblem(at("hall", "staffed_hours"), "hall.staffed_hours must be HH:MM-HH:MM (Beijing time), not \(text)"))
            }
        }
        if let technician = raw.technician, let text = technician.pinHash {
            if let stored = TechnicianPIN.Stored(parsing: text) {
                config.technicianPIN = stored
            } else {
                problems.append(FileProblem(at("technician", "pin_hash"),
                                            "technician.pin_hash must be pbkdf2-sha256$ROUNDS$SALT$HASH with at least \(TechnicianPIN.minimumRounds) rounds (make it with `zizhu technician pin-hash`)"))
            }
        }
        if let reader = raw.reader {
            config.readerProfile = reader.profile
            config.readerPort = reader.port
            if let profile = reader.profile, !profile.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                problems.append(FileProblem(at("reader", "profile"), "reader.profile names a file in Devices/readers/ (letters, digits, '-')"))
            }
        }
        if let card = raw.social_security_card {
            config.socialSecurityCardProfile = card.profile
            config.socialSecurityCardReader = card.reader
            if !card.profile.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                problems.append(FileProblem(at("social_security_card", "profile"),
                                            "social_security_card.profile names a file in Devices/sscard/ (letters, digits, '-')"))
            }
        }
        if let scanner = raw.qr_scanner {
            config.qrScannerProfile = scanner.profile
            config.qrScannerPort = scanner.port
            if !scanner.profile.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                problems.append(FileProblem(at("qr_scanner", "profile"), "qr_scanner.profile names a file in Devices/qr/ (letters, digits, '-')"))
            }
            if let port = scanner.port, !port.hasPrefix("/") {
                problems.append(FileProblem(at("qr_scanner", "port"), "qr_scanner.port is the scanner's device path, e.g. /dev/ttyACM0"))
            }
        }
        if let scanner = raw.document_scanner {
            config.documentScannerProfile = scanner.profile
            if !scanner.profile.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                problems.append(FileProblem(at("document_scanner", "profile"),
                                            "document_scanner.profile names a file in Devices/scanners/ (letters, digits, '-')"))
            }
        }
        if !problems.isEmpty { throw FileProblems(problems) }
        return config
    }
}

struct KioskConfigFile: Decodable {
    struct Identity: Decodable {
        var id: String
        var name: LocalizedText
    }
    struct Idle: Decodable {
        var timeoutSeconds: Int?
        var countdownSeconds: Int?
        enum CodingKeys: String, CodingKey {
            case timeoutSeconds = "timeout_seconds"
            case countdownSeconds = "countdown_seconds"
        }
    }
    struct Screen: Decodable {
        var minWidth: Int?
        var minHeight: Int?
        enum CodingKeys: String, CodingKey {
            case minWidth = "min_width"
            case minHeight = "min_height"
        }
    }
    struct Platform: Decodable {
        var syncSeconds: Int?
        var catalogueCheckSeconds: Int?
        var caFile: String?
        enum CodingKeys: String, CodingKey {
            case syncSeconds = "sync_seconds"
            case catalogueCheckSeconds = "catalogue_check_seconds"
            case caFile = "ca_file"
        }
    }
    struct Queue: Decodable {
        var id: String
        var letter: String
        var name: LocalizedText
        var minutes: Int
    }
    struct Audio: Decodable {
        var speak: Bool?
        var rate: Int?
        var output: String?
    }
    var audio: Audio?
    struct Hall: Decodable {
        var staffedHours: String?
        enum CodingKeys: String, CodingKey { case staffedHours = "staffed_hours" }
    }
    var hall: Hall?
    struct Technician: Decodable {
        var pinHash: String?
        enum CodingKeys: String, CodingKey { case pinHash = "pin_hash" }
    }
    var platform: Platform?
    var technician: Technician?
    var queue: [Queue]?
    var kiosk: Identity
    var language: Language?
    var idle: Idle?
    var screen: Screen?
    var catalogue: String?
    var unifont: String?
    var reader: Reader?
    var social_security_card: SocialSecurityCard?
    var qr_scanner: QRScanner?
    var document_scanner: DocumentScanner?
    var printer: Printer?

    struct DocumentScanner: Decodable {
        var profile: String
    }

    struct QRScanner: Decodable {
        var profile: String
        /// Serial scanners only (a HID one is found by its device name).
        var port: String?
    }

    struct Printer: Decodable {
        var queue: String?
        var profile: String?
        var server: String?
    }

    struct Reader: Decodable {
        var profile: String?
        var port: String?
    }

    struct SocialSecurityCard: Decodable {
        var profile: String
        var reader: String?
    }
}
