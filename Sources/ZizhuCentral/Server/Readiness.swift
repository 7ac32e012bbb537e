// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import NIOConcurrencyHelpers

/// What a load balancer asks an instance before sending it requests (`GET /ready`): ready
/// once the database answers, and not while the instance drains. `GET /health` says only
/// that the process is up.
///
/// On SIGTERM an instance first says it is not ready (the balancer stops sending it new
/// requests within one health check), keeps serving for the drain time, then stops
/// accepting connections, finishes the requests in flight and exits.
///
/// ```swift
/// let readiness = Readiness()
/// let router = CentralServer.router(store: store, readiness: readiness)
/// // on SIGTERM: readiness.drain(); wait; then shut the listeners down
/// ```
public final class Readiness: Sendable {
    private let draining = NIOLockedValueBox(false)

    public init() {}

    public var isDraining: Bool { draining.withLockedValue { $0 } }

    public func drain() { draining.withLockedValue { $0 = true } }

    /// How long the database may take to answer before the instance says it is not ready.
    public static let databaseTimeout: Duration = .seconds(2)

    /// 200 `ready`, or 503 with why not (draining; the database did not answer in time).
    func answer(store: any CentralStorage) async -> Response {
        if isDraining { return Self.text(.serviceUnavailable, "draining\n") }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.ping() }
                group.addTask {
                    try await Task.sleep(for: Self.databaseTimeout)
                    throw DatabaseSilent()
                }
                _ = try await group.next()
                group.cancelAll()
            }
            return Self.text(.ok, "ready\n")
        } catch is DatabaseSilent {
            return Self.text(.serviceUnavailable, "the database did not answer within \(Self.databaseTimeout)\n")
        } catch {
            return Self.text(.serviceUnavailable, "the database is unavailable: \(error)\n")
        }
    }

    struct DatabaseSilent: Error {}

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
