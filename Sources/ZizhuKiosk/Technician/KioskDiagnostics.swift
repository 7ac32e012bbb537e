// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuWire

/// 技术人员诊断: each check the technician screens show and `zizhu diagnose` prints. The
/// pure parts turn what a device said into a `DiagnosticCheck`; `collect` asks every part.
public enum KioskDiagnostics {
    /// What the checks read, from whoever has it: the running kiosk passes its live
    /// devices, `zizhu diagnose` opens its own.
    public struct Inputs: Sendable {
        public var paths: KioskPaths
        public var config: KioskConfig
        /// The reader's state; nil when no reader is configured.
        public var reader: ReaderInfo?
        public var printer: ReceiptPrinterLink?
        public var outbox: Outbox?
        public var outboxProblem: String?
        public var worker: PlatformClient?
        public var catalogue: CatalogueKeeper.Outcome?
        /// The platform's catalogue installed here, as `CatalogueKeeper.installedLabel` says it
        /// (version number, signer, digest; nil: the shipped one).
        public var catalogueVersion: String?
        public var now = Date()

        public init(paths: KioskPaths, config: KioskConfig) {
            self.paths = paths
            self.config = config
        }
    }

    /// Every check, in `DiagnosticArea` order.
    public static func collect(_ inputs: Inputs) async -> DiagnosticReport {
        async let network = network(worker: inputs.worker, enrolled: inputs.worker != nil)
        async let printer = printerCheck(inputs.printer)
        var readerCheck = reader(inputs.reader)
        if let profile = inputs.config.socialSecurityCardProfile {
            let cards = await socialSecurityCardReaders(profile: profile, reader: inputs.config.socialSecurityCardReader,
                                                        shareRoot: inputs.paths.shareRoot)
            readerCheck = reader(readerCheck, socialSecurityCard: cards)
        }
        if let profile = inputs.config.qrScannerProfile {
            readerCheck = reader(readerCheck, qrScanner: qrScanner(profile: profile, port: inputs.config.qrScannerPort, shareRoot: inputs.paths.shareRoot))
        }
        if let profile = inputs.config.documentScannerProfile {
            readerCheck = reader(readerCheck, documentScanner: await documentScanner(profile: profile, shareRoot: inputs.paths.shareRoot))
        }
        var checks = [readerCheck]
        checks.append(await printer)
        checks.append(await network)
        checks.append(outbox(inputs.outbox, problem: inputs.outboxProblem, now: inputs.now))
        checks.append(catalogue(inputs.catalogue, lastCheck: CatalogueCheckRecord.load(home: inputs.paths.home)))
        checks.append(disk(path: inputs.paths.home.path))
        checks.append(versions(catalogueVersion: inputs.catalogueVersion, sqlite: inputs.outbox?.sqliteVersion))
        checks.append(errors(logFile: inputs.paths.logFile))
        return DiagnosticReport(kioskID: inputs.config.kioskID, takenAt: UTCTime.iso(inputs.now), checks: checks)
    }

    // MARK: - Reader

    public static func reader(_ info: ReaderInfo?) -> DiagnosticCheck {
        guard let info else {
            return DiagnosticCheck(.reader, .skipped, zh: "未配置读卡器（kiosk.yaml 的 reader.profile）",
                                   en: "No reader configured (reader.profile in kiosk.yaml)")
        }
        let facts = [DiagnosticFact("连接方式", "Transport", info.transport),
                     DiagnosticFact("安全模块号", "SAM ID", info.samID ?? "-"),
                     DiagnosticFact("最近错误", "Last error", info.lastError.map(IDNumber.maskNumbers(in:)) ?? "-")]
        if info.connected {
            return DiagnosticCheck(.reader, .ok, zh: "读卡器已连接，安全模块正常", en: "Reader connected; its SAM answers", facts: facts)
        }
        return DiagnosticCheck(.reader, .failed, zh: "读卡器未连接：检查 USB 线和电源，或重新插拔",
                               en: "Reader not connected: check its USB cable and power, or plug it in again", facts: facts)
    }

    // MARK: - Printer

