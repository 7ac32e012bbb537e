import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ZizhuCentral
import ZizhuCore
import ZizhuWire

@main
struct ZizhuCentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zizhu-central",
        abstract: "The central platform Zizhu kiosks sync to.",
        subcommands: [Serve.self, Token.self, Stats.self])

    struct DatabaseOption: ParsableArguments {
        @Option(help: "sqlite://PATH (default: sqlite://zizhu-central.sqlite in the current folder).")
        var database = "sqlite://zizhu-central.sqlite"

        func open() async throws -> any CentralStorage {
            do {
                return try await CentralDatabase.open(database)
            } catch {
                throw ValidationError("cannot open \(database): \(error)")
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the kiosk API and the dashboard.")
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (0: any free port; the one chosen is printed).") var port = 8080
        @OptionGroup var database: DatabaseOption
        @Option(help: "Applicant records (e-licences, credit) to answer lookups from: the demo file's format.")
        var records: String?
        @Option(help: "A catalogue folder to distribute to kiosks (GET /v1/catalogue).")
        var catalogue: String?

        func run() async throws {
            let store = try await database.open()
            var lookup: [String: RecordsResponse] = [:]
            if let records {
                guard let data = FileManager.default.contents(atPath: records) else { throw ValidationError("cannot read \(records)") }
                do {
                    lookup = try DemoRecordsFile.parse(String(decoding: data, as: UTF8.self), file: records)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            let answers = lookup
            var logger = Logger(label: "zizhu.central")
            logger.logLevel = .warning
            let host = self.host
            let app = Application(
                router: CentralServer.router(store: store, records: { answers[$0] },
                                             catalogue: catalogue.map { URL(fileURLWithPath: $0) }),
                configuration: .init(address: .hostname(host, port: port), serverName: "zizhu-central"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
                },
                logger: logger)
            try await app.runService()
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrolment tokens.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a new one-time enrolment token (the last word).")
            @OptionGroup var database: DatabaseOption

            func run() async throws {
                let token = try await database.open().createToken()
                print("enrolment token (one kiosk, once): \(token)")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts of kiosks, submissions and repeated deliveries.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let stats = try await database.open().stats()
            if json {
                print(String(decoding: try CanonicalJSON.encode(stats), as: UTF8.self))
            } else {
                print("kiosks \(stats.kiosks)\nsubmissions \(stats.submissions)\nrepeats \(stats.repeats)\nconflicts \(stats.conflicts)")
            }
        }
    }
}

/// The demo records file (`Devices/simulator/demo-records.yaml`) as the platform answers it.
enum DemoRecordsFile {
    static func parse(_ text: String, file: String) throws -> [String: RecordsResponse] {
        try DemoRecords.parse(text, file: file).mapValues { records in
            RecordsResponse(elicences: (records.elicences ?? []).map {
                RecordsResponse.Licence(type: $0.type, grade: $0.grade.letter, attributes: $0.attributes)
            }, credit: records.credit)
        }
    }
}
