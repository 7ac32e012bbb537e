// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A problem answer from the platform: what is wrong, in words.
public struct ProblemResponse: Codable, Sendable, Error, CustomStringConvertible {
    public var error: String
    public var detail: String
    public init(error: String, detail: String) {
        self.error = error
        self.detail = detail
    }
    public var description: String { "\(error): \(detail)" }
}