    static func printerCheck(_ link: ReceiptPrinterLink?) async -> DiagnosticCheck {
        guard let link else {
            return DiagnosticCheck(.printer, .skipped, zh: "未配置打印机", en: "No printer configured")
        }
        let (health, status, where_) = await link.diagnose()
        return printer(health: health, status: status, queue: where_)
    }

    public static func printer(health: PrinterHealth, status: PrinterStatus?, queue: String) -> DiagnosticCheck {
        var facts = [DiagnosticFact("队列", "Queue", queue), DiagnosticFact("状态", "Health", health.code)]
        if let status {
            let state: LocalizedText
            switch status.state {
            case .idle: state = LocalizedText(zh: "空闲", en: "idle")
            case .processing: state = LocalizedText(zh: "正在打印", en: "processing")
            case .stopped: state = LocalizedText(zh: "已停止", en: "stopped")
            case .unknown: state = LocalizedText(zh: "未知", en: "unknown")
            }
            let rejecting = status.acceptingJobs ? LocalizedText(zh: "", en: "") : LocalizedText(zh: "，拒收新作业", en: ", rejecting jobs")
            facts.append(DiagnosticFact("CUPS 状态", "CUPS state", words: LocalizedText(zh: state.zh + rejecting.zh, en: state.en + rejecting.en)))
            if status.reasons.isEmpty {
                facts.append(DiagnosticFact("原因", "Reasons", words: LocalizedText(zh: "无", en: "none")))
            } else {
                facts.append(DiagnosticFact("原因", "Reasons", status.reasons.joined(separator: ", ")))
            }
            if !status.message.isEmpty { facts.append(DiagnosticFact("消息", "Message", status.message)) }
        }
        switch health {
        case .ready:
            return DiagnosticCheck(.printer, .ok, zh: "打印机正常", en: "Printer ready", facts: facts)
        case .paperLow:
            return DiagnosticCheck(.printer, .warning, zh: "纸张即将用完，请尽快换纸", en: "Paper low: refill soon", facts: facts)
        case .paperOut:
            return DiagnosticCheck(.printer, .failed, zh: "缺纸：请换纸", en: "Out of paper: refill it", facts: facts)
        case .jammed:
            return DiagnosticCheck(.printer, .failed, zh: "卡纸：打开仓门取出卡纸", en: "Paper jam: open the cover and clear it", facts: facts)
        case .coverOpen:
            return DiagnosticCheck(.printer, .failed, zh: "仓门未关", en: "Cover open: close it", facts: facts)
        case .offline:
            return DiagnosticCheck(.printer, .failed, zh: "打印机离线：检查电源和网线", en: "Printer offline: check its power and cable", facts: facts)
        case .serviceDown:
            return DiagnosticCheck(.printer, .failed, zh: "打印服务（CUPS）未响应：恢复后自动继续打印；持续不恢复请重启 cups 服务",
                                   en: "Printer service (CUPS) down: printing resumes by itself when it is back; if it stays down, restart cups",
                                   facts: facts)
        case .stopped, .queueMissing:
            return DiagnosticCheck(.printer, .failed, zh: "打印队列不可用：见下方原因", en: "The print queue cannot be used: see below", facts: facts)
        }
    }

    // MARK: - Network

    static func network(worker: PlatformClient?, enrolled: Bool) async -> DiagnosticCheck {
        guard let worker else {
            return DiagnosticCheck(.network, .skipped, zh: "未注册到平台（zizhu enroll），申请保存在本机待上传",
                                   en: "Not enrolled with a platform (zizhu enroll): applications wait in the outbox")
        }
        return network(platform: worker.enrolment.central, probe: await worker.probe())
    }

    /// A kiosk clock this far off is worth a technician's visit (a dead RTC battery, no NTP),
    /// though the kiosk keeps working: it signs, numbers and dates with the platform's time.
    public static let clockWarningSeconds = 60.0

