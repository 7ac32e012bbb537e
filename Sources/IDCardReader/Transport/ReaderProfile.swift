// SPDX-License-Identifier: Apache-2.0
import Foundation
import Yams
import ZizhuCore

/// A reader model's link settings, from `Devices/readers/<name>.yaml`.
public struct ReaderProfile: Sendable, Hashable {
    public enum Link: Sendable, Hashable {
        case serial(baud: Int)
        case usb(ids: [LibUSBTransport.DeviceID], layout: LibUSBTransport.Layout)
    }

    public var name: String
    public var link: Link

    public init(name: String, link: Link) {
        self.name = name
        self.link = link
    }

    struct File: Decodable {
        var transport: String
        var baud: Int?
        var ids: [String]?
        var layout: String?
        var chunk: Int?
        var endpoints: [String: Int]?
    }

    static let keys: [String: Set<String>] = [
        "": ["transport", "baud", "ids", "layout", "chunk", "endpoints"],
        "endpoints": ["out_header", "out_body", "in_header", "in_body"],
    ]

    /// Parses and checks a profile; problems name `file:line:column`.
    public static func parse(_ text: String, name: String, file: String) throws(FileProblems) -> ReaderProfile {
        let loaded = try YAMLDocument.load(File.self, from: text, file: file, allowedKeys: keys)
        let raw = loaded.value
        var problems = loaded.problems
        func at(_ key: String) -> SourceLocation { loaded.location(of: key) }
        var link: Link?
        switch raw.transport {
        case "serial":
            let baud = raw.baud ?? 115_200
            if ![9600, 19200, 38400, 57600, 115_200].contains(baud) {
                problems.append(FileProblem(at("baud"), "baud \(baud) is not one a SAM reader uses (9600 to 115200)"))
            }
            link = .serial(baud: baud)
        case "usb":
            let ids = (raw.ids ?? []).compactMap(LibUSBTransport.DeviceID.init)
            if ids.isEmpty || ids.count != raw.ids?.count {
                problems.append(FileProblem(at("ids"), "ids must list VID:PID pairs in hex, e.g. \"0400:C35A\""))
            }
            switch raw.layout ?? "single" {
            case "single":
                link = .usb(ids: ids, layout: .single(chunk: raw.chunk ?? 64))
            case "split":
                let e = raw.endpoints ?? [:]
                if let oh = e["out_header"], let ob = e["out_body"], let ih = e["in_header"], let ib = e["in_body"],
                   [oh, ob, ih, ib].allSatisfy({ (1...0xFF).contains($0) }) {
                    link = .usb(ids: ids, layout: .split(outHeader: UInt8(oh), outBody: UInt8(ob), inHeader: UInt8(ih), inBody: UInt8(ib)))
                } else {
                    problems.append(FileProblem(at("endpoints"), "a split layout needs out_header, out_body, in_header and in_body endpoint addresses"))
                }
            default:
                problems.append(FileProblem(at("layout"), "layout must be single or split"))
            }
        default:
            problems.append(FileProblem(at("transport"), "transport must be serial or usb"))
        }
        guard problems.isEmpty, let link else { throw FileProblems(problems) }
        return ReaderProfile(name: name, link: link)
    }

    /// Opens the transport this profile describes (`port` is the serial device).
    public func connector(port: String?) -> ReaderSession.Connector {
        let link = self.link
        return { () throws(TransportError) -> any ReaderTransport in
            switch link {
            case .serial(let baud):
                guard let port else { throw .notConnected("no serial port configured (reader.port in kiosk.yaml)") }
                return try SerialTransport(path: port, baud: baud)
            case .usb(let ids, let layout):
                return try LibUSBTransport(ids: ids, layout: layout)
            }
        }
    }

    /// How the link is described before it is opened.
    public func describe(port: String?) -> String {
        switch link {
        case .serial(let baud): return "serial \(port ?? "(no port)") \(baud) 8N1"
        case .usb(let ids, _): return "usb \(ids.map(\.description).joined(separator: "/"))"
        }
    }
}
