// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// What a stranger's connections may hold: at most `perAddress` open connections from one
/// address (the rest are closed as they arrive), a request's head within `headerTimeout` of
/// the connection opening or the previous answer going out, and its whole body within
/// `requestTimeout` of its head. Idle keep-alive connections are closed by the server's
/// idle timeout. Shared by every connection of one listener.
///
/// ```swift
/// let guardian = ConnectionGuard(perAddress: 256, headerTimeout: .seconds(10), requestTimeout: .seconds(30))
/// let server = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [guardian.handler()],
///                                                            idleTimeout: .seconds(60)))
/// ```
public final class ConnectionGuard: Sendable {
    public let perAddress: Int
    public let headerTimeout: TimeAmount
    public let requestTimeout: TimeAmount
    private let open = NIOLockedValueBox<[String: Int]>([:])

    public init(perAddress: Int = 256, headerTimeout: TimeAmount = .seconds(10), requestTimeout: TimeAmount = .seconds(30)) {
        self.perAddress = max(1, perAddress)
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
    }

    /// A handler for one new connection.
    public func handler() -> any RemovableChannelHandler { Handler(guardian: self) }

    /// Connections open now from `address` (for tests and diagnostics).
    public func openConnections(from address: String) -> Int { open.withLockedValue { $0[address] ?? 0 } }

    func admit(_ address: String) -> Bool {
        open.withLockedValue { counts in
            let current = counts[address] ?? 0
            guard current < perAddress else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLockedValue { counts in
            let left = (counts[address] ?? 1) - 1
            counts[address] = left > 0 ? left : nil
        }
    }

    final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        private let guardian: ConnectionGuard
        private var counted: String?
        private var started = false
        private var deadline: Scheduled<Void>?

        init(guardian: ConnectionGuard) { self.guardian = guardian }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { opened(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            opened(context)
            context.fireChannelActive()
        }

        private func opened(_ context: ChannelHandlerContext) {
            guard !started else { return }
            started = true
            let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
            guard guardian.admit(address) else {
                context.close(promise: nil)
                return
            }
            counted = address
            arm(context, guardian.headerTimeout)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: arm(context, guardian.requestTimeout)
            case .body: break
            // The request is in: the time the answer takes is the handler's, not the client's.
            case .end: disarm()
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            // The answer went out: the next request's head must come in time.
            if case .end = unwrapOutboundIn(data) { arm(context, guardian.headerTimeout) }
            context.write(data, promise: promise)
        }

        func channelInactive(context: ChannelHandlerContext) {
            disarm()
            if let counted { guardian.release(counted) }
            counted = nil
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            disarm()
            if let counted { guardian.release(counted) }
            counted = nil
        }

        private func arm(_ context: ChannelHandlerContext, _ after: TimeAmount) {
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: after) { channel.close(promise: nil) }
        }

        private func disarm() {
            deadline?.cancel()
            deadline = nil
        }
    }
}
