// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Logging
import ZizhuCore
import ZizhuKiosk
import ZizhuOutbox
import ZizhuResources
import ZizhuUI
import ZizhuWire

/// The kiosk's identity and home, as every outbox command needs them.
struct KioskContext {
    let paths: KioskPaths
    let kioskID: String
    let catalogueFolder: URL

    static func load(_ option: KioskConfigOption) throws -> KioskContext {
        let (paths, resources) = try option.load()
        return KioskContext(paths: paths, kioskID: resources.config.kioskID,
                             catalogueFolder: CatalogueKeeper(shipped: resources.catalogueFolder, home: paths.home).folder)
    }

    func outbox() throws -> Outbox {
        let outbox = try Outbox(home: paths.home, kioskID: Enrolment.load(home: paths.home)?.kioskID ?? kioskID)
        if outbox.integrity != "ok" {
            FileHandle.standardError.write(Data("warning: outbox integrity check: \(outbox.integrity)\n".utf8))
        }
        return outbox
    }
}

/// `zizhu enroll --central URL --token TOKEN`.
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll", abstract: "Register this kiosk with the central platform (a one-time token).")
    @Option(help: "The platform's base URL, e.g. http://central.example:8080.") var central: String
    @Option(help: "The enrolment token from `zizhu-central token create`.") var token: String
    @Option(help: "The CA (PEM) that signs the platform's certificate (default: platform.ca_file in the kiosk config).")
    var caFile: String?
    @OptionGroup var kiosk: KioskConfigOption

    func run() async throws {
        let context = try KioskContext.load(kiosk)
        let resources = try KioskResources.load(paths: context.paths, configPath: kiosk.config)
        let base = central.hasSuffix("/") ? String(central.dropLast()) : central
        var caPEM: String?
        if let path = caFile ?? resources.config.platformCAFile {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read the platform CA \(path)")
            }
            caPEM = text
        }
        let enrolment: Enrolment
        do {
            enrolment = try await Enrolment.enrol(central: base, token: token, kioskID: context.kioskID,
                                                  siteName: resources.config.siteName.zh, caPEM: caPEM)
        } catch {
            throw ValidationError("enrolment refused: \(error)")
        }
        try enrolment.save(home: context.paths.home)
        // The key that seals payloads at rest is created now if it does not exist yet.
        _ = try context.outbox()
        print("enrolled as \(enrolment.kioskID) with \(base)")
    }
}

