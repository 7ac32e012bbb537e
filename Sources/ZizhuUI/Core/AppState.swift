// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Settings that shape a session; they come from the kiosk config.
public struct SessionSettings: Sendable, Hashable {
    public var idleTimeoutSeconds: Int
    public var countdownSeconds: Int
    public var defaultLanguage: Language
    public var minimumWidth: Int
    public var minimumHeight: Int
    /// Demo kiosks can be left with F10; production citizen mode cannot be left at all.
    public var allowsQuit: Bool
    /// Whether F12 on the home screen opens technician mode without a PIN. Demo kiosks
    /// only: production kiosks open it with Shift+F12 and the technician's PIN.
    public var diagnosticsWithoutPIN: Bool
    /// 取号: the hall's queues (from the kiosk config).
    public var queueCategories: [QueueCategory] = QueueCategory.defaults
    /// 语音提示: each screen a citizen reaches also speaks its prompt.
    public var speaksPrompts = false
    /// 值守时间: when staff are in the hall.
    public var staffedHours = StaffedHours.office
    /// A 社保卡 reader is configured: services that take the card say so on the identify screen.
    public var socialSecurityCardReader = false
    /// A QR scanner for e-ID codes (电子身份证 / 粤省事码) is configured: the identify screen offers it.
    public var identityCodeScanner = false
    /// A document scanner is configured: paper materials can be scanned at the kiosk (扫描纸质材料).
    public var documentScanner = false

    public init(idleTimeoutSeconds: Int = 60, countdownSeconds: Int = 10, defaultLanguage: Language = .zhHans,
                minimumWidth: Int = 80, minimumHeight: Int = 24, allowsQuit: Bool = false,
                diagnosticsWithoutPIN: Bool = false, queueCategories: [QueueCategory] = QueueCategory.defaults) {
        self.queueCategories = queueCategories
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.countdownSeconds = countdownSeconds
        self.defaultLanguage = defaultLanguage
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.allowsQuit = allowsQuit
        self.diagnosticsWithoutPIN = diagnosticsWithoutPIN
    }
}

/// A short message shown on the current screen until the next input.
public enum Notice: Sendable, Hashable {
    /// 确认 was pressed on the search screen but no service has this code.
    case noServiceWithCode(String)
}

/// Everything the kiosk's screens depend on. A value: `update` changes it, views read it.
public struct AppState: Sendable, Hashable {
    public var screen: Screen = .home
    /// Screens to return to with 返回, most recent last.
    public var history: [Screen] = []
    public var language: Language
    /// Whether staff are in the hall now (`staffedHours`; the runtime says when it changes).
    public var hallStaffed = true
    public var elderMode = false
    public var width: Int
    public var height: Int
    /// Index (in the frame's focus order) of the button the arrow keys have reached.
    public var focus: Int?
    /// The button a finger is on right now.
    public var pressed: ButtonID?
    public var notice: Notice?
    /// Seconds since the last input.
    public var idleSeconds = 0
    /// Seconds left in the "还在吗?" countdown, when it is showing.
    public var countdown: Int?
    /// The person being served, once identified. Session data: wiped when the session
    /// ends (idle timeout, going home). Masks itself when printed.
    public var citizen: IdentityCard?
    /// 身份核验 and the reader's other uses (its feature's slice).
    public var identify = IdentifyState()
    /// Whether the ID card reader answered its last health check (kept across sessions).
    public var readerConnected = false
    /// The receipt printer's last known health (kept across sessions; nil until checked).
    public var printerHealth: PrinterHealth?
    /// 打印机诊断: the preview, the test page, a check under way.
    public var printerDiagnostics = PrinterDiagnosticsState()
    /// The application being filled in (session data).
    public var application: Application?
    /// 呼叫帮办 in this session (session data).
    public var help: HelpCall?
    /// 查询进度: the last lookup (session data).
    public var progress: ProgressLookup?
    /// 打印证明: the proofs the platform holds for the citizen, and the one printing (session data).
    public var proofs = ProofsState()
    /// 预约: the last lookup (session data).
    public var appointment: AppointmentLookup?
    /// 取号: the ticket of this session.
    public var ticket: TicketState?
    /// Why this kiosk cannot accept applications (its storage), kept across sessions.
    public var storageProblem: LocalizedText?
    /// 技术人员模式: the PIN and, once it was accepted, the session.
    public var technician = TechnicianState()
    /// The kiosk's date, from the runtime's clock.
    public var today: CalendarDate
    public var catalogue: Catalogue
    /// 行政区划代码 for region fields; nil until loaded (or when the table is missing: region
    /// fields are then checked for form only).
    public var divisions: AdministrativeDivisions?
    /// Why the catalogue could not be loaded (for technicians; citizens see 暂不可用).
    public var catalogueProblem: String?
    /// A catalogue update that arrived while a citizen was applying: it takes over when
    /// that session ends, so no journey has its service changed under it.
    public var pendingCatalogue: Catalogue?
    public var settings: SessionSettings

