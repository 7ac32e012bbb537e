// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Testing
import ZizhuCore
@testable import ZizhuKiosk
import ZizhuResources

enum Checkout {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One folder for everything this test process writes; removed when the process exits.
    static let scratchRoot: URL = {
        let url = URL(fileURLWithPath: "/tmp/zizhu-kiosk-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/zizhu-kiosk-tests-\(getpid())") }
        return url
    }()

    static func scratch(_ label: String) throws -> URL {
        let url = scratchRoot.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of Assets/ and Kiosk/ that a test may break.
    static func copyOfShare() throws -> URL {
        let target = try scratch("share")
        for folder in ["Assets", "Kiosk"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(folder), to: target.appendingPathComponent(folder))
        }
        return target
    }
}

@Suite("Where the kiosk keeps its files")
struct KioskPathsTests {
    @Test func zizhuHomeWins() {
        let paths = KioskPaths.resolve(environment: ["ZIZHU_HOME": "/tmp/kiosk-a", "XDG_STATE_HOME": "/x", "HOME": "/h"],
                                       executable: "/nowhere/zizhu")
        #expect(paths.home.path == "/tmp/kiosk-a")
        #expect(paths.logFile.path == "/tmp/kiosk-a/logs/zizhu.log")
    }

    @Test func defaultsFollowTheUser() {
        let paths = KioskPaths.resolve(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/h"], executable: "/nowhere/zizhu")
        if geteuid() == 0 {
            #expect(paths.home.path == "/var/lib/zizhu")
        } else {
            #expect(paths.home.path == "/x/state/zizhu")
        }
    }

    @Test func theShareRootIsFoundFromTheExecutable() {
        let executable = Checkout.root.appendingPathComponent(".build/debug/zizhu").path
        let paths = KioskPaths.resolve(environment: ["ZIZHU_HOME": "/tmp/k"], executable: executable)
        #expect(paths.shareRoot.standardizedFileURL.path == Checkout.root.standardizedFileURL.path)
        let explicit = KioskPaths.resolve(environment: ["ZIZHU_SHARE": "/opt/share"], executable: executable)
        #expect(explicit.shareRoot.path == "/opt/share")
    }

    @Test func aLocalConfigInZizhuHomeIsPreferred() throws {
        let home = try Checkout.scratch("home")
        let paths = KioskPaths(home: home, shareRoot: Checkout.root)
        #expect(paths.configFile(explicit: nil).path == Checkout.root.appendingPathComponent("Kiosk/kiosk.yaml").path)
        try "x".write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        #expect(paths.configFile(explicit: nil).path == home.appendingPathComponent("kiosk.yaml").path)
        #expect(paths.configFile(explicit: "/etc/zizhu.yaml").path == "/etc/zizhu.yaml")
    }
}

@Suite("Loading the kiosk's files")
struct KioskResourcesTests {
    @Test func theShippedFilesLoad() throws {
        let resources = try KioskResources.load(paths: KioskPaths(home: try Checkout.scratch("h"), shareRoot: Checkout.root),
                                                configPath: nil)
        #expect(try resources.catalogue().services.count >= 12)
        #expect(resources.strings.count == Language.allCases.count)
    }

    @Test func aBrokenStringTableNamesFileLineAndColumn() throws {
        let share = try Checkout.copyOfShare()
        let file = share.appendingPathComponent("Assets/strings/en.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "nav.back: Back\n", with: "nav.bak: Back\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try KioskResources.load(paths: KioskPaths(home: share, shareRoot: share), configPath: nil)
            Issue.record("accepted a broken string table")
        } catch {
            #expect(error.description.contains("\(file.path):"))
            #expect(error.description.contains("unknown key 'nav.bak'"))
            #expect(error.description.contains("missing key 'nav.back'"))
        }
    }

