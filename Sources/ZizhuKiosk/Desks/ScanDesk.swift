// SPDX-License-Identifier: Apache-2.0
import DocumentCapture
import Foundation
import Logging
import ZizhuCore
import ZizhuOutbox
import ZizhuProcess
import ZizhuUI

/// 扫描纸质材料 at the kiosk: scans a page through SANE (on a thread of its own: libsane
/// blocks), passes it through the quality gate, keeps it as WebP in memory while the citizen
/// decides, and hands the kept pages to the outbox with the application. Nothing of a page
/// is written to disk before the application is (and then sealed), and everything held is
/// dropped when the session ends.
public final class ScanDesk: Sendable {
    let profile: DocumentScannerProfile
    let logger: Logger
    private let held = NSLockedPages()

    public init(profile: DocumentScannerProfile, logger: Logger) {
        self.profile = profile
        self.logger = logger
    }

    /// What a scan came to, worked out on the scanning thread: the page as WebP with its
    /// preview and the gate's verdict, or the fault.
    struct Taken: Sendable {
        var webp: [UInt8]
        var width: Int
        var height: Int
        var dpi: Int
        var preview: [String]
        var problems: [PageProblem]
    }

    /// One page: captured (with its preview and what the gate found) or why not. The scan,
    /// the gate, the preview and the encoding all run on a thread of their own (seconds of
    /// blocking and CPU that must not hold one of Swift concurrency's threads).
    func scan(columns: Int, rows: Int) async -> ScanStep.Phase {
        let profile = self.profile
        let taken = try? await ChildProcess.detached { () -> Result<Taken, CaptureFault> in
            Result { () throws(CaptureFault) -> Taken in
                let page = try DocumentCapture.capture(profile)
                return Taken(webp: try PageCodec.webp(page), width: page.width, height: page.height, dpi: page.dpi,
                             preview: PagePreview.braille(page, columns: columns, rows: rows), problems: PageQuality.check(page).problems)
            }
        }
        switch taken {
        case .success(let page)?:
            let token = held.hold(Data(page.webp))
            logger.info("scan: page \(page.width)x\(page.height) at \(page.dpi) dpi, \(page.webp.count) bytes",
                        metadata: ["quality": "\(page.problems.isEmpty ? "ok" : page.problems.map(\.description).joined(separator: "; "))"])
            let keepable = page.problems.allSatisfy(\.leavesThePageLegible)
            return .captured(CapturedPage(token: token, preview: page.preview,
                                          problems: page.problems.map { LocalizedText(zh: $0.zh, en: $0.en) }, keepable: keepable))
        case .failure(let fault)?:
            logger.warning("scan failed: \(fault)")
            return .failed(LocalizedText(zh: fault.zh, en: fault.en))
        case nil:
            return .failed(LocalizedText(zh: CaptureFault.device(detail: "").zh, en: CaptureFault.device(detail: "").en))
        }
    }

    func keep(token: Int, materialID: String) { held.keep(token, materialID: materialID) }
    func discard(token: Int) { held.discard(token) }

    /// The kept pages of these materials, numbered from 1 (as many as the application says were kept).
    func pages(for scanned: [String: Int]) -> [OutboxPage] {
        held.kept().flatMap { material, pages -> [OutboxPage] in
            guard let count = scanned[material] else { return [] }
            return pages.prefix(count).enumerated().map { OutboxPage(material: material, number: $0.offset + 1, data: $0.element) }
        }.sorted { ($0.material, $0.number) < ($1.material, $1.number) }
    }

    /// Everything held goes (the session ended, or the pages are in the outbox now).
    func wipe() { held.wipe() }
}

/// The pages a session holds: one just scanned (by token) and those kept, by material.
final class NSLockedPages: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 1
    private var pending: [Int: Data] = [:]
    private var keptPages: [String: [Data]] = [:]

    func hold(_ data: Data) -> Int {
        lock.withLock {
            let token = next
            next += 1
            pending[token] = data
            return token
        }
    }

    func keep(_ token: Int, materialID: String) {
        lock.withLock {
            guard let data = pending.removeValue(forKey: token) else { return }
            keptPages[materialID, default: []].append(data)
        }
    }

    func discard(_ token: Int) { lock.withLock { _ = pending.removeValue(forKey: token) } }
    func kept() -> [String: [Data]] { lock.withLock { keptPages } }

    func wipe() {
        lock.withLock {
            pending = [:]
            keptPages = [:]
        }
    }
}
