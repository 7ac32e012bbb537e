// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import ZizhuCore
import ZizhuKiosk
import ZizhuOutbox
import Logging
import ZizhuResources
import ZizhuWire

/// `zizhu catalogue …`: for the operators who edit `Kiosk/catalogue/` and write its rules.
struct CatalogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Check the service catalogue, and try a service's rules on facts.",
        subcommands: [Check.self, Try.self, Update.self])

    static func folder(_ path: String?) throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        let paths = KioskPaths.resolve()
        return try KioskResources.load(paths: paths, configPath: nil).catalogueFolder
    }

    /// The catalogue the kiosk runs on: the one installed from the platform, else the
    /// shipped one the config names.
    static func running(_ path: String?) throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        return try CatalogueKeeper(shipped: folder(nil), home: KioskPaths.resolve().home).folder
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every file: each problem as file:line:column and what is wrong.",
            discussion: "Exits 0 when the catalogue is good, 1 when it has problems (they all go to standard error).")

        @Argument(help: "The catalogue folder (default: the one the kiosk runs on: $ZIZHU_HOME/catalogue once the platform has sent one, else the one the kiosk config names).") var path: String?

        func run() throws {
            let folder = try CatalogueCommand.running(path)
            do {
                let catalogue = try KioskResources.loadCatalogue(folder: folder)
                let rules = catalogue.services.reduce(0) { $0 + $1.rules.count }
                print("\(folder.path): \(catalogue.services.count - catalogue.bundles.count) services, "
                      + "\(catalogue.bundles.count) bundles, \(rules) rules, \(catalogue.elicences.count) e-licence types: OK")
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                let count = error.description.split(separator: "\n").count
                FileHandle.standardError.write(Data("\(count) problem\(count == 1 ? "" : "s")\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Try: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide one service (or bundle) for the facts in a YAML file; print every rule's result.",
            discussion: """
                The facts file:
                  today: 2026-11-22                 # default: today
                  applicant: {id_number: 440106198806150019}   # or age, gender, region, card_kind
                  credit: good                      # good, normal, dishonest; leave out = not known
                  fields: {degree: bachelor, first_insured: 2025-03-01}
                  materials: {degree: B, contract: committed}   # a grade, committed, or present
                """)

        @Argument(help: "The service or bundle id.") var service: String
        @Option(help: "The facts (YAML).") var facts: String
        @Option(help: "The catalogue folder (default: the one the kiosk runs on).") var catalogue: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let loaded = try KioskResources.loadCatalogue(folder: try CatalogueCommand.running(catalogue))
            guard let target = loaded.service(id: service) else {
                throw ValidationError("no service or bundle '\(service)' in the catalogue")
            }
            guard let data = FileManager.default.contents(atPath: facts), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(facts)")
            }
            let file: FactsFile
            do {
                file = try FactsFile.parse(text, file: facts, for: target, in: loaded)
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(2)
            }
            let parts = target.isBundle ? target.parts.compactMap(loaded.service(id:)) : [target]
            let decisions = parts.map { Decider.decide($0, facts: file.facts, today: file.today) }
            if json {
                let object = decisions.map(DecisionReport.json)
                let data = try JSONSerialization.data(withJSONObject: target.isBundle ? ["bundle": target.id, "parts": object] as [String: Any] : object[0],
                                                      options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for decision in decisions { print(DecisionReport.text(decision, in: loaded)) }
            }
        }
    }
}

/// A decision written out for the people who write rules.
enum DecisionReport {
    static func status(_ status: Check.Status) -> (mark: String, word: String) {
        switch status {
        case .passed: return ("✓", "passed")
        case .failed(let severity): return ("✗", "failed → \(severity.keyword)")
        case .notVerified: return ("?", "not verified → manual")
        case .notApplicable: return ("-", "not applicable")
        case .scanned: return ("✓", "scanned at the kiosk, staff check it")
        case .committed(let deadline): return ("⧗", "committed, due \(deadline)")
        }
    }

