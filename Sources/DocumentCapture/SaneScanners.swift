// SPDX-License-Identifier: Apache-2.0
import CSane
import Foundation

/// Document scanners through SANE (libsane): the same library and backends `scanimage`
/// uses, so any scanner SANE drives works, and the tests use SANE's own `test` backend
/// (real frames through the real library; `SANE_CONFIG_DIR` points at its config).
///
/// libsane keeps one state per process and is not thread-safe: every call here holds one
/// lock, and each operation is a whole `sane_init` … `sane_exit` (a scanner plugged in
/// since the last scan is found). The calls block: run them off Swift concurrency's threads.
public enum SaneScanners {
    /// A scanner as SANE lists it.
    public struct Device: Sendable, Hashable, Codable {
        public var name: String
        public var vendor: String
        public var model: String
        public var type: String

        public init(name: String, vendor: String, model: String, type: String) {
            self.name = name
            self.vendor = vendor
            self.model = model
            self.type = type
        }
    }

    /// More than this for one page is not a document (A4 at 600 dpi in colour is 100 MiB).
    public static let largestPage = 128 << 20

    private static let lock = NSLock()

    /// The scanners SANE finds (local ones only: a kiosk never scans over the network).
    public static func list() throws(CaptureFault) -> [Device] {
        try session { () throws(CaptureFault) -> [Device] in try devices() }
    }

    /// One page scanned with the profile, in gray. `shouldCancel` is asked between blocks
    /// of the transfer (the citizen left, the session ended): the scan is cancelled and
    /// nothing kept.
    public static func scan(_ profile: DocumentScannerProfile, shouldCancel: @escaping () -> Bool = { false }) throws(CaptureFault) -> ScannedPage {
        try session { () throws(CaptureFault) -> ScannedPage in
            let device = try pick(profile.device, from: try devices())
            var handle: SANE_Handle?
            let opened = sane_open(device.name, &handle)
            guard opened == SANE_STATUS_GOOD, let handle else { throw fault(opened, "sane_open(\(device.name))", opening: true) }
            defer { sane_close(handle) }
            let options = SaneOptions(handle: handle)
            try options.set("mode", "Gray", orOneOf: ["Gray", "Grayscale", "Gray8", "Lineart"])
            if let source = profile.source { try options.set("source", source) }
            let dpi = try options.set("resolution", String(profile.resolution))
            for (name, value) in [("tl-x", 0.0), ("tl-y", 0.0), ("br-x", profile.widthMM), ("br-y", profile.heightMM)] where options.has(name) {
                _ = try options.set(name, String(value))
            }
            for (name, value) in profile.options.sorted(by: { $0.key < $1.key }) { _ = try options.set(name, value) }
            return try read(handle, dpi: Int(Double(dpi) ?? Double(profile.resolution)), shouldCancel: shouldCancel)
        }
    }

    static func brokenPipesAreErrors() { BrokenPipes.areErrors() }

    static func session<T>(_ body: () throws(CaptureFault) -> T) throws(CaptureFault) -> T {
        lock.lock()
        defer { lock.unlock() }
        brokenPipesAreErrors()
        // And SIGPIPE blocked on this thread, which the backend's reader thread inherits: its
        // write to a closed pipe gets EPIPE whatever the process's disposition is by then.
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var version: SANE_Int = 0
        let status = sane_init(&version, nil)
        guard status == SANE_STATUS_GOOD else { throw .noScanner(detail: "sane_init: \(words(status))") }
        defer {
            sane_exit()
            brokenPipesAreErrors()
        }
        return try body()
    }

    static func devices() throws(CaptureFault) -> [Device] {
        var list: UnsafeMutablePointer<UnsafePointer<SANE_Device>?>?
        let status = sane_get_devices(&list, 1)
        guard status == SANE_STATUS_GOOD else { throw .noScanner(detail: "sane_get_devices: \(words(status))") }
        var found: [Device] = []
        var index = 0
        while let entry = list?[index] {
            let device = entry.pointee
            found.append(Device(name: text(device.name), vendor: text(device.vendor), model: text(device.model), type: text(device.type)))
            index += 1
        }
        return found
    }

