// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import SocialSecurityCard
import ZizhuCore
import ZizhuResources

/// `zizhu sscard …`: the 社保卡 reader (PC/SC) for technicians and tests.
struct SocialSecurityCardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sscard",
        abstract: "The social security card (社保卡) reader through pcscd: list readers, read a card, run the emulation.",
        discussion: "PCSCLITE_CSOCK_NAME in the environment points at another pcscd (the emulation prints it).",
        subcommands: [List.self, Read.self, Simulate.self])

    /// The profile file: a name under Devices/sscard/ or a path.
    static func profile(_ name: String) throws -> SocialSecurityCardProfile {
        let paths = KioskPaths.resolve()
        let url = name.contains("/") ? URL(fileURLWithPath: name)
            : paths.shareRoot.appendingPathComponent("Devices/sscard/\(name).yaml")
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(url.path)") }
        do {
            return try SocialSecurityCardProfile.parse(String(decoding: data, as: UTF8.self), file: url.path)
        } catch {
            FileHandle.standardError.write(Data("zizhu sscard: \(error)\n".utf8))
            throw ExitCode(StartupError.exitStatus)
        }
    }

    /// A fault on standard error, for the technician and the citizen, and the exit code.
    static func fail(_ fault: SmartCardFault) -> ExitCode {
        FileHandle.standardError.write(Data("zizhu sscard: \(fault)\n  citizen sees: \(fault.zh) / \(fault.en)\n".utf8))
        return ExitCode.failure
    }

    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}

