// SPDX-License-Identifier: Apache-2.0
import Crypto
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
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                    attributes: [.posixPermissions: 0o700])
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        // Created with 0600 from the start (no window where others could read it).
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw OutboxError(kind: .key, zh: "无法创建终端密钥", en: "\(url.path): cannot create (\(errno))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw OutboxError(kind: .key, zh: "无法写入终端密钥", en: "\(url.path): cannot write the key")
        }
        return key
    }
}
