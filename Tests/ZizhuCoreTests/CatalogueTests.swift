// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ZizhuCore

enum CatalogueFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Kiosk/catalogue")

    /// The shipped catalogue as (file name, text) pairs.
    static func files() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { (name: $0, text: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The shipped catalogue with one file replaced (or added).
    static func files(replacing name: String, with text: String) throws -> [(name: String, text: String)] {
        var files = try files().filter { $0.name != name }
        files.append((name: name, text: text))
        return files
    }

    static let validService = """
        id: test-service
        code: "901"
        name: {zh: 测试事项, en: Test service}
        theme: personal
        department: hrss
        summary: {zh: 测试, en: Test}
        conditions:
          - {zh: 任何人, en: Anyone}
        time_limit: {legal_days: 5, promised_days: 3}
        fee: {zh: 不收费, en: Free}
        identity: id_card
        approval: instant
        fields:
          - id: income
            label: {zh: 月收入, en: Monthly income}
            type: number
            min: 0
          - id: kind
            label: {zh: 类别, en: Kind}
            type: choice
            options:
              - {id: a, zh: 甲, en: A}
              - {id: b, zh: 乙, en: B}
        materials:
          - id: id-card
            name: {zh: 身份证, en: ID card}
            elicence: id_card
            min_grade: A
          - id: lease
            name: {zh: 租赁合同, en: Lease}
            paper: true
            tolerable:
              deadline_days: 10
              commitment: {zh: 承诺补交, en: I will hand it in}
        rules:
          - id: adult
            require: applicant.age >= 18
            otherwise: refuse
            reason: {zh: 须年满18周岁, en: Must be 18}
          - id: low-income
            require: field.income < 5000
            otherwise: manual
            reason: {zh: 月收入低于5000元, en: Income below 5000}

        """

    /// The valid service with one line (exactly) replaced.
    static func valid(replacing old: String, with new: String) -> String {
        precondition(validService.contains(old), "the fixture has no '\(old)'")
        return validService.replacingOccurrences(of: old, with: new)
    }

    /// The valid service with rules appended.
    static func valid(addingRules rules: String) -> String { validService + rules }

    static let bundle = """
        id: test-bundle
        kind: bundle
        code: "902"
        name: {zh: 测试一件事, en: Test bundle}
        theme: business
        department: market-regulation
        summary: {zh: 测试, en: Test}
        identity: id_card
        time_limit: {legal_days: 5, promised_days: 3}
        fee: {zh: 不收费, en: Free}
        parts:
          - company-registration
          - seal-engraving

        """
}

/// A mistake in a service file and where the checker must report it.
struct CatalogueMistake: Sendable, CustomTestStringConvertible {
    let kind: String
    let file: String
    let text: String
    let location: String
    let message: String

    init(_ kind: String, _ text: String, _ location: String, _ message: String, file: String = "test-service.yaml") {
        self.kind = kind
        self.file = file
        self.text = text
        self.location = location
        self.message = message
    }

    var testDescription: String { kind }

    typealias F = CatalogueFixture

    static let all: [CatalogueMistake] = [
        // YAML and the file's shape
        CatalogueMistake("syntax", "id: test-service\ncode: \"901\n", "test-service.yaml:3:1", "YAML syntax"),
        CatalogueMistake("missing key", F.valid(replacing: "fee: {zh: 不收费, en: Free}\n", with: ""), "test-service.yaml:1:1", "needs 'fee'"),
        CatalogueMistake("not a number", F.valid(replacing: "legal_days: 5", with: "legal_days: five"), "test-service.yaml:9:26", "legal_days must be a whole number"),
        CatalogueMistake("bad keyword", F.valid(replacing: "theme: personal", with: "theme: citizens"), "test-service.yaml:4:8", "theme 'citizens' is not one of business, personal"),
        CatalogueMistake("unknown key", F.validService + "colour: red\n", "test-service.yaml:44:1", "unknown key 'colour'"),
        CatalogueMistake("unknown key in a list", F.valid(replacing: "{zh: 任何人, en: Anyone}", with: "{zh: 任何人, en: Anyone, or nobody}"),
                         "test-service.yaml:8:27", "unknown key 'or nobody'"),
        CatalogueMistake("unknown department", F.valid(replacing: "department: hrss", with: "department: nasa"), "test-service.yaml:5:13", "department 'nasa' is not defined"),
        CatalogueMistake("duplicate code", F.valid(replacing: "\"901\"", with: "\"101\""), "test-service.yaml:2:7", "code 101 is already used"),
        CatalogueMistake("code not digits", F.valid(replacing: "\"901\"", with: "\"9A1\""), "test-service.yaml:2:7", "must be 3 to 6 digits"),
        CatalogueMistake("prefix code", F.valid(replacing: "\"901\"", with: "\"1010\""), "test-service.yaml:2:7", "codes must not be prefixes"),
        // 证照寄递 and fields asked only sometimes
        CatalogueMistake("a field named like the kiosk's delivery fields",
                         F.valid(replacing: "- id: kind", with: "- id: delivery_method") + "delivery:\n  pickup: {zh: 窗口, en: Counter}\n",
                         "test-service.yaml:45:3", "is the kiosk's for 证照寄递"),
        CatalogueMistake("address from the card with no mail",
                         F.validService + "delivery:\n  pickup: {zh: 窗口, en: Counter}\n  mail: false\n  address_from_card: true\n",
                         "test-service.yaml:47:22", "address_from_card is for 邮寄"),
        CatalogueMistake("delivery without a pickup place", F.validService + "delivery:\n  mail: true\n", "test-service.yaml:45:3", "needs 'pickup'"),
        CatalogueMistake("a field's only_if on an unknown fact", F.valid(replacing: "    min: 0\n", with: "    min: 0\n    only_if: field.colour == red\n"),
                         "test-service.yaml:18:14", "field.colour"),
        CatalogueMistake("id and file name differ", F.valid(replacing: "id: test-service", with: "id: other-service"), "test-service.yaml:1:5", "must match its file name"),
        CatalogueMistake("empty English", F.valid(replacing: "en: Test service", with: "en: \"\""), "test-service.yaml:3:22", "name has no English text"),
        CatalogueMistake("promised beyond legal", F.valid(replacing: "promised_days: 3", with: "promised_days: 9"), "test-service.yaml:9:13", "cannot exceed legal_days"),
        CatalogueMistake("unknown receipt", F.validService + "outputs: {receipt: poster}\n", "test-service.yaml:44:20", "no receipt template 'poster'"),
        // Fields
        CatalogueMistake("unknown field type", F.valid(replacing: "type: number", with: "type: money"), "test-service.yaml:16:11", "field type 'money'"),
        CatalogueMistake("duplicate field", F.valid(replacing: "- id: kind", with: "- id: income"), "test-service.yaml:18:9", "field 'income' is defined twice"),
        CatalogueMistake("choice without options", F.valid(replacing: "      - {id: b, zh: 乙, en: B}\n", with: ""), "test-service.yaml:22:7", "needs at least two options"),
        CatalogueMistake("min above max", F.valid(replacing: "    min: 0\n", with: "    min: 10\n    max: 5\n"), "test-service.yaml:17:10", "min (10.0) is above max (5.0)"),
        CatalogueMistake("bounds on text", F.valid(replacing: "    min: 0\n", with: "    min: 0\n    max_length: 4\n").replacingOccurrences(of: "type: number", with: "type: text"),
                         "test-service.yaml:14:5", "min, max and integer are for number fields"),
        CatalogueMistake("prefill from nowhere", F.valid(replacing: "    min: 0\n", with: "    min: 0\n    prefill: bank.balance\n"), "test-service.yaml:18:14", "must be card.<attribute> or elicence.<type>.<attribute>"),
        CatalogueMistake("prefill from an unknown attribute", F.valid(replacing: "    min: 0\n", with: "    min: 0\n    prefill: elicence.business_licence.colour\n"),
                         "test-service.yaml:18:14", "has no attribute 'colour'"),
        CatalogueMistake("short name too wide to draw big", F.valid(replacing: "name: {zh: 测试事项, en: Test service}\n", with: "name: {zh: 测试事项, en: Test service}\nshort_name: {zh: 一二三四五六七, en: Test}\n"),
                         "test-service.yaml:4:13", "short_name must be at most 12 columns wide"),
        CatalogueMistake("prefill of another type", F.valid(replacing: "    min: 0\n", with: "    min: 0\n    prefill: card.name\n"), "test-service.yaml:18:14", "gives person_name, but field 'income' is number"),
        // Materials
        CatalogueMistake("no materials", F.validService.replacingOccurrences(of: "materials:", with: "materials: []\nmaterials_old:"), "test-service.yaml:24:12", "at least one material"),
        CatalogueMistake("unknown e-licence", F.valid(replacing: "elicence: id_card", with: "elicence: passport"), "test-service.yaml:27:15", "unknown e-licence type 'passport'"),
        CatalogueMistake("material of no kind", F.valid(replacing: "    paper: true\n", with: ""), "test-service.yaml:29:5", "needs 'elicence: <type>' or 'paper: true'"),
        CatalogueMistake("bad grade", F.valid(replacing: "min_grade: A", with: "min_grade: E"), "test-service.yaml:28:16", "min_grade 'E' is not one of A, B, C, D"),
        CatalogueMistake("deadline out of range", F.valid(replacing: "deadline_days: 10", with: "deadline_days: 400"), "test-service.yaml:33:22", "deadline_days must be 1 to 180"),
        CatalogueMistake("instant with unverifiable paper", F.valid(replacing: "    tolerable:\n      deadline_days: 10\n      commitment: {zh: 承诺补交, en: I will hand it in}\n", with: ""),
                         "test-service.yaml:29:5", "is paper and not tolerable: no one could be approved on the spot"),
        // Rules: the language
        CatalogueMistake("rule syntax", F.valid(replacing: "applicant.age >= 18", with: "applicant.age >= "), "test-service.yaml:37:30", "the condition ends too soon"),
        CatalogueMistake("rule stray character", F.valid(replacing: "applicant.age >= 18", with: "applicant.age >= 18 ;"), "test-service.yaml:37:34", "';' cannot appear"),
        CatalogueMistake("unknown fact", F.valid(replacing: "applicant.age >= 18", with: "applicant.agee >= 18"), "test-service.yaml:37:14", "unknown fact 'applicant.agee'"),
        CatalogueMistake("type error", F.valid(replacing: "field.income < 5000", with: "field.income < \"lots\""), "test-service.yaml:41:29", "is not a number"),
        CatalogueMistake("unknown choice value", F.valid(replacing: "field.income < 5000", with: "field.kind == c"), "test-service.yaml:41:28", "'c' is not one of a, b"),
        CatalogueMistake("ordering an unordered fact", F.valid(replacing: "field.income < 5000", with: "field.kind < b"), "test-service.yaml:41:25", "needs an ordered fact"),
        CatalogueMistake("a non-boolean alone", F.valid(replacing: "field.income < 5000", with: "field.income"), "test-service.yaml:41:14", "compare it with something"),
        CatalogueMistake("bad effective date", F.valid(addingRules: "  - id: dated\n    require: field.kind == a\n    otherwise: manual\n    reason: {zh: 甲, en: A}\n    effective: {from: 2026-13-01}\n"),
                         "test-service.yaml:48:23", "must be a date YYYY-MM-DD"),
        CatalogueMistake("duplicate rule", F.valid(replacing: "- id: low-income", with: "- id: adult"), "test-service.yaml:40:9", "rule 'adult' is defined twice"),
        // Rules: the load-time analysis
        CatalogueMistake("a rule that can never fail", F.valid(addingRules: "  - id: alive\n    require: applicant.age >= 0\n    otherwise: manual\n    reason: {zh: 甲, en: A}\n"),
                         "test-service.yaml:44:5", "rule 'alive' is unreachable: its requirement always holds"),
        CatalogueMistake("a guard that never holds", F.valid(addingRules: "  - id: odd\n    only_if: field.income < 0\n    require: field.kind == a\n    otherwise: manual\n    reason: {zh: 甲, en: A}\n"),
                         "test-service.yaml:44:5", "rule 'odd' is unreachable: its only_if can never hold"),
        CatalogueMistake("overlapping rules", F.valid(addingRules: "  - id: adult-16\n    require: applicant.age >= 16\n    otherwise: refuse\n    reason: {zh: 甲, en: A}\n"),
                         "test-service.yaml:44:5", "rule 'adult-16' overlaps rule 'adult'"),
        CatalogueMistake("no one can be approved", F.valid(addingRules: "  - id: rich\n    require: field.income > 6000\n    otherwise: manual\n    reason: {zh: 甲, en: A}\n"),
                         "test-service.yaml:36:5", "no applicant can ever be approved for 'test-service': 'low-income' and 'rich' cannot both hold"),
        CatalogueMistake("ends before it starts", F.valid(addingRules: "  - id: dated\n    require: field.kind == a\n    otherwise: manual\n    reason: {zh: 甲, en: A}\n    effective: {from: 2026-06-01, to: 2026-01-01}\n"),
                         "test-service.yaml:44:5", "ends (2026-01-01) before it starts (2026-06-01)"),
        // Bundles
        CatalogueMistake("bundle with an unknown part", F.bundle.replacingOccurrences(of: "  - seal-engraving", with: "  - teleportation"),
                         "test-bundle.yaml:13:5", "part 'teleportation' is not a service", file: "test-bundle.yaml"),
        CatalogueMistake("bundle with one part", F.bundle.replacingOccurrences(of: "  - seal-engraving\n", with: ""),
                         "test-bundle.yaml:12:3", "needs at least two parts", file: "test-bundle.yaml"),
        CatalogueMistake("bundle with its own rules", F.bundle + "rules: []\n", "test-bundle.yaml:14:8", "a bundle takes 'rules' from its parts", file: "test-bundle.yaml"),
        CatalogueMistake("bundle of a bundle", F.bundle.replacingOccurrences(of: "  - seal-engraving", with: "  - birth-bundle"),
                         "test-bundle.yaml:13:5", "bundles cannot contain bundles", file: "test-bundle.yaml"),
        CatalogueMistake("bundle parts that disagree", F.bundle.replacingOccurrences(of: "  - seal-engraving", with: "  - invoice-application\n  - test-service"),
                         "test-bundle.yaml:14:5", "field 'phone'", file: "test-bundle.yaml"),
    ]
}

@Suite("Service catalogue: loading and checking")
struct CatalogueTests {
    func problems(_ files: [(name: String, text: String)]) -> [FileProblem] {
        do {
            _ = try Catalogue.load(files: files)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func theShippedCatalogueLoads() throws {
        let catalogue = try Catalogue.load(files: try CatalogueFixture.files())
        #expect(catalogue.services.count >= 12)
        #expect(!catalogue.services(theme: .personal).isEmpty && !catalogue.services(theme: .business).isEmpty)
        #expect(!catalogue.hotServices.isEmpty)
        for required in ["social-insurance-certificate", "no-property-certificate", "real-estate-records-query",
                         "business-licence-print", "medical-advertising-review", "food-business-licence",
                         "residence-permit", "temporary-id-card", "tax-payment-record", "housing-fund-statement"] {
            #expect(catalogue.service(id: required) != nil, "\(required) is missing")
        }
        #expect(catalogue.service(code: "101")?.id == "social-insurance-certificate")
        #expect(catalogue.services(codePrefix: "10").count == 9)
        #expect(catalogue.departmentsWithServices.count == catalogue.departments.count)
    }

    /// 证照寄递: a service with `delivery` asks 领取方式 and, only for 邮寄, an address
    /// (prefilled from the card) and a phone; one that offers only 自取 asks nothing.
    @Test func deliveryAddsTheMethodAndTheMailingQuestionsAskedOnlyForMail() throws {
        let catalogue = try Catalogue.load(files: try CatalogueFixture.files())
        let pass = try #require(catalogue.service(id: "border-tourism-pass"))
        let delivery = try #require(pass.delivery)
        #expect(delivery.pickup.zh == "区出入境接待大厅3号窗口" && delivery.mail && delivery.addressFromCard)
        let fields = pass.fields.suffix(3)
        #expect(fields.map(\.id) == ["delivery_method", "delivery_address", "delivery_phone"])
        #expect(fields.map(\.type) == [.choice, .text, .phone])
        let address = try #require(pass.field(id: "delivery_address"))
        #expect(address.prefill == .card("address") && address.maxLength == ResultDelivery.addressLength)
        #expect(address.isAsked(Facts(["field.delivery_method": .choice("mail")])))
        #expect(!address.isAsked(Facts(["field.delivery_method": .choice("pickup")])))
        #expect(address.isAsked(Facts()))   // not chosen yet: counted as asked
        #expect(pass.field(id: "delivery_method")?.onlyIf == nil)

        let pickupOnly = CatalogueFixture.validService + "delivery:\n  pickup: {zh: 窗口, en: Counter}\n  mail: false\n"
        let only = try #require(try Catalogue.load(files: try CatalogueFixture.files(replacing: "test-service.yaml", with: pickupOnly))
            .service(id: "test-service"))
        #expect(only.delivery?.mail == false && !only.fields.contains { ResultDelivery.fieldIDs.contains($0.id) })
        #expect(only.delivery?.choice(["delivery_method": "mail"]) == .pickup(LocalizedText(zh: "窗口", en: "Counter")))

        // A catalogue field asked only sometimes.
        let sometimes = CatalogueFixture.valid(replacing: "    min: 0\n", with: "    min: 0\n    only_if: field.kind == b\n")
        let service = try #require(try Catalogue.load(files: try CatalogueFixture.files(replacing: "test-service.yaml", with: sometimes))
            .service(id: "test-service"))
        let income = try #require(service.field(id: "income"))
        #expect(!income.isAsked(Facts(["field.kind": .choice("a")])) && income.isAsked(Facts(["field.kind": .choice("b")])))
    }

    /// What a receipt left on the kiosk gives away: the start of the address, the phone's ends.
    @Test func theDeliveryLineShortensTheAddressAndMasksThePhone() {
        #expect(DeliveryChoice.maskedAddress("广东省广州市天河区演示大道100号") == "广东省广州市天河****")
        #expect(DeliveryChoice.maskedAddress("北京") == "北****")
        #expect(DeliveryChoice.maskedAddress("") == "****")
        #expect(DeliveryChoice.maskedPhone("13912345678") == "139****5678")
        #expect(DeliveryChoice.maskedPhone("02087654321") == "020****4321")
        #expect(DeliveryChoice.maskedPhone("1234") == "****")
        let line = DeliveryChoice.mail(address: "广东省广州市天河区演示大道100号", phone: "13912345678").line
        #expect(line.en == "By post: 广东省广州市天河****, phone 139****5678")
    }

    @Test func aValidNewServiceIsAccepted() throws {
        let files = try CatalogueFixture.files(replacing: "test-service.yaml", with: CatalogueFixture.validService)
        let catalogue = try Catalogue.load(files: files)
        let service = try #require(catalogue.service(id: "test-service"))
        #expect(service.timeLimit == TimeLimit(legalDays: 5, promisedDays: 3))
        #expect(!service.hot)
    }

    /// Each class of mistake an operator can make, with the line:column it must be reported at.
    @Test(arguments: CatalogueMistake.all)
    func everyMistakeNamesFileLineAndColumn(_ mistake: CatalogueMistake) throws {
        let (kind, text, location, message) = (mistake.kind, mistake.text, mistake.location, mistake.message)
        var files = try CatalogueFixture.files(replacing: mistake.file, with: text)
        if mistake.kind == "bundle parts that disagree" {
            // A service whose 'phone' is a number, unlike company-registration's phone field.
            files.append((name: "test-service.yaml", text: CatalogueFixture.valid(replacing: "- id: income", with: "- id: phone")
                .replacingOccurrences(of: "field.income", with: "field.phone")))
        }
        let found = problems(files)
        #expect(!found.isEmpty, "\(kind): accepted")
        let match = found.first { $0.description.hasPrefix(location) && $0.description.contains(message) }
        #expect(match != nil, "\(kind): expected '\(location): …\(message)…', got \(found.map(\.description))")
    }

    @Test func aBrokenDepartmentsFileIsReported() throws {
        let text = "departments:\n  - id: hrss\n    name: {zh: 人社局, en: HRSS}\n  - id: hrss\n    name: {zh: 重复, en: Again}\n"
        let found = problems(try CatalogueFixture.files(replacing: "departments.yaml", with: text))
        #expect(found.contains { $0.description.hasPrefix("departments.yaml:4:5") && $0.description.contains("defined twice") })
    }

    @Test func allProblemsAreReportedAtOnce() throws {
        var files = try CatalogueFixture.files()
        files.append((name: "a-one.yaml", text: CatalogueFixture.validService.replacingOccurrences(of: "id: test-service", with: "id: a-one").replacingOccurrences(of: "hrss", with: "nasa")))
        files.append((name: "b-two.yaml", text: "id: [unclosed"))
        let found = problems(files)
        #expect(found.contains { $0.location.file == "a-one.yaml" })
        #expect(found.contains { $0.location.file == "b-two.yaml" })
    }

    @Test func aCatalogueWithoutDepartmentsIsRefused() {
        let found = problems([(name: "x.yaml", text: CatalogueFixture.validService)])
        #expect(found.first?.message.contains("departments.yaml") == true)
    }
}

@Suite("Kiosk configuration")
struct KioskConfigTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Kiosk/kiosk.yaml")

    @Test func theShippedConfigLoads() throws {
        let config = try KioskConfig.parse(String(contentsOf: Self.shipped, encoding: .utf8), file: "kiosk.yaml")
        #expect(config.kioskID == "zizhu-demo-001")
        #expect(config.defaultLanguage == .zhHans)
        #expect(config.idleTimeoutSeconds == 60 && config.countdownSeconds == 10)
        #expect(config.minimumWidth == 80 && config.minimumHeight == 24)
    }

    @Test(arguments: [
        ("kiosk:\n  id: k1\n  name: {zh: 甲, en: A}\nidle:\n  timeout_secods: 30\n", "kiosk.yaml:5:3", "unknown key 'timeout_secods' in idle"),
        ("kiosk:\n  id: k1\n  name: {zh: 甲, en: A}\nidle:\n  timeout_seconds: 5\n", "kiosk.yaml:5:20", "between 15 and 3600"),
        ("kiosk:\n  id: k1\n  name: {zh: 甲, en: A}\nscreen:\n  min_width: 40\n", "kiosk.yaml:5:14", "cannot be below 80"),
        ("kiosk:\n  id: k1\n  name: {zh: 甲, en: A}\nlanguage: fr\n", "kiosk.yaml:4:11", "language"),
        ("kiosk:\n  name: {zh: 甲, en: A}\n", "kiosk.yaml:2:3", "missing required key 'id' in kiosk"),
        ("kiosk: [\n", "kiosk.yaml:2:1", "YAML syntax"),
        ("", "kiosk.yaml:1:1", "empty"),
    ])
    func badConfigsNameTheLine(_ text: String, _ location: String, _ message: String) {
        do {
            _ = try KioskConfig.parse(text, file: "kiosk.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.problems.contains { $0.description.hasPrefix(location) && $0.description.contains(message) },
                    "expected \(location) …\(message)…, got \(error.description)")
        }
    }
}