    public static func network(platform: String, probe: PlatformClient.LinkProbe) -> DiagnosticCheck {
        var facts = [DiagnosticFact("平台", "Platform", platform)]
        if let latency = probe.latencyMilliseconds { facts.append(DiagnosticFact("延迟", "Latency", String(format: "%.0f ms", latency))) }
        if let offset = probe.clockOffsetSeconds {
            let text = offset.magnitude < 120 ? String(format: "%+.1f s", -offset) + " (kiosk - platform)"
                : KioskClock.describe(Int64(max(-9e15, min(9e15, offset * 1000)))) + " (kiosk clock; corrected with the platform's time)"
            facts.append(DiagnosticFact("时钟偏差", "Clock offset", text))
        }
        if let problem = probe.problem { facts.append(DiagnosticFact("问题", "Problem", String(problem.prefix(200)))) }
        guard probe.status == 200, let offset = probe.clockOffsetSeconds else {
            if probe.status == 401 {
                return DiagnosticCheck(.network, .failed, zh: "平台拒绝本机签名：请重新注册",
                                       en: "The platform refuses this kiosk's signature: enrol again", facts: facts)
            }
            return DiagnosticCheck(.network, .failed, zh: "无法连接平台：申请保存在本机，恢复后自动上传",
                                   en: "Platform unreachable: applications are kept and sent when it is back", facts: facts)
        }
        if offset.magnitude >= clockWarningSeconds {
            return DiagnosticCheck(.network, .warning, zh: "本机时钟不准，已按平台时间校正：请检查时钟电池和校时（NTP）",
                                   en: "The kiosk's clock is off; it uses the platform's time: check the clock battery and NTP", facts: facts)
        }
        return DiagnosticCheck(.network, .ok, zh: "平台可达，签名有效", en: "Platform reachable; signature accepted", facts: facts)
    }

    // MARK: - Outbox

    /// A backlog older than this means sync has not worked for a while.
    public static let backlogWarningSeconds = 3600.0

    public static func outbox(_ outbox: Outbox?, problem: String?, now: Date = Date()) -> DiagnosticCheck {
        guard let outbox else {
            return DiagnosticCheck(.outbox, .failed, zh: "待上传队列不可用：不能受理申请",
                                   en: "The outbox cannot be opened: no application can be accepted",
                                   facts: [problem.map { DiagnosticFact("问题", "Problem", $0) }
                                           ?? DiagnosticFact("问题", "Problem", words: LocalizedText(zh: "未能打开", en: "not opened"))])
        }
        do {
            return Self.outbox(depth: try outbox.depth(now: now), integrity: outbox.integrity)
        } catch where OutboxError.isDiskFailure(error) {
            return DiagnosticCheck(.outbox, .failed, zh: "磁盘读写出错：终端磁盘可能正在损坏，请更换磁盘（未上传的申请请先导出）",
                                   en: "The disk returned read/write errors: the kiosk's disk may be failing; replace it "
                                       + "(export what has not been uploaded first)",
                                   facts: [DiagnosticFact("问题", "Problem", "\(error)")])
        } catch {
            return DiagnosticCheck(.outbox, .failed, zh: "待上传队列读取失败", en: "The outbox cannot be read",
                                   facts: [DiagnosticFact("问题", "Problem", "\(error)")])
        }
    }