    static func text(_ decision: Decision, in catalogue: Catalogue) -> String {
        let name = catalogue.service(id: decision.serviceID)?.name.zh ?? decision.serviceID
        var lines = ["\(decision.serviceID) \(name): \(decision.outcome.name.zh) (\(decision.outcome.rawValue)) on \(decision.date)",
                     "  decided by: \(decision.decidedBy.joined(separator: ", "))"]
        for check in decision.checks {
            let (mark, word) = status(check.status)
            lines.append("  \(mark) \(check.id): \(check.requirement.zh) — \(word)")
            for shortfall in check.shortfalls where word != "passed" { lines.append("      \(shortfall)") }
        }
        for owed in decision.owed { lines.append("  owed: \(owed.material.zh) by \(owed.deadline)") }
        return lines.joined(separator: "\n")
    }

    static func json(_ decision: Decision) -> [String: Any] {
        [
            "service": decision.serviceID, "outcome": decision.outcome.rawValue, "date": decision.date.description,
            "decided_by": decision.decidedBy,
            "checks": decision.checks.map { check -> [String: Any] in
                var item: [String: Any] = ["id": check.id, "requirement": check.requirement.zh, "status": status(check.status).word]
                if !check.shortfalls.isEmpty { item["shortfalls"] = check.shortfalls }
                return item
            },
            "owed": decision.owed.map { ["material": $0.material.zh, "deadline": $0.deadline.description] },
        ]
    }
}

extension CatalogueCommand {
    /// `zizhu catalogue update`: fetch the platform's catalogue (ETag) and install it if it
    /// passes the checker; a bad one is refused and the old one stays.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the catalogue the central platform distributes (checked first; swapped atomically).",
            discussion: "Exit 0: installed or already current; 1: refused (problems on standard error); 4: platform unreachable.")
        @Option(help: "The catalogue folder to install into (default: $ZIZHU_HOME/catalogue, which the kiosk then runs on instead of the shipped one).") var path: String?

        func run() async throws {
            let paths = KioskPaths.resolve()
            guard let enrolment = Enrolment.load(home: paths.home) else {
                throw ValidationError("this kiosk is not enrolled: run `zizhu enroll --central URL --token TOKEN`")
            }
            let keeper = try path.map { CatalogueKeeper(installingInto: URL(fileURLWithPath: $0), home: paths.home) }
                ?? CatalogueKeeper(shipped: CatalogueCommand.folder(nil), home: paths.home)
            let folder = keeper.installed
            let outbox = try Outbox(home: paths.home, kioskID: enrolment.kioskID)
            let worker = PlatformClient(outbox: outbox, enrolment: enrolment, home: paths.home,
                                    logger: Logger(label: "zizhu.catalogue"), requestTimeoutSeconds: 20)
            switch await worker.fetchCatalogue(known: keeper.installedVersion) {
            case .notModified:
                print("catalogue \(keeper.installedLabel ?? "") is current")
            case .unavailable(let reason):
                FileHandle.standardError.write(Data("zizhu: the platform's catalogue is unavailable: \(reason)\n".utf8))
                throw ExitCode(4)
            case .bundle(let bundle):
                switch keeper.install(bundle, trusting: enrolment.catalogueKey) {
                case .current:
                    print("catalogue \(keeper.installedLabel ?? "") is current")
                case .refused(let problem):
                    CatalogueCheckRecord(at: UTCTime.iso(Date()), result: "refused: \(problem.split(separator: "\n").first ?? "")").save(home: paths.home)
                    FileHandle.standardError.write(Data((problem + "\n").utf8))
                    throw ExitCode(1)
                case .installed(let trustedKey):
                    try Enrolment.trustCatalogueKey(trustedKey, home: paths.home)
                    CatalogueCheckRecord(at: UTCTime.iso(Date()), result: "installed \(keeper.installedLabel ?? "")").save(home: paths.home)
                    print("catalogue \(keeper.installedLabel ?? "") installed in \(folder.path) (\(bundle.files.count) files)")
                }
            }
        }
    }
}
