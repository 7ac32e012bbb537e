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
        materials:
          - {zh: 身份证, en: ID card}
        time_limit: {legal_days: 5, promised_days: 3}
        fee: {zh: 不收费, en: Free}
        identity: id_card
        """
}

/// A mistake in a service file and where the checker must report it.
struct CatalogueMistake: Sendable, CustomTestStringConvertible {
    let kind: String
    let text: String
    let location: String
    let message: String

    init(_ kind: String, _ text: String, _ location: String, _ message: String) {
        self.kind = kind
        self.text = text
        self.location = location
        self.message = message
    }

    var testDescription: String { kind }

    static let all: [CatalogueMistake] = [
        CatalogueMistake("syntax", "id: test-service\ncode: \"901\n", "test-service.yaml:3:1", "YAML syntax"),
        CatalogueMistake("missing key", CatalogueFixture.validService.replacingOccurrences(of: "fee: {zh: 不收费, en: Free}\n", with: ""),
         "test-service.yaml:1:1", "missing required key 'fee'"),
        CatalogueMistake("wrong type", CatalogueFixture.validService.replacingOccurrences(of: "legal_days: 5", with: "legal_days: five"),
         "test-service.yaml:11:26", "time_limit.legal_days: expected a whole number, found 'five'"),
        CatalogueMistake("bad theme", CatalogueFixture.validService.replacingOccurrences(of: "theme: personal", with: "theme: citizens"),
         "test-service.yaml:4:8", "theme"),
        CatalogueMistake("unknown key", CatalogueFixture.validService + "\ncolour: red", "test-service.yaml:14:1", "unknown key 'colour'"),
        CatalogueMistake("unknown key in a list", CatalogueFixture.validService.replacingOccurrences(of: "{zh: 任何人, en: Anyone}", with: "{zh: 任何人, en: Anyone, or nobody}"),
         "test-service.yaml:8:27", "unknown key 'or nobody' in conditions[]"),
        CatalogueMistake("unknown department", CatalogueFixture.validService.replacingOccurrences(of: "department: hrss", with: "department: nasa"),
         "test-service.yaml:5:13", "department 'nasa' is not defined"),
        CatalogueMistake("duplicate code", CatalogueFixture.validService.replacingOccurrences(of: "\"901\"", with: "\"101\""),
         "test-service.yaml:2:7", "code 101 is already used"),
        CatalogueMistake("code not digits", CatalogueFixture.validService.replacingOccurrences(of: "\"901\"", with: "\"9A1\""),
         "test-service.yaml:2:7", "must be 3 to 6 digits"),
        CatalogueMistake("prefix code", CatalogueFixture.validService.replacingOccurrences(of: "\"901\"", with: "\"1010\""),
         "test-service.yaml:2:7", "codes must not be prefixes"),
        CatalogueMistake("id and file name differ", CatalogueFixture.validService.replacingOccurrences(of: "id: test-service", with: "id: other-service"),
         "test-service.yaml:1:5", "must match its file name"),
        CatalogueMistake("empty English", CatalogueFixture.validService.replacingOccurrences(of: "en: Test service", with: "en: \"\""),
         "test-service.yaml:3:7", "name has no English text"),
        CatalogueMistake("promised beyond legal", CatalogueFixture.validService.replacingOccurrences(of: "promised_days: 3", with: "promised_days: 9"),
         "test-service.yaml:11:13", "cannot exceed legal_days"),
        CatalogueMistake("no materials", CatalogueFixture.validService.replacingOccurrences(of: "materials:\n  - {zh: 身份证, en: ID card}", with: "materials: []"),
         "test-service.yaml:9:12", "at least one material"),
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
        let found = problems(try CatalogueFixture.files(replacing: "test-service.yaml", with: text))
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
