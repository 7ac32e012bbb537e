// SPDX-License-Identifier: Apache-2.0
/// 技术人员诊断: what each part of the kiosk says about itself. One report serves the
/// technician screens, `zizhu diagnose` and its `--json` for remote support. Never holds
/// personal data: ID numbers in log lines are masked before they get here.
public enum DiagnosticArea: String, Sendable, Hashable, Codable, CaseIterable {
    case reader, printer, network, outbox, catalogue, disk, versions, errors

    public var title: LocalizedText {
        switch self {
        case .reader: return LocalizedText(zh: "读卡器", en: "Card readers")
        case .printer: return LocalizedText(zh: "打印机", en: "Receipt printer")
        case .network: return LocalizedText(zh: "网络与平台", en: "Network and platform")
        case .outbox: return LocalizedText(zh: "待上传队列", en: "Outbox")
        case .catalogue: return LocalizedText(zh: "服务目录", en: "Service catalogue")
        case .disk: return LocalizedText(zh: "存储空间", en: "Disk")
        case .versions: return LocalizedText(zh: "版本", en: "Versions")
        case .errors: return LocalizedText(zh: "近期错误", en: "Recent errors")
        }
    }
}

/// How a part is doing. Ordered: the worst check decides the report.
public enum DiagnosticStatus: String, Sendable, Hashable, Codable, Comparable {
    /// Working.
    case ok
    /// Working, but someone should look (paper low, an old backlog, little disk).
    case warning
    /// Not working: journeys that need it cannot run.
    case failed
    /// Not asked: not configured here, or not applicable.
    case skipped

    private var rank: Int {
        switch self {
        case .skipped: return 0
        case .ok: return 1
        case .warning: return 2
        case .failed: return 3
        }
    }

    public static func < (lhs: DiagnosticStatus, rhs: DiagnosticStatus) -> Bool { lhs.rank < rhs.rank }

    /// The mark shown next to a check: not colour alone.
    public var mark: String {
        switch self {
        case .ok: return "✓"
        case .warning: return "!"
        case .failed: return "✗"
        case .skipped: return "-"
        }
    }
}

/// One line of a check: a label in both languages and its value. Technical values
/// (device paths, versions, counts) are not translated; a value in words ("never", "none",
/// "ok") is, in `words` — `value` then holds its English, for dumps and the command line.
public struct DiagnosticFact: Sendable, Hashable, Codable {
    public var label: LocalizedText
    public var value: String
    public var words: LocalizedText?

    public init(_ zh: String, _ en: String, _ value: String) {
        label = LocalizedText(zh: zh, en: en)
        self.value = value
    }

    public init(_ zh: String, _ en: String, words: LocalizedText) {
        label = LocalizedText(zh: zh, en: en)
        value = words.en
        self.words = words
    }
}

/// What one part of the kiosk says.
public struct DiagnosticCheck: Sendable, Hashable, Codable {
    public var area: DiagnosticArea
    public var status: DiagnosticStatus
    /// One sentence: what is wrong and what to do, or that it works.
    public var summary: LocalizedText
    public var facts: [DiagnosticFact]

    public init(_ area: DiagnosticArea, _ status: DiagnosticStatus, zh: String, en: String, facts: [DiagnosticFact] = []) {
        self.area = area
        self.status = status
        summary = LocalizedText(zh: zh, en: en)
        self.facts = facts
    }
}

/// Every check, at one moment.
public struct DiagnosticReport: Sendable, Hashable, Codable {
    public var kioskID: String
    /// ISO 8601, UTC.
    public var takenAt: String
    public var checks: [DiagnosticCheck]

    public init(kioskID: String, takenAt: String, checks: [DiagnosticCheck]) {
        self.kioskID = kioskID
        self.takenAt = takenAt
        self.checks = checks
    }

    /// The worst status of any check.
    public var status: DiagnosticStatus { checks.map(\.status).max() ?? .skipped }

    /// False when something a journey needs does not work (`zizhu diagnose` exits 1).
    public var healthy: Bool { !checks.contains { $0.status == .failed } }

    public func check(_ area: DiagnosticArea) -> DiagnosticCheck? { checks.first { $0.area == area } }

    /// Replaces (or adds) one area's check, keeping the order of `DiagnosticArea`.
    public mutating func replace(_ check: DiagnosticCheck) {
        checks.removeAll { $0.area == check.area }
        checks.append(check)
        let order = DiagnosticArea.allCases
        checks.sort { (order.firstIndex(of: $0.area) ?? 0) < (order.firstIndex(of: $1.area) ?? 0) }
    }
}
