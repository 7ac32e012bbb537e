// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuResources
import ZizhuUI

/// What technician mode needs from the kiosk: the PIN lock and where the checks look.
public struct TechnicianDesk: Sendable {
    public var lock: TechnicianLock
    public var paths: KioskPaths
    public var config: KioskConfig
    public var catalogueVersion: @Sendable () -> String?

    public init(lock: TechnicianLock, paths: KioskPaths, config: KioskConfig, catalogueVersion: @escaping @Sendable () -> String?) {
        self.lock = lock
        self.paths = paths
        self.config = config
        self.catalogueVersion = catalogueVersion
    }
}
