// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuResources

/// The 社保卡 side of a demo kiosk: `zizhu sscard sim` (a private pcscd with vsmartcard's
/// reader) started off the first frame's path, cards inserted on command through
/// `$ZIZHU_HOME/run/sscard-control` (`insert 1`, `remove`). It exits with the kiosk.
final class DemoSocialSecurityCards: @unchecked Sendable {
    private let child: DemoChild

    /// Points this process's pcsc-lite at the emulation's pcscd (before any PC/SC call:
    /// pcsc-lite reads the variable once).
    init(paths: KioskPaths, environment: [String: String]) throws {
        let run = paths.home.appendingPathComponent("run")
        let folder = run.appendingPathComponent("sscard")
        child = try DemoChild(["sscard", "sim", "--folder", folder.path, "--control", run.appendingPathComponent("sscard-control").path],
                              name: "sscard-sim", paths: paths, environment: environment)
        setenv("PCSCLITE_CSOCK_NAME", folder.appendingPathComponent("run/pcscd/pcscd.comm").path, 1)
    }

    /// Starts the emulation (on the 社保卡 watcher's thread) and waits until pcscd answers;
    /// if it cannot start, the watcher logs what pcsc-lite says.
    func start() {
        try? child.start()
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if ((try? String(contentsOf: child.log, encoding: .utf8)) ?? "").contains("control:") || child.ended { return }
            usleep(20_000)
        }
    }

    func stop() { child.stop() }
}
