// SPDX-License-Identifier: Apache-2.0
import ChineseInput
import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuTerminal
import ZizhuUI

/// The kiosk's one loop: terminal input → `Event` → `update` → `Effect`s → view → present.
///
/// It blocks in poll(2) until input arrives; ticks (one a second) run only while a
/// session is in progress, so the attract screen costs no CPU.
@MainActor
public final class KioskRuntime {
    var state: AppState
    var context: ViewContext
    let terminal: NcursesTerminal
    let logger: Logger
    let unifontPath: String
    var mapper = InputMapper()
    /// The catalogue version elder mode's glyphs were last loaded for (its service names are drawn big).
    var glyphsTriedFor: String?
    var nextTick: ContinuousClock.Instant?
    let clock = ContinuousClock()
    let launched: ContinuousClock.Instant
    let loadCatalogue: () -> CatalogueKeeper.Outcome
    let openServices: () -> KioskServices
    let statusFile: KioskStatusWriter?
    let technician: TechnicianDesk?
    let notifier: SystemdNotifier
    let speaker: Speaker?
    var nextWatchdog: ContinuousClock.Instant?
    /// The program file, watched for a package update while a supervisor (systemd) is there
    /// to start the kiosk again; nil otherwise (a kiosk run by hand keeps running).
    var installedProgram: InstalledProgram?
    var nextUpdateCheck: ContinuousClock.Instant?
    /// How often the attract screen looks whether a newer program was installed.
    static let updateCheckInterval: Duration = .seconds(5)
    var records = RecordsSource.unavailable
    var proofDesk = ProofDesk.unavailable
    var appointmentDesk = AppointmentDesk.unavailable
    var outbox: KioskOutbox?
    /// The best time this kiosk knows (its clock corrected by the platform's); the raw clock
    /// until the outbox is open.
    var time: KioskClock { outbox?.store.clock ?? KioskClock(home: nil) }
    var today: CalendarDate?
    let inbox: EventInbox
    let reader: ReaderSession?
    var readerCommands: AsyncStream<Bool>.Continuation?
    /// The 社保卡 reader, where one is configured: it follows the same start/stop as the ID reader.
    let socialSecurityCards: SocialSecurityCardWatcher?
    let identityCodes: IdentityCodeWatcher?
    /// 扫描纸质材料: the document scanner's desk, where one is configured.
    let scans: ScanDesk?
    let printer: ReceiptPrinterLink?
    var receipts: SampleReceipts?
    /// Pinyin and handwriting: prepared while a visit is on, released on the attract screen.
    var inputMethods: [any InputMethodLifecycle] = []
    var inputMethodsPrepared = false
    var helpDesk: HelpDesk
    var progressDesk = ProgressDesk(worker: nil, outbox: nil)

    /// `services` opens what the first frame does not need (the outbox's database, the
    /// receipt templates, the pinyin dictionary); it runs right after the first frame.
    init(state: AppState, context: ViewContext, terminal: NcursesTerminal, logger: Logger, unifontPath: String,
         launched: ContinuousClock.Instant = .now, reader: ReaderSession? = nil, socialSecurityCards: SocialSecurityCardWatcher? = nil,
         identityCodes: IdentityCodeWatcher? = nil, scans: ScanDesk? = nil,
         printer: ReceiptPrinterLink? = nil,
         inbox: EventInbox = EventInbox(), statusFile: KioskStatusWriter? = nil, technician: TechnicianDesk? = nil,
         notifier: SystemdNotifier = SystemdNotifier(environment: [:]), speaker: Speaker? = nil,
         services: @escaping () -> KioskServices, loadCatalogue: @escaping () -> CatalogueKeeper.Outcome) {
        self.notifier = notifier
        self.speaker = speaker
        self.technician = technician
        self.statusFile = statusFile
        self.inbox = inbox
        self.helpDesk = HelpDesk(worker: nil, logger: logger)
        self.openServices = services
        self.printer = printer
        self.launched = launched
        self.loadCatalogue = loadCatalogue
        self.reader = reader
        self.socialSecurityCards = socialSecurityCards
        self.identityCodes = identityCodes
        self.scans = scans
        self.state = state
        self.context = context
        self.terminal = terminal
        self.logger = logger
        self.unifontPath = unifontPath
        self.installedProgram = notifier.isActive ? InstalledProgram.current() : nil
    }

