// SPDX-License-Identifier: Apache-2.0
import CV4L2
import Foundation

/// How a document camera (高拍仪) is driven: its device and the frame size asked for.
public struct CameraSettings: Sendable, Hashable {
    /// `/dev/video0` (a V4L2 capture device), or `file:PATH` — a frame source read from a
    /// binary PGM file (tests, and a demo without a camera).
    public var device: String
    public var width: Int
    public var height: Int
    /// Frames let pass before the one kept (auto exposure and focus settle on them).
    public var settleFrames: Int

    public init(device: String, width: Int = 1920, height: Int = 1080, settleFrames: Int = 5) {
        self.device = device
        self.width = width
        self.height = height
        self.settleFrames = settleFrames
    }
}

/// Document cameras through Video4Linux2 (UVC 高拍仪, and the kernel's `vivid` test driver):
/// one frame captured by memory-mapped streaming, its luma kept as the gray page (YUYV or
/// GREY; a camera that offers only MJPEG is refused as unusable). The calls block: run them
/// off Swift concurrency's threads.
public enum DocumentCameras {
    public struct Device: Sendable, Hashable, Codable {
        public var path: String
        public var name: String
        public var driver: String
    }

    /// The video capture devices that can stream (`/dev/video*`).
    public static func list(folder: String = "/dev") -> [Device] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("video") }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }.compactMap { name in
            let path = folder + "/" + name
            let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var capability = v4l2_capability()
            guard zz_v4l2_querycap(fd, &capability) == 0, zz_v4l2_can_capture(zz_v4l2_capture_caps(&capability)) != 0 else { return nil }
            return Device(path: path, name: text(capability.card), driver: text(capability.driver))
        }
    }

    /// One frame, as a gray page.
    public static func capture(_ camera: CameraSettings) throws(CaptureFault) -> ScannedPage {
        if camera.device.hasPrefix("file:") { return try FileFrames.read(String(camera.device.dropFirst("file:".count))) }
        let path = camera.device
        let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw openFault(errno, path) }
        defer { close(fd) }
        var capability = v4l2_capability()
        guard zz_v4l2_querycap(fd, &capability) == 0 else { throw .noScanner(detail: "\(path) is not a video device (VIDIOC_QUERYCAP: \(words(errno)))") }
        guard zz_v4l2_can_capture(zz_v4l2_capture_caps(&capability)) != 0 else {
            throw .unusable(detail: "\(path) (\(text(capability.card))) cannot stream video capture")
        }
        var width = UInt32(clamping: camera.width), height = UInt32(clamping: camera.height)
        var format = zz_v4l2_pix_fmt_yuyv(), bytesPerLine: UInt32 = 0
        guard zz_v4l2_set_format(fd, &width, &height, &format, &bytesPerLine) == 0 else { throw ioFault(errno, "VIDIOC_S_FMT") }
        if format != zz_v4l2_pix_fmt_yuyv() {
            format = zz_v4l2_pix_fmt_grey()
            guard zz_v4l2_set_format(fd, &width, &height, &format, &bytesPerLine) == 0, format == zz_v4l2_pix_fmt_grey() else {
                throw .unusable(detail: "\(path) offers neither YUYV nor GREY frames (it sends \(fourCC(format)))")
            }
        }
        let layout = CameraFrame(width: Int(width), height: Int(height), bytesPerLine: Int(bytesPerLine), yuyv: format == zz_v4l2_pix_fmt_yuyv())
        guard layout.isSane else { throw .unusable(detail: "a frame of \(width)×\(height) in \(bytesPerLine) bytes a line") }
        var given: UInt32 = 0
        guard zz_v4l2_request_buffers(fd, 3, &given) == 0, given >= 1 else { throw ioFault(errno, "VIDIOC_REQBUFS") }
        var maps: [(start: UnsafeMutableRawPointer, length: Int)] = []
        defer {
            for map in maps { munmap(map.start, map.length) }
            var none: UInt32 = 0
            _ = zz_v4l2_request_buffers(fd, 0, &none)
        }
        for index in 0..<given {
            var offset: UInt32 = 0, length: UInt32 = 0
            guard zz_v4l2_query_buffer(fd, index, &offset, &length) == 0 else { throw ioFault(errno, "VIDIOC_QUERYBUF") }
            guard let start = mmap(nil, Int(length), PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(offset)), start != MAP_FAILED else {
                throw ioFault(errno, "mmap")
            }
            maps.append((start, Int(length)))
            guard zz_v4l2_queue(fd, index) == 0 else { throw ioFault(errno, "VIDIOC_QBUF") }
        }
        guard zz_v4l2_stream(fd, 1) == 0 else { throw ioFault(errno, "VIDIOC_STREAMON") }
        defer { _ = zz_v4l2_stream(fd, 0) }
        var frames = 0
        while true {
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, 5_000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { throw .interrupted(detail: "no frame from \(path) in 5 s") }
            var index: UInt32 = 0, used: UInt32 = 0
            guard zz_v4l2_dequeue(fd, &index, &used) == 0 else {
                if errno == EAGAIN { continue }
                throw .interrupted(detail: "VIDIOC_DQBUF: \(words(errno)) (the camera went away?)")
            }
            guard Int(index) < maps.count else { throw .unusable(detail: "the driver returned buffer \(index) of \(maps.count)") }
            frames += 1
            if frames > max(0, camera.settleFrames) {
                let map = maps[Int(index)]
                let bytes = UnsafeRawBufferPointer(start: map.start, count: min(Int(used), map.length))
                return try layout.page(from: bytes)
            }
            guard zz_v4l2_queue(fd, index) == 0 else { throw .interrupted(detail: "VIDIOC_QBUF: \(words(errno))") }
        }
    }

    static func openFault(_ code: Int32, _ path: String) -> CaptureFault {
        switch code {
        case ENOENT, ENODEV, ENXIO: return .noScanner(detail: "no camera at \(path) (unplugged?)")
        case EBUSY: return .busy
        case EACCES, EPERM: return .noScanner(detail: "\(path): permission denied (the kiosk's user needs the video group)")
        default: return .device(detail: "\(path): \(words(code))")
        }
    }

    static func ioFault(_ code: Int32, _ call: String) -> CaptureFault {
        switch code {
        case ENODEV, EIO, ENXIO: return .interrupted(detail: "\(call): \(words(code)) (the camera went away?)")
        case EBUSY: return .busy
        default: return .device(detail: "\(call): \(words(code))")
        }
    }

    static func words(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func fourCC(_ format: UInt32) -> String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: format >> ($0 * 8)) }, as: UTF8.self)
    }

    /// A fixed-size C string field (the driver's and card's names) as text.
    static func text<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// How a frame's bytes lay out, and its luma as gray dots.
