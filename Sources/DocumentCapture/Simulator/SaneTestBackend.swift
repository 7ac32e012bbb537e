// SPDX-License-Identifier: Apache-2.0
import Foundation

/// SANE's own `test` backend as the demo's and the tests' scanner: real frames through the
/// real library, the page and the faults chosen by rewriting its `test.conf`, which the
/// backend reads at every `sane_init` (and `SaneScanners` starts each scan with one).
///
/// libsane reads `SANE_CONFIG_DIR` once per process: point it at `folder` before the first
/// SANE call (`environment` for a child process, `activate()` for this one).
public struct SaneTestBackend: Sendable {
    /// What the next page shows.
    public enum Picture: String, Sendable, CaseIterable {
        /// A black and white grid of 10 mm squares: a page with something on it.
        case grid = "Grid"
        /// Nothing: the page lies the wrong way up.
        case white = "Solid white"
        /// All black: the lid left open to a dark hall.
        case black = "Solid black"
        case pattern = "Color pattern"
    }

    /// How the next scan ends (SANE's status for it), as the device would report it.
    public enum Outcome: String, Sendable, CaseIterable {
        case scans = "Default"
        case noPaper = "SANE_STATUS_NO_DOCS"
        case jammed = "SANE_STATUS_JAMMED"
        case coverOpen = "SANE_STATUS_COVER_OPEN"
        /// The device stopped answering mid-page (unplugged).
        case unplugged = "SANE_STATUS_IO_ERROR"
        case busy = "SANE_STATUS_DEVICE_BUSY"
    }

    public let folder: URL

    /// Writes the config (only the test backend, two devices, a grid page that scans).
    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "test\n".write(to: folder.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        try load(.grid)
    }

    public var environment: [String: String] { ["SANE_CONFIG_DIR": folder.path] }

    /// Points this process's libsane at the folder (before its first SANE call).
    public func activate() { setenv("SANE_CONFIG_DIR", folder.path, 1) }

    /// What the next scan returns.
    public func load(_ picture: Picture, then outcome: Outcome = .scans) throws {
        let config = """
        number_of_devices 2
        mode Gray
        depth 8
        hand-scanner false
        resolution 150
        test-picture "\(picture.rawValue)"
        read-status-code "\(outcome.rawValue)"
        geometry_min 0.0
        geometry_max 297.0
        geometry_quant 1.0
        tl_x 0.0
        tl_y 0.0
        br_x 210.0
        br_y 297.0

        """
        try config.write(to: folder.appendingPathComponent("test.conf"), atomically: true, encoding: .utf8)
    }
}