    @Test func aBrokenCatalogueFileNamesItsFullPath() throws {
        let share = try Checkout.copyOfShare()
        let file = share.appendingPathComponent("Kiosk/catalogue/residence-permit.yaml")
        try "id: residence-permit\ncode: [\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try KioskResources.load(paths: KioskPaths(home: share, shareRoot: share), configPath: nil).catalogue()
            Issue.record("accepted a broken catalogue")
        } catch {
            #expect(error.description.hasPrefix(file.path + ":3:1:"), "\(error.description)")
        }
    }

    @Test func aMissingCatalogueFolderIsAClearError() throws {
        let share = try Checkout.copyOfShare()
        try FileManager.default.removeItem(at: share.appendingPathComponent("Kiosk/catalogue"))
        #expect(throws: StartupError.self) {
            _ = try KioskResources.load(paths: KioskPaths(home: share, shareRoot: share), configPath: nil).catalogue()
        }
    }

    @Test func notUTF8IsAClearError() throws {
        let share = try Checkout.copyOfShare()
        let file = share.appendingPathComponent("Kiosk/kiosk.yaml")
        try Data([0x6B, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: file)
        do {
            _ = try KioskResources.load(paths: KioskPaths(home: share, shareRoot: share), configPath: nil)
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("not UTF-8"))
        }
    }
}

@Suite("Elder-mode glyphs and the log file")
struct GlyphAndLogTests {
    @Test func unifontGlyphsLoadForTheVocabulary() throws {
        let (font, problem) = GlyphLoader.load(path: "/usr/share/unifont/unifont.hex", scalars: [0x529E, 0x4E8B, 0x41])
        let loaded = try #require(font, "apt-get install unifont")
        #expect(problem == nil)
        #expect(loaded.glyphs[0x529E]?.width == 16)   // 办
        #expect(loaded.glyphs[0x41]?.width == 8)      // A
        #expect(loaded.render("办事").allSatisfy { $0.count == 32 })
    }

    @Test func aMissingFontIsReportedNotFatal() {
        let (font, problem) = GlyphLoader.load(path: "/nonexistent/unifont.hex", scalars: [0x41])
        #expect(font == nil)
        #expect(problem?.contains("apt-get install unifont") == true)
    }

    @Test func malformedFontLinesAreSkippedAndCounted() throws {
        let file = try Checkout.scratch("font").appendingPathComponent("bad.hex")
        try "0041:00000000101010107E424242000000\n0042:XYZ\nnot a glyph\n".write(to: file, atomically: true, encoding: .utf8)
        let (font, problem) = GlyphLoader.load(path: file.path, scalars: [0x41, 0x42])
        #expect(font?.glyphs.count == 0 || font?.glyphs[0x41] == nil)   // 0041 has 30 digits: malformed
        #expect(problem?.contains("malformed") == true)
        #expect(problem?.contains("no Unifont glyph") == true)
    }

    @Test func receiptGlyphsAreReadOncePerCharacter() throws {
        let file = try Checkout.scratch("font-cache").appendingPathComponent("small.hex")
        let text = "0041:0000000018242442427E424242420000\n4E8B:" + String(repeating: "0F", count: 32) + "\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let cache = GlyphCache(path: file.path)
        let first = try #require(cache.font(for: [0x41, 0x4E8B]))
        #expect(first.glyphs[0x41]?.width == 8 && first.glyphs[0x4E8B]?.width == 16)
        #expect(cache.fileReads == 1)
        // The same characters again, a subset, and nothing at all: no new read.
        #expect(cache.font(for: [0x4E8B])?.glyphs.keys.sorted() == [0x4E8B])
        #expect(cache.font(for: [])?.glyphs.isEmpty == true)
        #expect(cache.fileReads == 1)
        // A character the font lacks is looked for once, then remembered as absent.
        #expect(cache.font(for: [0x41, 0x9F98])?.glyphs.keys.sorted() == [0x41])
        #expect(cache.font(for: [0x9F98])?.glyphs.isEmpty == true)
        #expect(cache.fileReads == 2)
        // Without the file there is no font, and the next call looks again.
        let missing = GlyphCache(path: file.path + ".gone")
        #expect(missing.font(for: [0x41]) == nil)
        #expect(missing.font(for: [0x41]) == nil)
        #expect(missing.fileReads == 2)
    }

