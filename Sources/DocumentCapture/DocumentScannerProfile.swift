// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// How the kiosk drives its document scanner (a `Devices/scanners/` file): which SANE device,
/// from which source, at what resolution, over what area, and any other option the model
/// needs, by its SANE name (`scanimage -d DEVICE --help` lists them) — or, for a document
/// camera (高拍仪), its V4L2 device and frame size (`camera:`).
public struct DocumentScannerProfile: Sendable, Hashable {
    public var name: LocalizedText
    /// The SANE device name or its start ("fujitsu", "test"); empty: the first device SANE lists.
    public var device: String
    /// SANE's `source` option ("Flatbed", "ADF Front", …), when the device has one.
    public var source: String?
    public var resolution: Int
    /// The area scanned, from the top-left corner, in millimetres; clamped to what the device covers.
    public var widthMM: Double
    public var heightMM: Double
    /// Any other option by its SANE name, set after the ones above, in name order.
    public var options: [String: String]
    /// A document camera instead of a SANE scanner.
    public var camera: CameraSettings?

    public init(name: LocalizedText, device: String = "", source: String? = nil, resolution: Int = 150,
                widthMM: Double = 210, heightMM: Double = 297, options: [String: String] = [:]) {
        self.name = name
        self.device = device
        self.source = source
        self.resolution = resolution
        self.widthMM = widthMM
        self.heightMM = heightMM
        self.options = options
    }

    struct Raw: Decodable {
        var name: LocalizedText
        var device: String?
        var source: String?
        var resolution: Int?
        var page: Page?
        var options: [String: String]?
        var camera: Camera?
        struct Camera: Decodable {
            var device: String
            var width: Int?
            var height: Int?
            var settle_frames: Int?
        }
        struct Page: Decodable {
            var width_mm: Double
            var height_mm: Double
        }
    }

    static let keys: [String: Set<String>] = ["": ["name", "device", "source", "resolution", "page", "options", "camera"], "name": ["zh", "en"],
                                              "page": ["width_mm", "height_mm"], "camera": ["device", "width", "height", "settle_frames"]]

    /// Parses and checks a profile; every problem names `file:line:column`.
    public static func parse(_ text: String, file: String) throws(FileProblems) -> DocumentScannerProfile {
        let loaded = try YAMLDocument.load(Raw.self, from: text, file: file, allowedKeys: keys)
        var problems = loaded.problems
        let raw = loaded.value
        let resolution = raw.resolution ?? 150
        if !(75...600).contains(resolution) {
            problems.append(FileProblem(loaded.location(of: "resolution"), "resolution must be 75 to 600 dpi, not \(resolution)"))
        }
        let width = raw.page?.width_mm ?? 210, height = raw.page?.height_mm ?? 297
        if !(50...450).contains(width) || !(50...450).contains(height) {
            problems.append(FileProblem(loaded.location(of: "page"), "page sides must be 50 to 450 mm, not \(width)×\(height)"))
        }
        for key in (raw.options ?? [:]).keys where ["mode", "resolution", "source", "tl-x", "tl-y", "br-x", "br-y"].contains(key) {
            problems.append(FileProblem(loaded.location(of: "options"), "option '\(key)' is set by the profile's own keys, not under options"))
        }
        var camera: CameraSettings?
        if let raw = raw.camera {
            let settings = CameraSettings(device: raw.device, width: raw.width ?? 1920, height: raw.height ?? 1080, settleFrames: raw.settle_frames ?? 5)
            if !(settings.device.hasPrefix("/dev/") || settings.device.hasPrefix("file:")) {
                problems.append(FileProblem(loaded.location(of: "camera"), "camera.device is a V4L2 device (/dev/video0) or file:PATH of a PGM frame"))
            }
            if !(320...8192).contains(settings.width) || !(240...8192).contains(settings.height) || !(0...60).contains(settings.settleFrames) {
                problems.append(FileProblem(loaded.location(of: "camera"), "camera frames are 320×240 to 8192×8192, settle_frames 0 to 60"))
            }
            camera = settings
        }
        guard problems.isEmpty else { throw FileProblems(problems) }
        var profile = DocumentScannerProfile(name: raw.name, device: raw.device ?? "", source: raw.source, resolution: resolution,
                                             widthMM: width, heightMM: height, options: raw.options ?? [:])
        profile.camera = camera
        return profile
    }
}