/// `zizhu submit SERVICE --facts FILE` / `zizhu submit --sample`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit one application headlessly, through the path the screen uses (decision, durable outbox commit, receipt).",
        discussion: """
            Prints the acceptance number (受理编号) and the decision. Each call is a new submission. The 受理回执 is printed \
            through CUPS when a printer is configured (printer.server in the kiosk config, or CUPS_SERVER), after the \
            application is stored; --receipt always|never overrides.
            """)

    enum ReceiptChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }
    @Argument(help: "The service or bundle id.") var service: String?
    @Option(help: "The applicant's facts (YAML, as for `zizhu catalogue try`).") var facts: String?
    @Flag(help: "A demo citizen applying for a demo service.") var sample = false
    @OptionGroup var kiosk: KioskConfigOption
    @Option(help: "Print the 受理回执: auto (when a printer is configured), always or never.") var receipt: ReceiptChoice = .auto

    static let sampleFacts = """
        today: 2026-11-22
        applicant: {id_number: 440106198806150019}
        credit: good
        fields: {credit_code: 91440106MA9W0DEM01, is_legal_representative: yes, copies: 2}
        materials: {id-card: A, business-licence: A}
        """

    func run() async throws {
        let context = try KioskContext.load(kiosk)
        let catalogue = try KioskResources.loadCatalogue(folder: context.catalogueFolder)
        let serviceID = sample ? "business-licence-print" : service
        guard let serviceID, let target = catalogue.service(id: serviceID) else {
            throw ValidationError(sample || service == nil ? "give a SERVICE and --facts FILE, or --sample" : "no service '\(service ?? "")'")
        }
        let text: String
        let file: String
        if sample {
            (text, file) = (Self.sampleFacts, "<sample>")
        } else {
            guard let facts, let data = FileManager.default.contents(atPath: facts) else {
                throw ValidationError("--facts FILE is required (or --sample)")
            }
            (text, file) = (String(decoding: data, as: UTF8.self), facts)
        }
        let outbox: Outbox
        do {
            outbox = try context.outbox()
        } catch let error as OutboxError {
            FileHandle.standardError.write(Data("zizhu: \(error.en)\n\(error.zh)\n".utf8))
            throw ExitCode(3)
        }
        // Dated by the best time this kiosk knows: its clock corrected by the platform's.
        let parsed: FactsFile
        do {
            parsed = try FactsFile.parse(text, file: file, for: target, in: catalogue, defaultToday: CalendarDate.localToday(outbox.clock.now()))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        guard let number = parsed.idNumber else { throw ValidationError("the facts must give applicant.id_number") }
        let parts = target.isBundle ? target.parts.compactMap(catalogue.service(id:)) : [target]
        let decisions = parts.map { Decider.decide($0, facts: parsed.facts, today: parsed.today) }
        let payload = Submissions.payload(service: target, idNumber: number.unmasked, name: "", cardKind: "resident",
                                          fields: Submissions.fields(from: parsed.facts),
                                          committed: Submissions.committed(from: parsed.facts), decisions: decisions,
                                          catalogueVersion: catalogue.version)
        let accepted: Outbox.Accepted
        do {
            accepted = try outbox.submit(payload)
        } catch {
            FileHandle.standardError.write(Data("zizhu: \(error.en)\n\(error.zh)\n".utf8))
            throw ExitCode(3)
        }
        // Written straight to the descriptor (print buffers): said before the receipt is
        // attempted, whatever happens to it.
        FileHandle.standardOutput.write(Data(("已受理 accepted \(accepted.acceptanceNumber) key \(accepted.key) sequence \(accepted.sequence) "
              + "decision \(payload.decision.outcome) applicant \(number.masked)\n").utf8))
        for owed in decisions.flatMap(\.owed) { print("容缺 owed \(owed.material.zh) by \(owed.deadline)") }
        try await printReceipt(context: context, service: target, accepted: accepted, maskedID: number.masked, decisions: decisions,
                               delivery: target.delivery?.choice(payload.fields), at: outbox.clock.now())
    }

    /// The receipt comes after the commit, as on the screen: a printer fault never loses
    /// an application, it only leaves the citizen without paper (and says so).
    func printReceipt(context: KioskContext, service: Service, accepted: Outbox.Accepted, maskedID: String,
                      decisions: [Decision], delivery: DeliveryChoice?, at time: Date) async throws {
        let resources = try KioskResources.load(paths: context.paths, configPath: kiosk.config)
        let settings = resources.config
        let configured = settings.printerServer != nil || ProcessInfo.processInfo.environment["CUPS_SERVER"] != nil
        guard receipt == .always || (receipt == .auto && configured) else {
            print("receipt: not printed (\(receipt == .never ? "--receipt never" : "no printer configured: printer.server or CUPS_SERVER"))")
            return
        }
        let receipts: SampleReceipts
        do {
            receipts = try SampleReceipts(paths: context.paths, profileName: settings.printerProfile, unifontPath: settings.unifontPath,
                                          kioskID: context.kioskID)
        } catch {
            print("receipt: not printed (\(error))")
            return
        }
        let printer = ReceiptPrinterLink.cups(server: settings.printerServer, queue: settings.printerQueue)
        let document = AcceptanceReceipt(service: service.name, acceptanceNumber: accepted.acceptanceNumber, maskedID: maskedID,
                                         outcome: Outcome.overall(decisions), owed: decisions.flatMap(\.owed),
                                         language: settings.defaultLanguage, delivery: delivery)
        let state = await AcceptancePrinting.print(document, site: settings.siteName, kioskID: context.kioskID, receipts: receipts, on: printer,
                                                   now: time)
        await printer.shutdown()
        switch state {
        case .printed: print("receipt: printed on \(settings.printerQueue)")
        case .notPrinted(let zh, let en): print("receipt: not printed: \(en) / \(zh)")
        case .printing: break
        }
    }
}

