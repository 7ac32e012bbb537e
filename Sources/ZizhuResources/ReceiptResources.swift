// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore

/// Receipt templates (`Assets/receipts/`) and printer profiles (`Devices/printers/`).
public enum ReceiptResources {
    public static let templateNames: [String] = ReceiptSample.allCases.map { $0.rawValue }

    public static func templates(assets: URL) throws(StartupError) -> [String: ReceiptTemplate] {
        var templates: [String: ReceiptTemplate] = [:]
        var messages: [String] = []
        for name in templateNames {
            let url = assets.appendingPathComponent("receipts/\(name).yaml")
            do {
                templates[name] = try ReceiptTemplate.parse(try KioskResources.readText(url), name: name, file: url.path)
            } catch let problems as FileProblems {
                messages.append(problems.description)
            } catch {
                messages.append("\(url.path): \(error)")
            }
        }
        if !messages.isEmpty { throw StartupError(messages.joined(separator: "\n")) }
        return templates
    }

    public static func profile(name: String, shareRoot: URL) throws(StartupError) -> PrinterProfile {
        let url = shareRoot.appendingPathComponent("Devices/printers/\(name).yaml")
        do {
            return try PrinterProfile.parse(try KioskResources.readText(url), name: name, file: url.path)
        } catch let problems as FileProblems {
            throw StartupError(problems.description)
        } catch {
            throw StartupError("\(url.path): no printer profile '\(name)' (\(error))")
        }
    }

    /// Sample documents with fixed, fake data: `zizhu receipt render --sample`, tests, bench.
    public enum Samples {
        public static let site = LocalizedText(zh: "天河区政务服务中心", en: "Tianhe Government Service Centre")

        public static let acceptance = ReceiptDocuments.Acceptance(
            site: site, kioskID: "zizhu-demo-001",
            service: LocalizedText(zh: "人才引进住房补贴", en: "Housing subsidy for newly recruited talent"),
            acceptanceNumber: "ZZ20261122-0193-4F2A", time: "2026-11-22 19:30", maskedID: "1101**********002X",
            outcome: .toleratedMissing([
                (LocalizedText(zh: "劳动合同", en: "Employment contract"), CalendarDate(year: 2026, month: 12, day: 6)!),
                (LocalizedText(zh: "无房证明", en: "No-property certificate"), CalendarDate(year: 2026, month: 12, day: 6)!),
            ]),
            trackingURL: "https://zwfw.example.gov.cn/p/ZZ20261122-0193-4F2A", uploaded: false)

        public static let queueTicket = ReceiptDocuments.QueueTicket(
            site: site, category: LocalizedText(zh: "社保医保窗口", en: "Social insurance counter"), number: "A023",
            peopleAhead: 4, estimatedWaitMinutes: 12, time: "2026-11-22 09:14")

        public static let proof = ReceiptDocuments.Proof(
            site: site, title: "社会保险参保缴费证明", holder: "测试样本", maskedID: "1101**********002X",
            lines: ["参保险种：企业职工基本养老保险", "参保状态：正常参保", "累计缴费：96个月", "本证明仅用于个人参保情况查询"],
            issuer: "广州市社会保险基金管理中心", verificationCode: "SB2026112200173", time: "2026-11-22 10:02")

        public static func testPage(_ profile: PrinterProfile) -> ReceiptDocuments.TestPage {
            ReceiptDocuments.TestPage(kioskID: "zizhu-demo-001", profile: profile, time: "2026-11-22 08:00")
        }
    }
}
