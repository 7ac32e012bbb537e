// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import ServiceLifecycle
import ZizhuCentral
import ZizhuCore
import ZizhuWire

@main
struct ZizhuCentralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zizhu-central",
        abstract: "The central platform Zizhu kiosks sync to.",
        subcommands: [Serve.self, Token.self, Stats.self, Review.self, StaffCommand.self, AuditCommand.self, KioskCommand.self, CatalogueCommand.self,
                      ProofCommand.self, PlatformKeyCommand.self])

    struct DatabaseOption: ParsableArguments {
        @Option(help: "sqlite://PATH (default: sqlite://zizhu-central.sqlite in the current folder).")
        var database = "sqlite://zizhu-central.sqlite"
        @Option(help: "The platform key file (mode 0600, kept outside the database): it seals applications and kiosk secrets.")
        var platformKey = "zizhu-central-platform.key"

        /// The store, with the platform key when its file is there (commands that touch no
        /// personal data work without it).
        func open() async throws -> any CentralStorage {
            let keyring: PlatformKeyring?
            do {
                keyring = FileManager.default.fileExists(atPath: platformKey) ? try PlatformKeyring.load(platformKey) : nil
            } catch {
                throw ValidationError("\(error)")
            }
            return try await open(keyring: keyring)
        }

        func open(keyring: PlatformKeyring?) async throws -> any CentralStorage {
            do {
                return try await CentralDatabase.open(database, keyring: keyring)
            } catch {
                throw ValidationError("cannot open \(database): \(error)")
            }
        }

        /// The store with its platform key, which must exist — except for a database that
        /// holds nothing yet: then the key is made (mode 0600) and its path printed, to be backed up.
        func openSealed(createKey: Bool) async throws -> any CentralStorage {
            if !FileManager.default.fileExists(atPath: platformKey) {
                let stats = try await open(keyring: nil).stats()
                guard createKey, stats.kiosks == 0, stats.submissions == 0 else {
                    throw ValidationError("no platform key at \(platformKey): this database holds sealed data (\(stats.kiosks) kiosks, "
                                          + "\(stats.submissions) applications) that only its key opens; give --platform-key")
                }
                do {
                    try PlatformKeyring.generate().write(to: platformKey, replacing: false)
                    FileHandle.standardError.write(Data("zizhu-central: made the platform key \(platformKey) (mode 0600): back it up apart from the database; without it the sealed applications cannot be read\n".utf8))
                } catch where FileManager.default.fileExists(atPath: platformKey) {
                    // Another instance starting beside this one made it a moment ago: use that one.
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            let keyring: PlatformKeyring
            do {
                keyring = try PlatformKeyring.load(platformKey)
            } catch {
                throw ValidationError("\(error)")
            }
            return try await open(keyring: keyring)
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the kiosk API, and the staff side on a listener of its own.",
            discussion: """
                Kiosks reach --host:--port. Staff pages (/dashboard, behind a login) are served only on \
                --staff-host:--staff-port, loopback by default: open it to the office network, not to the halls. \
                Create the first account with `zizhu-central staff add NAME --roles operator`.
                """)
        @Option(help: "Address the kiosk API listens on.") var host = "127.0.0.1"
        @Option(help: "Port of the kiosk API (0: any free port; the one chosen is printed).") var port = 8080
        @Option(help: "Address the staff pages listen on (keep it inside the office network).") var staffHost = "127.0.0.1"
        @Option(help: "Port of the staff pages (0: any free port; printed).") var staffPort = 8081
        @Option(help: "Minutes without a request after which a staff session ends.") var idleMinutes = 15
        @Option(help: "Open connections allowed from one address, per listener (the rest are closed as they arrive).")
        var maxConnectionsPerAddress = 256
        @Option(help: "Seconds a connection may take to send a request's headers.") var headerTimeout = 10
        @Option(help: "Seconds a request may take to send its body once its headers are in.") var requestTimeout = 30
        @Option(help: "Seconds an idle keep-alive connection is kept open.") var idleTimeout = 60
        @Option(help: "A balancer in front of this instance (its address as this instance sees it): its X-Forwarded-For names the client for the audit trail and the sign-in lockout. Repeatable; from any other peer the header is ignored.")
        var trustedProxy: [String] = []
        @Option(help: "Seconds to keep serving after SIGTERM while /ready says draining (the balancer moves away), before the listeners close and in-flight requests finish.")
        var drainSeconds = 5
        @Flag(help: "Mark staff cookies Secure (the staff pages are reached over HTTPS through a TLS-terminating balancer).")
        var secureCookies = false
        @Option(help: "The server's certificate chain (PEM): both listeners then speak TLS only.") var tlsCert: String?
        @Option(help: "The certificate's private key (PEM).") var tlsKey: String?
        @Option(help: "The proof-signing key (Ed25519; made, mode 0600, if missing). Printed proofs carry its signature.")
        var proofKey = "zizhu-central-proof.key"
        @OptionGroup var database: DatabaseOption
        @Option(help: "Applicant records (e-licences, credit) to answer lookups from: the demo file's format.")
        var records: String?
        @Option(help: "e-ID codes (电子身份证 / 粤省事码) to verify scanned codes against: the demo file's format.")
        var identityCodes: String?
        @Option(help: "A catalogue folder to distribute to kiosks (GET /v1/catalogue).")
        var catalogue: String?
        @Option(help: ArgumentHelp("The catalogue folder the platform decides every application again with (default: --catalogue). "
                + "Without one, no application is approved on the kiosk's word: each goes to a reviewer."))
        var rules: String?
        @Option(help: "The operator's catalogue-signing public key (base64, from `catalogue public-key`), given to kiosks at enrolment.")
        var cataloguePublicKey: String?

        func run() async throws {
            if let cataloguePublicKey, CatalogueSignature.publicKey(cataloguePublicKey) == nil {
                throw ValidationError("--catalogue-public-key is 32 bytes of base64 (`zizhu-central catalogue public-key` prints it)")
            }
            let store = try await database.openSealed(createKey: true)
            var parsed: [String: ApplicantRecords] = [:]
            if let records {
                guard let data = FileManager.default.contents(atPath: records) else { throw ValidationError("cannot read \(records)") }
                do {
                    parsed = try DemoRecords.parse(String(decoding: data, as: UTF8.self), file: records)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            var codes: [String: IdentityCodeHolder] = [:]
            if let identityCodes {
                guard let data = FileManager.default.contents(atPath: identityCodes) else { throw ValidationError("cannot read \(identityCodes)") }
                do {
                    codes = try DemoIdentityCodes.parse(String(decoding: data, as: UTF8.self), file: identityCodes)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            let heldCodes = codes
            guard (1...24 * 60).contains(idleMinutes) else { throw ValidationError("--idle-minutes is 1 to 1440") }
            let answers = DemoRecordsFile.responses(parsed), proofs = DemoRecordsFile.proofs(parsed), held = parsed
            var logger = Logger(label: "zizhu.central")
            logger.logLevel = .warning
            let host = self.host, staffHost = self.staffHost
            let tls = try tlsConfiguration()
            let signing = try SigningKeyFile.load(proofKey, create: true, purpose: "proof-signing")
            let scheme = tls == nil ? "http" : "https"
            guard (1...100_000).contains(maxConnectionsPerAddress), (1...600).contains(headerTimeout), (1...600).contains(requestTimeout),
                  (1...3600).contains(idleTimeout), (0...300).contains(drainSeconds) else {
                throw ValidationError("--max-connections-per-address is 1-100000; --header-timeout and --request-timeout 1-600 s; "
                                      + "--idle-timeout 1-3600 s; --drain-seconds 0-300")
            }
            // Each listener its own guard: a flood on one leaves the other's share alone.
            func server() throws -> HTTPServerBuilder {
                let guardian = ConnectionGuard(perAddress: maxConnectionsPerAddress, headerTimeout: .seconds(Int64(headerTimeout)),
                                               requestTimeout: .seconds(Int64(requestTimeout)))
                let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [guardian.handler()],
                                                                         idleTimeout: .seconds(Int64(idleTimeout))))
                return try tls.map { try .tls(http1, tlsConfiguration: $0) } ?? http1
            }
            let readiness = Readiness()
            let kiosks = Application(
                router: CentralServer.router(store: store, records: { answers[$0] }, proofs: { proofs[$0] ?? [] },
                                             appointments: { DemoRecordsFile.appointments(held, query: $0) },
                                             identityCodes: { DemoIdentityCodes.check($0, in: heldCodes, today: $1) },
                                             catalogue: catalogue.map { URL(fileURLWithPath: $0) },
                                             catalogueKey: cataloguePublicKey, proofKey: signing,
                                             adjudicator: PlatformAdjudicator(catalogueFolder: (rules ?? catalogue).map { URL(fileURLWithPath: $0) },
                                                                              answers: { answers[$0] }),
                                             readiness: readiness, trustedProxies: Set(trustedProxy)),
                server: try server(),
                configuration: .init(address: .hostname(host, port: port), serverName: "zizhu-central"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    FileHandle.standardOutput.write(Data(("proof key \(SigningKeyFile.publicText(signing))\n"
                                                          + "listening on \(scheme)://\(host):\(port)\n").utf8))
                },
                logger: logger)
            let settings = StaffSettings(idleTimeout: Double(idleMinutes) * 60, secureCookies: secureCookies || tls != nil,
                                         trustedProxies: Set(trustedProxy))
            let staff = Application(
                router: CentralServer.staffRouter(store: store, settings: settings, readiness: readiness),
                server: try server(),
                configuration: .init(address: .hostname(staffHost, port: staffPort), serverName: "zizhu-central"),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? 0
                    FileHandle.standardOutput.write(Data("staff side on \(scheme)://\(staffHost):\(port)/dashboard\n".utf8))
                },
                logger: logger)
            // Shut down in reverse order: first the drain (not ready, still serving), then the
            // listeners (no new connections; requests in flight finish).
            let drain = Draining(readiness: readiness, seconds: drainSeconds)
            let pruning = Pruning(store: store, sessionsIdleFor: Double(idleMinutes) * 60)
            let group = ServiceGroup(configuration: .init(services: [kiosks, staff, pruning, drain], gracefulShutdownSignals: [.sigterm, .sigint],
                                                          logger: logger))
            try await group.run()
        }

        /// TLS 1.2 or newer with the given certificate chain and key; nil without them.
        func tlsConfiguration() throws -> TLSConfiguration? {
            guard let tlsCert, let tlsKey else {
                if tlsCert != nil || tlsKey != nil { throw ValidationError("--tls-cert and --tls-key go together") }
                return nil
            }
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsCert).map { NIOSSLCertificateSource.certificate($0) }
                var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                                            privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem)))
                configuration.minimumTLSVersion = .tlsv12
                return configuration
            } catch {
                throw ValidationError("cannot use --tls-cert \(tlsCert) / --tls-key \(tlsKey): \(error)")
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrolment tokens.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a new one-time enrolment token (the last word).")
            @OptionGroup var database: DatabaseOption

            func run() async throws {
                let store = try await database.open()
                let token = try await store.createToken()
                try await Console.audit(store, role: .operator, "token.create", target: String(token.prefix(8)) + "…")
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
                print("kiosks \(stats.kiosks)\nsubmissions \(stats.submissions)\nrepeats \(stats.repeats)\nconflicts \(stats.conflicts)\n"
                      + "ratings \(stats.ratings)\nin review \(stats.inReview)")
            }
        }
    }
}