/// `zizhu sync [--now]`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Deliver the outbox to the central platform until nothing is due.")
    @Flag(help: "Also send entries that are waiting out a retry delay.") var now = false
    @OptionGroup var kiosk: KioskConfigOption
    @Option(help: "Entries per batch.") var batch = 100
    @Option(help: "Seconds before a request to the platform is given up.") var timeout: Int64 = 20

    func run() async throws {
        let context = try KioskContext.load(kiosk)
        guard let enrolment = Enrolment.load(home: context.paths.home) else {
            throw ValidationError("this kiosk is not enrolled: run `zizhu enroll --central URL --token TOKEN`")
        }
        let logger = Logger(label: "zizhu.sync")
        let worker = PlatformClient(outbox: try context.outbox(), enrolment: enrolment, home: context.paths.home,
                                logger: logger, batchCount: batch, requestTimeoutSeconds: timeout)
        let terminal = isatty(STDOUT_FILENO) == 1
        let started = Date()
        let report = try await worker.drain(ignoringBackoff: now) { progress in
            let elapsed = max(0.001, Date().timeIntervalSince(started))
            let rate = Double(progress.done) / elapsed
            let eta = rate > 0 ? Double(max(0, progress.total - progress.done)) / rate : 0
            if terminal {
                let width = 30
                let filled = progress.total == 0 ? width : min(width, width * progress.done / max(1, progress.total))
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                FileHandle.standardOutput.write(Data(String(format: "\r[%@] %d/%d  %.0f/s  ETA %.0fs ", bar, progress.done,
                                                            progress.total, rate, eta).utf8))
            } else {
                print(String(format: "sent %d/%d (%.0f/s, ETA %.0fs)", progress.done, progress.total, rate, eta))
            }
        }
        if terminal { print("") }
        if report.busy {
            print("another sync is already running")
            return
        }
        // Online: tell the platform how this kiosk is (devices are reported by the running kiosk).
        if report.stoppedBecause == nil {
            await worker.send(heartbeat: worker.heartbeat(devices: [:], version: VersionInfo.version, home: context.paths.home))
        }
        let depth = try worker.outbox.depth()
        print("delivered \(report.delivered), already received \(report.repeats), dead letters \(report.deadLettered), "
              + "pending \(depth.pending)"
              + (report.unreadable > 0 ? ", unreadable \(report.unreadable) (set aside: the disk may be failing; see `zizhu queue list`)" : ""))
        if let reason = report.stoppedBecause {
            print("stopped: \(reason)")
            throw ExitCode(4)
        }
    }
}

