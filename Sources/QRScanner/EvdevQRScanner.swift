// SPDX-License-Identifier: Apache-2.0
import CLibEvdev
import Glibc

/// A USB-HID ("keyboard wedge") QR scanner read from its own input device through libevdev,
/// grabbed exclusively: while the kiosk holds it, what it types reaches no console, no
/// terminal and no other program — a scan never types into the screen. Found by the name
/// the device reports (the profile's `device_name`, matched as a part of it).
public final class EvdevQRScanner {
    public let path: String
    public let name: String
    private var fd: Int32
    private var device: OpaquePointer?
    private var assembler: CodeAssembler
    private var ready: [CodeAssembler.Piece] = []
    private var shifts: Set<UInt16> = []

    public init(profile: ScannerProfile, inputFolder: String = "/dev/input") throws(QRScannerFault) {
        guard let wanted = profile.deviceName else { throw .notConnected("the profile names no device_name") }
        assembler = CodeAssembler(profile: profile)
        let entries = (try? Self.eventNodes(inputFolder)) ?? []
        var refused: [String] = []
        for node in entries {
            let opened = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard opened >= 0 else {
                refused.append("\(node): \(String(cString: strerror(errno)))")
                continue
            }
            var handle: OpaquePointer?
            guard libevdev_new_from_fd(opened, &handle) == 0, let handle else {
                close(opened)
                continue
            }
            let found = libevdev_get_name(handle).map { String(cString: $0) } ?? ""
            guard found.contains(wanted) else {
                libevdev_free(handle)
                close(opened)
                continue
            }
            let grabbed = libevdev_grab(handle, LIBEVDEV_GRAB)
            guard grabbed == 0 else {
                libevdev_free(handle)
                close(opened)
                throw .notConnected("\(node) (\(found)) is held by another program: \(String(cString: strerror(-grabbed)))")
            }
            path = node
            name = found
            fd = opened
            device = handle
            return
        }
        let why = refused.isEmpty ? "" : " (could not open: \(refused.joined(separator: "; ")))"
        throw .notConnected("no input device named like '\(wanted)' in \(inputFolder)\(why)")
    }

    deinit {
        if let device {
            _ = libevdev_grab(device, LIBEVDEV_UNGRAB)
            libevdev_free(device)
        }
        if fd >= 0 { close(fd) }
    }

    public var description: String { "hid \(path) \"\(name)\" (grabbed)" }

    static func eventNodes(_ folder: String) throws -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var nodes: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("event") { nodes.append(folder + "/" + name) }
        }
        return nodes.sorted()
    }

    /// The next code or garbled scan, waiting at most `timeout` seconds (nil: nothing came).
    /// The device going away (unplugged: ENODEV) throws `unplugged`.
    public func next(timeout: Double) throws(QRScannerFault) -> CodeAssembler.Piece? {
        if !ready.isEmpty { return ready.removeFirst() }
        guard let device else { throw .unplugged("\(path) is closed") }
        let seconds: Double = max(0, min(timeout, 3600))
        let deadline: ContinuousClock.Instant = ContinuousClock.now + Duration.milliseconds(Int(seconds * 1000))
        while true {
            var event = input_event()
            var flags = UInt32(LIBEVDEV_READ_FLAG_NORMAL.rawValue)
            var status = libevdev_next_event(device, flags, &event)
            while status == Int32(LIBEVDEV_READ_STATUS_SUCCESS.rawValue) || status == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) {
                // After SYN_DROPPED the kernel's buffer overflowed: what was lost cannot be a
                // whole code (its Enter may be gone too), so the scan in progress is given up
                // at once and the sync events drained; the next scan starts clean.
                if status == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) {
                    if flags != UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue) {
                        ready += assembler.abandon("key events were dropped (the scanner typed faster than it was read)")
                        shifts.removeAll()
                    }
                    flags = UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue)
                } else {
                    handle(event)
                }
                status = libevdev_next_event(device, flags, &event)
                if status == -EAGAIN && flags == UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue) {
                    flags = UInt32(LIBEVDEV_READ_FLAG_NORMAL.rawValue)
                    status = libevdev_next_event(device, flags, &event)
                }
            }
            if status == -ENODEV { throw .unplugged("\(path) (\(name)): the device went away") }
            if !ready.isEmpty { return ready.removeFirst() }
            if status != -EAGAIN && status != -EINTR { throw .unplugged("\(path): \(String(cString: strerror(-status)))") }
            let left: Duration = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&poller, 1, SerialQRScanner.milliseconds(left))
            if polled < 0 && errno != EINTR { throw .unplugged("\(path): poll: \(String(cString: strerror(errno)))") }
            if polled > 0 && poller.revents & Int16(POLLHUP | POLLERR) != 0 { throw .unplugged("\(path) (\(name)): the device went away") }
        }
    }

    private func handle(_ event: input_event) {
        guard event.type == UInt16(EV_KEY) else { return }
        if event.code == KeyboardLayout.leftShift || event.code == KeyboardLayout.rightShift {
            if event.value == 0 { shifts.remove(event.code) } else { shifts.insert(event.code) }
            return
        }
        // Presses only (1); releases (0) and autorepeat (2) type nothing.
        guard event.value == 1 else { return }
        // A key no code uses spoils the scan (NUL is refused by the assembler).
        ready += assembler.feed([KeyboardLayout.byte(for: event.code, shift: !shifts.isEmpty) ?? 0x00])
    }
}

