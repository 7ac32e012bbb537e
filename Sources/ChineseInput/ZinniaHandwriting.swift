// SPDX-License-Identifier: Apache-2.0
import CZinnia
import Foundation
import ZizhuUI

/// 手写输入 through Zinnia (the online handwriting recogniser of Tegaki and
/// fcitx/ibus handwriting) with Debian's `tegaki-zinnia-simplified-chinese` model: the
/// 6,763 characters of GB 2312, recognised from the strokes as drawn, in stroke order or
/// not.
///
/// ```swift
/// let handwriting = try ZinniaHandwriting()
/// handwriting.recognise(drawing, limit: 6)   // ["王", "壬", "干", …]
/// ```
public final class ZinniaHandwriting: HandwritingRecognizer, @unchecked Sendable {
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason):
                return "cannot open the handwriting model \(path): \(reason) (install tegaki-zinnia-simplified-chinese)"
            }
        }
    }

    public static let debianModel = URL(fileURLWithPath: "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
    /// Debian's libzinnia (package libzinnia0), opened the first time handwriting is needed
    /// and kept (a C++ library is not safely closed).
    public static let debianLibrary = "libzinnia.so.0"

    /// The library's functions, found once (read-only after).
    nonisolated(unsafe) private static let library: Result<zz_zinnia, Problem> = {
        var api = zz_zinnia()
        if let problem = zz_zinnia_load(debianLibrary, &api) {
            return .failure(.cannotOpen(path: debianLibrary, reason: String(cString: problem)))
        }
        return .success(api)
    }()

    private let lock = NSLock()
    private let api: zz_zinnia
    private let recognizer: OpaquePointer
    private var last: (drawing: Drawing, limit: Int, found: [String])?
    /// How many characters the model knows.
    public let characterCount: Int

    public init(model: URL = debianModel) throws(Problem) {
        let api = try Self.library.get()
        guard let recognizer = api.recognizer_new?() else { throw .cannotOpen(path: model.path, reason: "out of memory") }
        guard api.recognizer_open?(recognizer, model.path) != 0 else {
            let reason = api.recognizer_strerror?(recognizer).map { String(cString: $0) } ?? "unknown"
            api.recognizer_destroy?(recognizer)
            throw .cannotOpen(path: model.path, reason: reason)
        }
        self.api = api
        self.recognizer = recognizer
        characterCount = api.recognizer_size?(recognizer) ?? 0
    }

    deinit { api.recognizer_destroy?(recognizer) }

    public func recognise(_ drawing: Drawing, limit: Int) -> [String] {
        guard limit > 0, !drawing.isEmpty, drawing.width > 0, drawing.height > 0 else { return [] }
        return lock.withLock {
            if let last, last.drawing == drawing, last.limit >= limit { return Array(last.found.prefix(limit)) }
            guard let character = api.character_new?() else { return [] }
            defer { api.character_destroy?(character) }
            api.character_set_width?(character, drawing.width)
            api.character_set_height?(character, drawing.height)
            for (id, stroke) in drawing.strokes.enumerated() {
                for point in stroke { _ = api.character_add?(character, id, Int32(clamping: point.x), Int32(clamping: point.y)) }
            }
            guard let result = api.recognizer_classify?(recognizer, character, limit) else { return [] }
            defer { api.result_destroy?(result) }
            var found: [String] = []
            for index in 0..<(api.result_size?(result) ?? 0) {
                if let value = api.result_value?(result, index) { found.append(String(cString: value)) }
            }
            last = (drawing, limit, found)
            return found
        }
    }
}