@Suite("String tables")
struct StringTableTests {
    @Test func missingEmptyAndUnknownKeysAreAllReported() {
        do {
            _ = try StringTable.parse("a: 甲\nb: \"\"\nz: 多余\n", language: .zhHans, file: "zh.yaml", requiredKeys: ["a", "b", "c"])
            Issue.record("accepted")
        } catch {
            let text = error.description
            #expect(text.contains("zh.yaml:2:4: 'b' is empty"))
            #expect(text.contains("zh.yaml:3:1: unknown key 'z'"))
            #expect(text.contains("missing key 'c'"))
        }
    }

    @Test func placeholdersAreFilled() throws {
        let table = try StringTable.parse("greet: 你好，{name}\n", language: .zhHans, file: "zh.yaml", requiredKeys: ["greet"])
        #expect(table["greet"].filling(["name": "张三"]) == "你好，张三")
        #expect(table["missing"] == "[missing]")
    }
}

/// Every ✗ a citizen can meet says what to do about it (办法).
@Suite("The shipped catalogue says what to do about every failure")
struct RemedyTests {
    @Test func everyRuleHasARemedyInBothLanguages() throws {
        let catalogue = try Catalogue.load(files: try CatalogueFixture.files())
        for service in catalogue.services {
            for rule in service.rules {
                let remedy = try #require(rule.remedy, "\(service.id)/\(rule.id) has no remedy (\(rule.location))")
                #expect(!remedy.zh.isEmpty && !remedy.en.isEmpty, "\(service.id)/\(rule.id)")
            }
        }
    }

    @Test func everyFailedCheckOfAnEmptyApplicationSaysWhatToDo() throws {
        let catalogue = try Catalogue.load(files: try CatalogueFixture.files())
        let today = CalendarDate(year: 2026, month: 11, day: 22) ?? .epoch
        // Facts that make rules fail in both directions: nothing known, then zeros and "no".
        for service in catalogue.services where !service.isBundle {
            var zeros = Facts(["applicant.age": .number(0), "applicant.gender": .choice("male"), "applicant.region": .text("000000"),
                               "applicant.card_kind": .choice("manual"), "credit.status": .choice("dishonest")])
            for name in service.schema.names where zeros[name] == nil {
                switch service.schema[name] {
                case .number?: zeros[name] = .number(0)
                case .bool?: zeros[name] = .bool(false)
                default: break
                }
            }
            for facts in [Facts(), zeros] {
                for check in Decider.decide(service, facts: facts, today: today).checks {
                    if case .failed = check.status {
                        #expect(check.remedy != nil, "\(service.id): ✗ \(check.id) has no 办法")
                    }
                }
            }
        }
    }
}
