// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Canonical JSON (sorted keys, no escaped slashes) so both sides hash the same bytes.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