extension SocialSecurityCardCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The readers pcscd has, and whether a card is in each.")

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let readers: [(reader: String, cardPresent: Bool, atr: [UInt8])]
            do {
                readers = try PCSCReaders.status()
            } catch {
                throw SocialSecurityCardCommand.fail(error)
            }
            if json {
                try SocialSecurityCardCommand.printJSON(["readers": readers.map {
                    ["name": $0.reader, "card_present": $0.cardPresent, "atr": HexBytes.string($0.atr)] as [String: Any]
                }])
            } else {
                for reader in readers {
                    print("\(reader.reader): " + (reader.cardPresent ? "card present, ATR \(HexBytes.string(reader.atr))" : "no card"))
                }
            }
        }
    }

    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for a card, read its basics with a profile, print them with the number masked.",
            discussion: "Exits 0 on a read, 1 on a fault (what failed, and what the citizen would be told, on standard error).")

        @Option(help: "A profile under Devices/sscard/ (by name) or a file path.")
        var profile = "gen3"

        @Option(help: "Read from this reader only (default: the first with a card).")
        var reader: String?

        @Option(help: "Seconds to wait for a card.")
        var wait: Double = 10

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Print every APDU and its status word (never the data read).")
        var trace = false

        func run() throws {
            let profile = try SocialSecurityCardCommand.profile(self.profile)
            let trace = self.trace
            let read: PCSCReaders.Read
            do {
                read = try PCSCReaders.read(profile, reader: reader, wait: wait) { command, answer in
                    if trace {
                        print("> \(HexBytes.string(Array(command.bytes.prefix(4))))  < \(answer.data.count) bytes, \(StatusWord.describe(answer.sw1, answer.sw2))")
                    }
                }
            } catch {
                throw SocialSecurityCardCommand.fail(error)
            }
            let holder = read.holder
            let fields: [String: Any] = [
                "reader": read.reader, "atr": HexBytes.string(read.atr), "profile": profile.name,
                "id_number": holder.idNumber.masked, "name": holder.name, "gender": holder.gender.rawValue,
                "nation": holder.nationCode ?? "", "birth_date": holder.birthDate?.description ?? "",
                "card_number": holder.cardNumber.map(SocialSecurityCardholder.maskCardNumber) ?? "",
                "card_type": holder.cardType ?? "", "issuer_code": holder.issuerCode ?? "",
                "issue_date": holder.issueDate?.description ?? "", "expiry_date": holder.expiryDate?.description ?? "",
                "number_valid": holder.idNumber.isValid, "not_emulated": profile.notEmulated,
            ]
            if json {
                try SocialSecurityCardCommand.printJSON(fields)
            } else {
                print("\(read.reader): \(profile.name)")
                for key in ["name", "id_number", "gender", "birth_date", "nation", "card_number", "issuer_code", "issue_date", "expiry_date"] {
                    print("  \(key): \(fields[key] ?? "")")
                }
            }
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim",
            abstract: "A private pcscd with a virtual reader (vsmartcard) and fake 社保卡 inserted in turn.",
            discussion: """
                Prints PCSCLITE_CSOCK_NAME=… for clients, then inserts each card of --cards for --every \
                seconds, takes it out for 2 s, and so on until SIGTERM or SIGINT. With --control, cards \
                go in and out only when a line on that FIFO says so: insert N, insert N pull-after K \
                (taken out after K APDUs), remove.
                """)

        @Option(help: "YAML file of fake cards (see Devices/simulator/demo-sscards.yaml).")
        var cards: String?

        @Option(help: "Seconds each card stays in the reader.")
        var every: Double = 20

        @Option(help: "The emulation's folder (pcscd's socket and logs).")
        var folder: String?

        @Option(help: "Exit when this process (the kiosk that started the emulation) is gone.")
        var parent: Int32?

        @Option(help: "A FIFO to read control lines from (created if missing); no cards go in by themselves then.")
        var control: String?

        func run() throws {
            let paths = KioskPaths.resolve()
            let devices = paths.shareRoot.appendingPathComponent("Devices")
            let file = cards.map { URL(fileURLWithPath: $0) } ?? devices.appendingPathComponent("simulator/demo-sscards.yaml")
            let list = try SmartCardEmulation.cards(from: file)
            guard !list.isEmpty else { throw ValidationError("\(file.path) holds no cards") }
            // A hang-up (the kiosk's terminal closing) ends the emulation as SIGTERM does, and
            // both are watched before pcscd starts: the cleanup below always runs, so pcscd (in a
            // process group of its own) does not outlive it. A SIGKILL skips the cleanup; then
            // pcscd gets SIGTERM as this thread ends.
            signal(SIGHUP, SIG_IGN)
            let sources = SimulatorStop.watchSignals()
            defer { sources.forEach { $0.cancel() } }
            let place = URL(fileURLWithPath: folder ?? NSTemporaryDirectory() + "zizhu-sscard-\(getpid())")
            let emulation = try SmartCardEmulation(folder: place, devices: devices, endsWithThisThread: true)
            defer { emulation.stop() }
            print("PCSCLITE_CSOCK_NAME=\(emulation.socketPath)")
            print("reader: \(emulation.readerName); \(list.count) cards")
            fflush(nil)
            if let control {
                try serve(control: control, cards: list, emulation: emulation)
                return
            }
            var index = 0
            func pause(_ seconds: Double) -> Bool {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    if SimulatorStop.requested(parent: parent) { return false }
                    usleep(100_000)
                }
                return true
            }
            while !SimulatorStop.requested(parent: parent) {
                try emulation.insert(list[index % list.count])
                print("inserted card \(index % list.count + 1)")
                fflush(nil)
                guard pause(every) else { break }
                emulation.remove()
                guard pause(2) else { break }
                index += 1
            }
        }

        /// Cards in and out on command, one line at a time, until asked to stop.
        func serve(control: String, cards: [SmartCardEmulation.CardData], emulation: SmartCardEmulation) throws {
            if access(control, F_OK) != 0 && mkfifo(control, 0o600) != 0 {
                throw ValidationError("cannot create control FIFO \(control): \(String(cString: strerror(errno)))")
            }
            // Read-write so the FIFO never reports end-of-file when a writer goes away.
            let fd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { throw ValidationError("cannot open \(control): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            print("control: \(control)")
            fflush(nil)
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 512)
            while !SimulatorStop.requested(parent: parent) {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 200) > 0 else { continue }
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { continue }
                pending += buffer[0..<n]
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    pending.removeSubrange(...end)
                    print(apply(line, cards: cards, emulation: emulation))
                    fflush(nil)
                }
            }
        }

        /// One control line: what it did, or why not.
        func apply(_ line: String, cards: [SmartCardEmulation.CardData], emulation: SmartCardEmulation) -> String {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "insert":
                guard words.count >= 2, let n = Int(words[1]), cards.indices.contains(n - 1) else {
                    return "refused: insert N, N from 1 to \(cards.count)"
                }
                var pullAfter: Int?
                if words.count == 4, words[2] == "pull-after" { pullAfter = Int(words[3]) }
                do {
                    try emulation.insert(cards[n - 1], removeAfter: pullAfter)
                    return "inserted card \(n)" + (pullAfter.map { ", pulled after \($0) APDUs" } ?? "")
                } catch {
                    return "refused: \(error)"
                }
            case "remove":
                emulation.remove()
                return "removed"
            default:
                return "refused: unknown line '\(line)' (insert N [pull-after K], remove)"
            }
        }
    }
}