/// `zizhu queue list|show|requeue|purge`.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "The outbox: pending entries, tombstones and dead letters.",
        subcommands: [List.self, Show.self, Check.self, Requeue.self, Purge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries (no personal data).")
        @Option(help: "pending, confirmed, dead or quarantined.") var state: String?
        @OptionGroup var kiosk: KioskConfigOption

        func run() throws {
            let filter: Outbox.State?
            if let state {
                guard let parsed = Outbox.State(rawValue: state) else { throw ValidationError("unknown state '\(state)'") }
                filter = parsed
            } else {
                filter = nil
            }
            for entry in try KioskContext.load(kiosk).outbox().list(filter) {
                print("\(entry.sequence)\t\(entry.acceptanceNumber)\t\(entry.kind.rawValue)\t\(entry.state.rawValue)\t\(entry.serviceID)\t"
                      + "attempts \(entry.attempts)\t\(entry.lastError ?? "")")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One entry, personal data masked.")
        @Argument(help: "Key or acceptance number.") var entry: String
        @OptionGroup var kiosk: KioskConfigOption

        func run() throws {
            let (summary, payload) = try KioskContext.load(kiosk).outbox().show(entry)
            print("key \(summary.key)\nkind \(summary.kind.rawValue)\nacceptance \(summary.acceptanceNumber)\nsequence \(summary.sequence)\n"
                  + "service \(summary.serviceID)\nstate \(summary.state.rawValue)\nattempts \(summary.attempts)\n"
                  + "created \(summary.createdAt)\nerror \(summary.lastError ?? "-")")
            if let payload {
                print("applicant \(payload.applicant.idNumber) \(payload.applicant.name)\ndecision \(payload.decision.outcome)")
                for (field, value) in payload.fields.sorted(by: { $0.key < $1.key }) { print("field \(field) = \(value)") }
            } else if summary.kind == .submission {
                print("payload: none on this kiosk (delivered, purged or unreadable)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SQLite's integrity check, and every pending application opened with the outbox key.",
            discussion: "Exits 1 and names what is wrong when the database or a payload is damaged (after a power cut, a failing disk).")
        @OptionGroup var kiosk: KioskConfigOption

        func run() throws {
            let outbox = try KioskContext.load(kiosk).outbox()
            // A payload that does not open with the key, or a row the disk cannot read, is
            // damage, not a state; each is named.
            let (pending, unreadable) = try outbox.checkPending()
            print("integrity \(outbox.integrity); \(pending) pending, \(unreadable.count) unreadable")
            for problem in unreadable { print(problem) }
            if outbox.integrity != "ok" || !unreadable.isEmpty { throw ExitCode(1) }
        }
    }

    struct Requeue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a dead letter again (retry counters reset).")
        @Argument(help: "Key or acceptance number.") var entry: String
        @OptionGroup var kiosk: KioskConfigOption

        func run() throws {
            guard try KioskContext.load(kiosk).outbox().requeue(entry) else {
                throw ValidationError("\(entry) is not a dead or quarantined entry with its payload")
            }
            print("requeued \(entry)")
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dead letter's payload for good (audited).")
        @Argument(help: "Key or acceptance number.") var entry: String
        @OptionGroup var kiosk: KioskConfigOption

        func run() throws {
            let context = try KioskContext.load(kiosk)
            guard let purged = try context.outbox().purge(entry) else {
                throw ValidationError("\(entry) is not a dead or quarantined entry")
            }
            let line = "\(ISO8601DateFormatter().string(from: Date())) purge \(purged.acceptanceNumber) key \(purged.key) "
                + "state \(purged.state.rawValue) by uid \(getuid()) reason \(purged.lastError ?? "-")\n"
            let audit = context.paths.logs.appendingPathComponent("audit.log")
            try FileManager.default.createDirectory(at: context.paths.logs, withIntermediateDirectories: true)
            if let handle = try? FileHandle(forWritingTo: audit) {
                handle.seekToEndOfFile()
                handle.write(Data(line.utf8))
                try handle.synchronize()
                try handle.close()
            } else {
                try line.write(to: audit, atomically: true, encoding: .utf8)
            }
            print("purged \(purged.acceptanceNumber) (audit: \(audit.path))")
        }
    }
}

/// `zizhu progress NUMBER`: a case's progress from the platform, or this kiosk's own
/// record when the platform cannot be asked — and it says which.
struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Where a case stands, by 受理编号 (the platform's answer, else this kiosk's record).")
    @Argument(help: "The 受理编号, e.g. ZZ20261122-7F3A-91C2-4B0D.") var number: String
    @OptionGroup var kiosk: KioskConfigOption
    @Option(help: "Seconds before the platform is given up.") var timeout: Int64 = 5

    static func words(_ progress: String) -> String {
        switch progress {
        case "approved": "办结（通过） approved"
        case "refused": "不予通过 refused"
        case "manual_review": "人工审核中 in manual review"
        default: progress
        }
    }

    func run() async throws {
        let context = try KioskContext.load(kiosk)
        let outbox = try context.outbox()
        if let enrolment = Enrolment.load(home: context.paths.home) {
            let worker = PlatformClient(outbox: outbox, enrolment: enrolment, home: context.paths.home,
                                    logger: Logger(label: "zizhu.progress"), requestTimeoutSeconds: timeout)
            switch await worker.progress(acceptanceNumber: number) {
            case .found(let answer):
                print("来自平台 from the platform: \(number) \(Self.words(answer.progress))"
                      + (answer.reason.map { $0.isEmpty ? "" : " — \($0)" } ?? "") + (answer.updatedAt.map { " (\($0))" } ?? ""))
                return
            case .unknown:
                if try outbox.record(acceptanceNumber: number) == nil {
                    print("no case has the acceptance number \(number)")
                    throw ExitCode(1)
                }
            case nil:
                break
            }
        }
        guard let record = try outbox.record(acceptanceNumber: number) else {
            print("本机无此记录，平台暂不可查询 / not on this kiosk, and the platform cannot be asked now")
            throw ExitCode(1)
        }
        let uploaded = record.state == .confirmed ? "已上传 uploaded" : record.state == .pending ? "待上传 not uploaded yet" : record.state.rawValue
        print("本机记录 from this kiosk's record: \(number) \(Self.words(record.progress ?? "")), \(uploaded)")
    }
}
