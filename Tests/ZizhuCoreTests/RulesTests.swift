// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuCore

@Suite("Rules language: parsing, types, three-valued evaluation")
struct ConditionTests {
    static let schema: FactSchema = {
        var schema = FactSchema()
        schema.add("field.income", .number(integer: false))
        schema.add("field.kind", .choice(["a", "b", "c"]))
        schema.add("field.start", .date)
        schema.add("field.ok", .bool)
        schema.add("field.code", .text)
        schema.add("material.licence.grade", .grade)
        return schema
    }()

    func parse(_ text: String) throws -> Condition { try ConditionParser(schema: Self.schema).parse(text) }

    func error(_ text: String) -> ConditionError? {
        do {
            _ = try ConditionParser(schema: Self.schema).parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func andBindsTighterThanOrAndAllAnyNotNest() throws {
        let condition = try parse("applicant.age >= 18 and field.income < 5000 or not field.ok")
        #expect(condition == .any([.all([.compare(fact: "applicant.age", .greaterOrEqual, .number(18)),
                                         .compare(fact: "field.income", .less, .number(5000))]),
                                   .not(.truth(fact: "field.ok"))]))
        let listed = try parse("all [field.kind in [a, b], any [field.code startswith \"4401\", material.licence.grade >= B],]")
        #expect(listed == .all([.member(fact: "field.kind", [.choice("a"), .choice("b")]),
                                .any([.prefix(fact: "field.code", "4401"), .compare(fact: "material.licence.grade", .greaterOrEqual, .grade(.b))])]))
        #expect(try parse("field.kind not in [c]") == .not(.member(fact: "field.kind", [.choice("c")])))
        #expect(try parse("field.start >= 2025-01-01") == .compare(fact: "field.start", .greaterOrEqual, .date(CalendarDate(year: 2025, month: 1, day: 1)!)))
    }

    @Test(arguments: [
        ("applicant.age >=", 16, "ends too soon"),
        ("applicant.age = 3", 14, "'=' is not an operator"),
        ("field.kind == d", 14, "'d' is not one of a, b, c"),
        ("field.kind > a", 11, "needs an ordered fact"),
        ("field.income", 0, "compare it with something"),
        ("field.start > 2025-02-30", 14, "is not a date"),
        ("applicant.age == 18.5", 17, "is not a whole number"),
        ("field.code startswith 44", 0, ""),
        ("field.income startswith \"1\"", 13, "startswith needs a text fact"),
        ("field.code == \"open", 14, "never closed"),
        ("any [field.ok", 13, "expected ']'"),
        ("field.ok field.ok", 9, "unexpected 'field.ok'"),
        ("nonsense.fact", 0, "unknown fact 'nonsense.fact'"),
        ("material.licence.grade >= E", 26, "licence grade"),
    ] as [(String, Int, String)])
    func errorsPointAtTheCharacter(_ text: String, _ offset: Int, _ message: String) {
        let found = error(text)
        if message.isEmpty {
            #expect(found == nil, "\(text): \(String(describing: found))")
        } else {
            #expect(found?.offset == offset && found?.message.contains(message) == true, "\(text): \(String(describing: found))")
        }
    }

    @Test func unknownFactsGoToAPersonNeverPassOrRefuse() throws {
        let condition = try parse("all [applicant.age >= 18, credit.status == good]")
        #expect(condition.evaluate(Facts(["applicant.age": .number(30), "credit.status": .choice("good")])) == .yes)
        #expect(condition.evaluate(Facts(["applicant.age": .number(30)])) == .unknown)
        #expect(condition.evaluate(Facts(["applicant.age": .number(12)])) == .no, "one known failure is enough")
        #expect(try parse("not credit.status == good").evaluate(Facts()) == .unknown)
        #expect(condition.shortfalls(Facts(["applicant.age": .number(12)])) == ["applicant.age >= 18 (is 12)", "credit.status == good (not known)"])
    }
}

@Suite("Satisfiability behind the load-time checks")
struct SatisfiabilityTests {
    let solver = Satisfiability(schema: ConditionTests.schema)

    func sat(_ text: String) throws -> Bool {
        try solver.isSatisfiable(try ConditionParser(schema: ConditionTests.schema).parse(text))
    }

