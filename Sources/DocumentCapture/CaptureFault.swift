// SPDX-License-Identifier: Apache-2.0

/// Why a page could not be captured: what the citizen is told (zh/en) and what the
/// technician's log says (`description`). A page that was not captured whole is never kept.
public enum CaptureFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// No scanner answers (unplugged, no driver, the profile's device not found).
    case noScanner(detail: String)
    /// The feeder is empty or the glass has nothing on it the device can sense.
    case noPaper
    /// A sheet is stuck in the feeder.
    case jammed
    /// The lid or the feeder's cover is open.
    case coverOpen
    /// Another program holds the device.
    case busy
    /// The device stopped answering in the middle of a page (pulled out, failing).
    case interrupted(detail: String)
    /// The scan was cancelled (by the kiosk: the citizen left, or the session timed out).
    case cancelled
    /// The device answered with something the kiosk cannot use (a format, a size).
    case unusable(detail: String)
    /// Any other failure, in the backend's own words.
    case device(detail: String)

    public var zh: String {
        switch self {
        case .noScanner, .device, .unusable: return "扫描仪暂时无法使用。您可以先提交，纸质材料稍后到窗口补交，或呼叫帮办。"
        case .noPaper: return "没有检测到纸张，请把材料放入扫描区（平板扫描：有字的一面朝下）。"
        case .jammed: return "扫描仪卡纸了，请呼叫帮办取出纸张。"
        case .coverOpen: return "扫描仪盖板没有合上，请合上后再扫描。"
        case .busy: return "扫描仪正忙，请稍等几秒再试。"
        case .interrupted: return "扫描中断了，这一页没有保存。请放好材料再扫一次；仍不行请呼叫帮办。"
        case .cancelled: return "扫描已取消。"
        }
    }

    public var en: String {
        switch self {
        case .noScanner, .device, .unusable:
            return "The scanner is not available. You can submit now and hand in the paper at a counter later, or call for help."
        case .noPaper: return "No paper found. Place the page in the scanner (on the glass: text side down)."
        case .jammed: return "The paper is jammed. Please call for help to clear it."
        case .coverOpen: return "The scanner's lid is open. Close it and scan again."
        case .busy: return "The scanner is busy. Wait a few seconds and try again."
        case .interrupted: return "The scan stopped part-way and this page was not kept. Place the page and scan again, or call for help."
        case .cancelled: return "The scan was cancelled."
        }
    }

    /// For the technician and the log, in SANE's terms. Never holds a page's content.
    public var description: String {
        switch self {
        case .noScanner(let detail): return "no scanner: \(detail)"
        case .noPaper: return "no paper (SANE_STATUS_NO_DOCS)"
        case .jammed: return "paper jammed (SANE_STATUS_JAMMED)"
        case .coverOpen: return "cover open (SANE_STATUS_COVER_OPEN)"
        case .busy: return "device busy (SANE_STATUS_DEVICE_BUSY)"
        case .interrupted(let detail): return "scan interrupted: \(detail)"
        case .cancelled: return "cancelled (SANE_STATUS_CANCELLED)"
        case .unusable(let detail): return "unusable frame: \(detail)"
        case .device(let detail): return "scanner error: \(detail)"
        }
    }
}
