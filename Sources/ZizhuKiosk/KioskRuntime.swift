import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// Events that adapters (the reader, later the printer and the sync worker) deliver from
/// their own threads; the loop drains them after every wake-up.
public final class EventInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    public init() {}

    public func post(_ event: Event) {
        lock.withLock { events.append(event) }
        NcursesTerminal.wake()
    }

    func drain() -> [Event] {
        lock.withLock {
            defer { events = [] }
            return events
        }
    }
}

/// The parts of the kiosk that are opened after the first frame.
public struct KioskServices {
    public var records = RecordsSource.unavailable
    public var proofs = ProofDesk.unavailable
    public var appointments = AppointmentDesk.unavailable
    public var outbox: KioskOutbox?
    public var helpDesk: HelpDesk
    public var progressDesk = ProgressDesk(worker: nil, outbox: nil)
    public var receipts: SampleReceipts?
    public var pinyin: PinyinDictionary?

    public init(helpDesk: HelpDesk) { self.helpDesk = helpDesk }
}

/// The kiosk's one loop: terminal input → `Event` → `update` → `Effect`s → view → present.
///
/// It blocks in poll(2) until input arrives; ticks (one a second) run only while a
/// session is in progress, so the attract screen costs no CPU.
@MainActor
public final class KioskRuntime {
    private var state: AppState
    private var context: ViewContext
    private let terminal: NcursesTerminal
    private let logger: Logger
    private let unifontPath: String
    private var mapper = InputMapper()
    private var glyphsTried = false
    private var nextTick: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let launched: ContinuousClock.Instant
    private let loadCatalogue: () -> CatalogueKeeper.Outcome
    private let openServices: () -> KioskServices
    private let statusFile: KioskStatusWriter?
    private let technician: TechnicianDesk?
    private let notifier: SystemdNotifier
    private let speaker: Speaker?
    private var nextWatchdog: ContinuousClock.Instant?
    private var records = RecordsSource.unavailable
    private var proofDesk = ProofDesk.unavailable
    private var appointmentDesk = AppointmentDesk.unavailable
    private var outbox: KioskOutbox?
    private var today: CalendarDate?
    private let inbox: EventInbox
    private let reader: ReaderSession?
    private var readerCommands: AsyncStream<Bool>.Continuation?
    private let printer: ReceiptPrinterLink?
    private var receipts: SampleReceipts?
    private var helpDesk: HelpDesk
    private var progressDesk = ProgressDesk(worker: nil, outbox: nil)

    /// `services` opens what the first frame does not need (the outbox's database, the
    /// receipt templates, the pinyin dictionary); it runs right after the first frame.
    init(state: AppState, context: ViewContext, terminal: NcursesTerminal, logger: Logger, unifontPath: String,
         launched: ContinuousClock.Instant = .now, reader: ReaderSession? = nil, printer: ReceiptPrinterLink? = nil,
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
        self.state = state
        self.context = context
        self.terminal = terminal
        self.logger = logger
        self.unifontPath = unifontPath
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
        receipts = services.receipts
        if let pinyin = services.pinyin { context.pinyin = pinyin }
        if outbox == nil {
            // 暂停服务: without its storage the kiosk must not start a journey it cannot finish.
            _ = perform(update(&state, .storageChecked(LocalizedText(zh: "终端存储不可用", en: "the kiosk's storage is unavailable"))))
        }
        let loaded = loadCatalogue()
        if let catalogue = loaded.catalogue { _ = perform(update(&state, .catalogueLoaded(catalogue))) }
        if let problem = loaded.problem { _ = perform(update(&state, .catalogueFailed(problem))) }
        if let date = clockDateChanged() { _ = perform(update(&state, .clock(date))) }
        startReader()
        frame = draw()
        // systemd: serving now; from here on the loop itself feeds the watchdog.
        notifier.ready(status: "serving \(state.catalogue.services.count) services")
        if let interval = notifier.watchdogInterval {
            nextWatchdog = clock.now.advanced(by: interval)
            notifier.watchdog()
            logger.info("systemd watchdog: a ping every \(interval)")
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
            events = inbox.drain() + events
            var changed = !events.isEmpty
            for input in inputs {
                guard let event = mapper.map(input, frame: frame, focus: state.focus) else { continue }
                if perform(update(&state, event)) { return 0 }
                changed = true
                frame = render(state, prepareContext())   // the next input maps against what is now shown
            }
            for event in events where perform(update(&state, event)) { return 0 }
            scheduleTicks()
            if changed || !inputs.isEmpty { frame = draw() }
        }
    }

