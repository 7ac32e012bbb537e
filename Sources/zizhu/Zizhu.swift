// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import DocumentCapture
import Foundation
import IDCardReader
import ZizhuCore
import Logging
import ReceiptPrinter
import ZizhuKiosk
import ZizhuResources
import ZizhuTerminal

@main
struct Zizhu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zizhu",
        abstract: "Zizhu (自助): a 24-hour government self-service kiosk.",
        discussion: """
            All kiosk state lives under ZIZHU_HOME (default: /var/lib/zizhu for root, \
            ~/.local/state/zizhu otherwise).
            """,
        version: VersionInfo.text,
        subcommands: [Run.self, ReaderCommand.self, QRScannerCommand.self, DocumentScannerCommand.self, PrinterCommand.self, ReceiptCommand.self, CatalogueCommand.self,
                      SubmitCommand.self, SyncCommand.self, QueueCommand.self, EnrollCommand.self, ProgressCommand.self, DiagnoseCommand.self,
                      TechnicianCommand.self, SocialSecurityCardCommand.self, SetupCommand.self])
}

/// `zizhu run`: the kiosk itself.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the kiosk full-screen on this terminal.",
        discussion: """
            Needs a real terminal (TERM such as xterm-256color) and a UTF-8 locale; exits with \
            status 2 and one line on stderr otherwise, and 78 when a config, string table or \
            catalogue file is wrong (every problem is named file:line:column).
            """)

    @Flag(help: "Demo mode: the shipped demo configuration; F10 quits.")
    var demo = false

    @OptionGroup var kiosk: KioskConfigOption

    @MainActor
    func run() async throws {
        BrokenPipes.areErrors()
        let status = await KioskLauncher.run(demo: demo, configPath: kiosk.config)
        // Everything the kiosk keeps is on disk by now (the outbox commits, the log writes
        // unbuffered). Leave without C++ static destructors: librime's service, torn down
        // while its schema was still being deployed on another thread, crashed a kiosk that
        // stopped within a second of starting (a hung-up terminal) with SIGSEGV.
        fflush(nil)
        _exit(status)
    }
}

enum VersionInfo {
    static let version = KioskVersion.version
    static var text: String {
        "zizhu \(version) (ncurses \(NcursesTerminal.libraryVersion), libusb \(USBLibrary.version), libcups \(CUPSLibrary.version))"
    }
}
