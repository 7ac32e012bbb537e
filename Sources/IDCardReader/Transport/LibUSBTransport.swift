// SPDX-License-Identifier: Apache-2.0
import CLibUSB
import Foundation

/// A reader on USB through libusb: vendor-class interface, bulk (or interrupt) endpoints.
///
/// Readers sharing one VID:PID (0400:C35A is used by several brands) differ in endpoint
/// layout, so the layout comes from the device profile, not from the ID: either one
/// IN/OUT pair written in 64-byte chunks, or the split layout that sends the 7-byte frame
/// header and the body to different endpoints (and reads them back the same way).
/// The kernel driver is detached automatically; an unplugged device reports
/// `TransportError.disconnected`, and the session reconnects by opening a new transport.
public final class LibUSBTransport: ReaderTransport, @unchecked Sendable {
    /// How the reader spreads a frame over its endpoints.
    public enum Layout: Sendable, Hashable {
        case single(chunk: Int)
        case split(outHeader: UInt8, outBody: UInt8, inHeader: UInt8, inBody: UInt8)
    }

    public struct DeviceID: Sendable, Hashable, CustomStringConvertible {
        public var vendor: UInt16
        public var product: UInt16
        public init(vendor: UInt16, product: UInt16) { self.vendor = vendor; self.product = product }

        /// From "0400:C35A".
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let v = UInt16(parts[0], radix: 16), let p = UInt16(parts[1], radix: 16) else { return nil }
            vendor = v
            product = p
        }