    public static func outbox(depth: Outbox.Depth, integrity: String) -> DiagnosticCheck {
        let age = depth.oldestPendingSeconds.map { Self.duration($0) } ?? "-"
        var facts = [DiagnosticFact("待上传", "Pending", String(depth.pending)),
                     DiagnosticFact("最早一条已等待", "Oldest pending", age),
                     DiagnosticFact("已确认", "Confirmed", String(depth.confirmed)),
                     DiagnosticFact("退回（死信）", "Dead letters", String(depth.dead)),
                     DiagnosticFact("隔离", "Quarantined", String(depth.quarantined)),
                     integrity == "ok" ? DiagnosticFact("完整性", "Integrity", words: LocalizedText(zh: "正常", en: "ok"))
                                       : DiagnosticFact("完整性", "Integrity", integrity)]
        // 扫描纸质材料: only on kiosks that have sent pages.
        if depth.pagesPending + depth.pagesRefused > 0 {
            facts.append(DiagnosticFact("待上传扫描页", "Scanned pages to upload", String(depth.pagesPending)))
            facts.append(DiagnosticFact("被退回的扫描页", "Scanned pages refused", String(depth.pagesRefused)))
        }
        if integrity.hasPrefix("I/O error") {
            return DiagnosticCheck(.outbox, .failed, zh: "磁盘读写出错：有的申请读不出来，终端磁盘可能正在损坏，请更换磁盘（读得出的照常上传）",
                                   en: "The disk could not read part of the outbox: it may be failing; replace it "
                                       + "(what can be read is still uploaded)", facts: facts)
        }
        if integrity != "ok" {
            return DiagnosticCheck(.outbox, .failed, zh: "数据库完整性检查未通过", en: "The database failed its integrity check", facts: facts)
        }
        if depth.dead > 0 || depth.quarantined > 0 {
            return DiagnosticCheck(.outbox, .warning, zh: "有被平台退回或隔离的条目：zizhu queue list 查看",
                                   en: "Some entries were refused or quarantined: see zizhu queue list", facts: facts)
        }
        if depth.pagesRefused > 0 {
            return DiagnosticCheck(.outbox, .warning, zh: "有扫描页被平台退回，仍保存在本机：原因见日志（zizhu.log 中的 page refused）",
                                   en: "The platform refused scanned pages; they are kept here: see \"page refused\" in zizhu.log", facts: facts)
        }
        if let oldest = depth.oldestPendingSeconds, oldest >= backlogWarningSeconds {
            return DiagnosticCheck(.outbox, .warning, zh: "有条目超过一小时未上传", en: "Entries have waited over an hour", facts: facts)
        }
        return DiagnosticCheck(.outbox, .ok, zh: "队列正常", en: "Outbox healthy", facts: facts)
    }

    // MARK: - Catalogue

    public static func catalogue(_ outcome: CatalogueKeeper.Outcome?, lastCheck: CatalogueCheckRecord?) -> DiagnosticCheck {
        var facts: [DiagnosticFact] = []
        if let lastCheck {
            facts.append(DiagnosticFact("最近一次检查更新", "Last update check", "\(lastCheck.at) \(lastCheck.result)"))
        } else {
            facts.append(DiagnosticFact("最近一次检查更新", "Last update check",
                                        words: LocalizedText(zh: "从未（尚未注册，或尚未检查）", en: "never (not enrolled, or not yet)")))
        }
        guard let outcome else {
            return DiagnosticCheck(.catalogue, .skipped, zh: "未加载服务目录", en: "Catalogue not loaded", facts: facts)
        }
        if let catalogue = outcome.catalogue {
            facts.insert(DiagnosticFact("事项数", "Services", String(catalogue.services.count)), at: 0)
        }
        if let problem = outcome.problem {
            facts.append(DiagnosticFact("问题", "Problem", String(problem.split(separator: "\n").prefix(3).joined(separator: " | ").prefix(300))))
        }
        if outcome.catalogue == nil {
            return DiagnosticCheck(.catalogue, .failed, zh: "没有可用的服务目录：不能办事", en: "No usable catalogue: no service can be applied for",
                                   facts: facts)
        }
        if outcome.problem != nil || outcome.usingLastGood {
            return DiagnosticCheck(.catalogue, .warning, zh: "新目录有误未采用，正在使用上一版", en: "A new catalogue was refused; the last good one is in use",
                                   facts: facts)
        }
        if lastCheck?.result.hasPrefix("refused") == true {
            return DiagnosticCheck(.catalogue, .warning, zh: "平台下发的目录未通过校验，已拒绝，继续使用现有目录",
                                   en: "The platform's catalogue was refused (signature or checks); the one in use stays", facts: facts)
        }
        return DiagnosticCheck(.catalogue, .ok, zh: "服务目录正常", en: "Catalogue in use", facts: facts)
    }

    // MARK: - Disk

    /// Below this the kiosk warns; below the second it cannot be trusted to accept work.
    public static let diskWarningBytes: Int64 = 200 << 20
    public static let diskFailureBytes: Int64 = 20 << 20

    public static func disk(path: String) -> DiagnosticCheck {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else {
            return DiagnosticCheck(.disk, .failed, zh: "无法读取存储空间", en: "Cannot read the file system",
                                   facts: [DiagnosticFact("路径", "Path", path)])
        }
        return disk(path: path, free: Int64(stats.f_bavail) * Int64(stats.f_frsize), total: Int64(stats.f_blocks) * Int64(stats.f_frsize))
    }

