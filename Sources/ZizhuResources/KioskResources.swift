// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuUI
import ZizhuWire

/// A failure to start the kiosk because an operator-edited file is wrong or missing.
/// The message names `file:line:column` for every problem.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// EX_CONFIG from sysexits.h: a supervisor should not restart in a loop on it.
    public static let exitStatus: Int32 = 78
}

/// What the kiosk loads from disk before it can show a screen: the config and the string
/// tables. The service catalogue is loaded right after the first frame (`catalogue()`):
/// the attract screen does not need it, and a bad catalogue must not keep the kiosk dark.
public struct KioskResources: Sendable {
    public var config: KioskConfig
    public var configFile: URL
    public var strings: [Language: StringTable]
    public var catalogueFolder: URL

    /// Loads the config and string tables; collects every problem it finds.
    public static func load(paths: KioskPaths, configPath: String?) throws(StartupError) -> KioskResources {
        let configURL = paths.configFile(explicit: configPath)
        var config: KioskConfig
        do {
            config = try KioskConfig.parse(try readText(configURL), file: configURL.path)
        } catch let problems as FileProblems {
            throw StartupError(problems.description)
        } catch {
            throw StartupError("\(configURL.path): \(error)")
        }
        // The site this kiosk was set up for (`zizhu setup`), over the operator's file.
        let siteURL = paths.home.appendingPathComponent(KioskSite.fileName)
        if FileManager.default.fileExists(atPath: siteURL.path) {
            do {
                config = try KioskSite.parse(try readText(siteURL), file: siteURL.path).applied(to: config)
            } catch let problems as FileProblems {
                throw StartupError(problems.description)
            } catch {
                throw StartupError("\(siteURL.path): \(error)")
            }
        }
        let strings = try loadStrings(assets: paths.assets)
        let catalogueURL = resolve(config.cataloguePath, relativeTo: configURL.deletingLastPathComponent())
        return KioskResources(config: config, configFile: configURL, strings: strings, catalogueFolder: catalogueURL)
    }

    /// Loads and checks the service catalogue the config names.
    public func catalogue() throws(StartupError) -> Catalogue {
        try Self.loadCatalogue(folder: catalogueFolder)
    }


    public static func loadStrings(assets: URL) throws(StartupError) -> [Language: StringTable] {
        var tables: [Language: StringTable] = [:]
        var messages: [String] = []
        for language in Language.allCases {
            let url = assets.appendingPathComponent("strings/\(language.rawValue).yaml")
            do {
                tables[language] = try StringTable.parse(try readText(url), language: language, file: url.path,
                                                         requiredKeys: ViewContext.requiredKeys)
            } catch let problems as FileProblems {
                messages.append(problems.description)
            } catch {
                messages.append("\(url.path): \(error)")
            }
        }
        if !messages.isEmpty { throw StartupError(messages.joined(separator: "\n")) }
        return tables
    }

    /// The 行政区划代码 table generated at set-up (`make deps` runs Assets/generators/divisions.py).
    public static func loadDivisions(assets: URL) throws(StartupError) -> AdministrativeDivisions {
        let url = assets.appendingPathComponent(divisionsFileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw StartupError("\(url.path) is missing: `make deps` generates it from the region code packages")
        }
        do {
            return try AdministrativeDivisions.parse(try readText(url), file: url.path)
        } catch let problems as FileProblems {
            throw StartupError(problems.description)
        } catch {
            throw StartupError("\(url.path): \(error)")
        }
    }

    public static let divisionsFileName = "divisions.tsv"

    public static func loadCatalogue(folder: URL) throws(StartupError) -> Catalogue {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw StartupError("\(folder.path): the service catalogue folder cannot be read (\(error.localizedDescription))")
        }
        var files: [(name: String, text: String)] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            do {
                files.append((name: name, text: try readText(url)))
            } catch {
                throw StartupError("\(url.path): \(error)")
            }
        }
        do {
            var catalogue = try Catalogue.load(files: files)
            catalogue.version = CatalogueBundle(files: files.map { CatalogueBundle.File(name: $0.name, text: $0.text) }).version
            return catalogue
        } catch {
            // Name files by their full path so an operator can open them.
            let described = error.problems.map { problem -> String in
                var located = problem
                located.location.file = folder.appendingPathComponent(problem.location.file).path
                return located.description
            }
            throw StartupError(described.joined(separator: "\n"))
        }
    }

    public static func resolve(_ path: String, relativeTo base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }

    /// Reads a UTF-8 text file, with a clear error for a missing or non-UTF-8 file.
    public static func readText(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StartupError("\(url.path): file not found or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StartupError("\(url.path): not UTF-8 text")
        }
        return text
    }
}
