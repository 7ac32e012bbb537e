// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Files that hold keys or personal data (the kiosk's outbox, the platform's database) are
/// created readable by their owner only. SQLite creates a database's `-wal` and `-shm` files
/// with the database file's own mode, so making the database file first is enough.
///
/// ```swift
/// try PrivateFile.prepare("/var/lib/zizhu/outbox.sqlite")   // mode 0600 from the start
/// ```
public enum PrivateFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates `path` empty with mode 0600 if it does not exist; an existing file (and its
    /// `-wal` and `-shm`) is narrowed to 0600. Nothing is ever widened.
    public static func prepare(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(description: "\(path): cannot create (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            guard chmod(file, 0o600) == 0 else {
                throw Problem(description: "\(file): cannot restrict to its owner (\(String(cString: strerror(errno))))")
            }
        }
    }
}