/// The demo records file (`Devices/simulator/demo-records.yaml`) as the platform answers it.
enum DemoRecordsFile {
    /// The demo's appointments are for today (the hall's day, China time).
    static func appointments(_ parsed: [String: ApplicantRecords], query: AppointmentQuery, now: Date = Date()) -> [AppointmentList.Item] {
        let day = QueueDay.today(now)
        let held: [HeldAppointment]
        if let number = query.idNumber {
            held = parsed[number]?.appointments ?? []
        } else {
            held = parsed.values.flatMap(\.appointments).filter { $0.code == query.code }
        }
        return held.map { AppointmentList.Item(code: $0.code, category: $0.category, day: day, time: $0.time) }
    }

    static func responses(_ parsed: [String: ApplicantRecords]) -> [String: RecordsResponse] {
        parsed.mapValues { records in
            RecordsResponse(elicences: (records.elicences ?? []).map {
                RecordsResponse.Licence(type: $0.type, grade: $0.grade.letter, attributes: $0.attributes)
            }, credit: records.credit)
        }
    }

    static func proofs(_ parsed: [String: ApplicantRecords]) -> [String: [ProofDocument]] {
        parsed.mapValues { records in
            records.proofs.map { ProofDocument(id: $0.id, title: $0.title, issuer: $0.issuer, lines: $0.lines, verificationCode: "", issuedAt: "") }
        }
    }
}

