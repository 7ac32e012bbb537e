// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuTestSupport

/// A loopback TCP proxy that misbehaves on purpose: per connection it drops it at once,
/// stalls it, resets it after the request has reached the server (so the server stores a
/// batch whose answer never arrives), or passes it through. Plain sockets and threads.
final class FaultyProxy: @unchecked Sendable {
    enum Fault: CaseIterable { case pass, drop, stall, resetAfterRequest }

    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let lock = NSLock()
    private var counts: [Fault: Int] = [:]
    private var deck: [Fault] = []
    private var stopped = false

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        (listener, port) = try Loopback.listener()
        Thread { [self] in acceptLoop() }.start()
    }

    var faults: [Fault: Int] { lock.withLock { counts } }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            // A third of connections misbehave, in equal parts: each run of nine connections
            // is a shuffled deck holding every fault once, so every fault happens in a test
            // that opens nine connections (a pure dice roll once gave no reset in 50).
            let fault: Fault = lock.withLock {
                if deck.isEmpty {
                    deck = (Array(repeating: Fault.pass, count: 6) + [.drop, .stall, .resetAfterRequest]).shuffled()
                }
                let next = deck.removeLast()
                counts[next, default: 0] += 1
                return next
            }
            Thread { [self] in handle(client, fault) }.start()
        }
    }

    private func handle(_ client: Int32, _ fault: Fault) {
        switch fault {
        case .drop:
            reset(client)
            return
        case .stall:
            sleep(3)
            close(client)
            return
        case .pass, .resetAfterRequest:
            break
        }
        guard let upstream = Loopback.connect(port: upstreamPort) else {
            reset(client)
            return
        }
        pump(client, upstream, resetOnFirstAnswer: fault == .resetAfterRequest)
        close(upstream)
    }

    /// Copies both ways until either side closes; with `resetOnFirstAnswer`, the first bytes
    /// of the server's answer make the proxy reset the client instead (the request was served).
    private func pump(_ client: Int32, _ upstream: Int32, resetOnFirstAnswer: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var answered = false
        while true {
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
            // One exchange per connection: once the answer has gone quiet for 100 ms the proxy
            // closes, so every request meets a fresh roll of the dice.
            let ready = poll(&fds, 2, answered ? 100 : 30_000)
            guard ready > 0 else { break }
            if fds[0].revents != 0 {
                // A second request on this connection: close it (the client reconnects).
                if answered { break }
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                if write(upstream, buffer, n) != n { break }
            }
            if fds[1].revents != 0 {
                let n = read(upstream, &buffer, buffer.count)
                if n <= 0 { break }
                if resetOnFirstAnswer {
                    reset(client)
                    return
                }
                if write(client, buffer, n) != n { break }
                answered = true
            }
        }
        close(client)
    }

    private func reset(_ fd: Int32) { Loopback.reset(fd) }
}
