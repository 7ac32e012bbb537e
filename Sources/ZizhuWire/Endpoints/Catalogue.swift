// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

// GET /v1/catalogue: the service catalogue, versioned by ETag.

/// The service catalogue as the platform distributes it: every file, and a version (the
/// ETag) that changes whenever any file does.
public struct CatalogueBundle: Codable, Sendable, Hashable {
    public struct File: Codable, Sendable, Hashable {
        public var name: String
        public var text: String
        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    public var version: String
    public var files: [File]
    /// The operator's signature (`.signature.json` beside the files); nil: unsigned.
    public var signature: CatalogueSignature?

    /// The HTTP entity tag: the files and the signature (a re-signed version is news).
    public var etag: String { signature.map { "\(version).\($0.statement.number).\($0.signature.prefix(16))" } ?? version }

    /// The same files with a signature.
    public func signed(_ signature: CatalogueSignature?) -> CatalogueBundle {
        var copy = self
        copy.signature = signature
        return copy
    }

    public init(files: [File]) {
        self.files = files.sorted { $0.name < $1.name }
        var hasher = SHA256()
        for file in self.files {
            hasher.update(data: Data(file.name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(file.text.utf8))
            hasher.update(data: Data([0]))
        }
        version = Hex.string(hasher.finalize())
    }
}

extension CatalogueBundle {
    public struct LoadProblem: Error, CustomStringConvertible {
        public var description: String
    }

    /// A catalogue folder as the platform serves it: the `*.yaml` files, and the operator's
    /// `.signature.json` when there is one (a malformed one is an error, not "unsigned").
    public static func load(folder: URL) throws -> CatalogueBundle {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else {
            throw LoadProblem(description: "no catalogue folder at \(folder.path)")
        }
        let files = try names.filter { $0.hasSuffix(".yaml") }.map { name in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                throw LoadProblem(description: "\(name) is not readable UTF-8 text")
            }
            return File(name: name, text: text)
        }
        var bundle = CatalogueBundle(files: files)
        if let data = manager.contents(atPath: folder.appendingPathComponent(".signature.json").path) {
            guard let signature = try? JSONDecoder().decode(CatalogueSignature.self, from: data) else {
                throw LoadProblem(description: ".signature.json is not a catalogue signature")
            }
            bundle.signature = signature
        }
        return bundle
    }
}