/// `zizhu-central review list|approve|refuse`: the manual-review queue from a shell.
struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cases waiting for a person (转人工审核).",
                                                    subcommands: [List.self, Approve.self, Refuse.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cases in manual review, oldest first.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            let items = try await database.open().reviewQueue(limit: limit)
            if items.isEmpty { print("no case is waiting for a reviewer") }
            for item in items { print("\(item.acceptanceNumber)\t\(item.serviceID)\t\(item.kioskID)\t\(item.receivedAt)") }
        }
    }

    static func decide(_ database: ZizhuCentralCommand.DatabaseOption, number: String, approve: Bool, reason: String) async throws {
        let store = try await database.open()
        switch try await store.decide(acceptanceNumber: number, approve: approve, reason: reason) {
        case .decided:
            try await Console.audit(store, role: .reviewer, approve ? "case.approve" : "case.refuse", target: number, detail: reason)
            print("\(number) \(approve ? "approved" : "refused")")
        case .unknown: throw ValidationError("no submission has the acceptance number \(number)")
        case .notInReview(let progress): throw ValidationError("\(number) is not in review: it is \(progress)")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a case.")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "The 受理编号.") var number: String
        @Option(help: "A note for the citizen.") var reason = ""

        func run() async throws { try await Review.decide(database, number: number, approve: true, reason: reason) }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a case (the reason is shown to the citizen).")
        @OptionGroup var database: ZizhuCentralCommand.DatabaseOption
        @Argument(help: "The 受理编号.") var number: String
        @Option(help: "Why (required).") var reason: String

        func run() async throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("a refusal needs --reason") }
            try await Review.decide(database, number: number, approve: false, reason: reason)
        }
    }
}

/// The first thing an instance does on SIGTERM: say it is not ready (`GET /ready` answers 503
/// `draining`) and keep serving for `seconds`, so the balancer's health check moves new
/// requests to the other instances before this one closes its listeners.
struct Draining: ServiceLifecycle.Service {
    let readiness: Readiness
    let seconds: Int

    func run() async throws {
        try? await gracefulShutdown()
        readiness.drain()
        FileHandle.standardOutput.write(Data("draining: not ready, serving \(seconds) s more, then finishing requests in flight\n".utf8))
        try? await Task.sleep(for: .seconds(seconds))
    }
}

/// Every minute, what no request can need any more goes (`CentralStorage.prune`): old
/// nonces, idle staff sessions. Each instance runs it; running it twice at once is harmless.
struct Pruning: ServiceLifecycle.Service {
    let store: any CentralStorage
    let sessionsIdleFor: TimeInterval

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await store.prune(now: Date(), sessionsIdleFor: sessionsIdleFor)
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }
}
