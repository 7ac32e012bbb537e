// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Where the kiosk's files are.
///
/// - `home`: all kiosk state (logs, queue, keys), chosen by `ZIZHU_HOME` so tests and
///   several demo kiosks can run side by side. Default: `/var/lib/zizhu` for root,
///   otherwise `$XDG_STATE_HOME/zizhu` (`~/.local/state/zizhu`).
/// - `shareRoot`: the folder holding `Assets/` and `Kiosk/` (the repository in
///   development, `/usr/share/zizhu` when installed); `ZIZHU_SHARE` overrides it.
public struct KioskPaths: Sendable, Hashable {
    public var home: URL
    public var shareRoot: URL

    public init(home: URL, shareRoot: URL) {
        self.home = home
        self.shareRoot = shareRoot
    }

    public var assets: URL { shareRoot.appendingPathComponent("Assets") }
    public var kioskFolder: URL { shareRoot.appendingPathComponent("Kiosk") }
    public var logs: URL { home.appendingPathComponent("logs") }
    public var logFile: URL { logs.appendingPathComponent("zizhu.log") }
    /// librime's work folder (its compiled schema; never anything a citizen typed).
    public var inputMethod: URL { home.appendingPathComponent("input-method") }
    /// The demo platform's applicant records.
    public var demoRecords: URL { shareRoot.appendingPathComponent("Devices/simulator/demo-records.yaml") }

    /// Where the operator's config lives when Zizhu is installed from its Debian package.
    public static let installedShare = "/usr/share/zizhu"
    public static let installedConfig = "/etc/zizhu/kiosk.yaml"

    /// The config to use: the one given, else `$ZIZHU_HOME/kiosk.yaml` if present, else
    /// (installed from the package) `/etc/zizhu/kiosk.yaml`, else the shipped
    /// `Kiosk/kiosk.yaml`. A checkout never reads `/etc/zizhu`, so an installed package
    /// does not change what the tests and the demo run on.
    public func configFile(explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let local = home.appendingPathComponent("kiosk.yaml")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        if shareRoot.standardizedFileURL.path == Self.installedShare, FileManager.default.fileExists(atPath: Self.installedConfig) {
            return URL(fileURLWithPath: Self.installedConfig)
        }
        return kioskFolder.appendingPathComponent("kiosk.yaml")
    }

    /// Resolves the paths from the environment and the executable's location.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               executable: String = CommandLine.arguments.first ?? "") -> KioskPaths {
        let home: URL
        if let value = environment["ZIZHU_HOME"], !value.isEmpty {
            home = URL(fileURLWithPath: value)
        } else if geteuid() == 0 {
            home = URL(fileURLWithPath: "/var/lib/zizhu")
        } else if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            home = URL(fileURLWithPath: state).appendingPathComponent("zizhu")
        } else {
            let user = environment["HOME"] ?? NSHomeDirectory()
            home = URL(fileURLWithPath: user).appendingPathComponent(".local/state/zizhu")
        }
        return KioskPaths(home: home, shareRoot: findShareRoot(environment: environment, executable: executable))
    }

    static func findShareRoot(environment: [String: String], executable: String) -> URL {
        if let value = environment["ZIZHU_SHARE"], !value.isEmpty { return URL(fileURLWithPath: value) }
        func isRoot(_ url: URL) -> Bool {
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Assets/strings").path)
                && FileManager.default.fileExists(atPath: url.appendingPathComponent("Kiosk").path)
        }
        // Walk up from the executable (…/.build/debug/zizhu → the repository).
        var candidate = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            if isRoot(candidate) { return candidate }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { break }
            candidate = parent
        }
        let installed = URL(fileURLWithPath: installedShare)
        if isRoot(installed) { return installed }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

/// The kiosk software's version (heartbeats, `zizhu --version`, diagnostics).
public enum KioskVersion {
    public static let version = "0.1.0"
}