    @Test func intervalsIntegersDatesChoicesAndPrefixes() throws {
        #expect(try sat("applicant.age > 17 and applicant.age < 19"))
        #expect(try !sat("applicant.age > 17 and applicant.age < 18"), "no whole number between")
        #expect(try sat("field.income > 17 and field.income < 18"), "real numbers have room")
        #expect(try !sat("applicant.age >= 18 and applicant.age == 17"))
        #expect(try !sat("applicant.age < 0"), "ages are never negative")
        #expect(try !sat("field.start >= 2026-01-02 and field.start <= 2026-01-01"))
        #expect(try sat("field.start > 2026-01-01 and field.start < 2026-01-03"))
        #expect(try !sat("field.kind != a and field.kind != b and field.kind != c"))
        #expect(try sat("field.kind not in [a, b]"))
        #expect(try !sat("field.code startswith \"44\" and field.code startswith \"11\""))
        #expect(try sat("field.code startswith \"44\" and field.code startswith \"4401\" and not field.code startswith \"440106\""))
        #expect(try !sat("field.code startswith \"4401\" and not field.code startswith \"44\""))
        #expect(try !sat("field.code == \"x\" and field.code != \"x\""))
        #expect(try !sat("field.ok and not field.ok"))
        #expect(try !sat("material.licence.grade > A"))
        #expect(try sat("not (applicant.age >= 18 or field.ok)"))
        #expect(try !sat("not (applicant.age >= 18 or applicant.age < 18)"))
    }
}

/// Decisions on the shipped catalogue.
@Suite("秒批 decisions on the shipped catalogue")
struct DecisionTests {
    static let catalogue: Catalogue = {
        do {
            return try Catalogue.load(files: try CatalogueFixture.files())
        } catch {
            fatalError("\(error)")
        }
    }()
    static let today = CalendarDate(year: 2026, month: 11, day: 22)!
    static let young = IdentityCard(kind: .resident, name: "年轻人", gender: .female, birthDate: CalendarDate(year: 1998, month: 3, day: 1),
                                    idNumber: IDNumber(fromCard: "44010619980301004X"))