    @Test func logLinesAreAppended() throws {
        let file = try Checkout.scratch("log").appendingPathComponent("logs/zizhu.log")
        let sink = LogSink(file: file)
        let logger = Logger(label: "zizhu.test") { FileLogHandler(label: $0, sink: sink) }
        logger.info("screen home", metadata: ["kiosk": "k1"])
        logger.warning("printer low on paper")
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("info zizhu.test: kiosk=k1 screen home"))
        #expect(lines[1].contains("warning") && lines[1].contains("printer low on paper"))
    }
}

@Suite("The last good catalogue")
struct CatalogueKeeperTests {
    @Test func aBadCatalogueIsRefusedAndTheLastGoodOneKeepsServing() throws {
        let share = try Checkout.copyOfShare()
        let home = try Checkout.scratch("home")
        let folder = share.appendingPathComponent("Kiosk/catalogue")
        let keeper = CatalogueKeeper(shipped: folder, home: home)
        // First start: a good catalogue is used and saved.
        let first = keeper.load()
        let good = try #require(first.catalogue)
        #expect(first.problem == nil && !first.usingLastGood)
        #expect(FileManager.default.fileExists(atPath: keeper.lastGood.appendingPathComponent("residence-permit.yaml").path))
        // An operator breaks a rule: the new catalogue is refused with file:line:column...
        let file = folder.appendingPathComponent("residence-permit.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "field.months_resident >= 6", with: "field.months_resdent >= 6")
            .write(to: file, atomically: true, encoding: .utf8)
        let second = keeper.load()
        let problem = try #require(second.problem)
        #expect(problem.contains("\(file.path):"), "\(problem)")
        #expect(problem.contains("months_resdent"), "\(problem)")
        // ...and the kiosk runs on the last good one, with every service it had.
        #expect(second.usingLastGood)
        #expect(second.catalogue?.services.map(\.id) == good.services.map(\.id))
        // The refused catalogue did not overwrite the last good copy.
        let kept = try String(contentsOf: keeper.lastGood.appendingPathComponent("residence-permit.yaml"), encoding: .utf8)
        #expect(kept.contains("field.months_resident >= 6"))
    }

    @Test func withoutALastGoodCopyABadCatalogueLeavesNoServicesAndSaysWhy() throws {
        let share = try Checkout.copyOfShare()
        let folder = share.appendingPathComponent("Kiosk/catalogue")
        try "id: [unclosed\n".write(to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let outcome = CatalogueKeeper(shipped: folder, home: try Checkout.scratch("home")).load()
        #expect(outcome.catalogue == nil && !outcome.usingLastGood)
        #expect(outcome.problem?.contains("broken.yaml:") == true, "\(outcome.problem ?? "")")
    }

    @Test func demoRecordsAnswerLookupsAndStrangersGetAnEmptyFile() async throws {
        let source = try RecordsSource.demo(file: KioskPaths(home: Checkout.root, shareRoot: Checkout.root).demoRecords)
        let known = await source.lookUp(IDNumber(fromCard: "440106198806150019"))
        #expect(known?.elicence("business_licence")?.attributes["credit_code"] == "91440106MA9W0DEM01")
        #expect(known?.elicence("tax_clearance")?.grade == .c)
        let stranger = await source.lookUp(IDNumber(fromCard: "110105199001010029"))
        #expect(stranger?.elicences == [] && stranger?.credit == "good")
        #expect(await RecordsSource.unavailable.lookUp(IDNumber(fromCard: "440106198806150019")) == nil)
    }
}
