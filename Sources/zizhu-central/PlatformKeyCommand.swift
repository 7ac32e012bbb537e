// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import ZizhuCentral

/// `zizhu-central platform-key create|rotate|reseal|retire`: the key that seals personal data
/// at rest. Rotation without downtime: `rotate` (a new sealing key in front, the old one
/// kept), restart the instances (they seal with the new key and still open the old), `reseal`
/// (every value under the new key), `retire OLD`, restart again.
struct PlatformKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-key", abstract: "The platform key that seals applications and kiosk secrets at rest.",
        subcommands: [Create.self, Rotate.self, Reseal.self, Retire.self])

    static func fail(_ error: any Error) -> ValidationError { ValidationError("\(error)") }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new platform key file (mode 0600); never overwrites one.")
        @Option(help: "Where to write it.") var out: String

        func run() async throws {
            let ring = PlatformKeyring.generate()
            do { try ring.write(to: out, replacing: false) } catch { throw fail(error) }
            print("platform key \(out): sealing key \(ring.currentKeyID). Back it up apart from the database.")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a new sealing key in front (it seals from now on); the old ones stay to open what they sealed.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption   // --platform-key; the database is not touched

        func run() async throws {
            do {
                let ring = try PlatformKeyring.load(database.platformKey).rotated()
                try ring.write(to: database.platformKey, replacing: true)
                print("new sealing key \(ring.currentKeyID); keys now \(ring.sealingKeys.map(\.id).joined(separator: ", ")). "
                      + "Restart the instances, then run `platform-key reseal`.")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seal every stored value under the current sealing key.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption

        func run() async throws {
            let census = try await database.openSealed(createKey: false).reseal()
            print("before: \(census.byKey.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
                  + "plain \(census.plain); resealed \(census.resealed)")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an old sealing key from the file; refused while the database still holds a value it sealed.")
        @Argument(help: "The key id (rotate and reseal print them).") var keyID: String
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption

        func run() async throws {
            let ring: PlatformKeyring
            do {
                ring = try PlatformKeyring.load(database.platformKey).retiring(keyID)
            } catch {
                throw fail(error)
            }
            // Reseal first (all or nothing, one transaction): afterwards no value is left under the key retired.
            let census = try await database.openSealed(createKey: false).reseal()
            do { try ring.write(to: database.platformKey, replacing: true) } catch { throw fail(error) }
            print("retired \(keyID) (\(census.resealed) values resealed first); keys now \(ring.sealingKeys.map(\.id).joined(separator: ", "))")
        }
    }
}