    /// Runs until quit or SIGTERM; returns the exit status.
    public func run() -> Int32 {
        let (width, height) = terminal.size
        _ = update(&state, .resized(width: width, height: height))
        var frame = draw()
        logger.info("first frame", metadata: [
            "size": "\(width)x\(height)", "after_ms": "\(KioskLauncher.milliseconds(launched.duration(to: clock.now)))",
        ])
        // The rest opens once the attract screen is up; a citizen cannot be faster.
        let services = openServices()
        records = services.records
        proofDesk = services.proofs
        appointmentDesk = services.appointments
        outbox = services.outbox
        helpDesk = services.helpDesk
        progressDesk = services.progressDesk
        identityCodes?.setVerifier(services.identityCodes)
        receipts = services.receipts
        if let pinyin = services.pinyin { context.pinyin = pinyin }
        if let handwriting = services.handwriting { context.handwriting = handwriting }
        inputMethods = services.inputMethods
        if let divisions = services.divisions { _ = perform(update(&state, .divisionsLoaded(divisions))) }
        if outbox == nil {
            // 暂停服务: without its storage the kiosk must not start a journey it cannot finish.
            _ = perform(update(&state, .storageChecked(LocalizedText(zh: "终端存储不可用", en: "the kiosk's storage is unavailable"))))
        }
        let loaded = loadCatalogue()
        if let catalogue = loaded.catalogue { _ = perform(update(&state, .catalogueLoaded(catalogue))) }
        if let problem = loaded.problem { _ = perform(update(&state, .catalogueFailed(problem))) }
        if let date = clockDateChanged() { _ = perform(update(&state, .clock(date))) }
        if let staffed = hallStaffingChanged() { _ = perform(update(&state, .hallStaffed(staffed))) }
        startReader()
        frame = draw()
        // systemd: serving now; from here on the loop itself feeds the watchdog.
        notifier.ready(status: "serving \(state.catalogue.services.count) services")
        if let interval = notifier.watchdogInterval {
            nextWatchdog = clock.now.advanced(by: interval)
            notifier.watchdog()
            logger.info("systemd watchdog: a ping every \(interval)")
        }
        if let program = installedProgram {
            nextUpdateCheck = clock.now.advanced(by: Self.updateCheckInterval)
            logger.info("restarts into a newer program installed at \(program.path), at a session boundary")
        }
        defer { notifier.stopping() }
        while true {
            let inputs = terminal.nextInputs(timeoutMilliseconds: timeout())
            if terminal.terminationRequested {
                logger.info("termination signal received")
                return 0
            }
            if terminal.terminalLost {
                logger.error("the terminal hung up; stopping (the supervisor restarts the kiosk)")
                return 1
            }
            if let due = nextWatchdog, let interval = notifier.watchdogInterval, clock.now >= due {
                notifier.watchdog()
                nextWatchdog = clock.now.advanced(by: interval)
            }
            var events: [Event] = []
            if let due = nextTick, clock.now >= due {
                if let date = clockDateChanged() { events.append(.clock(date)) }
                events.append(.tick)
                let next = due.advanced(by: .seconds(1))
                nextTick = next < clock.now ? clock.now.advanced(by: .seconds(1)) : next
            }
            // Staff coming or leaving is known before the next touch is handled (呼叫帮办).
            if let staffed = hallStaffingChanged() { events.append(.hallStaffed(staffed)) }
            events = inbox.drain() + events
            var changed = !events.isEmpty
            for input in inputs {
                guard let event = mapper.map(input, frame: frame, focus: state.focus) else { continue }
                if perform(update(&state, event)) { return 0 }
                changed = true
                frame = render(state, prepareContext())   // the next input maps against what is now shown
            }
            for event in events where perform(update(&state, event)) { return 0 }
            followVisit()
            if restartsForUpdate() { return 0 }
            scheduleTicks()
            if changed || !inputs.isEmpty { frame = draw() }
        }
    }

