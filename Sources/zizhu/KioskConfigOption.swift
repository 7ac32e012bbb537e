// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import ZizhuResources

/// `--config`: which kiosk config a command reads. Every command that needs the kiosk's
/// files takes it as `@OptionGroup var kiosk: KioskConfigOption`, so the option reads the
/// same everywhere.
struct KioskConfigOption: ParsableArguments {
    @Option(help: "The kiosk config file (default: $ZIZHU_HOME/kiosk.yaml, else /etc/zizhu/kiosk.yaml when installed from the package, else Kiosk/kiosk.yaml).")
    var config: String?

    /// Where the kiosk's files are, and its config and string tables loaded from there.
    func load() throws -> (paths: KioskPaths, resources: KioskResources) {
        let paths = KioskPaths.resolve()
        return (paths, try KioskResources.load(paths: paths, configPath: config))
    }
}
