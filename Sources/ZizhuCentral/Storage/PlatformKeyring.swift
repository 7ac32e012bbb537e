// SPDX-License-Identifier: Apache-2.0
import Crypto
import DurableFiles
import Foundation
import ZizhuWire

/// The platform key, kept outside the database (a file, mode 0600): what seals personal data
/// at rest — every payload (applications, ratings, tickets) and every kiosk's signing secret
/// — and what keys the applicant index. A copy of the database without this file holds no
/// readable name, ID number or secret.
///
/// The file holds one index key and one or more sealing keys, the first of which seals new
/// data; the others still open what they sealed, so the sealing key can be rotated without
/// downtime (README, "Rotating the platform key"):
///
/// ```swift
/// let ring = try PlatformKeyring.load("/etc/zizhu-central/platform.key")
/// let sealed = try ring.seal(payload, context: "submission:" + key)   // zs1:<key id>:<base64>
/// let payload = try ring.open(sealed, context: "submission:" + key)
/// let indexed = ring.applicantIndex(idNumber: "11010519491231002X")   // HMAC-SHA256, hex
/// ```
///
/// Each sealed value is bound to where it is stored (`context`, e.g. the row's key), so a
/// value moved to another row does not open there.
public struct PlatformKeyring: Sendable {
    public struct SealingKey: Sendable {
        public var id: String
        var key: SymmetricKey
    }

    /// Keys the applicant index (HMAC-SHA256 of the ID number); it is not rotated with the
    /// sealing keys, so the index stays valid.
    let indexKey: SymmetricKey
    /// The first seals new data.
    public let sealingKeys: [SealingKey]

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    static let prefix = "zs1:"

    /// A new key file's contents: a fresh index key and one sealing key.
    public static func generate() -> PlatformKeyring {
        PlatformKeyring(indexKey: SymmetricKey(size: .bits256), sealingKeys: [newSealingKey()])
    }

    static func newSealingKey() -> SealingKey {
        let key = SymmetricKey(size: .bits256)
        let fingerprint = Hex.string(Array(SHA256.hash(data: key.withUnsafeBytes { Data($0) }).prefix(4)))
        return SealingKey(id: "k\(UTCTime.iso(Date()).prefix(10).replacingOccurrences(of: "-", with: ""))-\(fingerprint)", key: key)
    }

    /// A new sealing key in front (it seals from now on); the others stay to open old data.
    public func rotated() -> PlatformKeyring {
        PlatformKeyring(indexKey: indexKey, sealingKeys: [Self.newSealingKey()] + sealingKeys)
    }

    /// Without the sealing key `id` (refused when it is the current one).
    public func retiring(_ id: String) throws(Problem) -> PlatformKeyring {
        guard sealingKeys.contains(where: { $0.id == id }) else { throw Problem("the key file has no sealing key \(id)") }
        guard sealingKeys.first?.id != id else { throw Problem("\(id) seals new data; rotate first, reseal, then retire it") }
        return PlatformKeyring(indexKey: indexKey, sealingKeys: sealingKeys.filter { $0.id != id })
    }

    // MARK: Sealing

    public func seal(_ text: String, context: String) throws -> String {
        guard let current = sealingKeys.first else { throw Problem("the key file has no sealing key") }
        let box = try ChaChaPoly.seal(Data(text.utf8), using: current.key, authenticating: Data(context.utf8))
        return Self.prefix + current.id + ":" + box.combined.base64EncodedString()
    }

