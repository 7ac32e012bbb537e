// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuKiosk

/// The 24-hour operation files in Devices/: systemd accepts the units (systemd-analyze
/// verify), the kiosk unit restarts and watches the kiosk, the session terminal can
/// show Chinese, and the installer is valid shell.
@Suite("Kiosk session and systemd units")
struct SessionFilesTests {
    static let devices = Built.repository.appendingPathComponent("Devices")

    /// A copy of the units with the programs they start pointed at ones this machine has
    /// (zizhu: the built binary; cage and foot may not be installed on a test machine).
    /// A template unit (`name@.service`) is verified as one instance of it (`name@8101.service`).
    func verify(_ names: [String]) async throws -> Run {
        let folder = Built.temporaryDirectory("units")
        let names = names.map { $0.replacingOccurrences(of: "@.service", with: "@8101.service") }
        for name in names {
            let source = name.replacingOccurrences(of: "@8101.service", with: "@.service")
            let text = try String(contentsOf: Self.devices.appendingPathComponent("systemd/\(source)"), encoding: .utf8)
                .replacingOccurrences(of: "/usr/bin/zizhu", with: Built.zizhu)
                .replacingOccurrences(of: "/usr/bin/cage", with: "/bin/true")
                .replacingOccurrences(of: "/usr/bin/foot", with: "/bin/true")
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try await Run.program("/usr/bin/systemd-analyze", ["verify", "--man=no"] + names.map { folder.appendingPathComponent($0).path },
                                     environment: ["PATH": "/usr/bin:/bin", "SYSTEMD_LOG_COLOR": "0"])
    }

    @Test func systemdAcceptsTheUnitsWithoutUnknownKeys() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is part of Debian's systemd")
        let run = try await verify(["zizhu-kiosk.service", "zizhu-selfcheck.service", "zizhu-selfcheck.timer", "zizhu-setup.service"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for complaint in ["Unknown key", "Unknown section", "Invalid", "Failed to parse", "not executable"] {
            #expect(!run.stderr.contains(complaint), "\(run.stderr)")
        }
        // A misspelt key is caught, so the check above can fail.
        let folder = Built.temporaryDirectory("units-bad")
        let bad = folder.appendingPathComponent("bad.service")
        try "[Service]\nExecStart=/bin/true\nWatchdogSecs=30\n".write(to: bad, atomically: true, encoding: .utf8)
        let caught = try await Run.program("/usr/bin/systemd-analyze", ["verify", "--man=no", bad.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(caught.stderr.contains("Unknown key 'WatchdogSecs'"), "\(caught.stderr)")
    }

    /// The platform's units (an instance per port, the balancer) pass systemd's own check;
    /// an instance drains on SIGTERM and is restarted; the balancer checks its config first.
    @Test func systemdAcceptsThePlatformUnits() async throws {
        let run = try await verify(["zizhu-central@.service", "zizhu-balancer.service"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for complaint in ["Unknown key", "Unknown section", "Invalid", "Failed to parse", "not executable"] {
            #expect(!run.stderr.contains(complaint), "\(run.stderr)")
        }
        let instance = try String(contentsOf: Self.devices.appendingPathComponent("systemd/zizhu-central@.service"), encoding: .utf8)
        #expect(instance.contains("--drain-seconds") && instance.contains("KillSignal=SIGTERM") && instance.contains("Restart=always"))
        let balancer = try String(contentsOf: Self.devices.appendingPathComponent("systemd/zizhu-balancer.service"), encoding: .utf8)
        #expect(balancer.contains("ExecStartPre=/usr/sbin/haproxy -c -q -f /etc/zizhu-central/haproxy.cfg"))
    }

    @Test func theKioskUnitRestartsNotifiesAndWatchesAndTheSessionShowsChinese() throws {
        let unit = try String(contentsOf: Self.devices.appendingPathComponent("systemd/zizhu-kiosk.service"), encoding: .utf8)
        let lines = Set(unit.split(separator: "\n").map(String.init))
        for expected in ["Type=notify", "NotifyAccess=all", "Restart=always", "WatchdogSec=30", "StartLimitIntervalSec=0",
                         "Environment=LANG=C.UTF-8", "TTYPath=/dev/tty1", "WantedBy=graphical.target"] {
            #expect(lines.contains(expected), "\(expected)")
        }
        let exec = try #require(lines.first { $0.hasPrefix("ExecStart=") })
        #expect(exec == "ExecStart=/usr/bin/cage -s -- /usr/bin/foot --config=/usr/share/zizhu/Devices/session/foot.ini /usr/bin/zizhu run")
        let foot = try String(contentsOf: Self.devices.appendingPathComponent("session/foot.ini"), encoding: .utf8)
        #expect(foot.contains("term=xterm-256color") && foot.contains("font=Noto Sans Mono CJK SC"))
        let timer = try String(contentsOf: Self.devices.appendingPathComponent("systemd/zizhu-selfcheck.timer"), encoding: .utf8)
        #expect(timer.contains("OnCalendar=*-*-* 03:30:00") && timer.contains("Persistent=true"))
    }

    @Test func thePackageScriptsAreValidShell() async throws {
        let debian = Self.devices.appendingPathComponent("debian")
        let run = try await Run.program("/bin/bash", ["-n", debian.appendingPathComponent("build-debs").path], environment: [:])
        #expect(run.status == 0, "build-debs: \(run.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: debian.appendingPathComponent("build-debs").path))
        // Maintainer scripts run under /bin/sh (dash on Debian), not bash.
        for package in ["zizhu", "zizhu-central"] {
            for script in ["postinst", "prerm", "postrm"] {
                let path = debian.appendingPathComponent("\(package).\(script)").path
                let checked = try await Run.program("/bin/dash", ["-n", path], environment: [:])
                #expect(checked.status == 0, "\(package).\(script): \(checked.stderr)")
                #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("#!/bin/sh\n"), "\(package).\(script)")
            }
        }
        let builder = try String(contentsOf: debian.appendingPathComponent("build-debs"), encoding: .utf8)
        #expect(builder.contains("Devices/systemd/cups.service.d/zizhu.conf \"$kiosk/lib/systemd/system/cups.service.d/zizhu.conf\""))
    }

    /// The drop-in that brings the hall's cupsd back however often it dies: systemd reads it
    /// beside Debian's own cups.service and finds nothing it does not know.
    @Test func cupsdIsRestartedAlwaysAndSystemdReadsTheDropIn() async throws {
        let debian = URL(fileURLWithPath: "/lib/systemd/system/cups.service")
        try #require(FileManager.default.fileExists(atPath: debian.path), "Debian's cups.service is missing: apt-get install cups")
        let dropIn = try String(contentsOf: Self.devices.appendingPathComponent("systemd/cups.service.d/zizhu.conf"), encoding: .utf8)
        let lines = Set(dropIn.split(separator: "\n").map(String.init))
        for expected in ["Restart=always", "RestartSec=1", "StartLimitIntervalSec=0"] { #expect(lines.contains(expected), "\(expected)") }
        func verify(_ text: String) async throws -> Run {
            let folder = Built.temporaryDirectory("cups-unit")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("cups.service.d"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: debian, to: folder.appendingPathComponent("cups.service"))
            try text.write(to: folder.appendingPathComponent("cups.service.d/zizhu.conf"), atomically: true, encoding: .utf8)
            return try await Run.program("/usr/bin/systemd-analyze", ["verify", "--man=no", "cups.service"],
                                         environment: ["PATH": "/usr/bin:/bin", "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_UNIT_PATH": folder.path + ":"])
        }
        let run = try await verify(dropIn)
        for complaint in ["Unknown key", "Unknown section", "Invalid", "Failed to parse", "zizhu.conf"] {
            #expect(!run.stderr.contains(complaint), "\(run.stderr)")
        }
        // The drop-in is really read: a misspelt key in it is named.
        let misspelt = try await verify(dropIn + "RestartSecs=1\n")
        #expect(misspelt.stderr.contains("zizhu.conf") && misspelt.stderr.contains("Unknown key 'RestartSecs'"), "\(misspelt.stderr)")
    }
}
