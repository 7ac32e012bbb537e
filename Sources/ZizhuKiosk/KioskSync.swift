import Foundation
import Logging
import ZizhuCore
import ZizhuOutbox
import ZizhuUI
import ZizhuWire

/// The kiosk's side of the outbox while it runs: commits submissions (off the UI loop)
/// and, when enrolled, drains the outbox after every submission and once a minute.
public final class KioskOutbox: Sendable {
    let outbox: Outbox
    private let kick: AsyncStream<Void>.Continuation?
    private let tasks: [Task<Void, Never>]

    init(outbox: Outbox, enrolment: Enrolment?, home: URL, logger: Logger) {
        self.outbox = outbox
        guard let enrolment else {
            kick = nil
            tasks = []
            return
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        kick = continuation
        let worker = SyncWorker(outbox: outbox, enrolment: enrolment, home: home, logger: logger)
        let drainer = Task.detached {
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
            }
        }
        let ticker = Task.detached {
            while !Task.isCancelled {
                continuation.yield()
                try? await Task.sleep(for: .seconds(60))
            }
        }
        tasks = [drainer, ticker]
    }

    /// Stores the application; the answer says whether 已受理 may be said.
    func commit(_ request: SubmissionRequest, catalogue: Catalogue) -> SubmitOutcome {
        guard let service = catalogue.service(id: request.serviceID) else {
            return .failed(zh: "事项已下线，申请未保存", en: "This service is no longer offered; nothing was saved")
        }
        let payload = Submissions.payload(service: service, idNumber: request.idNumber.unmasked, name: request.name,
                                          cardKind: request.cardKind, fields: request.fields, committed: request.committed,
                                          decisions: request.decisions)
        do {
            let accepted = try outbox.submit(payload)
            kick?.yield()
            return .accepted(acceptanceNumber: accepted.acceptanceNumber, outcome: Submissions.overall(request.decisions),
                             owed: request.decisions.flatMap(\.owed))
        } catch {
            return .failed(zh: error.zh, en: error.en)
        }
    }

    func stop() {
        kick?.finish()
        for task in tasks { task.cancel() }
    }
}