    /// Connects the reader in the background and relays its events into the loop.
    /// Start/stop requests go through one ordered stream, so a quick stop-then-start
    /// can never arrive the other way round.
    func startReader() {
        socialSecurityCards?.start()
        identityCodes?.start()
        guard let reader else { return }
        let inbox = self.inbox
        let (commands, continuation) = AsyncStream.makeStream(of: Bool.self)
        readerCommands = continuation
        Task.detached {
            await reader.start()
        }
        let statusFile = self.statusFile
        let logger = self.logger
        Task.detached {
            for await event in reader.events {
                inbox.post(.reader(event))
                switch event {
                case .cardRead(let card):
                    // For the technician's log: that a card was read and whose, masked.
                    logger.info("ID card read: \(card.kind) \(card.idNumber.masked)")
                case .connected, .disconnected:
                    let info = await reader.currentInfo
                    statusFile?.update { $0.reader = info }
                default:
                    break
                }
            }
        }
        Task.detached {
            for await wantsCard in commands {
                if wantsCard { await reader.startReading() } else { await reader.stopReading() }
            }
        }
    }

    /// Stops the reader before the kiosk exits.
    public func shutdown() async {
        readerCommands?.finish()
        socialSecurityCards?.shutdown()
        identityCodes?.shutdown()
        await reader?.shutdown()
        await printer?.shutdown()
        outbox?.stop()
        helpDesk.stop()
        statusFile?.remove()
        speaker?.stop()
    }

    /// The input methods follow the visits: they start when a citizen begins one (the first
    /// touch leaves the untouched attract screen) and go when the kiosk is back on it, so the
    /// attract screen, where a kiosk spends most of its life, holds neither. A visit reaches
    /// a text field seconds after its first touch; the engines are ready in well under one.
    func followVisit() {
        guard state.isPristine == inputMethodsPrepared else { return }
        inputMethodsPrepared.toggle()
        if inputMethodsPrepared {
            for method in inputMethods { method.prepare() }
        } else {
            for method in inputMethods { method.release() }
            KioskAllocator.releaseFreed()
        }
    }

    /// A newer program installed (a package update) takes over at a session boundary: on the
    /// untouched attract screen the kiosk exits cleanly and its supervisor starts the new one;
    /// while a citizen is anywhere in a visit it waits (the catalogue updates wait the same way).
    func restartsForUpdate() -> Bool {
        guard installedProgram != nil else { return false }
        guard state.isPristine else {
            nextUpdateCheck = nil
            return false
        }
        let now = clock.now
        if let due = nextUpdateCheck, now < due { return false }
        nextUpdateCheck = now.advanced(by: Self.updateCheckInterval)
        guard installedProgram?.newerInstalled(now: now) == true else { return false }
        let path = installedProgram?.path ?? "zizhu"
        logger.notice("a newer program is installed at \(path): restarting into it at this session boundary")
        notifier.status("restarting into the newer program installed at \(path)")
        return true
    }

    /// Milliseconds until the next tick or watchdog ping, or -1 to block until input
    /// (the attract screen without a watchdog: no wake-ups at all).
    func timeout() -> Int32 {
        scheduleTicks()
        let due = [nextTick, nextWatchdog, nextUpdateCheck].compactMap { $0 }.min()
        guard let due else { return -1 }
        let remaining = clock.now.duration(to: due)
        let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(0, min(ms, nextTick == nil ? Int64(Int32.max) : 1000)))
    }

    func scheduleTicks() {
        if state.wantsTicks {
            if nextTick == nil { nextTick = clock.now.advanced(by: .seconds(1)) }
        } else {
            nextTick = nil
        }
    }

    func draw() -> Frame {
        let frame = render(state, prepareContext())
        terminal.present(frame.grid)
        return frame
    }

    /// Loads elder mode's glyphs the first time they are needed.
    func prepareContext() -> ViewContext {
        // Loaded again when the catalogue changed: its services' names are drawn big too.
        if state.elderMode && glyphsTriedFor != state.catalogue.version {
            glyphsTriedFor = state.catalogue.version
            let (font, problem) = GlyphLoader.load(path: unifontPath, scalars: context.bigHeadlineScalars(catalogue: state.catalogue))
            context.bigGlyphs = font
            if let problem { logger.warning("\(problem)") }
        }
        return context
    }

    /// Carries out effects; returns true when the kiosk must stop.
}
