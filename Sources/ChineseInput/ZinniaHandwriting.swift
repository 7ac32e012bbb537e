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

    private let lock = NSLock()
    private let recognizer: OpaquePointer
    private var last: (drawing: Drawing, limit: Int, found: [String])?
    /// How many characters the model knows.
    public let characterCount: Int

    public init(model: URL = debianModel) throws(Problem) {
        guard let recognizer = zinnia_recognizer_new() else { throw .cannotOpen(path: model.path, reason: "out of memory") }
        guard zinnia_recognizer_open(recognizer, model.path) != 0 else {
            let reason = zinnia_recognizer_strerror(recognizer).map { String(cString: $0) } ?? "unknown"
            zinnia_recognizer_destroy(recognizer)
            throw .cannotOpen(path: model.path, reason: reason)
        }
        self.recognizer = recognizer
        characterCount = zinnia_recognizer_size(recognizer)
    }

    deinit { zinnia_recognizer_destroy(recognizer) }

    public func recognise(_ drawing: Drawing, limit: Int) -> [String] {
        guard limit > 0, !drawing.isEmpty, drawing.width > 0, drawing.height > 0 else { return [] }
        return lock.withLock {
            if let last, last.drawing == drawing, last.limit >= limit { return Array(last.found.prefix(limit)) }
            guard let character = zinnia_character_new() else { return [] }
            defer { zinnia_character_destroy(character) }
            zinnia_character_set_width(character, drawing.width)
            zinnia_character_set_height(character, drawing.height)
            for (id, stroke) in drawing.strokes.enumerated() {
                for point in stroke { _ = zinnia_character_add(character, id, Int32(clamping: point.x), Int32(clamping: point.y)) }
            }
            guard let result = zinnia_recognizer_classify(recognizer, character, limit) else { return [] }
            defer { zinnia_result_destroy(result) }
            var found: [String] = []
            for index in 0..<zinnia_result_size(result) {
                if let value = zinnia_result_value(result, index) { found.append(String(cString: value)) }
            }
            last = (drawing, limit, found)
            return found
        }
    }
}
