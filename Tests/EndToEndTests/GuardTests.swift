// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// Start-up guards through the real binary: one clear line on stderr and exit status 2,
/// never ncurses' own exit(1) or a garbled screen.
@Suite("Start-up guards of the real binary")
struct GuardTests {
    static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
                           "TERM": "xterm-256color", "ZIZHU_HOME": Built.temporaryDirectory("guard").path]
        for (key, value) in changes { environment[key] = value }
        return environment.compactMapValues { $0 }
    }

    @Test(arguments: [
        ("TERM unset", ["TERM": nil], "TERM is unset"),
        ("TERM dumb", ["TERM": "dumb"], "TERM is 'dumb'"),
        ("non-UTF-8 locale", ["LANG": "C", "LC_ALL": "C"], "not UTF-8"),
        ("no terminal", [:], "must be a terminal"),
    ] as [(String, [String: String?], String)])
    func refusesWithOneLine(_ situation: String, _ changes: [String: String?], _ message: String) async throws {
        let run = try await Run.program(Built.zizhu, ["run", "--demo"], environment: Self.environment(changes))
        #expect(run.status == 2, "\(situation): exit \(run.status)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(situation): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(situation): \(run.stderr)")
        #expect(run.stdout.isEmpty, "\(situation) wrote to stdout: \(run.stdout.debugDescription)")
    }

    @Test(arguments: [("nosuchterm", "not known to terminfo"), ("dumb", "TERM is 'dumb'")])
    func refusesUnusableTerminalsInsideARealTerminal(_ term: String, _ message: String) async throws {
        let scratch = Built.temporaryDirectory("guard-pty")
        let tmux = Tmux()
        try tmux.start("env TERM=\(term) LANG=C.UTF-8 ZIZHU_HOME=\(scratch.path) \(Built.zizhu) run --demo "
                       + "2>\(scratch.path)/err; echo $? > \(scratch.path)/rc; sleep 30")
        let rc = await waitForFile(scratch.appendingPathComponent("rc"))
        #expect(rc?.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let err = (try? String(contentsOf: scratch.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        #expect(err.split(separator: "\n").count == 1 && err.contains(message), "\(err)")
    }

    @Test func aBrokenConfigNamesTheLineAndExits78() async throws {
        let scratch = Built.temporaryDirectory("bad-config")
        let config = scratch.appendingPathComponent("kiosk.yaml")
        try "kiosk:\n  id: k\n  name: {zh: 甲, en: A}\nidle:\n  timeout_seconds: 1\n".write(to: config, atomically: true, encoding: .utf8)
        let tmux = Tmux()
        try tmux.start("env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(scratch.path) \(Built.zizhu) run --config \(config.path) "
                       + "2>\(scratch.path)/err; echo $? > \(scratch.path)/rc; sleep 30")
        #expect(await waitForFile(scratch.appendingPathComponent("rc"))?.trimmingCharacters(in: .whitespacesAndNewlines) == "78")
        let err = (try? String(contentsOf: scratch.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        #expect(err.contains("\(config.path):5:20:"), "\(err)")
    }

    @Test func aBrokenCatalogueDoesNotKeepTheKioskDark() async throws {
        let share = Built.temporaryDirectory("bad-catalogue")
        for folder in ["Assets", "Kiosk", "Devices"] {
            try FileManager.default.copyItem(at: Built.repository.appendingPathComponent(folder), to: share.appendingPathComponent(folder))
        }
        let broken = share.appendingPathComponent("Kiosk/catalogue/residence-permit.yaml")
        try "id: residence-permit\ncode: [\n".write(to: broken, atomically: true, encoding: .utf8)
        let tmux = Tmux()
        try tmux.start("env TERM=xterm-256color LANG=C.UTF-8 ZIZHU_HOME=\(share.path) ZIZHU_SHARE=\(share.path) "
                       + "\(Built.zizhu) run --demo; sleep 30")
        // The attract screen comes up and says 办事 is paused (暂停服务), and why.
        let home = try await tmux.waitForScreen { $0.contains("本机暂停办理业务：服务目录暂不可用") }
        #expect(home.contains("取号、查询进度仍可使用") && home.contains("呼叫帮办"), "\(home)")
        try tmux.sendKeys("1")
        #expect(try await tmux.waitForScreen { $0.contains("人工服务窗口") }.contains("暂停服务"))
        let log = try String(contentsOf: share.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)
        #expect(log.contains("catalogue not loaded: \(broken.path):3:1"), "\(log)")
    }

    @Test func versionAndHelp() async throws {
        let version = try await Run.program(Built.zizhu, ["--version"], environment: Self.environment([:]))
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("zizhu ") && version.stdout.contains("ncurses") && version.stdout.contains("libusb")
                && version.stdout.contains("libcups"))
        for arguments in [["--help"], ["run", "--help"]] {
            let help = try await Run.program(Built.zizhu, arguments, environment: Self.environment([:]))
            #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(arguments): \(help.stdout)")
        }
    }
}