    public init(catalogue: Catalogue, settings: SessionSettings = SessionSettings(), width: Int = 100, height: Int = 30,
                today: CalendarDate = CalendarDate.epoch) {
        self.catalogue = catalogue
        self.today = today
        self.settings = settings
        self.language = settings.defaultLanguage
        self.width = width
        self.height = height
    }

    /// True when nothing of a citizen's visit is left: the attract screen in its default
    /// language and mode. Only then does the kiosk stop ticking (no timers, no CPU).
    public var isPristine: Bool {
        screen == .home && history.isEmpty && language == settings.defaultLanguage && !elderMode
            && countdown == nil && notice == nil
    }

    /// 暂停服务: why 办事 cannot be offered now (nil: it can). A citizen is told this before
    /// they start, instead of a journey that breaks at the end.
    public var serviceStop: LocalizedText? {
        if let storageProblem { return storageProblem }
        // Only once loading it has failed: before the first load the catalogue is empty too.
        if catalogue.services.isEmpty && catalogueProblem != nil {
            return LocalizedText(zh: "服务目录暂不可用", en: "the service catalogue is not available")
        }
        return nil
    }

    /// How long the kiosk waits for a touch before asking "还在吗?", and how long it then
    /// counts down: twice as long in elder mode (reading and finding a key take longer).
    public var idleTimeoutSeconds: Int { Self.elderly(settings.idleTimeoutSeconds, elderMode) }
    public var countdownSeconds: Int { Self.elderly(settings.countdownSeconds, elderMode) }

    private static func elderly(_ seconds: Int, _ elder: Bool) -> Int {
        let (doubled, overflow) = seconds.multipliedReportingOverflow(by: 2)
        return elder && !overflow ? doubled : seconds
    }

    /// Whether the runtime should send `.tick` once a second.
    public var wantsTicks: Bool { !isPristine }

    /// Whether the terminal is too small for any layout.
    public var isTooSmall: Bool { width < settings.minimumWidth || height < settings.minimumHeight }

    /// A fresh session: what the next citizen must find. The one reset, for the idle timeout,
    /// 完成 and going home: it keeps the kiosk's own data (`kioskFields`, a catalogue update
    /// that waited for the session to end taking over) and nothing else — not even the
    /// language or elder mode (the next citizen must not find English or big print they did
    /// not choose). Every other field starts as new, whatever it is: a field added later is
    /// wiped without anyone remembering to, and a test fails until it is listed as the kiosk's.
    public func wiped() -> AppState {
        var fresh = AppState(catalogue: pendingCatalogue ?? catalogue, settings: settings, width: width, height: height, today: today)
        fresh.catalogueProblem = catalogueProblem
        fresh.readerConnected = readerConnected
        fresh.printerHealth = printerHealth
        fresh.storageProblem = storageProblem
        fresh.hallStaffed = hallStaffed
        fresh.divisions = divisions
        return fresh
    }

    /// The fields that belong to the kiosk, not to a citizen's session.
    public static let kioskFields: Set<String> = ["catalogue", "catalogueProblem", "pendingCatalogue", "readerConnected", "printerHealth",
                                                  "storageProblem", "settings", "width", "height", "today", "hallStaffed", "divisions"]
}
