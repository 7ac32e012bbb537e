// SPDX-License-Identifier: Apache-2.0
import CRime
import Foundation
import ZizhuUI

/// Phrase pinyin through librime (the engine of 小狼毫, 鼠须管 and fcitx5-rime) with
/// Debian's `rime-data-luna-pinyin` dictionary in its simplified-Chinese schema
/// (`luna_pinyin_simp`): "guangdongsheng" gives 广东省 first, "guangzhoushitianhequ"
/// 广州市天河区, and a partial phrase leaves the rest of the letters to convert next.
///
/// A public kiosk must not learn from its citizens: the schema is patched so that librime
/// keeps no user dictionary (one citizen's name never becomes the next one's suggestion),
/// and nothing typed is written anywhere. librime is one engine per process, so there is
/// one `RimePinyin` per process too (`shared(workFolder:)`); every call holds its lock.
///
/// ```swift
/// let pinyin = try RimePinyin.shared(workFolder: home.appendingPathComponent("input-method"))
/// pinyin.candidates(for: "zhangsan", limit: 6)   // 张三, 张, 涨, …
/// ```
public final class RimePinyin: PinyinComposer, @unchecked Sendable {
    /// Why the engine could not start; said by the kiosk's diagnostics and its log.
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case noDictionary(String)
        case cannotWrite(String)
        case schemaUnavailable(String)

