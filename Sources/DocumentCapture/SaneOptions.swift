// SPDX-License-Identifier: Apache-2.0
import CSane
import Foundation

/// A scanner's options, set by name the way `scanimage --NAME VALUE` does: numbers clamped
/// to the device's range (or the nearest value it lists), strings only from its list.
struct SaneOptions {
    let handle: SANE_Handle

    func has(_ name: String) -> Bool { descriptor(name) != nil }

    private func descriptor(_ name: String) -> (index: SANE_Int, option: SANE_Option_Descriptor)? {
        var count: SANE_Int = 0
        guard sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &count, nil) == SANE_STATUS_GOOD else { return nil }
        guard count > 1 else { return nil }
        for index in 1..<count {
            guard let option = sane_get_option_descriptor(handle, index)?.pointee,
                  let optionName = option.name, String(cString: optionName) == name else { continue }
            if option.cap & SANE_Int(zz_sane_cap_inactive()) != 0 { return nil }
            return (index, option)
        }
        return nil
    }

    /// Sets the first of `choices` the device lists for a string option (`value` if it is
    /// listed); for devices that name their modes differently.
    func set(_ name: String, _ value: String, orOneOf choices: [String]) throws(CaptureFault) {
        guard let (_, option) = descriptor(name) else { return }
        let listed = Self.strings(option)
        let chosen = listed.contains(value) ? value : choices.first { listed.contains($0) } ?? value
        _ = try set(name, chosen)
    }

    /// Sets one option; the value the device took, as text.
    @discardableResult
    func set(_ name: String, _ value: String) throws(CaptureFault) -> String {
        guard let (index, option) = descriptor(name) else { throw .device(detail: "the scanner has no option '\(name)' (or it is inactive)") }
        guard option.cap & SANE_Int(zz_sane_cap_soft_select()) != 0 else { throw .device(detail: "option '\(name)' cannot be set by software") }
        var info: SANE_Int = 0
        let status: SANE_Status
        let taken: String
        switch option.type {
        case SANE_TYPE_BOOL:
            var word: SANE_Word = ["1", "yes", "true", "on"].contains(value.lowercased()) ? 1 : 0
            status = sane_control_option(handle, index, SANE_ACTION_SET_VALUE, &word, &info)
            taken = word == 1 ? "yes" : "no"
        case SANE_TYPE_INT, SANE_TYPE_FIXED:
            guard option.size == SANE_Int(MemoryLayout<SANE_Word>.size) else { throw .device(detail: "option '\(name)' is a list of numbers, not one") }
            guard let number = Double(value), number.isFinite else { throw .device(detail: "option '\(name)' takes a number, not '\(value)'") }
            let fixed = option.type == SANE_TYPE_FIXED
            var word = Self.constrained(fixed ? Self.fix(number) : SANE_Word(clamping: Int(number.rounded())), option)
            status = sane_control_option(handle, index, SANE_ACTION_SET_VALUE, &word, &info)
            taken = fixed ? String(Double(word) / 65536) : String(word)
        case SANE_TYPE_STRING:
            let listed = Self.strings(option)
            guard listed.isEmpty || listed.contains(value) else {
                throw .device(detail: "option '\(name)' is one of \(listed.joined(separator: " | ")), not '\(value)'")
            }
            var bytes = [CChar](repeating: 0, count: max(Int(option.size), value.utf8.count + 1))
            for (offset, byte) in value.utf8.enumerated() { bytes[offset] = CChar(bitPattern: byte) }
            status = sane_control_option(handle, index, SANE_ACTION_SET_VALUE, &bytes, &info)
            taken = value
        default:
            throw .device(detail: "option '\(name)' is not one the kiosk sets (a button or a group)")
        }
        guard status == SANE_STATUS_GOOD else { throw .device(detail: "setting \(name) to \(value): \(SaneScanners.words(status))") }
        return taken
    }

    static func fix(_ value: Double) -> SANE_Word { SANE_Word(clamping: Int((value * 65536).rounded())) }

    /// A number inside the option's range (on its step), or the listed value nearest to it.
    static func constrained(_ word: SANE_Word, _ option: SANE_Option_Descriptor) -> SANE_Word {
        switch option.constraint_type {
        case SANE_CONSTRAINT_RANGE:
            guard let range = option.constraint.range?.pointee else { return word }
            var clamped = min(max(word, range.min), range.max)
            if range.quant > 0 {
                let steps = (Int64(clamped) - Int64(range.min) + Int64(range.quant) / 2) / Int64(range.quant)
                clamped = SANE_Word(clamping: min(Int64(range.max), Int64(range.min) + steps * Int64(range.quant)))
            }
            return clamped
        case SANE_CONSTRAINT_WORD_LIST:
            // The list's first word is how many follow.
            guard let list = option.constraint.word_list, list[0] > 0 else { return word }
            var best = list[1]
            for index in 1...Int(list[0]) where abs(Int64(list[index]) - Int64(word)) < abs(Int64(best) - Int64(word)) { best = list[index] }
            return best
        default:
            return word
        }
    }

    /// The values a string option lists (empty when it takes any string).
    static func strings(_ option: SANE_Option_Descriptor) -> [String] {
        guard option.constraint_type == SANE_CONSTRAINT_STRING_LIST, let list = option.constraint.string_list else { return [] }
        var values: [String] = []
        var index = 0
        while let entry = list[index] {
            values.append(String(cString: entry))
            index += 1
        }
        return values
    }
}

