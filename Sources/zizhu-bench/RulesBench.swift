// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuKiosk
import ZizhuResources

/// Issue 5's figures: a 秒批 decision for a service with 100 rules, and loading and
/// checking the whole shipped catalogue.
struct RulesBench {
    let zizhu: String
    var report: Report

    /// A service with `count` rules over `count / 4` number fields: each field has a
    /// refusing floor, a manual-review band, a ceiling and one rule on the applicant, so
    /// the load-time checks (types, satisfiability, overlap) have real work to do.
    static func hundredRuleService(count: Int = 100) -> String {
        let fieldCount = count / 4
        var text = """
        id: bench-hundred-rules
        code: "999"
        name: {zh: 百条规则测试事项, en: Hundred-rule benchmark}
        theme: business
        department: market-regulation
        summary: {zh: 基准测试用, en: For the benchmark}
        time_limit: {legal_days: 20, promised_days: 5}
        fee: {zh: 不收费, en: Free}
        identity: id_card
        approval: instant
        materials:
          - id: id-card
            name: {zh: 本人居民身份证, en: Your ID card}
            elicence: id_card
            min_grade: A
        fields:

        """
        for index in 0..<fieldCount {
            text += """
              - id: f\(index)
                label: {zh: 数值\(index), en: Value \(index)}
                type: number
                min: 0
                max: 100000

            """
        }
        text += "rules:\n"
        var rules = 0
        for index in 0..<fieldCount where rules < count {
            let kinds: [(String, String)] = [
                ("field.f\(index) >= \(index + 1)", "refuse"),
                ("field.f\(index) < \(50_000 + index) or applicant.age >= \(18 + index % 40)", "manual"),
                ("field.f\(index) <= \(90_000 + index)", "refuse"),
                ("applicant.region startswith \"44\" or field.f\(index) > \(10 + index)", "manual"),
            ]
            for (offset, kind) in kinds.enumerated() where rules < count {
                text += """
                  - id: r\(index)-\(offset)
                    require: \(kind.0)
                    otherwise: \(kind.1)
                    reason: {zh: 规则\(index)-\(offset), en: Rule \(index)-\(offset)}

                """
                rules += 1
            }
        }
        return text
    }

    mutating func run() throws {
        report.section("Catalogue and 秒批 rules (issue 5)")
        let paths = KioskPaths.resolve(executable: zizhu)
        let folder = paths.kioskFolder.appendingPathComponent("catalogue")
        // The shipped catalogue, as the kiosk and `zizhu catalogue check` load it.
        var catalogue: Catalogue?
        var loads: [Double] = []
        for _ in 0..<30 {
            let start = now()
            catalogue = try KioskResources.loadCatalogue(folder: folder)
            loads.append((now() - start) * 1000)
        }
        guard let shipped = catalogue else { throw BenchError.failed("the catalogue did not load") }
        let rules = shipped.services.reduce(0) { $0 + $1.rules.count }
        let loaded = Samples(values: loads)
        report.add("load + check Kiosk/catalogue (read, parse, type-check, analyse)", loaded.median, unit: "ms",
                   note: String(format: "p90 %.1f ms; %d files, %d services, %d rules", loaded.percentile(90),
                                shipped.services.count + 2, shipped.services.count, rules))

        // The 100-rule service: load and check it on its own, then decide.
        let shared = try ["departments.yaml", "elicences.yaml"].map { name in
            (name: name, text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        let service = Self.hundredRuleService()
        var checks: [Double] = []
        var big: Catalogue?
        for _ in 0..<30 {
            let start = now()
            do {
                big = try Catalogue.load(files: shared + [(name: "bench-hundred-rules.yaml", text: service)])
            } catch {
                throw BenchError.failed("the 100-rule service does not load:\n\(error)")
            }
            checks.append((now() - start) * 1000)
        }
        guard let hundred = big?.service(id: "bench-hundred-rules") else { throw BenchError.failed("no 100-rule service") }
        report.add("load + check one service with \(hundred.rules.count) rules", Samples(values: checks).median, unit: "ms")

        let today = CalendarDate(year: 2026, month: 11, day: 22) ?? .epoch
        let card = IdentityCard(kind: .resident, name: "基准", gender: .male, birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                idNumber: IDNumber(fromCard: "440106198806150019"))
        var facts = Facts.applicant(card, today: today)
        for index in 0..<25 { facts["field.f\(index)"] = .number(Double(1000 + index)) }
        facts["material.id-card.present"] = .bool(true)
        facts["material.id-card.grade"] = .grade(.a)
        var decisions: [Double] = []
        var outcome = Outcome.refused
        var checked = 0
        for _ in 0..<20_000 {
            let start = now()
            let decision = Decider.decide(hundred, facts: facts, today: today)
            decisions.append((now() - start) * 1e6)
            outcome = decision.outcome
            checked = decision.checks.count
        }
        let decided = Samples(values: decisions)
        report.add("decide a \(hundred.rules.count)-rule service: p50", decided.median, unit: "µs",
                   note: "\(checked) checks, outcome \(outcome.rawValue), every rule's result kept")
        report.add("decide a \(hundred.rules.count)-rule service: p99", decided.percentile(99), unit: "µs")
    }
}
