// SPDX-License-Identifier: Apache-2.0
import Crypto
import DurableFiles
import Foundation
import GRDB
import ZizhuCore
import ZizhuWire

/// The per-kiosk key that seals payloads at rest: 32 random bytes in a file of mode 0600.
public enum KioskKey {
    public static func loadOrCreate(at url: URL) throws -> SymmetricKey {
        let manager = FileManager.default
        if let data = manager.contents(atPath: url.path) {
            guard data.count == 32 else {
                throw OutboxError(kind: .key, zh: "终端密钥文件损坏", en: "\(url.path): the kiosk key must be 32 bytes")
            }
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        // Whole or absent after a power cut: written beside, fsync'd, linked into place (never
        // over a key another process made first: data may already be sealed with it), and
        // the folder fsync'd — before, a cut could leave a short key file or lose its name
        // while the outbox sealed with it survived. 0600 from the start.
        do {
            try DurableFile.createDirectory(url.deletingLastPathComponent(), permissions: 0o700)
            if try !DurableFile.create(url, with: data, permissions: 0o600) { return try loadOrCreate(at: url) }
        } catch {
            throw OutboxError(kind: .key, zh: "无法创建终端密钥", en: "\(error)")
        }
        return key
    }
}
