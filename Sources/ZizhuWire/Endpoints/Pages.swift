// SPDX-License-Identifier: Apache-2.0
import Foundation

/// 扫描纸质材料: one page a kiosk scanned for an application, as its payload lists it. The
/// page itself follows the application in chunks (`PUT /v1/pages/{acceptanceNumber}/{material}/{number}`).
public struct PageManifest: Codable, Sendable, Hashable {
    /// The material's id in the service (`residence-registration`).
    public var material: String
    /// 1, 2, … within the material.
    public var number: Int
    /// The page's size in bytes (WebP).
    public var bytes: Int
    /// SHA-256 of those bytes, lower-case hex.
    public var sha256: String

    public init(material: String, number: Int, bytes: Int, sha256: String) {
        self.material = material
        self.number = number
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// The platform's answer to one chunk of a page: how many bytes of the page it holds from
/// the start (the kiosk sends on from there, after a drop too), and whether the page is whole
/// (stored, its SHA-256 checked; the kiosk may delete its copy).
public struct PageChunkAnswer: Codable, Sendable, Hashable {
    public var received: Int
    public var complete: Bool

    public init(received: Int, complete: Bool) {
        self.received = received
        self.complete = complete
    }
}

/// The limits both sides keep to.
public enum PageRules {
    /// One chunk: small enough to get through a weak mobile link between drops.
    public static let chunkBytes = 32 << 10
    /// One page (a WebP of an A4 page at 150 dpi is tens of kilobytes).
    public static let largestPage = 4 << 20
    /// Pages for one application, all materials together.
    public static let mostPages = 40

    /// The path of a page's chunk at `offset` of a page of `size` bytes with this hash.
    public static func chunkPath(acceptanceNumber: String, material: String, number: Int, offset: Int, size: Int, sha256: String) -> String {
        "/v1/pages/\(acceptanceNumber)/\(material)/\(number)?offset=\(offset)&size=\(size)&sha256=\(sha256)"
    }

    /// Material ids are catalogue ids: letters, digits, '-' and '_'.
    public static func isMaterialID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}
