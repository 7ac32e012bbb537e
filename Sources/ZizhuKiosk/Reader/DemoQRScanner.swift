// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import QRScanner
import ZizhuCore
import ZizhuResources

/// The demo kiosk's QR scanner: a serial scanner played on a pseudo-terminal, served on a
/// thread of its own. Its control FIFO is `$ZIZHU_HOME/qr-scanner-control`: `demo 1` scans
/// the first code of `Devices/simulator/demo-identity-codes.yaml` (a valid one for 演示用户),
/// `demo 3` an expired one, `scan TEXT` any text, `garble` a misread scan.
enum DemoQRScanner {
    static func start(paths: KioskPaths, logger: Logger) throws -> QRScannerSimulator {
        let file = paths.shareRoot.appendingPathComponent("Devices/simulator/demo-identity-codes.yaml")
        let codes = try DemoIdentityCodes.orderedCodes(try KioskResources.readText(file), file: file.path)
        let simulator = try QRScannerSimulator(link: paths.home.appendingPathComponent("qr-scanner").path)
        let control = paths.home.appendingPathComponent("qr-scanner-control").path
        let thread = Thread {
            do {
                try simulator.serve(control: control, demoCodes: codes) { false }
            } catch {
                logger.warning("demo QR scanner stopped: \(error)")
            }
        }
        thread.name = "zizhu.qr-demo"
        thread.start()
        return simulator
    }
}
