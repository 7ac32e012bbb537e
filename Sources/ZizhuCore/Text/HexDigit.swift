// SPDX-License-Identifier: Apache-2.0

extension UInt8 {
    /// This byte's value as a hexadecimal digit (`0`–`9`, `a`–`f`, `A`–`F`); nil for any other byte.
    ///
    /// ```swift
    /// UInt8(ascii: "b").hexDigitValue  // 11
    /// UInt8(ascii: "g").hexDigitValue  // nil
    /// ```
    public var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
