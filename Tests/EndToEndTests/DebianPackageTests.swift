// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuProcess
import ZizhuTestSupport

/// The Debian packages `make deb` builds (`Devices/debian/build-debs`), installed the way a
/// Debian admin installs software: `apt-get install ./zizhu_….deb ./zizhu-central_….deb` in
/// a fresh Debian 12 root made by mmdebstrap on this machine, used from the installed files
/// only, and purged again. lintian judges them first. They take their turn in the device
/// guests' queue, so lintian's and apt's work does not add to a full run's crowded start.
extension USBReaderVMTests {
    static var builtDebs: URL { Built.repository.appendingPathComponent(".build-release/debs") }

    static func packageReport(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    static func debianPackages() throws -> (kiosk: URL, central: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: builtDebs.path)) ?? []
        let kiosk = try #require(names.first { $0.hasPrefix("zizhu_") && $0.hasSuffix(".deb") }, "no zizhu package in \(builtDebs.path): run 'make deb'")
        let central = try #require(names.first { $0.hasPrefix("zizhu-central_") && $0.hasSuffix(".deb") },
                                   "no zizhu-central package in \(builtDebs.path): run 'make deb'")
        return (builtDebs.appendingPathComponent(kiosk), builtDebs.appendingPathComponent(central))
    }

    @Test func lintianFindsNoErrorsOrWarningsAndEveryOverrideSaysWhy() async throws {
        let (kiosk, central) = try Self.debianPackages()
        let lintian = try await ChildProcess.runDetached(["/usr/bin/lintian", "--fail-on", "error,warning", "--tag-display-limit", "0", kiosk.path, central.path],
                                                         environment: ProcessInfo.processInfo.environment)
        #expect(lintian.status == 0, "lintian: \(lintian.stdout)\(lintian.stderr)")
        // Every override carries the reason it is there, as a comment above it.
        for name in ["zizhu", "zizhu-central"] {
            let overrides = try String(contentsOf: Built.repository.appendingPathComponent("Devices/debian/\(name).lintian-overrides"), encoding: .utf8)
            var explained = false
            for line in overrides.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("#") { explained = true; continue }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { explained = false; continue }
                #expect(explained, "\(name).lintian-overrides: '\(line)' has no comment saying why")
            }
        }
        // What is inside: stripped binaries, the config as a conffile, the units, the rule.
        let contents = try await ChildProcess.runDetached(["/usr/bin/dpkg-deb", "--contents", kiosk.path], environment: [:]).stdout
        for path in ["./usr/bin/zizhu", "./etc/zizhu/kiosk.yaml", "./lib/systemd/system/zizhu-kiosk.service", "./lib/udev/rules.d/99-zizhu-idcard-reader.rules",
                     "./usr/lib/cups/backend/escposnet", "./usr/share/zizhu/Kiosk/catalogue/residence-permit.yaml"] {
            #expect(contents.contains(path), "\(path) is not in \(kiosk.lastPathComponent)")
        }
        let conffiles = try await ChildProcess.runDetached(["/usr/bin/dpkg-deb", "--info", kiosk.path, "conffiles"], environment: [:]).stdout
        #expect(conffiles.contains("/etc/zizhu/kiosk.yaml"), "\(conffiles)")
        let folder = Built.temporaryDirectory("deb-contents")
        _ = try await ChildProcess.runDetached(["/usr/bin/dpkg-deb", "-x", kiosk.path, folder.path], environment: [:])
        let file = try await ChildProcess.runDetached(["/usr/bin/file", "-b", folder.appendingPathComponent("usr/bin/zizhu").path], environment: [:]).stdout
        #expect(file.contains("stripped") && !file.contains("not stripped"), "\(file)")
        let config = try String(contentsOf: folder.appendingPathComponent("etc/zizhu/kiosk.yaml"), encoding: .utf8)
        #expect(config.contains("catalogue: /usr/share/zizhu/Kiosk/catalogue"), "the installed config names the installed catalogue")
        // Its debug symbols are kept beside the package, named by the binary's debug link.
        let link = try await ChildProcess.runDetached(["/usr/bin/objcopy", "--dump-section", ".gnu_debuglink=/dev/stdout",
                                                       folder.appendingPathComponent("usr/bin/zizhu").path, "/dev/null"], environment: [:]).stdout
        let debugName = String(link.prefix { $0 != "\0" })
        let symbols = Self.builtDebs.appendingPathComponent(debugName).path
        #expect(debugName.hasPrefix("zizhu-") && debugName.hasSuffix(".debug"), "debug link '\(debugName)'")
        #expect(FileManager.default.fileExists(atPath: symbols), "\(symbols)")
    }

    @Test func installedWithAptTheyRunFromTheInstalledFilesAndPurgeLeavesNothing() async throws {
        let (kiosk, central) = try Self.debianPackages()
        let work = Built.temporaryDirectory("deb-install")
        let port = PrivatePostgres.freePort(), staff = PrivatePostgres.freePort()
        let result = try await ChildProcess.runDetached(["/bin/bash", Built.repository.appendingPathComponent("Tests/EndToEndTests/Debian/package-install.sh").path,
                                                         Self.builtDebs.path, work.path, String(port), String(staff)],
                                                        environment: ProcessInfo.processInfo.environment)
        let report = Self.packageReport(result.stdout)
        print("Debian packages: \(kiosk.lastPathComponent), \(central.lastPathComponent); fresh Debian 12 root in \(report["root_seconds"] ?? "?") s, "
              + "apt-get install in \(report["install_seconds"] ?? "?") s")
        try #require(report["error"] == nil, "\(report["error"] ?? "")")
        try #require(report["installed"] == "yes", "apt-get install: \(report["install_log"] ?? result.stderr)")
        #expect(report["status"] == "zizhu:install ok installed zizhu-central:install ok installed", "\(report["status"] ?? "")")
        // zizhu --version from /usr/bin.
        let version = try #require(report["version"])
        // "zizhu 0.1.0 (ncurses …, libusb …, libcups …)": the second word is the version.
        let words = version.split(separator: " ")
        let number = words.count > 1 ? String(words[1]) : "?"
        #expect(version.hasPrefix("zizhu "), "\(version)")
        #expect(kiosk.lastPathComponent.contains("_\(number)_"), "\(version) is not the package's version")
        // The system users postinst made, with the state folder theirs alone.
        #expect(report["user"] == "zizhu:/var/lib/zizhu:/usr/sbin/nologin", "\(report["user"] ?? "")")
        #expect(report["central_user"] == "zizhu-central:/var/lib/zizhu-central:/usr/sbin/nologin", "\(report["central_user"] ?? "")")
        #expect(report["state"] == "zizhu:zizhu:750", "\(report["state"] ?? "")")
        let conffiles = report["conffiles"] ?? ""
        for file in ["/etc/zizhu/kiosk.yaml", "/etc/zizhu-central/central.env", "/etc/zizhu-central/haproxy.cfg"] {
            #expect(conffiles.contains(file), "\(file) is not a conffile: \(conffiles)")
        }
        // The kiosk session is enabled for the next boot (deb-systemd-helper, no systemd running).
        #expect(report["enabled"]?.contains("zizhu-kiosk.service") == true, "\(report["enabled"] ?? "")")
        #expect(report["man"]?.contains("zizhu.1.gz") == true && report["man"]?.contains("zizhu-central.1.gz") == true, "\(report["man"] ?? "")")

        // zizhu diagnose --json as the kiosk's user: the operator's config from /etc/zizhu,
        // the shipped catalogue from /usr/share/zizhu, state written only under /var/lib/zizhu.
        let diagnose = try Data(contentsOf: work.appendingPathComponent("diagnose.json"))
        let checks = try #require(try JSONSerialization.jsonObject(with: diagnose) as? [String: Any], "\(String(decoding: diagnose, as: UTF8.self).prefix(400)) \(report["diagnose_stderr"] ?? "")")
        #expect(checks["config"] as? String == "/etc/zizhu/kiosk.yaml", "\(String(describing: checks["config"]))")
        #expect(checks["catalogue"] as? String == "/usr/share/zizhu/Kiosk/catalogue", "\(String(describing: checks["catalogue"]))")
        #expect(report["written_by_kiosk"]?.isEmpty == false, "diagnose opened the outbox under /var/lib/zizhu")
        let catalogue = (checks["checks"] as? [[String: Any]])?.first { ($0["area"] as? String) == "catalogue" }
        #expect(catalogue?["status"] as? String == "ok", "\(String(describing: catalogue))")

        // zizhu-central serve from /usr/bin, its OpenAPI document found beside its real path.
        #expect(report["ready"] == "200", "ready: \(report["ready"] ?? "") — \(report["central_said"] ?? "")")
        #expect(report["openapi"] == "1", "openapi: \(report["openapi"] ?? "") — \(report["central_said"] ?? "")")
        #expect(report["signin"]?.hasPrefix("303") == true || report["signin"]?.hasPrefix("302") == true,
                "the staff side asks for a login: \(report["signin"] ?? "")")

        // Purged: nothing of either package is left, not a file, not a user (the snapshot
        // that finds nothing after the purge saw them after the install).
        #expect(report["seen_installed"] == "./etc/zizhu ./etc/zizhu-central ./usr/bin/zizhu ./var/lib/zizhu etc/passwd", "\(report["seen_installed"] ?? "")")
        #expect(report["purged"] == "yes")
        #expect(report["left_behind"] == "", "left behind after purge: \(report["left_behind"] ?? "")")
        #expect(report["done"] == "yes", "\(result.stderr.suffix(600))")
    }
}
