// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import IDCardReader
import Logging
import ZizhuCore
import ZizhuKiosk
import ZizhuResources

/// `zizhu reader …`: the ID card reader for technicians and tests.
struct ReaderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader",
        abstract: "The ID card reader: decode captures, show the connected reader, run the simulator.",
        subcommands: [Decode.self, Info.self, Read.self, Simulate.self])
}

extension ReaderCommand {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a captured byte stream: every frame, card fields with the ID number masked.",
            discussion: "Reads FILE (or standard input): raw bytes, or hex text with --hex. Garbage and broken frames are reported, not fatal.")

        @Flag(help: "The input is hex text (e.g. AA AA AA 96 69 …; # starts a comment).")
        var hex = false

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Flag(help: "Show full ID numbers (technicians only; never in tickets or chat).")
        var unmasked = false

        @Argument(help: "The capture file; standard input when absent.")
        var file: String?

        func run() throws {
            let data: Data
            if let file {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file)")
                }
                data = contents
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            let bytes: [UInt8]
            if hex {
                do {
                    bytes = try CaptureDecoder.bytes(fromHex: String(decoding: data, as: UTF8.self))
                } catch {
                    throw ValidationError("\(file ?? "stdin") is not hex text: \(error)")
                }
            } else {
                bytes = [UInt8](data)
            }
            let items = CaptureDecoder.decode(bytes, unmasked: unmasked)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(items), as: UTF8.self))
            } else {
                print(CaptureDecoder.text(items))
            }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to the configured reader and show its transport, device, SAM ID and last error.",
            discussion: "Exits 0 when the reader answered its health check, 1 otherwise.")

        @OptionGroup var reader: ReaderOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let (name, session) = try reader.session()
            await session.start()
            let info = await session.currentInfo
            await session.shutdown()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(info), as: UTF8.self))
            } else {
                print("profile    \(name)")
                print("transport  \(info.transport)")
                print("connected  \(info.connected ? "yes" : "no")")
                print("SAM ID     \(info.samID ?? "-")")
                print("last error \(info.lastError ?? "-")")
            }
            if !info.connected { throw ExitCode(1) }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test read: connect to the reader, wait for cards and print what happens (ID numbers masked).",
            discussion: "One line per event (connected, waiting, reading, card read, failed, removed, disconnected); exits 0 after --count cards were read, 1 on timeout.")

        @OptionGroup var reader: ReaderOptions

        @Option(help: "How many cards to read before stopping.")
        var count = 1

        @Option(help: "Give up after this many seconds.")
        var timeout = 30.0

        @Flag(help: "One JSON object per line.")
        var json = false

        func run() async throws {
            let (_, session) = try reader.session(pollInterval: 0.3, reconnectInterval: 1)
            let json = self.json
            let wanted = count
            let reading = Task { () -> Int in
                var read = 0
                for await event in session.events {
                    print(ReaderEventLine.render(event, json: json))
                    fflush(nil)
                    if case .cardRead = event {
                        read += 1
                        if read >= wanted { break }
                    }
                }
                return read
            }
            await session.start()
            await session.startReading()
            let limit = Int(timeout * 1000)
            let winner = await withTaskGroup(of: Int?.self) { group in
                group.addTask { await reading.value }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(limit))
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            reading.cancel()
            await session.shutdown()
            if winner == nil {
                print(json ? "{\"event\":\"timeout\"}" : "timed out after \(Int(timeout)) s")
                throw ExitCode(1)
            }
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim",
            abstract: "A protocol-true reader simulator on a pseudo-terminal, answering from a file of fake citizens.",
            discussion: """
                Prints the device path, then serves until SIGTERM or SIGINT. Control lines come from \
                --control (a FIFO) or standard input: place N, remove, fault select-fail|read-fail|\
                bad-checksum|silent|unknown-card [once], fault none, slow MILLISECONDS, auto off, unplug, replug.
                """)

        @Option(help: "YAML file of fake citizens (see Devices/simulator/demo-cards.yaml).")
        var cards: String

        @Option(help: "Keep a symlink here to the current pseudo-terminal (it changes after unplug/replug).")
        var link: String?

        @Option(help: "A FIFO to read control lines from (created if missing).")
        var control: String?

        @Option(help: "Exit when this process (the kiosk that started the simulator) is gone.")
        var parent: Int32?

        @Option(help: "Serve on this existing serial device (e.g. a USB gadget's /dev/ttyGS0) instead of a new pseudo-terminal.")
        var device: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: cards), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(cards)")
            }
            let engine: SimulatorEngine
            do {
                engine = try SimulatorScript.load(text, file: cards)
            } catch {
                FileHandle.standardError.write(Data("zizhu reader sim: \(error)\n".utf8))
                throw ExitCode(StartupError.exitStatus)
            }
            let host = SimulatorHost(engine: engine, device: device, link: link, control: control) { line in
                print(line)
                fflush(nil)
            }
            let device = try host.open()
            print("reader simulator ready: \(device)" + (link != nil ? " -> \(host.slavePath)" : ""))
            print("\(engine.cards.count) cards; SAM ID \(engine.samID)")
            fflush(nil)
            let sources = SimulatorStop.watchSignals()
            let parent = self.parent
            host.run { SimulatorStop.requested(parent: parent) }
            sources.forEach { $0.cancel() }
            host.close()
        }
    }
}

/// Which reader to talk to: the configured one, or a profile and port given here.
struct ReaderOptions: ParsableArguments {
    @OptionGroup var kiosk: KioskConfigOption

    @Option(help: "A reader profile from Devices/readers/ instead of the configured one.")
    var profile: String?

    @Option(help: "The serial port instead of the configured one.")
    var port: String?

    /// The profile's name and a session for it (not started).
    func session(pollInterval: Double = 0.5, reconnectInterval: Double = 2) throws -> (String, ReaderSession) {
        let paths = KioskPaths.resolve()
        var name = profile
        var chosenPort = port
        if name == nil {
            let resources = try KioskResources.load(paths: paths, configPath: kiosk.config)
            guard let configured = resources.config.readerProfile else {
                throw ValidationError("no reader configured (reader.profile in \(resources.configFile.path))")
            }
            name = configured
            chosenPort = chosenPort ?? resources.config.readerPort
        }
        let profileName = name ?? ""
        let readerProfile = try ReaderProfiles.load(name: profileName, shareRoot: paths.shareRoot)
        let session = ReaderSession(describe: readerProfile.describe(port: chosenPort), pollInterval: pollInterval,
                                    reconnectInterval: reconnectInterval,
                                    logger: Logger(label: "zizhu.reader") { _ in SwiftLogNoOpLogHandler() },
                                    connector: readerProfile.connector(port: chosenPort))
        return (profileName, session)
    }
}