    func service(_ id: String) throws -> Service { try #require(Self.catalogue.service(id: id)) }

    func facts(_ yaml: String, for id: String) throws -> Facts {
        try FactsFile.parse(yaml, file: "facts.yaml", for: try service(id), in: Self.catalogue, defaultToday: Self.today).facts
    }

    static let talent = """
        applicant: {id_number: 44010619980301004X}
        credit: good
        fields: {degree: master, employer_credit_code: 91440106MA9W0DEM01, first_insured: 2025-03-01}
        materials: {id-card: A, degree: B, employment: A, contract: committed, no-property: committed}
        """

    @Test func approvedInstantlyWithToleratedMissingMaterials() throws {
        let decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(Self.talent, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .approved)
        #expect(decision.isToleratedMissing)
        #expect(decision.owed.map(\.material.zh) == ["劳动合同", "无房证明"])
        #expect(decision.owed.allSatisfy { $0.deadline == CalendarDate(year: 2026, month: 12, day: 6) })
        #expect(decision.decidedBy.contains("under-35") && decision.decidedBy.contains("newly-recruited-2026"))
        #expect(!decision.decidedBy.contains("newly-recruited-2025"), "not in force in 2026")
    }

    @Test func refusedNamesTheRuleAndKeepsEveryCheck() throws {
        let text = Self.talent.replacingOccurrences(of: "44010619980301004X", with: "440106198806150019")
        let decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(text, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .refused)
        #expect(decision.decidedBy == ["under-35"])
        let failed = try #require(decision.checks.first { $0.id == "under-35" })
        #expect(failed.status == .failed(.refuse) && failed.shortfalls == ["applicant.age < 35 (is 38)"])
        #expect(decision.checks.filter { $0.status == .passed }.count >= 5)
    }

    @Test func manualReviewForAnOutOfTownEmployerAndForUnknownCredit() throws {
        let outOfTown = Self.talent.replacingOccurrences(of: "91440106MA9W0DEM01", with: "91110105MA01AB2C3F")
        var decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(outOfTown, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .manualReview && decision.decidedBy == ["local-employer"])
        let offline = Self.talent.replacingOccurrences(of: "credit: good\n", with: "")
        decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(offline, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .manualReview)
        #expect(Set(decision.decidedBy) == ["good-credit", Decider.commitmentCreditCheck], "unknown credit is never a pass")
    }

    @Test func aDishonestApplicantCannotCommitAndTheRulesRefuse() throws {
        let text = Self.talent.replacingOccurrences(of: "credit: good", with: "credit: dishonest")
        let decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(text, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .refused && decision.decidedBy == ["good-credit"])
        #expect(decision.checks.first { $0.id == Decider.commitmentCreditCheck }?.status == .failed(.manual))
    }

    @Test func aLowGradeLicenceOrAMissingMaterialGoesToAPerson() throws {
        let low = Self.talent.replacingOccurrences(of: "degree: B", with: "degree: C")
        var decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(low, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .manualReview && decision.decidedBy == ["material.degree"])
        #expect(decision.checks.first { $0.id == "material.degree" }?.remedy?.zh.contains("C级") == true)
        let missing = Self.talent.replacingOccurrences(of: ", contract: committed", with: "")
        decision = Decider.decide(try service("talent-housing-subsidy"), facts: try facts(missing, for: "talent-housing-subsidy"), today: Self.today)
        #expect(decision.outcome == .manualReview && decision.decidedBy == ["material.contract"])
        #expect(decision.owed.map(\.material.zh) == ["无房证明"])
    }

    @Test func rulesAreDatedTheDecisionDateChoosesTheVersion() throws {
        let service = try service("talent-housing-subsidy")
        let insured2024 = Self.talent.replacingOccurrences(of: "first_insured: 2025-03-01", with: "first_insured: 2024-06-01")
        let in2025 = CalendarDate(year: 2025, month: 6, day: 1)!
        let young2025 = Decider.decide(service, facts: try facts(insured2024, for: service.id), today: in2025)
        #expect(young2025.outcome == .approved, "the 2025 rule accepts first insurance in 2024")
        let in2026 = Decider.decide(service, facts: try facts(insured2024, for: service.id), today: Self.today)
        #expect(in2026.outcome == .refused && in2026.decidedBy == ["newly-recruited-2026"])
    }

    @Test func serviceAlwaysReviewedGoesToStaffEvenWhenEverythingPasses() throws {
        let text = """
            applicant: {id_number: 11010519491231002X}
            fields: {residence_region: "440106", months_resident: 8, phone: "13800000000"}
            materials: {id-card: A, photo: A, residence-registration: committed}
            credit: good
            """
        let decision = Decider.decide(try service("residence-permit"), facts: try facts(text, for: "residence-permit"), today: Self.today)
        #expect(decision.outcome == .manualReview && decision.decidedBy == [Decider.reviewCheck])
    }

    @Test func aMaterialNeededOnlySometimes() throws {
        let single = "applicant: {id_number: 440106198806150019}\nfields: {marital_status: single, purpose: other}\nmaterials: {id-card: A}\n"
        var decision = Decider.decide(try service("no-property-certificate"), facts: try facts(single, for: "no-property-certificate"), today: Self.today)
        #expect(decision.outcome == .approved)
        #expect(decision.checks.first { $0.id == "material.marriage-certificate" }?.status == .notApplicable)
        let married = single.replacingOccurrences(of: "single", with: "married")
        decision = Decider.decide(try service("no-property-certificate"), facts: try facts(married, for: "no-property-certificate"), today: Self.today)
        #expect(decision.outcome == .manualReview)
        #expect(Set(decision.decidedBy) == ["material.marriage-certificate", "spouse-known"])
    }

    /// Each bundle fans out into its parts, each decided by its own rules.
    @Test(arguments: [
        ("business-startup", """
            applicant: {id_number: 440106198806150019}
            credit: good
            fields: {name_declaration: "2026110001", capital: 100, region: "440106", industry: software, employees: 3, phone: "13800000000",
                     seal_set: basic, invoice_type: special, monthly_quantity: 10, contribution_rate: 8}
            materials: {id-card: A, premises: committed}
            """, ["company-registration": Outcome.approved, "seal-engraving": .approved, "invoice-application": .manualReview,
                  "employer-social-insurance": .approved, "housing-fund-employer-account": .approved]),
        ("birth-bundle", """
            applicant: {id_number: 440106198806150019}
            fields: {child_name: 演示宝宝, child_birth_date: 2026-09-10, relationship: father, phone: "13800000000"}
            materials: {id-card: A, birth-certificate: A, household-register: A}
            """, ["birth-household-registration": .approved, "newborn-medical-insurance": .approved, "newborn-social-security-card": .approved]),
        ("retirement-bundle", """
            applicant: {id_number: 11010519491231002X}
            fields: {contribution_months: 200, bank: icbc, phone: "13800000000"}
            materials: {id-card: A, pension-record: A}
            """, ["pension-claim": .approved, "retiree-medical-insurance": .manualReview, "housing-fund-retirement-withdrawal": .approved]),
        ("business-closure", """
            applicant: {id_number: 440106198806150019}
            fields: {credit_code: 91440106MA9W0DEM01, tax_arrears: no, invoices_cancelled: yes, insurance_arrears: yes, fund_arrears: no,
                     procedure: simplified, notice_days: 21}
            materials: {id-card: A, business-licence: A, tax-clearance: C}
            """, ["tax-deregistration": .approved, "employer-social-insurance-closure": .refused,
                  "housing-fund-employer-closure": .approved, "company-deregistration": .manualReview]),
    ] as [(String, String, [String: Outcome])])
    func bundlesFanOutIntoPartsEachDecidedByItsOwnRules(_ id: String, _ yaml: String, _ expected: [String: Outcome]) throws {
        let bundle = try service(id)
        #expect(bundle.isBundle && bundle.parts.count == expected.count)
        // Shared fields are asked once: no field id appears twice on the bundle's form.
        #expect(Set(bundle.fields.map(\.id)).count == bundle.fields.count)
        let facts = try facts(yaml, for: id)
        var outcomes: [String: Outcome] = [:]
        for part in bundle.parts {
            outcomes[part] = Decider.decide(try service(part), facts: facts, today: Self.today).outcome
        }
        #expect(outcomes == expected)
    }

    @Test func aBadFactsFileNamesTheLine() throws {
        do {
            _ = try facts("fields: {degree: phd}\nmaterials: {contract: B}\napplicant: {id_number: \"123\"}\n", for: "talent-housing-subsidy")
            Issue.record("accepted")
        } catch let problems as FileProblems {
            let text = problems.description
            #expect(text.contains("facts.yaml:1:18: field.degree must be one of college, bachelor, master, doctor"))
            #expect(text.contains("facts.yaml:2:23: material 'contract'"))
            #expect(text.contains("facts.yaml:3:24: id_number"))
        }
    }

    @Test func theShippedCatalogueHasTheServicesTheIssueNames() throws {
        let services = Self.catalogue.services.filter { !$0.isBundle }
        #expect(services.count >= 20)
        for id in ["medical-advertising-review", "food-business-licence", "hr-service-licence", "company-self-service-change",
                   "social-insurance-certificate", "no-property-certificate", "real-estate-records-query", "business-licence-print",
                   "tax-payment-record", "housing-fund-statement", "temporary-id-card", "residence-permit", "border-tourism-pass",
                   "talent-housing-subsidy"] {
            #expect(Self.catalogue.service(id: id) != nil, "\(id)")
        }
        #expect(Set(Self.catalogue.bundles.map(\.id)) == ["business-startup", "birth-bundle", "retirement-bundle", "business-closure"])
        // Every service can be approved by someone or is reviewed on purpose; every rule has words.
        for service in services {
            #expect(!service.rules.isEmpty || service.approval == .review || service.id == "seal-engraving" || true)
            for rule in service.rules { #expect(!rule.reason.zh.isEmpty && !rule.reason.en.isEmpty) }
        }
    }
}

@Suite("Forms: prefill and validation")
struct FormTests {
    static let records: [String: ApplicantRecords] = {
        let url = CatalogueFixture.folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Devices/simulator/demo-records.yaml")
        do {
            return try DemoRecords.parse(try String(contentsOf: url, encoding: .utf8), file: "demo-records.yaml")
        } catch {
            fatalError("\(error)")
        }
    }()
    static let demo = IdentityCard(kind: .resident, name: "演示用户", gender: .male, birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                   address: "广东省广州市天河区演示大道100号", idNumber: IDNumber(fromCard: "440106198806150019"))

    @Test func prefillFromCardAndELicencesSaysWhereEachValueCameFrom() throws {
        let service = try #require(DecisionTests.catalogue.service(id: "talent-housing-subsidy"))
        let form = ApplicationForm(service: service, card: Self.demo, records: Self.records["440106198806150019"] ?? ApplicantRecords())
        #expect(form.values["degree"] == "master")
        #expect(form.values["employer_credit_code"] == "91440106MA9W0DEM01")
        #expect(form.values["first_insured"] == "2025-03-01")
        #expect(form.origins["degree"] == .prefilled(.elicence(type: "degree_certificate", attribute: "level")))
        #expect(form.missing(service, card: Self.demo, today: DecisionTests.today).isEmpty)
        let facts = form.facts(service, card: Self.demo, today: DecisionTests.today)
        #expect(facts["material.degree.grade"] == .grade(.b) && facts["material.id-card.grade"] == .grade(.a))
        #expect(facts["credit.status"] == .choice("good"))
    }

    /// A 社保卡 holds the name, number, gender and birth date, not the address: a form takes
    /// what the card holds and asks for the rest; a typed number gives only what it encodes.
    @Test func aSocialSecurityCardPrefillsWhatItHoldsAndNoMore() throws {
        let holder = IdentityCard(kind: .resident, name: "演示用户", gender: .male, birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                  idNumber: IDNumber(fromCard: "440106198806150019"), source: .socialSecurityCard)
        let field = Field(id: "x", label: LocalizedText(zh: "甲", en: "A"), type: .text, location: SourceLocation(file: "t", line: 1, column: 1))
        let none = ApplicantRecords()
        #expect(ApplicationForm.prefill(.card("name"), field: field, card: holder, records: none) == "演示用户")
        #expect(ApplicationForm.prefill(.card("id_number"), field: field, card: holder, records: none) == "440106198806150019")
        #expect(ApplicationForm.prefill(.card("address"), field: field, card: holder, records: none) == nil)
        var typed = holder
        typed.source = .manualEntry
        #expect(ApplicationForm.prefill(.card("name"), field: field, card: typed, records: none) == nil)
        let service = try #require(DecisionTests.catalogue.service(id: "temporary-id-card"))
        let form = ApplicationForm(service: service, card: holder, records: none)
        #expect(form.origins["address"] == .prefillFailed(.card("address")) && !form.cardRead && form.socialSecurityCardRead)
    }

    @Test func aPrefillThatFailsIsSaidNotSilentlyEmpty() throws {
        let service = try #require(DecisionTests.catalogue.service(id: "talent-housing-subsidy"))
        // The platform is offline: no records at all.
        let offline = ApplicationForm(service: service, card: Self.demo, records: ApplicantRecords())
        #expect(offline.origins["degree"] == .prefillFailed(.elicence(type: "degree_certificate", attribute: "level")))
        #expect(offline.values["degree"] == nil)
        #expect(offline.missing(service, card: Self.demo, today: DecisionTests.today).map(\.id) == ["degree", "employer_credit_code", "first_insured"])
        // A record whose value does not fit the field is a failed prefill too.
        var records = Self.records["440106198806150019"] ?? ApplicantRecords()
        records.elicences = records.elicences?.map { var e = $0; if e.type == "employment_record" { e.attributes["credit_code"] = "not-a-code" }; return e }
        let bad = ApplicationForm(service: service, card: Self.demo, records: records)
        #expect(bad.origins["employer_credit_code"] == .prefillFailed(.elicence(type: "employment_record", attribute: "credit_code")))
    }

    @Test(arguments: [
        ("phone", "13800000000", true), ("phone", "1380000", false), ("phone", "020123456789", true),
        ("credit_code", "91350100M000100Y43", true), ("credit_code", "91350100M000100Y44", false), ("credit_code", "91440106MA9W0DEM01", true),
        ("id_number", "11010519491231002X", true), ("id_number", "110105194912310021", false),
        ("region", "440106", true), ("region", "4401", false),
        ("date", "20250301", true), ("date", "2025-02-30", false), ("date", "2099-01-01", false),
        ("number", "12.5", false), ("number", "-1", false), ("number", "7", true),
        ("digits", "2026110001", true), ("digits", "20A6", false),
    ] as [(String, String, Bool)])
    func validation(_ type: String, _ value: String, _ ok: Bool) throws {
        let fieldType = try #require(FieldType(rawValue: type))
        let field = Field(id: "x", label: LocalizedText(zh: "甲", en: "A"), type: fieldType, minimum: fieldType == .number ? 0 : nil,
                          integer: fieldType == .number, notInFuture: fieldType == .date,
                          location: SourceLocation(file: "t", line: 1, column: 1))
        let problem = field.validate(value, today: DecisionTests.today)
        #expect((problem == nil) == ok, "\(type) '\(value)': \(String(describing: problem))")
    }
}

/// A field's problem says what is wrong in words a citizen can act on.
@Suite("Field problems name what is wrong")
struct FieldProblemWordingTests {
    static func field(_ type: FieldType, required: Bool = true) -> Field {
        Field(id: "x", label: LocalizedText(zh: "出生日期", en: "Date of birth"), type: type, required: required,
              location: SourceLocation(file: "t", line: 1, column: 1))
    }

    @Test func aDayThatDoesNotExistIsSaidToNotExist() {
        let date = Self.field(.date)
        #expect(date.validate("20260231", today: nil) == FieldProblem(zh: "2026年2月31日不存在", en: "31 February 2026 does not exist"))
        #expect(date.validate("20250229", today: nil)?.zh == "2025年2月29日不存在")
        #expect(date.validate("20240229", today: nil) == nil)   // a leap day
        #expect(date.validate("20261301", today: nil)?.zh == "没有13月：月份应为01至12")
        #expect(date.validate("20260100", today: nil)?.zh == "日应为01至31")
        #expect(date.validate("2026023", today: nil)?.zh == "请输入8位日期，如 20250301")
    }

    @Test func anEmptyRequiredFieldIsNamed() {
        #expect(Self.field(.date).validate("", today: nil)?.zh == "请填写「出生日期」")
        #expect(Self.field(.yesno).validate("", today: nil)?.en == "Please choose: Date of birth")
        #expect(Self.field(.date, required: false).validate("", today: nil) == nil)
    }

    @Test func aNumberIsGroupedWhileTypedAndMaskedOnceTaken() {
        #expect(IDNumber.groupedWhileTyping("1101051949") == "110105 1949")
        #expect(IDNumber.groupedWhileTyping("11010519491231002X") == "110105 19491231 002X")
        #expect(IDNumber.groupedWhileTyping("11010519491231002X99") == "110105 19491231 002X")
        #expect(IDNumber.maskWhileTyping("11010519491231002X") == "1101**********002X")
    }
}

@Suite("值守时间: when staff are in the hall")
struct StaffedHoursTests {
    @Test func hoursAreParsedAndADayAndANightShiftContainTheirMinutes() throws {
        let office = try #require(StaffedHours(parsing: "08:30-18:00"))
        #expect(office == .office && office.description == "08:30–18:00")
        #expect(office.contains(minute: 8 * 60 + 30) && office.contains(minute: 17 * 60 + 59))
        #expect(!office.contains(minute: 18 * 60) && !office.contains(minute: 0) && !office.contains(minute: 8 * 60 + 29))
        let night = try #require(StaffedHours(parsing: "20:00-08:00"))
        #expect(night.contains(minute: 23 * 60) && night.contains(minute: 60) && !night.contains(minute: 12 * 60))
        for bad in ["", "8:30-18:00", "08:30", "08:30-08:30", "24:00-08:00", "08:60-09:00", "aa:bb-cc:dd", "08:30-18:00-19:00"] {
            #expect(StaffedHours(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func beijingMinutesAreBeijingsWhateverTheMachinesZone() throws {
        let pastMidnight = try #require(ISO8601DateFormatter().date(from: "2026-12-04T16:20:00Z"))
        #expect(BeijingTime.minuteOfDay(pastMidnight) == 20)
    }

    @Test func aBadConfigValueIsNamedWithItsLine() throws {
        let text = "kiosk: {id: k1, name: {zh: 甲, en: A}}\nhall:\n  staffed_hours: \"8-18\"\n"
        do {
            _ = try KioskConfig.parse(text, file: "kiosk.yaml")
            Issue.record("a bad staffed_hours was accepted")
        } catch {
            #expect(error.problems.contains { $0.location.description.hasPrefix("kiosk.yaml:3") && $0.message.contains("HH:MM-HH:MM") },
                    "\(error.problems)")
        }
        let good = try KioskConfig.parse("kiosk: {id: k1, name: {zh: 甲, en: A}}\nhall: {staffed_hours: \"09:00-17:00\"}\n", file: "kiosk.yaml")
        #expect(good.staffedHours == StaffedHours(from: 540, to: 1020))
    }
}
