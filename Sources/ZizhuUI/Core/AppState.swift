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

    public init(idleTimeoutSeconds: Int = 60, countdownSeconds: Int = 10, defaultLanguage: Language = .zhHans,
                minimumWidth: Int = 80, minimumHeight: Int = 24, allowsQuit: Bool = false) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.countdownSeconds = countdownSeconds
        self.defaultLanguage = defaultLanguage
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.allowsQuit = allowsQuit
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
    public var catalogue: Catalogue
    /// Why the catalogue could not be loaded (for technicians; citizens see 暂不可用).
    public var catalogueProblem: String?
    public var settings: SessionSettings

    public init(catalogue: Catalogue, settings: SessionSettings = SessionSettings(), width: Int = 100, height: Int = 30) {
        self.catalogue = catalogue
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

    /// Whether the runtime should send `.tick` once a second.
    public var wantsTicks: Bool { !isPristine }

    /// Whether the terminal is too small for any layout.
    public var isTooSmall: Bool { width < settings.minimumWidth || height < settings.minimumHeight }

    /// A fresh session: what the next citizen must find. Keeps only the kiosk's own data.
    public func wiped() -> AppState {
        var fresh = AppState(catalogue: catalogue, settings: settings, width: width, height: height)
        fresh.catalogueProblem = catalogueProblem
        return fresh
    }
}
