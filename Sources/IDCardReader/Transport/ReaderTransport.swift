// SPDX-License-Identifier: Apache-2.0
/// A failure of the link to the reader. Transports never interpret frames.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The device is not there (no such port, no matching USB device, permission denied).
    case notConnected(String)
    /// The device went away while in use (unplugged, pty hung up).
    case disconnected(String)
    /// Any other I/O failure.
    case io(String)

    public var description: String {
        switch self {
        case .notConnected(let text): return "not connected: \(text)"
        case .disconnected(let text): return "disconnected: \(text)"
        case .io(let text): return "I/O error: \(text)"
        }
    }
}

/// A byte pipe to a reader: serial line, USB bulk endpoints, or a script in tests.
/// Blocking; the reader session calls it from its own I/O queue, never from the UI.
public protocol ReaderTransport: AnyObject, Sendable {
    /// What a technician needs to find the device again.
    var description: String { get }
    func write(_ bytes: [UInt8]) throws(TransportError)
    /// Whatever arrives within `timeout` seconds (possibly fewer bytes than a frame;
    /// empty when nothing came).
    func read(timeout: Double) throws(TransportError) -> [UInt8]
    /// Drops bytes already received but not read (stale replies after a timeout).
    func discardInput()
    func close()
}
