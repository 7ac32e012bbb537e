// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ZizhuCore
import ZizhuOutbox
import ZizhuUI
import ZizhuWire

/// The kiosk's side of the outbox while it runs: commits submissions (off the UI loop)
/// and, when enrolled, drains the outbox after every submission and every `syncSeconds`,
/// sends a heartbeat, and asks the platform for a newer catalogue every
/// `catalogueCheckSeconds` (installed only if it passes the same checks as
/// `zizhu catalogue check`; the screens take it over when no citizen is mid-application).
public final class KioskOutbox: Sendable {
    let outbox: Outbox
    private let kick: AsyncStream<Void>.Continuation?
    private let tasks: [Task<Void, Never>]
    private let devices = DeviceStates()
    public let worker: PlatformClient?

    /// How the running kiosk hears about catalogue updates.
    public struct CatalogueUpdates: Sendable {
        public var keeper: CatalogueKeeper
        public var everySeconds: Int
        /// Called with the freshly loaded catalogue, or the reason an update was refused.
        public var deliver: @Sendable (CatalogueKeeper.Outcome) -> Void

        public init(keeper: CatalogueKeeper, everySeconds: Int, deliver: @escaping @Sendable (CatalogueKeeper.Outcome) -> Void) {
            self.keeper = keeper
            self.everySeconds = everySeconds
            self.deliver = deliver
        }
    }

