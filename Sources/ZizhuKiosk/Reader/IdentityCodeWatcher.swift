// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import QRScanner
import ZizhuCore
import ZizhuUI

/// The e-ID QR scanner: reads the serial line on a thread of its own all the time (a code
/// scanned while no screen asks for one is dropped, never kept for the next screen), and
/// while a screen asks for a card hands each code to the platform to verify. The screens
/// get the ID reader's events: `reading` while the platform is asked, then `cardRead` (an
/// `.identityCode` person) or `readFailed` with what the citizen can do (refresh the code, or
/// use the ID card). The code itself is never logged.
public final class IdentityCodeWatcher: @unchecked Sendable {
    public typealias Verify = @Sendable (String) async -> IdentityCodeCheck
    private let profile: ScannerProfile
    private let port: String?
    private let inbox: EventInbox
    private let logger: Logger
    private let condition = NSCondition()
    private var wanted = false
    private var stopped = false
    private var started = false
    private var verify: Verify = { _ in .unavailable }
    /// What the technician sees: connected, or why not.
    private var problem: String? = "not opened yet"
    private var connected = ""

    public init(profile: ScannerProfile, port: String?, inbox: EventInbox, logger: Logger) {
        self.profile = profile
        self.port = port
        self.inbox = inbox
        self.logger = logger
    }

    /// Who verifies codes (the platform, the demo's file); until set, none can be.
    public func setVerifier(_ verify: @escaping Verify) { condition.withLock { self.verify = verify } }

    public func start() {
        condition.withLock {
            guard !started else { return }
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "zizhu.qr"
            thread.start()
        }
    }

    public func setReading(_ on: Bool) { condition.withLock { wanted = on } }

    public func shutdown() { condition.withLock { stopped = true } }

    /// "serial /dev/ttyACM0 9600 8N1", or why the scanner cannot be read.
    public var status: (connected: Bool, detail: String) {
        condition.withLock { problem.map { (false, $0) } ?? (true, connected) }
    }

    private func run() {
        var scanner: (any QRScannerLine)?
        while !condition.withLock({ stopped }) {
            if scanner == nil {
                do {
                    let opened = try QRScanners.open(profile, port: port)
                    scanner = opened
                    condition.withLock {
                        problem = nil
                        connected = opened.description
                    }
                    logger.info("QR scanner connected: \(opened.description)")
                } catch {
                    let first = condition.withLock { () -> Bool in
                        defer { problem = error.description }
                        return problem != error.description
                    }
                    if first { logger.warning("\(error)") }
                    Thread.sleep(forTimeInterval: 2)
                    continue
                }
            }
            guard let open = scanner else { continue }
            do {
                guard let piece = try open.next(timeout: 0.5) else { continue }
                handle(piece)
            } catch {
                logger.warning("\(error)")
                condition.withLock { problem = error.description }
                scanner = nil
                if condition.withLock({ wanted }) {
                    inbox.post(.reader(.readFailed(.identityCode(LocalizedText(
                        zh: "扫码器暂时无法使用，请使用身份证", en: "The code scanner is not working. Please use your ID card")))))
                }
            }
        }
    }

    private func handle(_ piece: CodeAssembler.Piece) {
        let (go, verify) = condition.withLock { (wanted, self.verify) }
        switch piece {
        case .garbled(let why):
            logger.info("QR scan not understood: \(why)")
            guard go else { return }
            inbox.post(.reader(.readFailed(.identityCode(LocalizedText(
                zh: "二维码没有读完整，请将手机屏幕对准扫码口重新扫码", en: "The code was not read whole. Hold your phone's screen to the scanner again")))))
        case .code(let code):
            guard go else {
                logger.info("QR code ignored: no screen asks for one (\(maskedCode(code)))")
                return
            }
            logger.info("QR code scanned: \(maskedCode(code)); asking the platform")
            inbox.post(.reader(.reading))
            let (inbox, logger) = (self.inbox, self.logger)
            Task.detached {
                let check = await verify(code)
                if case .verified(let holder) = check {
                    logger.info("e-ID code verified: \(holder.idNumber.masked)")
                    inbox.post(.reader(.cardRead(holder.identity)))
                } else if let failure = check.failure {
                    logger.info("e-ID code not verified: \(check)")
                    inbox.post(.reader(.readFailed(failure)))
                }
            }
        }
    }
}
