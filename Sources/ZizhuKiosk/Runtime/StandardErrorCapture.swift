// SPDX-License-Identifier: Apache-2.0
import Foundation

/// While the kiosk owns the screen, whatever a library writes to standard error goes to
/// `logs/stderr.log` (appended, mode 0600) instead of over the citizen's screen: librime's
/// logging writes its errors to stderr as well as to its log folder, and one such line
/// ("Missing ascii bindings", after a Debian update of its data) tore the kiosk's screens
/// apart. Children the kiosk starts (the private cupsd, the reader simulator) inherit it.
///
/// ```swift
/// let saved = StandardErrorCapture.redirect(to: paths.logs.appendingPathComponent("stderr.log"))
/// defer { saved.map(StandardErrorCapture.restore) }
/// ```
public enum StandardErrorCapture {
    /// Sends file descriptor 2 to `file`; returns the original, to give back with `restore`
    /// (nil when the file cannot be opened: stderr stays where it was).
    public static func redirect(to file: URL) -> Int32? {
        let saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)
        guard saved >= 0 else { return nil }
        let log = open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else {
            close(saved)
            return nil
        }
        defer { close(log) }
        guard dup2(log, STDERR_FILENO) >= 0 else {
            close(saved)
            return nil
        }
        return saved
    }

    /// Gives standard error back to where it was before `redirect`.
    public static func restore(_ saved: Int32) {
        _ = dup2(saved, STDERR_FILENO)
        close(saved)
    }
}