    /// The plain text of a sealed value; a clear error when it is not sealed, sealed under a
    /// key this file lacks, altered, or bound to another place.
    public func open(_ sealed: String, context: String) throws(Problem) -> String {
        guard let id = Self.keyID(of: sealed) else { throw Problem("a value in the database is not sealed (\(context))") }
        guard let key = sealingKeys.first(where: { $0.id == id }) else {
            throw Problem("sealed under key \(id), which the platform key file does not hold (\(context))")
        }
        let text = sealed.dropFirst(Self.prefix.count + id.count + 1)
        guard let combined = Data(base64Encoded: String(text)), let box = try? ChaChaPoly.SealedBox(combined: combined),
              let plain = try? ChaChaPoly.open(box, using: key.key, authenticating: Data(context.utf8)) else {
            throw Problem("a sealed value does not open: altered, or moved from another row (\(context))")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The sealing key a value was sealed under; nil when it is not sealed.
    public static func keyID(of value: String) -> String? {
        guard value.hasPrefix(prefix) else { return nil }
        let rest = value.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":"), colon > rest.startIndex else { return nil }
        return String(rest[..<colon])
    }

    public var currentKeyID: String { sealingKeys.first?.id ?? "" }

    /// The applicant index: HMAC-SHA256 of the ID number (upper case) under the index key.
    /// Unlike a plain hash, it cannot be reversed by hashing every possible ID number without the key.
    public func applicantIndex(idNumber: String) -> String {
        Hex.string(Array(HMAC<SHA256>.authenticationCode(for: Data(idNumber.uppercased().utf8), using: indexKey)))
    }

    /// The applicant index of an application's payload (nil when it names no applicant).
    public func applicantIndex(payload: String) -> String? {
        (try? JSONDecoder().decode(SubmissionPayload.self, from: Data(payload.utf8))).map { applicantIndex(idNumber: $0.applicant.idNumber) }
    }

    /// The applicant index from an ID number already read from `payload`, else from the payload.
    public func applicantIndex(payload: String, idNumber: String?) -> String? {
        idNumber.map(applicantIndex(idNumber:)) ?? applicantIndex(payload: payload)
    }

    // MARK: The key file

    struct File: Codable {
        struct Key: Codable {
            var id: String
            var key: String
        }
        var format = "zizhu-platform-key/1"
        var index: String
        var sealing: [Key]
    }

    public static func load(_ path: String) throws(Problem) -> PlatformKeyring {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem("no platform key at \(path)") }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & 0o077 != 0 {
            throw Problem("\(path) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.format == "zizhu-platform-key/1",
              let index = Data(base64Encoded: file.index), index.count == 32, !file.sealing.isEmpty else {
            throw Problem("\(path) is not a platform key file (zizhu-central platform-key create makes one)")
        }
        var keys: [SealingKey] = []
        for key in file.sealing {
            guard let raw = Data(base64Encoded: key.key), raw.count == 32, !key.id.isEmpty, !key.id.contains(":") else {
                throw Problem("\(path): sealing key \(key.id) is not 32 bytes of base64")
            }
            keys.append(SealingKey(id: key.id, key: SymmetricKey(data: raw)))
        }
        return PlatformKeyring(indexKey: SymmetricKey(data: index), sealingKeys: keys)
    }

    /// Writes the key file (mode 0600) through a temporary file, fsync, rename and fsync of
    /// the folder (`DurableFile`): a crash leaves the old file or the new one. `replacing:
    /// false` never overwrites a key, not even one another process created a moment ago.
    public func write(to path: String, replacing: Bool) throws(Problem) {
        let file = File(index: indexKey.withUnsafeBytes { Data($0) }.base64EncodedString(),
                        sealing: sealingKeys.map { File.Key(id: $0.id, key: $0.key.withUnsafeBytes { Data($0) }.base64EncodedString()) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(file) else { throw Problem("cannot encode the key file") }
        let url = URL(fileURLWithPath: path)
        do {
            if replacing {
                try DurableFile.replace(url, with: data, permissions: 0o600)
            } else if try !DurableFile.create(url, with: data, permissions: 0o600) {
                throw Problem("\(path) exists: a platform key is never overwritten")
            }
        } catch let failure as DurableFileError {
            throw Problem("cannot write the platform key: \(failure)")
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem("cannot write the platform key to \(path): \(error)")
        }
    }
}