/// A USB-HID QR scanner played by a uinput virtual keyboard (libevdev-uinput): what it
/// "scans" is typed key by key, Shift held where needed, then Enter — as a real keyboard-wedge
/// scanner types. Needs `/dev/uinput` (a kernel with the uinput module).
public final class VirtualKeyboardScanner {
    private var device: OpaquePointer?
    private var uinput: OpaquePointer?
    public let name: String

    public init(name: String) throws(QRScannerFault) {
        self.name = name
        guard let made = libevdev_new() else { throw .notConnected("libevdev_new failed") }
        device = made
        libevdev_set_name(made, name)
        libevdev_set_id_bustype(made, Int32(BUS_USB))
        libevdev_set_id_vendor(made, 0x1EAB)
        libevdev_set_id_product(made, 0x0D22)
        _ = libevdev_enable_event_type(made, UInt32(EV_KEY))
        for code in KeyboardLayout.allCodes + [KeyboardLayout.keypadEnter] {
            _ = libevdev_enable_event_code(made, UInt32(EV_KEY), UInt32(code), nil)
        }
        var created: OpaquePointer?
        let status = libevdev_uinput_create_from_device(made, zz_uinput_managed(), &created)
        guard status == 0, let created else {
            libevdev_free(made)
            device = nil
            throw .notConnected("cannot create a uinput device: \(String(cString: strerror(-status)))")
        }
        uinput = created
    }

    deinit { unplug() }

    /// The event node the kernel made for it (`/dev/input/event3`).
    public var node: String? { uinput.flatMap { libevdev_uinput_get_devnode($0) }.map { String(cString: $0) } }

    private func emit(_ type: Int32, _ code: UInt16, _ value: Int32) {
        guard let uinput else { return }
        _ = libevdev_uinput_write_event(uinput, UInt32(type), UInt32(code), value)
    }

    private func press(_ code: UInt16, shift: Bool) {
        if shift { emit(EV_KEY, KeyboardLayout.leftShift, 1) }
        emit(EV_KEY, code, 1)
        emit(EV_SYN, UInt16(SYN_REPORT), 0)
        emit(EV_KEY, code, 0)
        if shift { emit(EV_KEY, KeyboardLayout.leftShift, 0) }
        emit(EV_SYN, UInt16(SYN_REPORT), 0)
        // A full-speed USB HID scanner reports a key per 8 ms poll interval.
        usleep(8000)
    }

    /// Types `text` and Enter; characters a US keyboard cannot type are left out.
    public func scan(_ text: String) {
        for character in text {
            if let key = KeyboardLayout.key(for: character) { press(key.code, shift: key.shift) }
        }
        press(KeyboardLayout.enter, shift: false)
    }

    public func unplug() {
        if let uinput { libevdev_uinput_destroy(uinput) }
        if let device { libevdev_free(device) }
        uinput = nil
        device = nil
    }
}

/// A QR scanner's line, whichever way it is connected.
public protocol QRScannerLine: AnyObject {
    /// The next code or garbled scan within `timeout` seconds (nil: none came).
    func next(timeout: Double) throws(QRScannerFault) -> CodeAssembler.Piece?
    var description: String { get }
}

extension SerialQRScanner: QRScannerLine {}
extension EvdevQRScanner: QRScannerLine {}

public enum QRScanners {
    /// Opens the scanner a profile describes: the serial `port`, or the input device named
    /// like its `device_name` (grabbed).
    public static func open(_ profile: ScannerProfile, port: String?) throws(QRScannerFault) -> any QRScannerLine {
        switch profile.transport {
        case .serial:
            guard let port else { throw .notConnected("a serial scanner needs its port (qr_scanner.port)") }
            return try SerialQRScanner(port: port, profile: profile)
        case .hid:
            return try EvdevQRScanner(profile: profile)
        }
    }
}