    /// The profile's device: the name itself, else the first whose name starts with it
    /// (empty: the first SANE lists).
    static func pick(_ wanted: String, from devices: [Device]) throws(CaptureFault) -> Device {
        let match = devices.first { $0.name == wanted } ?? devices.first { wanted.isEmpty || $0.name.hasPrefix(wanted) }
        guard let match else {
            let seen = devices.isEmpty ? "SANE lists no scanner (unplugged, or no backend for it in dll.conf)"
                                       : "SANE lists: \(devices.map(\.name).joined(separator: ", "))"
            throw .noScanner(detail: "no scanner '\(wanted)': \(seen)")
        }
        return match
    }

    /// The page's frames read to the end and turned into gray dots.
    static func read(_ handle: SANE_Handle, dpi: Int, shouldCancel: () -> Bool) throws(CaptureFault) -> ScannedPage {
        let started = sane_start(handle)
        guard started == SANE_STATUS_GOOD else { throw fault(started, "sane_start") }
        brokenPipesAreErrors()
        defer {
            sane_cancel(handle)
            brokenPipesAreErrors()
        }
        var parameters = SANE_Parameters()
        let asked = sane_get_parameters(handle, &parameters)
        guard asked == SANE_STATUS_GOOD else { throw fault(asked, "sane_get_parameters") }
        let layout = try FrameLayout(parameters)
        var data: [UInt8] = []
        if let expected = layout.expectedBytes { data.reserveCapacity(expected) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if shouldCancel() { throw .cancelled }
            var length: SANE_Int = 0
            let status = buffer.withUnsafeMutableBufferPointer { sane_read(handle, $0.baseAddress, SANE_Int($0.count), &length) }
            if status == SANE_STATUS_EOF { break }
            guard status == SANE_STATUS_GOOD else { throw fault(status, "sane_read after \(data.count) bytes") }
            guard length >= 0, length <= buffer.count else { throw .unusable(detail: "sane_read said it read \(length) bytes into \(buffer.count)") }
            data.append(contentsOf: buffer[0..<Int(length)])
            guard data.count <= largestPage else { throw .unusable(detail: "more than \(largestPage >> 20) MiB for one page") }
        }
        return try layout.page(from: data, dpi: dpi)
    }

    /// A SANE status as a fault, in SANE's own words.
    static func fault(_ status: SANE_Status, _ call: String, opening: Bool = false) -> CaptureFault {
        let detail = "\(call): \(words(status))"
        switch status {
        case SANE_STATUS_NO_DOCS: return .noPaper
        case SANE_STATUS_JAMMED: return .jammed
        case SANE_STATUS_COVER_OPEN: return .coverOpen
        case SANE_STATUS_DEVICE_BUSY: return .busy
        case SANE_STATUS_CANCELLED: return .cancelled
        case SANE_STATUS_IO_ERROR, SANE_STATUS_EOF: return opening ? .noScanner(detail: detail) : .interrupted(detail: detail)
        case SANE_STATUS_ACCESS_DENIED where opening: return .noScanner(detail: detail + " (the kiosk's user needs the scanner group)")
        default: return .device(detail: detail)
        }
    }

    static func words(_ status: SANE_Status) -> String {
        sane_strstatus(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
    }

    static func text(_ pointer: SANE_String_Const?) -> String { pointer.map { String(cString: $0) } ?? "" }
}

/// A write to a pipe or socket whose reader has gone fails with EPIPE instead of ending the
/// process with SIGPIPE, as network programs arrange.
///
/// Not by ignoring the signal: libsane's reader thread (`sanei_thread`) sets SIGPIPE to
/// ignored while it runs and, when a scan ends, puts it back to the default whenever it finds
/// it ignored ("as we're going to shut down"), whoever had ignored it. So every scan left the
/// process open to being ended by the next write to a closed pipe, on any thread (a
/// scan-then-write test ended two test runs that way). A handler that does nothing is left
/// alone by libsane, turns the signal into EPIPE all the same, and, unlike an ignored signal,
/// is not inherited by the programs the kiosk starts.
public enum BrokenPipes {
    public static func areErrors() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGPIPE, &action, nil)
    }
}
