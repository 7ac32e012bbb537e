// SPDX-License-Identifier: Apache-2.0
import CCUPS

/// The libcups the printing adapter is built on.
public enum CUPSLibrary {
    /// The libcups version this build was compiled against, e.g. "2.4.2".
    public static var version: String {
        "\(zz_cups_version_major()).\(zz_cups_version_minor()).\(zz_cups_version_patch())"
    }
}