    init(outbox: Outbox, enrolment: Enrolment?, home: URL, logger: Logger, version: String = "0.1.0", syncSeconds: Int = 60,
         catalogue: CatalogueUpdates? = nil) {
        self.outbox = outbox
        // Once at start and then daily: old tombstones and ticket rows go, so the file
        // (and the page cache that follows it) stops growing.
        let housekeeping = Task.detached {
            while !Task.isCancelled {
                do {
                    let pruned = try outbox.prune()
                    if pruned.tombstones + pruned.tickets > 0 {
                        logger.info("housekeeping: removed \(pruned.tombstones) old tombstones and \(pruned.tickets) old ticket rows")
                    }
                } catch {
                    logger.error("housekeeping failed: \(error)")
                }
                try? await Task.sleep(for: .seconds(86_400))
            }
        }
        guard let enrolment else {
            kick = nil
            tasks = [housekeeping]
            worker = nil
            return
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        kick = continuation
        let worker = PlatformClient(outbox: outbox, enrolment: enrolment, home: home, logger: logger)
        self.worker = worker
        let devices = self.devices
        let drainer = Task.detached {
            var lastHeartbeat = ContinuousClock.now - .seconds(86_400)
            var lastCatalogueCheck = ContinuousClock.now - .seconds(86_400)
            var refused: String?
            for await _ in stream {
                do {
                    let report = try await worker.drain()
                    if report.delivered + report.deadLettered > 0 || report.stoppedBecause != nil {
                        let stopped = report.stoppedBecause.map { ", stopped: \($0)" } ?? ""
                        logger.info("sync: delivered \(report.delivered), dead letters \(report.deadLettered)\(stopped)")
                    }
                } catch {
                    logger.error("sync failed: \(error)")
                }
                if let catalogue, ContinuousClock.now - lastCatalogueCheck >= .seconds(catalogue.everySeconds) {
                    lastCatalogueCheck = ContinuousClock.now
                    let fetched = await worker.fetchCatalogue(known: catalogue.keeper.installedVersion)
                    func record(_ result: String) { CatalogueCheckRecord(at: UTCTime.iso(Date()), result: result).save(home: home) }
                    switch fetched {
                    case .notModified:
                        record("not modified")
                    case .unavailable(let why):
                        record("unavailable: \(why)")
                    case .bundle(let bundle):
                        switch catalogue.keeper.install(bundle, trusting: Enrolment.load(home: home)?.catalogueKey) {
                        case .current:
                            record("not modified")
                        case .refused(let problem):
                            record("refused: \(problem.split(separator: "\n").first ?? "")")
                            refused = problem
                            logger.error("catalogue update refused; the kiosk keeps the one it has", metadata: ["problem": "\(problem)"])
                            catalogue.deliver(CatalogueKeeper.Outcome(catalogue: nil, problem: problem, usingLastGood: false))
                        case .installed(let trustedKey):
                            refused = nil
                            do {
                                try Enrolment.trustCatalogueKey(trustedKey, home: home)
                            } catch {
                                logger.error("the rotated catalogue key could not be saved: \(error)")
                            }
                            record("installed \(catalogue.keeper.installedLabel ?? "")")
                            logger.info("catalogue \(catalogue.keeper.installedLabel ?? "") installed from the platform")
                            catalogue.deliver(catalogue.keeper.load())
                        }
                    }
                }
                // The heartbeat: at most once every 30 s.
                if ContinuousClock.now - lastHeartbeat >= .seconds(min(30, syncSeconds)) {
                    var heartbeat = worker.heartbeat(devices: devices.snapshot, version: version, home: home)
                    lastHeartbeat = ContinuousClock.now
                    heartbeat.catalogueVersion = catalogue?.keeper.installedVersion
                    heartbeat.catalogueRefused = refused.map { String($0.prefix(300)) }
                    await worker.send(heartbeat: heartbeat)
                }
            }
        }
        let ticker = Task.detached {
            while !Task.isCancelled {
                continuation.yield()
                try? await Task.sleep(for: .seconds(syncSeconds))
            }
        }
        tasks = [housekeeping, drainer, ticker]
    }

    /// Stores the application; the answer says whether 已受理 may be said.
    func commit(_ request: SubmissionRequest, catalogue: Catalogue, pages: [OutboxPage] = []) -> SubmitOutcome {
        guard let service = catalogue.service(id: request.serviceID) else {
            return .failed(zh: "事项已下线，申请未保存", en: "This service is no longer offered; nothing was saved")
        }
        let payload = Submissions.payload(service: service, idNumber: request.idNumber.unmasked, name: request.name,
                                          cardKind: request.cardKind, fields: request.fields, committed: request.committed,
                                          decisions: request.decisions, catalogueVersion: catalogue.version)
        do {
            let accepted = try outbox.submit(payload, pages: pages)
            kick?.yield()
            return .accepted(acceptanceNumber: accepted.acceptanceNumber, outcome: Outcome.overall(request.decisions),
                             owed: request.decisions.flatMap(\.owed))
        } catch {
            return .failed(zh: error.zh, en: error.en)
        }
    }

    /// The outbox itself (tickets are reserved and confirmed in it).
    public var store: Outbox { outbox }

    /// Asks the drainer to run now (after a ticket or rating was stored).
    public func nudge() { kick?.yield() }

    /// Stores a 好差评 rating (the reason as Chinese text) with the outbox's guarantees.
    func rate(_ request: RatingRequest, reasonText: String?) -> RatingState {
        let rating = RatingPayload(acceptanceNumber: request.acceptanceNumber, serviceID: request.serviceID, level: request.level,
                                   reason: reasonText, ratedAt: UTCTime.iso(store.clock.now()))
        do {
            _ = try outbox.enqueue(.rating, serviceID: request.serviceID, body: rating)
            kick?.yield()
            return .saved
        } catch {
            return .failed(zh: error.zh, en: error.en)
        }
    }

    /// The devices as the kiosk last saw them (reader, printer), for the heartbeat.
    func updateDevices(reader: String, printer: String) {
        devices.set(["reader": reader, "printer": printer])
    }

    func stop() {
        kick?.finish()
        for task in tasks { task.cancel() }
    }
}

/// Device states shared between the UI loop and the heartbeat.
final class DeviceStates: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String: String] = [:]
    func set(_ new: [String: String]) { lock.withLock { states = new } }
    var snapshot: [String: String] { lock.withLock { states } }
}
