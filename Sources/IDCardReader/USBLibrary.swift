// SPDX-License-Identifier: Apache-2.0
import CLibUSB

/// The libusb the reader's USB transport is built on.
public enum USBLibrary {
    /// libusb's version as "major.minor.micro", for `zizhu --version` and diagnostics.
    public static var version: String {
        guard let version = libusb_get_version() else { return "unknown" }
        let v = version.pointee
        return "\(v.major).\(v.minor).\(v.micro)"
    }
}