/// How a frame's bytes lay out (SANE_Parameters), and how they become gray dots.
struct FrameLayout {
    enum Kind { case gray, rgb }
    let kind: Kind
    let depth: Int
    let bytesPerLine: Int
    let pixelsPerLine: Int
    /// Nil when the device does not know the page's length before it ends (hand scanners, feeders).
    let lines: Int?

    init(_ parameters: SANE_Parameters) throws(CaptureFault) {
        switch parameters.format {
        case SANE_FRAME_GRAY: kind = .gray
        case SANE_FRAME_RGB: kind = .rgb
        default: throw .unusable(detail: "frame format \(parameters.format.rawValue) (three-pass colour is not supported)")
        }
        depth = Int(parameters.depth)
        bytesPerLine = Int(parameters.bytes_per_line)
        pixelsPerLine = Int(parameters.pixels_per_line)
        lines = parameters.lines > 0 ? Int(parameters.lines) : nil
        guard [1, 8, 16].contains(depth), kind == .gray || depth != 1 else { throw .unusable(detail: "depth \(depth) in \(kind)") }
        let samples = pixelsPerLine * (kind == .rgb ? 3 : 1)
        let needed = depth == 1 ? (samples + 7) / 8 : samples * depth / 8
        guard pixelsPerLine > 0, pixelsPerLine <= 65_536, bytesPerLine >= needed, bytesPerLine <= 1 << 20 else {
            throw .unusable(detail: "\(pixelsPerLine) dots in \(bytesPerLine) bytes a line at depth \(depth)")
        }
    }

    var expectedBytes: Int? {
        guard let lines else { return nil }
        let (bytes, overflow) = lines.multipliedReportingOverflow(by: bytesPerLine)
        return overflow || bytes > SaneScanners.largestPage ? nil : bytes
    }

    func page(from data: [UInt8], dpi: Int) throws(CaptureFault) -> ScannedPage {
        let complete = data.count / bytesPerLine
        if let lines, complete < lines {
            throw .interrupted(detail: "the frame ended after \(complete) of \(lines) lines")
        }
        let height = lines ?? complete
        guard height > 0 else { throw .unusable(detail: "the frame has no lines") }
        var gray = [UInt8](repeating: 255, count: pixelsPerLine * height)
        for y in 0..<height {
            let row = y * bytesPerLine
            for x in 0..<pixelsPerLine {
                gray[y * pixelsPerLine + x] = sample(data, row: row, x: x)
            }
        }
        guard let page = ScannedPage(width: pixelsPerLine, height: height, dpi: dpi, pixels: gray) else {
            throw .unusable(detail: "\(pixelsPerLine)×\(height)")
        }
        return page
    }

    /// One dot's gray value (16-bit samples are in the machine's byte order; 1-bit: 1 is black).
    private func sample(_ data: [UInt8], row: Int, x: Int) -> UInt8 {
        func eight(_ index: Int) -> Int {
            depth == 16 ? Int(UInt16(data[row + index * 2]) | UInt16(data[row + index * 2 + 1]) << 8) >> 8 : Int(data[row + index])
        }
        switch kind {
        case .gray where depth == 1:
            let byte = data[row + x / 8]
            return byte & (0x80 >> UInt8(x % 8)) != 0 ? 0 : 255
        case .gray:
            return UInt8(eight(x))
        case .rgb:
            return UInt8((eight(x * 3) * 77 + eight(x * 3 + 1) * 150 + eight(x * 3 + 2) * 29) >> 8)
        }
    }
}
