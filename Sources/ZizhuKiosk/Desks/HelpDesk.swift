// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import ZizhuCore
import ZizhuOutbox
import ZizhuUI
import ZizhuWire

/// 呼叫帮办 from the running kiosk: sends the request to the platform, keeps retrying while
/// the link is down (the citizen is told it is queued), then follows it until staff
/// acknowledge it on the dashboard. One call at a time; a new call replaces the old one's
/// follow-up (its request has reached the platform or is superseded by the newer one).
public final class HelpDesk: Sendable {
    private let worker: PlatformClient?
    private let retrySeconds: Int
    private let pollSeconds: Int
    private let current = CurrentTask()
    private let logger: Logger

    public init(worker: PlatformClient?, logger: Logger, retrySeconds: Int = 5, pollSeconds: Int = 3) {
        self.worker = worker
        self.logger = logger
        self.retrySeconds = retrySeconds
        self.pollSeconds = pollSeconds
    }

    public func call(screen: String, at: Date, report: @escaping @Sendable (HelpStatus) -> Void) {
        guard let worker else {
            report(.unavailable)
            return
        }
        let retry = retrySeconds, poll = pollSeconds, logger = self.logger
        current.replace(Task.detached {
            var ticket: HelpTicket?
            var attempts = 0
            while !Task.isCancelled {
                if let sent = await worker.requestHelp(screen: screen, at: at) {
                    ticket = sent
                    break
                }
                if attempts == 0 { report(.queued) }
                attempts += 1
                logger.warning("help request not sent yet (attempt \(attempts)); retrying in \(retry) s")
                try? await Task.sleep(for: .seconds(retry))
            }
            guard let ticket else { return }
            report(.sent(ticket.id))
            // Follow it for half an hour at most: staff acknowledge on the dashboard.
            let until = ContinuousClock.now + .seconds(1800)
            while !Task.isCancelled && ContinuousClock.now < until {
                try? await Task.sleep(for: .seconds(poll))
                if let status = await worker.helpStatus(id: ticket.id), status.status == "acknowledged" {
                    report(.acknowledged(ticket.id))
                    return
                }
            }
        })
    }

    public func stop() { current.replace(nil) }
}

/// The one running task of a `HelpDesk`.
final class CurrentTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    func replace(_ new: Task<Void, Never>?) {
        lock.withLock {
            task?.cancel()
            task = new
        }
    }
}
