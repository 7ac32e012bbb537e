// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Base64 with the URL- and cookie-safe alphabet and no padding (RFC 4648 §5): seals in QR
/// codes and links, session tokens in cookies.
///
/// ```swift
/// Base64URL.encode(Data([0xfb, 0xff]))   // "-_8"
/// Base64URL.decode("-_8")                // Data([0xfb, 0xff])
/// ```
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil for anything that is not canonical base64url: the standard alphabet's `+` and `/`,
    /// padding, and a last character whose unused bits are not zero (`-_9` and `-_8` would
    /// otherwise both decode to `fb ff`, so one seal could be printed several ways).
    public static func decode(_ text: String) -> Data? {
        guard !text.contains(where: { $0 == "+" || $0 == "/" || $0 == "=" }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), encode(data) == text else { return nil }
        return data
    }
}