        public var description: String {
            switch self {
            case .noDictionary(let path): return "no pinyin dictionary at \(path) (install rime-data-luna-pinyin)"
            case .cannotWrite(let path): return "cannot prepare librime's work folder \(path)"
            case .schemaUnavailable(let why): return "librime could not open the luna_pinyin_simp schema: \(why)"
            }
        }
    }

    /// Where Debian installs the schemas and their prebuilt dictionaries.
    public static let debianData = URL(fileURLWithPath: "/usr/share/rime-data")
    public static let schema = "luna_pinyin_simp"
    /// Debian's librime (package librime1), opened when pinyin is first needed.
    public static let debianLibrary = "librime.so.1"
    /// Letters beyond this are not converted (an address is well under it).
    public static let maximumLetters = 40

    private static let startLock = NSLock()
    nonisolated(unsafe) private static var started: RimePinyin?

    private let lock = NSLock()
    private let api: UnsafeMutablePointer<RimeApi>
    private var session: RimeSessionId = 0
    private var finished = false
    /// Recent answers (a frame is drawn on every touch; librime is asked once per spelling).
    private var cache: [String: (limit: Int, found: [InputCandidate])] = [:]
    private var cacheOrder: [String] = []
    public let workFolder: URL

    /// The process's engine, started on first use in `workFolder` (deployed there once:
    /// about half a second the first time, nothing after). Once started, later calls get
    /// the same engine whatever folder they name (librime cannot be started twice).
    public static func shared(workFolder: URL, sharedData: URL = debianData) throws(Problem) -> RimePinyin {
        startLock.lock()
        defer { startLock.unlock() }
        if let started { return started }
        let engine = try RimePinyin(workFolder: workFolder, sharedData: sharedData)
        started = engine
        return engine
    }

    private init(workFolder: URL, sharedData: URL) throws(Problem) {
        self.workFolder = workFolder
        let prism = sharedData.appendingPathComponent("build/\(Self.schema).prism.bin").path
        guard FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("\(Self.schema).schema.yaml").path),
              FileManager.default.fileExists(atPath: prism) else { throw .noDictionary(sharedData.path) }
        // rime-prelude's default.yaml holds the key bindings every schema builds on: without it
        // librime logs "Missing ascii bindings" and keeps a user dictionary after all
        // (Debian recommends the package but does not require it).
        guard FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("default.yaml").path) else {
            throw .schemaUnavailable("\(sharedData.path)/default.yaml is missing: install rime-prelude (and rime-essay, for the order of phrases)")
        }
        do {
            try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // Only this schema is deployed, and it keeps no user dictionary.
            try Data("patch:\n  schema_list:\n    - schema: \(Self.schema)\n".utf8)
                .write(to: workFolder.appendingPathComponent("default.custom.yaml"), options: .atomic)
            try Data("patch:\n  translator/enable_user_dict: false\n  menu/page_size: 9\n".utf8)
                .write(to: workFolder.appendingPathComponent("\(Self.schema).custom.yaml"), options: .atomic)
        } catch {
            throw .cannotWrite(workFolder.path)
        }
        var problem: UnsafePointer<CChar>?
        guard let api = zz_rime_load(Self.debianLibrary, &problem) else {
            throw .schemaUnavailable("cannot open \(Self.debianLibrary): \(problem.map { String(cString: $0) } ?? "unknown")")
        }
        self.api = api
        var traits = zz_rime_traits()
        // librime keeps these pointers for the life of the process: never freed.
        func kept(_ text: String) -> UnsafePointer<CChar>? { strdup(text).map { UnsafePointer($0) } }
        traits.shared_data_dir = kept(sharedData.path)
        traits.user_data_dir = kept(workFolder.path)
        traits.distribution_name = kept("Zizhu")
        traits.distribution_code_name = kept("zizhu")
        traits.distribution_version = kept("1")
        traits.app_name = kept("rime.zizhu")
        traits.log_dir = kept(workFolder.appendingPathComponent("logs").path)
        traits.min_log_level = 2
        try? FileManager.default.createDirectory(at: workFolder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        api.pointee.setup?(&traits)
        api.pointee.initialize?(&traits)
        if api.pointee.start_maintenance?(0) != 0 { api.pointee.join_maintenance_thread?() }
        guard openSession() else { throw .schemaUnavailable("see \(workFolder.path)/logs") }
        // librime's service is a C++ static whose destructor crashes on a session still
        // open (in the script translator's poet) when the process exits. An exit handler
        // registered after librime started runs before that destructor: it closes the
        // session and finalizes librime. (A process that exits while librime is still
        // starting must not run C++ static destructors at all: the kiosk leaves with
        // `_exit`, see `Zizhu.Run`.)
        atexit { RimePinyin.finish() }
    }

    /// Closes the session and finalizes librime (at exit; no candidates after it).
    private static func finish() {
        guard let engine = startLock.withLock({ started }) else { return }
        engine.lock.withLock {
            if engine.session != 0 { _ = engine.api.pointee.destroy_session?(engine.session) }
            engine.session = 0
            engine.api.pointee.finalize?()
            engine.finished = true
        }
    }

    /// A session on the schema (librime drops idle sessions after a while: opened again).
    private func openSession() -> Swift.Bool {
        if session != 0, api.pointee.find_session?(session) != 0 { return true }
        guard let id = api.pointee.create_session?(), id != 0 else { return false }
        session = id
        return api.pointee.select_schema?(id, Self.schema) != 0
    }

    public func candidates(for letters: String, limit: Int) -> [InputCandidate] {
        guard limit > 0, !letters.isEmpty, letters.utf8.count <= Self.maximumLetters,
              letters.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else { return [] }
        return lock.withLock {
            guard !finished else { return [] }
            if let known = cache[letters], known.limit >= limit { return Array(known.found.prefix(limit)) }
            guard openSession() else { return [] }
            let texts = menu(letters, limit: limit)
            var found: [InputCandidate] = []
            for (index, text) in texts.enumerated() {
                guard let remaining = remainder(letters, choosing: index) else { continue }
                found.append(InputCandidate(text: text, remaining: remaining))
            }
            api.pointee.clear_composition?(session)
            if cache[letters] == nil { cacheOrder.append(letters) }
            cache[letters] = (limit, found)
            while cacheOrder.count > 256 { cache[cacheOrder.removeFirst()] = nil }
            return found
        }
    }

    /// The candidates librime offers for the letters, in its order.
    private func menu(_ letters: String, limit: Int) -> [String] {
        api.pointee.clear_composition?(session)
        guard api.pointee.simulate_key_sequence?(session, letters) != 0 else { return [] }
        var iterator = RimeCandidateListIterator()
        guard api.pointee.candidate_list_begin?(session, &iterator) != 0 else { return [] }
        defer { api.pointee.candidate_list_end?(&iterator) }
        var texts: [String] = []
        while texts.count < limit, api.pointee.candidate_list_next?(&iterator) != 0 {
            if let text = iterator.candidate.text { texts.append(String(cString: text)) }
        }
        return texts
    }

    /// The letters left after choosing candidate `index` ("" when it covers them all); nil
    /// when librime's answer does not make sense (then the candidate is not offered).
    private func remainder(_ letters: String, choosing index: Int) -> String? {
        api.pointee.clear_composition?(session)
        guard api.pointee.simulate_key_sequence?(session, letters) != 0,
              api.pointee.select_candidate?(session, index) != 0 else { return nil }
        var commit = zz_rime_commit()
        if api.pointee.get_commit?(session, &commit) != 0 {
            api.pointee.free_commit?(&commit)
            return ""
        }
        var context = zz_rime_context()
        guard api.pointee.get_context?(session, &context) != 0 else { return nil }
        defer { _ = api.pointee.free_context?(&context) }
        guard let preedit = context.composition.preedit else { return "" }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(preedit).assumingMemoryBound(to: UInt8.self),
                                              count: strlen(preedit)))
        let start = Int(context.composition.sel_start)
        guard start >= 0, start <= bytes.count else { return nil }
        let rest = String(decoding: bytes[start...].filter { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }, as: UTF8.self)
        return letters.hasSuffix(rest) && rest.count < letters.count ? rest : nil
    }
}
