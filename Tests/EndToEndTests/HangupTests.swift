import CPseudoTerminal
import Foundation
import Testing

/// A kiosk whose terminal disappears (the terminal emulator crashed, the pty closed)
/// must stop — so its supervisor restarts it — rather than spin on a dead descriptor.
@Suite("Terminal hang-up")
struct HangupTests {
    @Test func theKioskStopsWhenItsTerminalGoesAway() throws {
        var name = [CChar](repeating: 0, count: 128)
        let master = zz_open_pseudo_terminal(&name, name.count, 30, 100)
        try #require(master >= 0)
        let slave = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let home = Built.temporaryDirectory("hangup")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in 3..<256 { posix_spawn_file_actions_addclose(&actions, Int32(fd)) }
        let argv = ([Built.zizhu, "run", "--demo"] as [String]).map { strdup($0) } + [nil]
        let envp = (["TERM=xterm-256color", "LANG=C.UTF-8", "ZIZHU_HOME=\(home.path)"] as [String]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, Built.zizhu, &actions, nil, argv, envp) == 0)
        // Wait for the first frame, then close our end of the terminal.
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        let marker = Array("F10 退出演示".utf8)
        while clock.now < deadline {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
            if output.count >= marker.count && String(decoding: output, as: UTF8.self).contains("F10 退出演示") { break }
        }
        #expect(String(decoding: output, as: UTF8.self).contains("F10 退出演示"))
        close(master)
        var status: Int32 = 0
        var exited = false
        let stopBy = clock.now + .seconds(10)
        while clock.now < stopBy {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        if !exited { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        #expect(exited, "the kiosk kept running on a hung-up terminal")
        #expect((status & 0x7f) != 0 || (status >> 8) & 0xff == 1, "status \(status)")
        let log = (try? String(contentsOf: home.appendingPathComponent("logs/zizhu.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("hung up") || (status & 0x7f) == SIGHUP, "\(log)")
    }
}
