// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import QRScanner
import ZizhuCore
import ZizhuResources

/// `zizhu qr listen|sim`: the e-ID QR scanner for technicians, and a serial one played on a
/// pseudo-terminal.
struct QRScannerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr", abstract: "The e-ID QR code scanner (电子身份证 / 粤省事码): listen to it, or simulate one.",
        subcommands: [Listen.self, Simulate.self])

    static func profile(_ name: String) throws -> ScannerProfile {
        let url = KioskPaths.resolve().shareRoot.appendingPathComponent("Devices/qr/\(name).yaml")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ValidationError("no QR scanner profile \(url.path) (profiles are in Devices/qr/)")
        }
        do {
            return try ScannerProfile.parse(text, file: url.path)
        } catch {
            FileHandle.standardError.write(Data("zizhu: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what the scanner reads: each code masked (its first characters and length), garbled scans, an unplug.",
            discussion: "Exit status: 0 after --count codes or --seconds, 1 when the scanner cannot be read, 78 for a bad profile.")

        @Option(help: "A profile in Devices/qr/ (default: kiosk.yaml's qr_scanner.profile, else serial).") var profile: String?
        @Option(help: "The scanner's port (default: kiosk.yaml's qr_scanner.port).") var port: String?
        @Option(help: "Stop after this many codes.") var count: Int = 1
        @Option(help: "Stop after this many seconds.") var seconds: Double = 60
        @Flag(help: "One JSON object a line.") var json = false
        @Flag(help: "Verify each code as the demo platform does (Devices/simulator/demo-identity-codes.yaml) and say whose it is, masked.")
        var verifyDemo = false

        func run() throws {
            let config = try? KioskResources.load(paths: KioskPaths.resolve(), configPath: nil).config
            let loaded = try QRScannerCommand.profile(profile ?? config?.qrScannerProfile ?? "serial")
            var demoCodes: [String: IdentityCodeHolder] = [:]
            if verifyDemo {
                let file = KioskPaths.resolve().shareRoot.appendingPathComponent("Devices/simulator/demo-identity-codes.yaml")
                demoCodes = try DemoIdentityCodes.parse(try String(contentsOf: file, encoding: .utf8), file: file.path)
            }
            let port = port ?? config?.qrScannerPort
            func say(_ fields: [String: String], _ text: String) {
                if json {
                    let body = fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\(Self.escape($0.value))\"" }.joined(separator: ",")
                    print("{\(body)}")
                } else {
                    print(text)
                }
                fflush(nil)
            }
            let scanner: any QRScannerLine
            do {
                scanner = try QRScanners.open(loaded, port: port)
            } catch {
                say(["event": "not_connected", "reason": error.description], "\(error)")
                throw ExitCode(1)
            }
            say(["event": "listening", "transport": scanner.description], "listening: \(scanner.description)")
            var codes = 0
            let deadline = Date().addingTimeInterval(seconds)
            while codes < count && Date() < deadline {
                do {
                    switch try scanner.next(timeout: min(1, max(0, deadline.timeIntervalSinceNow))) {
                    case .code(let code)?:
                        codes += 1
                        say(["event": "code", "code": maskedCode(code), "length": String(code.count)], "code: \(maskedCode(code))")
                        if verifyDemo {
                            let check = DemoIdentityCodes.check(code, in: demoCodes, today: CalendarDate.localToday())
                            if case .verified(let holder) = check {
                                say(["event": "identified", "id": holder.idNumber.masked], "identified: \(holder.idNumber.masked)")
                            } else {
                                say(["event": "not_identified", "check": check.description], "not identified: \(check)")
                            }
                        }
                    case .garbled(let why)?:
                        say(["event": "garbled", "reason": why], "garbled scan: \(why)")
                    case nil:
                        continue
                    }
                } catch {
                    say(["event": "unplugged", "reason": error.description], "\(error)")
                    throw ExitCode(1)
                }
            }
        }

        static func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim", abstract: "A serial QR scanner on a pseudo-terminal, scanning what a control FIFO says.",
            discussion: """
                Prints the line's path, then serves --control: demo N (the N-th code of \
                Devices/simulator/demo-identity-codes.yaml), scan TEXT, garble (a misread scan), unplug \
                (the line hangs up and the simulator exits). Ends on SIGTERM or SIGINT too.
                """)

        @Option(help: "A symlink to the line (like /dev/ttyACM0).") var link: String?
        @Option(help: "Be a USB-HID scanner instead: a uinput virtual keyboard with this name (needs /dev/uinput).") var uinput: String?
        @Option(help: "The control FIFO (created if missing).") var control: String
        @Option(help: "Exit when this process is gone.") var parent: Int32?

        func run() throws {
            let file = KioskPaths.resolve().shareRoot.appendingPathComponent("Devices/simulator/demo-identity-codes.yaml")
            let codes = try DemoIdentityCodes.orderedCodes(try String(contentsOf: file, encoding: .utf8), file: file.path)
            let sources = SimulatorStop.watchSignals()
            defer { sources.forEach { $0.cancel() } }
            if let uinput {
                let keyboard = try VirtualKeyboardScanner(name: uinput)
                defer { keyboard.unplug() }
                print("keyboard: \(keyboard.node ?? "?") \"\(uinput)\"")
                fflush(nil)
                let parent = self.parent
                try QRScannerSimulator.serveControl(control, shouldStop: { SimulatorStop.requested(parent: parent) }) { line in
                    let words = line.split(separator: " ", maxSplits: 1).map(String.init)
                    switch (words.first ?? "", words.count > 1 ? words[1] : "") {
                    case ("demo", let number):
                        if let index = Int(number), codes.indices.contains(index - 1) { keyboard.scan(codes[index - 1]) }
                    case ("scan", let text): keyboard.scan(text)
                    case ("unplug", _):
                        keyboard.unplug()
                        return false
                    default: break
                    }
                    return true
                }
                return
            }
            let simulator = try QRScannerSimulator(link: link)
            defer { simulator.unplug() }
            print("line: \(link ?? simulator.path)")
            fflush(nil)
            let parent = self.parent
            try simulator.serve(control: control, demoCodes: codes) { SimulatorStop.requested(parent: parent) }
        }
    }
}