    /// Connects the reader in the background and relays its events into the loop.
    /// Start/stop requests go through one ordered stream, so a quick stop-then-start
    /// can never arrive the other way round.
    private func startReader() {
        guard let reader else { return }
        let inbox = self.inbox
        let (commands, continuation) = AsyncStream.makeStream(of: Bool.self)
        readerCommands = continuation
        Task.detached {
            await reader.start()
        }
        let statusFile = self.statusFile
        Task.detached {
            for await event in reader.events {
                inbox.post(.reader(event))
                switch event {
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
        await reader?.shutdown()
        await printer?.shutdown()
        outbox?.stop()
        helpDesk.stop()
        statusFile?.remove()
        speaker?.stop()
    }

    /// Milliseconds until the next tick or watchdog ping, or -1 to block until input
    /// (the attract screen without a watchdog: no wake-ups at all).
    private func timeout() -> Int32 {
        scheduleTicks()
        let due = [nextTick, nextWatchdog].compactMap { $0 }.min()
        guard let due else { return -1 }
        let remaining = clock.now.duration(to: due)
        let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(0, min(ms, nextTick == nil ? Int64(Int32.max) : 1000)))
    }

    private func scheduleTicks() {
        if state.wantsTicks {
            if nextTick == nil { nextTick = clock.now.advanced(by: .seconds(1)) }
        } else {
            nextTick = nil
        }
    }

    private func draw() -> Frame {
        let frame = render(state, prepareContext())
        terminal.present(frame.grid)
        return frame
    }

    /// Loads elder mode's glyphs the first time they are needed.
    private func prepareContext() -> ViewContext {
        if state.elderMode && context.bigGlyphs == nil && !glyphsTried {
            glyphsTried = true
            let (font, problem) = GlyphLoader.load(path: unifontPath, scalars: context.bigHeadlineScalars())
            context.bigGlyphs = font
            if let problem { logger.warning("\(problem)") }
        }
        return context
    }

    /// Carries out effects; returns true when the kiosk must stop.
    private func perform(_ effects: [Effect]) -> Bool {
        outbox?.updateDevices(reader: state.readerConnected ? "ok" : "disconnected",
                              printer: (state.printerHealth?.code ?? "unknown").replacingOccurrences(of: "-", with: "_"))
        for effect in effects {
            switch effect {
            case .beep:
                terminal.beep()
            case .endSession:
                mapper = InputMapper()
                readerCommands?.yield(false)
                logger.info("session ended")
                // The citizen has gone: what their visit allocated and freed goes back to
                // the system, so the kiosk's memory is the same after every visit.
                KioskAllocator.releaseFreed()
            case .log(let message):
                logger.info("\(message)")
            case .quit:
                return true
            case .startCardReading:
                readerCommands?.yield(true)
            case .stopCardReading:
                readerCommands?.yield(false)
            case .checkPrinter:
                guard let printer else {
                    inbox.post(.printerChecked(.queueMissing("no printer configured")))
                    continue
                }
                let inbox = self.inbox, statusFile = self.statusFile
                Task.detached {
                    inbox.post(.printerChecked(await printer.check()))
                    if let endpoint = await printer.endpoint {
                        statusFile?.update { $0.printerServer = endpoint.server; $0.printerQueue = endpoint.queue }
                    }
                }
            case .previewReceipt(let sample, let language):
                guard let receipts else { continue }
                Self.preview(sample, language: language, with: receipts, answer: inbox)
            case .lookUpRecords(let number):
                let inbox = self.inbox, records = self.records
                Task.detached { inbox.post(.recordsLookedUp(await records.lookUp(number))) }
            case .submit(let request):
                guard let outbox else {
                    inbox.post(.submitted(.failed(zh: "终端存储不可用，申请未保存，请到人工窗口办理",
                                                  en: "The kiosk's storage is unavailable: nothing was saved. Please go to a staffed counter")))
                    continue
                }
                let inbox = self.inbox, catalogue = state.catalogue
                Task.detached { inbox.post(.submitted(outbox.commit(request, catalogue: catalogue))) }
            case .printReceipt(let receipt):
                guard let printer, let receipts else {
                    inbox.post(.receiptPrinted(.notPrinted(zh: "本终端未配置打印机", en: "No printer is configured")))
                    continue
                }
                Self.printAcceptance(receipt, site: context.siteName, kioskID: context.kioskID, receipts: receipts, on: printer, answer: inbox)
            case .reloadCatalogue:
                let loaded = loadCatalogue()
                if let catalogue = loaded.catalogue { inbox.post(.catalogueLoaded(catalogue)) }
                if let problem = loaded.problem { inbox.post(.catalogueFailed(problem)) }
            case .issueTicket(let categoryID, let language):
                issueTicket(categoryID: categoryID, language: language, appointment: nil)
            case .checkIn(let appointment, let language):
                issueTicket(categoryID: appointment.categoryID, language: language, appointment: appointment.code)
            case .findAppointment(let key):
                let inbox = self.inbox, desk = appointmentDesk
                Task.detached { inbox.post(.appointmentsFound(await desk.lookUp(key))) }
            case .lookUpProgressByCard(let number):
                let inbox = self.inbox, desk = progressDesk
                Task.detached { inbox.post(.progressLookedUp(await desk.lookUp(card: number))) }
            case .lookUpProgress(let number):
                let inbox = self.inbox, desk = progressDesk
                Task.detached { inbox.post(.progressLookedUp(await desk.lookUp(number))) }
            case .requestHelp(let screen):
                let inbox = self.inbox
                helpDesk.call(screen: screen) { inbox.post(.helpUpdated($0)) }
            case .rate(let request):
                guard let outbox else {
                    inbox.post(.rated(.failed(zh: "终端存储不可用", en: "the kiosk's storage is unavailable")))
                    continue
                }
                let reason = request.reason.flatMap { id in RatingLevel.reasons.first { $0.id == id } }
                    .map { context.strings[.zhHans]?[$0.text.rawValue] ?? $0.id }
                let inbox = self.inbox
                Task.detached { inbox.post(.rated(outbox.rate(request, reasonText: reason))) }
            case .listProofs(let number):
                let inbox = self.inbox, desk = proofDesk
                Task.detached { inbox.post(.proofsListed(await desk.proofs(for: number))) }
            case .printProof(let id, let holder, let number, let language):
                guard let printer, let receipts else {
                    inbox.post(.proofPrinted(.notPrinted(zh: "本终端未配置打印机", en: "No printer is configured")))
                    continue
                }
                let inbox = self.inbox, desk = proofDesk, site = context.siteName
                Task.detached {
                    inbox.post(.proofPrinted(await desk.print(id: id, holder: holder, number: number, language: language, site: site,
                                                             receipts: receipts, printer: printer)))
                }
            case .speak(let keys, let language):
                guard let speaker, let table = context.strings[language] else { continue }
                speaker.say(keys.map { table[$0.rawValue] }.joined(separator: "。"), language: language)
            case .verifyTechnicianPIN(let pin):
                guard let lock = technician?.lock else {
                    inbox.post(.technicianPINChecked(.notConfigured))
                    continue
                }
                let inbox = self.inbox
                Task.detached { inbox.post(.technicianPINChecked(lock.check(pin))) }
            case .runDiagnostics:
                guard let technician else { continue }
                var inputs = KioskDiagnostics.Inputs(paths: technician.paths, config: technician.config)
                inputs.printer = printer
                inputs.outbox = outbox?.store
                inputs.outboxProblem = outbox == nil ? "the outbox could not be opened (see the log)" : nil
                inputs.worker = outbox?.worker
                inputs.catalogue = CatalogueKeeper.Outcome(catalogue: state.catalogue.services.isEmpty ? nil : state.catalogue,
                                                           problem: state.catalogueProblem, usingLastGood: state.catalogueProblem != nil)
                inputs.catalogueVersion = technician.catalogueVersion()
                let inbox = self.inbox, reader = self.reader
                Task.detached {
                    inputs.reader = await reader?.currentInfo
                    inbox.post(.diagnosed(await KioskDiagnostics.collect(inputs)))
                }
            case .syncNow:
                guard let worker = outbox?.worker else {
                    inbox.post(.technicianNote(LocalizedText(zh: "未注册到平台，无法上传", en: "Not enrolled with a platform: nothing can be sent")))
                    continue
                }
                let inbox = self.inbox
                Task.detached {
                    let note: LocalizedText
                    do {
                        let report = try await worker.drain()
                        let stopped = report.stoppedBecause.map { "; stopped: \($0)" } ?? ""
                        note = LocalizedText(zh: "已上传 \(report.delivered) 条，退回 \(report.deadLettered) 条" + (report.stoppedBecause == nil ? "" : "，未完成"),
                                             en: "Sent \(report.delivered), refused \(report.deadLettered)\(stopped)")
                    } catch {
                        note = LocalizedText(zh: "上传失败", en: "Sync failed: \(error)")
                    }
                    inbox.post(.technicianNote(note))
                }
            case .printTestPage:
                guard let printer, let receipts else {
                    inbox.post(.testPageFinished(.notPrinted(.queueMissing("no printer configured"), reasons: [])))
                    continue
                }
                Self.printTestPage(receipts, on: printer, answer: inbox)
            }
        }
        return false
    }

    /// 取号 or 预约签到: reserve, print, issue only when CUPS confirms (answered by `.ticketIssued`).
    private func issueTicket(categoryID: String, language: Language, appointment: String?) {
        guard let outbox, let printer, let receipts else {
            inbox.post(.ticketIssued(.notIssued(zh: "本终端暂不能出票", en: "This kiosk cannot print tickets now")))
            return
        }
        let desk = TicketDesk(outbox: outbox.store, printer: printer, receipts: receipts, site: context.siteName,
                              categories: state.settings.queueCategories, delivered: { outbox.nudge() })
        let inbox = self.inbox
        Task.detached { inbox.post(.ticketIssued(await desk.issue(categoryID: categoryID, language: language, appointment: appointment))) }
    }

    /// The local date when it differs from the last one the state was told.
    private func clockDateChanged() -> CalendarDate? {
        let now = CalendarDate.localToday()
        guard now != today else { return nil }
        today = now
        return now
    }

    /// Lays a sample receipt out off the main loop and posts it back.
    private nonisolated static func preview(_ sample: ReceiptSample, language: Language, with receipts: SampleReceipts,
                                            answer inbox: EventInbox) {
        Task.detached {
            let preview: ReceiptPreview = receipts.layoutPreview(sample, language: language)
            inbox.post(Event.receiptPreviewed(preview))
        }
    }

    /// Prints the 受理回执 through CUPS and posts what happened. The ID number is masked
    /// before it reaches the printer; `job-cancel-after` keeps a stuck receipt from coming
    /// out for the next citizen.
    private nonisolated static func printAcceptance(_ receipt: AcceptanceReceipt, site: LocalizedText, kioskID: String,
                                                    receipts: SampleReceipts, on printer: ReceiptPrinterLink, answer inbox: EventInbox) {
        Task.detached {
            inbox.post(Event.receiptPrinted(await AcceptancePrinting.print(receipt, site: site, kioskID: kioskID, receipts: receipts,
                                                                           on: printer)))
        }
    }

    /// Prints the test page through CUPS and posts what happened.
    private nonisolated static func printTestPage(_ receipts: SampleReceipts, on printer: ReceiptPrinterLink, answer inbox: EventInbox) {
        Task.detached {
            let bytes = receipts.testPage().bytes
            let result: TestPageResult
            switch await printer.print(bytes, title: "test page") {
            case .printed(let job): result = .printed(job: Int(job))
            case .cancelled(_, let reasons): result = .notPrinted(.stopped("cancelled: not printed in time"), reasons: reasons)
            case .failed(_, let health, let reasons): result = .notPrinted(health, reasons: reasons)
            }
            inbox.post(Event.testPageFinished(result))
        }
    }
}

/// How the kiosk uses glibc's allocator over months of uptime.
///
/// glibc gives each thread that allocates under contention its own arena (up to eight per
/// core), and keeps the pages of freed memory in them; the kiosk's few busy threads come
/// from a pool that changes over the day, so its memory crept up by what no object held.
enum KioskAllocator {
    /// Two arenas are plenty for one citizen at a time (per-thread caches still avoid locks).
    static func configure() {
        _ = mallopt(M_ARENA_MAX, 2)
    }

    /// Hands the pages of freed memory back to the system.
    static func releaseFreed() {
        _ = malloc_trim(0)
    }
}