struct CameraFrame {
    let width: Int
    let height: Int
    let bytesPerLine: Int
    let yuyv: Bool

    var isSane: Bool {
        width > 0 && height > 0 && width <= 8192 && height <= 8192 && bytesPerLine >= width * (yuyv ? 2 : 1) && bytesPerLine <= 65_536
    }

    func page(from bytes: UnsafeRawBufferPointer) throws(CaptureFault) -> ScannedPage {
        guard bytes.count >= bytesPerLine * height else {
            throw .interrupted(detail: "a short frame: \(bytes.count) bytes of \(bytesPerLine * height)")
        }
        var gray = [UInt8](repeating: 0, count: width * height)
        let step = yuyv ? 2 : 1
        for y in 0..<height {
            let row = y * bytesPerLine
            for x in 0..<width { gray[y * width + x] = bytes[row + x * step] }
        }
        guard let page = ScannedPage(width: width, height: height, dpi: 0, pixels: gray) else { throw .unusable(detail: "\(width)×\(height)") }
        return page
    }
}

/// A frame source read from a file: a binary PGM (P5, 8-bit) — a page a test or the demo
/// hands the camera path instead of a camera.
enum FileFrames {
    static func read(_ path: String) throws(CaptureFault) -> ScannedPage {
        guard let data = FileManager.default.contents(atPath: path) else { throw .noScanner(detail: "no frame file at \(path)") }
        return try pgm(Array(data), name: path)
    }

    static func pgm(_ bytes: [UInt8], name: String) throws(CaptureFault) -> ScannedPage {
        // "P5" width height maxval, separated by white space (comments start with #), then one byte of white space.
        var index = 0, fields: [Int] = []
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else {
            throw .unusable(detail: "\(name) is not a binary PGM (P5)")
        }
        index = 2
        while fields.count < 3 {
            while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 }
            if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != 10 { index += 1 }
                continue
            }
            var value = 0, digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]), digits < 6 {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                digits += 1
            }
            guard digits > 0 else { throw .unusable(detail: "\(name): a malformed PGM header") }
            fields.append(value)
        }
        index += 1
        let (width, height, maxval) = (fields[0], fields[1], fields[2])
        guard maxval == 255, width > 0, height > 0, width <= 8192, height <= 8192, bytes.count - index >= width * height,
              let page = ScannedPage(width: width, height: height, dpi: 0, pixels: Array(bytes[index..<(index + width * height)])) else {
            throw .unusable(detail: "\(name): a PGM of \(width)×\(height), maxval \(maxval), \(max(0, bytes.count - index)) bytes of dots")
        }
        return page
    }
}
