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