        public var description: String {
            func hex(_ v: UInt16) -> String { let s = String(v, radix: 16, uppercase: true); return String(repeating: "0", count: 4 - s.count) + s }
            return "\(hex(vendor)):\(hex(product))"
        }
    }

    private let lock = NSLock()
    private var context: OpaquePointer?
    private var handle: OpaquePointer?
    private let interfaceNumber: Int32
    private let outEndpoint: UInt8
    private let inEndpoint: UInt8
    private let outIsInterrupt: Bool
    private let inIsInterrupt: Bool
    private let layout: Layout
    private var readingHeader = true
    public let device: DeviceID
    private let location: String

    /// Finds the first device with one of the IDs, claims its vendor-class interface.
    public init(ids: [DeviceID], layout: Layout) throws(TransportError) {
        var ctx: OpaquePointer?
        guard libusb_init(&ctx) == 0, let ctx else { throw .notConnected("libusb could not start") }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(ctx, &list)
        defer { if let list { libusb_free_device_list(list, 1) } }
        guard count >= 0, let list else {
            libusb_exit(ctx)
            throw .notConnected("cannot list USB devices: \(Self.text(Int32(count)))")
        }
        var found: (OpaquePointer, DeviceID)?
        for index in 0..<Int(count) {
            guard let device = list[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0 else { continue }
            let id = DeviceID(vendor: descriptor.idVendor, product: descriptor.idProduct)
            if ids.contains(id) { found = (device, id); break }
        }
        guard let (device, id) = found else {
            libusb_exit(ctx)
            throw .notConnected("no USB reader with ID \(ids.map(\.description).joined(separator: " or ")) (\(count) USB devices seen)")
        }
        // The vendor-class interface and its endpoints.
        var configuration: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &configuration) == 0, let configuration else {
            libusb_exit(ctx)
            throw .notConnected("\(id): cannot read its configuration")
        }
        defer { libusb_free_config_descriptor(configuration) }
        var chosen: (number: Int32, outAddress: UInt8, inAddress: UInt8, outInterrupt: Bool, inInterrupt: Bool)?
        let interfaces = configuration.pointee.interface
        for i in 0..<Int(configuration.pointee.bNumInterfaces) {
            guard let interface = interfaces?[i], interface.num_altsetting > 0, let alt = interface.altsetting?[0] else { continue }
            guard alt.bInterfaceClass == 0xFF || configuration.pointee.bNumInterfaces == 1 else { continue }
            var outAddress: UInt8?, inAddress: UInt8?, outInterrupt = false, inInterrupt = false
            for e in 0..<Int(alt.bNumEndpoints) {
                guard let endpoint = alt.endpoint?[e] else { continue }
                let type = endpoint.bmAttributes & 0x03
                guard type == 2 || type == 3 else { continue }   // bulk or interrupt
                if endpoint.bEndpointAddress & 0x80 != 0 {
                    if inAddress == nil { inAddress = endpoint.bEndpointAddress; inInterrupt = type == 3 }
                } else if outAddress == nil {
                    outAddress = endpoint.bEndpointAddress; outInterrupt = type == 3
                }
            }
            if let outAddress, let inAddress {
                chosen = (Int32(alt.bInterfaceNumber), outAddress, inAddress, outInterrupt, inInterrupt)
                break
            }
        }
        guard let chosen else {
            libusb_exit(ctx)
            throw .notConnected("\(id): no vendor-class interface with IN and OUT endpoints")
        }
        var opened: OpaquePointer?
        let openResult = libusb_open(device, &opened)
        guard openResult == 0, let opened else {
            libusb_exit(ctx)
            throw .notConnected("\(id): cannot open: \(Self.text(openResult)) (check the udev rule in Devices/)")
        }
        _ = libusb_set_auto_detach_kernel_driver(opened, 1)
        let claim = libusb_claim_interface(opened, chosen.number)
        guard claim == 0 else {
            libusb_close(opened)
            libusb_exit(ctx)
            throw .notConnected("\(id): cannot claim interface \(chosen.number): \(Self.text(claim))")
        }
        context = ctx
        handle = opened
        self.device = id
        self.layout = layout
        interfaceNumber = chosen.number
        outEndpoint = chosen.outAddress
        inEndpoint = chosen.inAddress
        outIsInterrupt = chosen.outInterrupt
        inIsInterrupt = chosen.inInterrupt
        location = "bus \(libusb_get_bus_number(device)), device \(libusb_get_device_address(device))"
    }

    public var description: String {
        switch layout {
        case .single(let chunk):
            return "usb \(device) (\(location)) interface \(interfaceNumber) OUT 0x\(String(outEndpoint, radix: 16)) IN 0x\(String(inEndpoint, radix: 16)) in \(chunk)-byte chunks"
        case .split(let oh, let ob, let ih, let ib):
            return "usb \(device) (\(location)) split: OUT 0x\(String(oh, radix: 16))/0x\(String(ob, radix: 16)) IN 0x\(String(ih, radix: 16))/0x\(String(ib, radix: 16))"
        }
    }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw .disconnected("\(device) is closed") }
        readingHeader = true
        switch layout {
        case .single(let chunk):
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + max(1, chunk), bytes.count)
                try transfer(handle, endpoint: outEndpoint, interrupt: outIsInterrupt, Array(bytes[offset..<end]))
                offset = end
            }
        case .split(let outHeader, let outBody, _, _):
            let header = Array(bytes.prefix(7)), body = Array(bytes.dropFirst(7))
            try transfer(handle, endpoint: outHeader, interrupt: false, header)
            if !body.isEmpty { try transfer(handle, endpoint: outBody, interrupt: false, body) }
        }
    }

    private func transfer(_ handle: OpaquePointer, endpoint: UInt8, interrupt: Bool, _ data: [UInt8]) throws(TransportError) {
        var data = data
        var transferred: Int32 = 0
        let result = interrupt
            ? libusb_interrupt_transfer(handle, endpoint, &data, Int32(data.count), &transferred, 1000)
            : libusb_bulk_transfer(handle, endpoint, &data, Int32(data.count), &transferred, 1000)
        if result != 0 { throw error(result) }
        if transferred != data.count { throw .io("\(device): short write (\(transferred) of \(data.count) bytes)") }
    }

    public func read(timeout: Double) throws(TransportError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw .disconnected("\(device) is closed") }
        var endpoint = inEndpoint
        var interrupt = inIsInterrupt
        if case .split(_, _, let inHeader, let inBody) = layout {
            endpoint = readingHeader ? inHeader : inBody
            interrupt = false
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var transferred: Int32 = 0
        let ms = UInt32(max(1, timeout * 1000))
        let result = interrupt
            ? libusb_interrupt_transfer(handle, endpoint, &buffer, Int32(buffer.count), &transferred, ms)
            : libusb_bulk_transfer(handle, endpoint, &buffer, Int32(buffer.count), &transferred, ms)
        if result != 0 && result != LIBUSB_ERROR_TIMEOUT.rawValue { throw error(result) }
        if transferred > 0, case .split = layout { readingHeader = false }
        return Array(buffer[0..<Int(transferred)])
    }

    public func discardInput() {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var transferred: Int32 = 0
        for _ in 0..<8 {
            let result = libusb_bulk_transfer(handle, inEndpoint, &buffer, Int32(buffer.count), &transferred, 5)
            if result != 0 || transferred == 0 { break }
        }
        readingHeader = true
    }

    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if let handle {
            libusb_release_interface(handle, interfaceNumber)
            libusb_close(handle)
        }
        if let context { libusb_exit(context) }
        handle = nil
        context = nil
    }

    deinit { close() }

    private func error(_ code: Int32) -> TransportError {
        if code == LIBUSB_ERROR_NO_DEVICE.rawValue || code == LIBUSB_ERROR_IO.rawValue {
            return .disconnected("\(device): \(Self.text(code)) (unplugged?)")
        }
        return .io("\(device): \(Self.text(code))")
    }

    static func text(_ code: Int32) -> String {
        guard let name = libusb_error_name(code) else { return "error \(code)" }
        return String(cString: name)
    }
}