    public static func disk(path: String, free: Int64, total: Int64) -> DiagnosticCheck {
        let facts = [DiagnosticFact("路径", "Path", path), DiagnosticFact("可用", "Free", bytes(free)),
                     DiagnosticFact("总量", "Total", bytes(total))]
        if free < diskFailureBytes {
            return DiagnosticCheck(.disk, .failed, zh: "存储空间将满：申请可能无法保存", en: "Disk almost full: applications may not be saved", facts: facts)
        }
        if free < diskWarningBytes {
            return DiagnosticCheck(.disk, .warning, zh: "存储空间不足，请清理日志", en: "Disk space low: clear old logs", facts: facts)
        }
        return DiagnosticCheck(.disk, .ok, zh: "存储空间充足", en: "Enough disk space", facts: facts)
    }

    // MARK: - Versions

    public static func versions(catalogueVersion: String?, sqlite: String?) -> DiagnosticCheck {
        var system = utsname()
        uname(&system)
        let kernel = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let facts = [DiagnosticFact("自助终端", "Zizhu", KioskVersion.version),
                     catalogueVersion.map { DiagnosticFact("服务目录", "Catalogue", $0) }
                        ?? DiagnosticFact("服务目录", "Catalogue", words: LocalizedText(zh: "随程序发布的版本", en: "shipped")),
                     DiagnosticFact("SQLite", "SQLite", sqlite ?? "-"),
                     DiagnosticFact("Linux 内核", "Linux kernel", kernel)]
        return DiagnosticCheck(.versions, .ok, zh: "版本信息", en: "Versions in use", facts: facts)
    }

    // MARK: - Recent errors

    /// The last warnings and errors in the kiosk's log (already masked; masked again).
    public static func errors(logFile: URL, limit: Int = 8) -> DiagnosticCheck {
        let lines = recentProblems(in: logFile, limit: limit)
        let facts = lines.map { line -> DiagnosticFact in
            let parts = line.split(separator: " ", maxSplits: 2)
            let time = parts.first.map { String($0.prefix(19)) } ?? ""
            return DiagnosticFact(time, time, parts.count == 3 ? "\(parts[1]) \(parts[2])" : line)
        }
        if lines.isEmpty { return DiagnosticCheck(.errors, .ok, zh: "近期无错误", en: "No recent errors") }
        return DiagnosticCheck(.errors, .ok, zh: "近期有 \(lines.count) 条警告或错误", en: "\(lines.count) recent warnings or errors", facts: facts)
    }

    static func recentProblems(in logFile: URL, limit: Int) -> [String] {
        guard let handle = try? FileHandle(forReadingFrom: logFile) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 256 << 10 ? size - (256 << 10) : 0)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let problems = text.split(separator: "\n").filter { line in
            let level = line.split(separator: " ", maxSplits: 2).dropFirst().first
            return level == "warning" || level == "error" || level == "critical"
        }
        return problems.suffix(limit).map { IDNumber.maskNumbers(in: String($0.prefix(300))) }
    }

    static func bytes(_ value: Int64) -> String {
        if value >= 1 << 30 { return String(format: "%.1f GiB", Double(value) / Double(1 << 30)) }
        return String(format: "%.1f MiB", Double(value) / Double(1 << 20))
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        return String(format: "%.1f h", seconds / 3600)
    }
}

/// What the running kiosk's last catalogue update check found (`$ZIZHU_HOME/catalogue-check.json`).
public struct CatalogueCheckRecord: Codable, Sendable, Hashable {
    public var at: String
    /// "not modified", "installed <version>", "refused: …", "unavailable: …".
    public var result: String

    public init(at: String, result: String) {
        self.at = at
        self.result = result
    }

    static func file(home: URL) -> URL { home.appendingPathComponent("catalogue-check.json") }

    public static func load(home: URL) -> CatalogueCheckRecord? {
        FileManager.default.contents(atPath: file(home: home).path).flatMap { try? JSONDecoder().decode(Self.self, from: $0) }
    }

    public func save(home: URL) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: Self.file(home: home), options: .atomic)
    }
}
