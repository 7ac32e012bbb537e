// SPDX-License-Identifier: Apache-2.0
import DurableFiles
import Foundation
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuWire

/// Loads the service catalogue and keeps a copy of the last one that passed every check,
/// so that a bad edit never takes the kiosk's services away: the kiosk refuses the bad
/// catalogue, runs on the last good one and shows the problem to technicians.
///
/// Two folders: the **shipped** catalogue the config names (in the package or the
/// checkout: read only, the first seed) and the **installed** one under `$ZIZHU_HOME`
/// (`catalogue/`), where updates from the platform go. The kiosk runs on the installed one
/// once the platform has sent one, and on the shipped one until then; nothing the kiosk
/// writes lands beside the shipped files.
public struct CatalogueKeeper: Sendable {
    /// The catalogue the config names: read, never written.
    public var shipped: URL
    /// Where updates from the platform are installed (`$ZIZHU_HOME/catalogue`).
    public var installed: URL
    /// `$ZIZHU_HOME/catalogue.last-good/`: the files of the last catalogue that loaded.
    public var lastGood: URL

    /// The kiosk's keeper: updates go to `$ZIZHU_HOME/catalogue`, `shipped` seeds it.
    public init(shipped: URL, home: URL) {
        self.shipped = shipped
        self.installed = home.appendingPathComponent("catalogue")
        self.lastGood = home.appendingPathComponent("catalogue.last-good")
    }

    /// A keeper that installs into `folder` and runs on it (`zizhu catalogue update --path`).
    public init(installingInto folder: URL, home: URL) {
        self.shipped = folder
        self.installed = folder
        self.lastGood = home.appendingPathComponent("catalogue.last-good")
    }

    /// The folder the kiosk runs on: the installed catalogue once the platform has sent
    /// one (it carries `.version`), else the shipped one.
    public var folder: URL {
        FileManager.default.fileExists(atPath: installed.appendingPathComponent(".version").path) ? installed : shipped
    }

    /// What loading gave: the catalogue to run on (if any) and the problem to show (if any).
    public struct Outcome: Sendable {
        public var catalogue: Catalogue?
        public var problem: String?
        public var usingLastGood: Bool

        public init(catalogue: Catalogue?, problem: String?, usingLastGood: Bool) {
            self.catalogue = catalogue
            self.problem = problem
            self.usingLastGood = usingLastGood
        }
    }

    public func load() -> Outcome {
        do {
            let catalogue = try KioskResources.loadCatalogue(folder: folder)
            // Best effort: a kiosk whose disk is full still runs on the catalogue it has.
            let saved = saveLastGood()
            return Outcome(catalogue: catalogue, problem: saved, usingLastGood: false)
        } catch {
            guard let previous = try? KioskResources.loadCatalogue(folder: lastGood) else {
                return Outcome(catalogue: nil, problem: error.description, usingLastGood: false)
            }
            return Outcome(catalogue: previous,
                           problem: error.description + "\n(running on the last good catalogue, \(lastGood.path))",
                           usingLastGood: true)
        }
    }

    /// Copies the catalogue's files to `lastGood` through a temporary folder and a rename,
    /// so a crash halfway leaves the old copy whole. Returns a problem, or nil.
    func saveLastGood() -> String? {
        let manager = FileManager.default
        let temporary = lastGood.deletingLastPathComponent()
            .appendingPathComponent(".catalogue.\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try? manager.removeItem(at: temporary)
            try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
            for name in try manager.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
                try manager.copyItem(at: folder.appendingPathComponent(name), to: temporary.appendingPathComponent(name))
            }
            // On disk before it takes the old one's place, in one step: a power cut leaves
            // the old copy or the new, never neither.
            try DurableFile.syncFolder(temporary)
            try DurableFile.swap(temporary, into: lastGood)
            try? manager.removeItem(at: temporary)
            return nil
        } catch {
            try? manager.removeItem(at: temporary)
            return "the last good catalogue could not be saved to \(lastGood.path): \(error.localizedDescription)"
        }
    }
}

extension CatalogueKeeper {
    /// The version (ETag) of the catalogue in `folder`, when it came from the platform.
    public var installedVersion: String? {
        (try? String(contentsOf: installed.appendingPathComponent(".version"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The operator's signature of the installed catalogue, when it came from the platform.
    public var installedSignature: CatalogueSignature? {
        FileManager.default.contents(atPath: installed.appendingPathComponent(".signature.json").path)
            .flatMap { try? JSONDecoder().decode(CatalogueSignature.self, from: $0) }
    }

    /// What the technician screen shows: `v7 · 省政务办 张三 · 3f2a91c07b1e`, or `shipped`.
    public var installedLabel: String? {
        guard let installedVersion else { return nil }
        guard let statement = installedSignature?.statement else { return String(installedVersion.prefix(12)) + " (unsigned)" }
        return "v\(statement.number) · \(statement.signer) · \(statement.digest.prefix(12))"
    }

    public enum Installation: Sendable, Hashable {
        /// Installed; `trustedKey` is the catalogue key to trust from now on.
        case installed(trustedKey: String)
        case current
        case refused(String)
    }

    /// Installs a catalogue from the platform, only when the operator's signature is good by
    /// a key this kiosk trusts (`CatalogueTrust`) and the files pass the same checker as
    /// `zizhu catalogue check`; written to a temporary folder, then swapped in with renames
    /// so the kiosk never sees half a catalogue. A refused one (unsigned, re-signed, older,
    /// or broken, with file:line:column) leaves the old one in place.
    public func install(_ bundle: CatalogueBundle, trusting key: String?) -> Installation {
        let trustedKey: String
        switch CatalogueTrust.check(bundle, trusted: key, installed: installedSignature?.statement) {
        case .current: return .current
        case .refused(let why): return .refused("catalogue \(bundle.version.prefix(12)) refused: \(why)")
        case .install(let next): trustedKey = next
        }
        do {
            _ = try Catalogue.load(files: bundle.files.map { (name: $0.name, text: $0.text) })
        } catch {
            return .refused("catalogue \(bundle.version.prefix(12)) refused:\n" + error.description)
        }
        let manager = FileManager.default
        let parent = installed.deletingLastPathComponent()
        let incoming = parent.appendingPathComponent(".\(installed.lastPathComponent).incoming")
        do {
            try? manager.removeItem(at: incoming)
            try manager.createDirectory(at: incoming, withIntermediateDirectories: true)
            for file in bundle.files {
                guard !file.name.contains("/"), !file.name.hasPrefix(".") else { return .refused("refused: bad file name '\(file.name)'") }
                try file.text.write(to: incoming.appendingPathComponent(file.name), atomically: true, encoding: .utf8)
            }
            if let signature = bundle.signature {
                try CanonicalJSON.encode(signature).write(to: incoming.appendingPathComponent(".signature.json"), options: .atomic)
            }
            try bundle.etag.write(to: incoming.appendingPathComponent(".version"), atomically: true, encoding: .utf8)
            // Every file and the folder on disk first, then the two folders exchanged in one
            // step (renameat2): a power cut leaves the old catalogue or the new, never a mix
            // or no folder at all (before, the old one was moved away and the new one moved
            // in by two renames, with nothing in place between them, and nothing fsync'd).
            try DurableFile.syncFolder(incoming)
            try DurableFile.swap(incoming, into: installed)
            try? manager.removeItem(at: incoming)
            return .installed(trustedKey: trustedKey)
        } catch {
            try? manager.removeItem(at: incoming)
            return .refused("catalogue \(bundle.version.prefix(12)) not installed: \(error)")
        }
    }
}
