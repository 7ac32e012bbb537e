// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import ZizhuCore
import ZizhuKiosk
import ZizhuOutbox
import ZizhuResources
#if canImport(Glibc)
import Glibc
#endif

/// `zizhu setup FILE`: a newly installed kiosk set up from the technician's
/// `zizhu-setup.yaml` (on the image, the boot partition's; `zizhu-setup.service` runs it at
/// boot while the file is there). It enrols the kiosk with the platform, keeps the kiosk's id,
/// site and technician PIN hash in `$ZIZHU_HOME/site.yaml`, and deletes the file, so neither
/// the one-time token nor the PIN stays on the disk. What happened is written beside the file
/// as `zizhu-setup-result.txt` (no secrets), for the technician to read on a laptop.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Set up a newly installed kiosk from the technician's zizhu-setup.yaml: enrol it, keep its site and technician PIN, delete the file.",
        discussion: """
            A file that is wrong changes nothing; a platform that cannot be reached or refuses the token leaves the file \
            where it is (the unit tries again). Run as root, the files it makes in ZIZHU_HOME are given to that folder's owner.
            """)

    @Argument(help: "The technician's file (on the kiosk image: /boot/efi/zizhu-setup.yaml).") var file: String
    @OptionGroup var kiosk: KioskConfigOption

    static let resultName = "zizhu-setup-result.txt"

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        let result = url.deletingLastPathComponent().appendingPathComponent(Self.resultName)
        func report(_ zh: String, _ en: String) {
            let text = "\(Date().ISO8601Format())\n\(zh)\n\(en)\n"
            print(text, terminator: "")
            let temporary = result.deletingLastPathComponent().appendingPathComponent("." + Self.resultName + ".new")
            if (try? Data(text.utf8).write(to: temporary)) != nil { rename(temporary.path, result.path) }
            sync()
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            report("找不到设置文件 \(file)", "cannot read the set-up file \(file)")
            throw ExitCode(2)
        }
        let setup: KioskSetup
        do {
            setup = try KioskSetup.parse(String(decoding: data, as: UTF8.self), file: url.lastPathComponent)
        } catch {
            report("设置文件有误，未做任何更改：", "the set-up file is wrong; nothing was changed:\n\(error)")
            throw ExitCode(2)
        }
        let context = try KioskContext.load(kiosk)
        let resources = try KioskResources.load(paths: context.paths, configPath: kiosk.config)
        let home = context.paths.home
        let siteFile = home.appendingPathComponent(KioskSite.fileName)
        let earlier = FileManager.default.contents(atPath: siteFile.path)
            .flatMap { try? KioskSite.parse(String(decoding: $0, as: UTF8.self), file: siteFile.path) }
        let stored: TechnicianPIN.Stored?
        do {
            stored = try setup.technicianPIN.map { try TechnicianLock.hash($0) }
        } catch {
            report("技术人员密码无法保存，未做任何更改", "the technician PIN could not be stored; nothing was changed: \(error)")
            throw ExitCode(2)
        }
        let base = setup.central.hasSuffix("/") ? String(setup.central.dropLast()) : setup.central
        let siteName = setup.siteName ?? resources.config.siteName
        let enrolment: Enrolment
        do {
            enrolment = try await Enrolment.enrol(central: base, token: setup.token, kioskID: setup.kioskID ?? resources.config.kioskID,
                                                  siteName: siteName.zh, caPEM: setup.caPEM)
        } catch {
            report("未能登记到平台（设置文件保留，网络或令牌修好后会再试）：\(error)",
                   "enrolment with \(base) failed (the file is kept and tried again): \(error)")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try enrolment.save(home: home)
        // The key that seals payloads at rest, made now as at `zizhu enroll`.
        _ = try context.outbox()
        let site = KioskSite(kioskID: enrolment.kioskID, siteName: setup.siteName ?? earlier?.siteName,
                             technicianPIN: stored ?? earlier?.technicianPIN)
        let temporary = home.appendingPathComponent("." + KioskSite.fileName + ".new")
        try Data(site.yaml.utf8).write(to: temporary)
        chmod(temporary.path, 0o640)
        guard rename(temporary.path, siteFile.path) == 0 else {
            report("无法保存终端设置", "cannot keep the site settings in \(siteFile.path): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        Self.giveToOwner(of: home)
        // The token is spent and the PIN is kept only as its hash: the file goes.
        let removed = unlink(url.path) == 0
        report("终端 \(enrolment.kioskID) 已登记到 \(base)\(stored == nil ? "" : "，技术人员密码已设置")"
               + (removed ? "" : "；请删除设置文件（含令牌和密码）"),
               "kiosk \(enrolment.kioskID) enrolled with \(base)\(stored == nil ? "" : "; technician PIN set")"
               + (removed ? "" : "; delete the set-up file (it holds the token and the PIN): \(String(cString: strerror(errno)))"))
    }

    /// Run as root (the boot-time unit), what was made in the kiosk's folder is given to the
    /// folder's owner, the kiosk's user, who must read and write it.
    static func giveToOwner(of folder: URL) {
        guard geteuid() == 0 else { return }
        var owner = stat()
        guard stat(folder.path, &owner) == 0, owner.st_uid != 0 else { return }
        let entries = FileManager.default.enumerator(atPath: folder.path)
        while let entry = entries?.nextObject() as? String {
            let path = folder.appendingPathComponent(entry).path
            var info = stat()
            if lstat(path, &info) == 0, info.st_uid != owner.st_uid || info.st_gid != owner.st_gid {
                lchown(path, owner.st_uid, owner.st_gid)
            }
        }
    }
}
