// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// A page the runtime holds after a scan, as the screen shows it: a braille preview and
/// what the quality gate found. The page itself stays with the runtime (`token` names it).
public struct CapturedPage: Sendable, Hashable {
    public var token: Int
    public var preview: [String]
    /// What to fix, in the citizen's words (empty: the page is clear).
    public var problems: [LocalizedText]
    /// Whether it may be kept as it is: a crooked page is still legible, a blank or black one is not.
    public var keepable: Bool

    public init(token: Int, preview: [String], problems: [LocalizedText], keepable: Bool) {
        self.token = token
        self.preview = preview
        self.problems = problems
        self.keepable = keepable
    }
}

/// 扫描纸质材料 for one paper material: place the page, scan, look at the preview, keep it or
/// scan again, page after page. Session data, inside the application.
public struct ScanStep: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        /// Waiting for the citizen to place a page and press 开始扫描.
        case ready
        case scanning
        case captured(CapturedPage)
        /// The scanner failed (no paper, jammed, unplugged…): why, and what to do.
        case failed(LocalizedText)
    }

    /// At most this many pages for one material (a kiosk is not a copy shop; more goes to a counter).
    public static let maximumPages = 10

    public var materialID: String
    public var phase: Phase = .ready
    /// A page was just kept (the screen says so until the next scan).
    public var justKept = false

    public init(materialID: String) { self.materialID = materialID }

    /// The preview's size in cells for a screen this big (the left half of the content).
    static func previewSize(width: Int, height: Int) -> (columns: Int, rows: Int) {
        (max(8, min(40, (width - 10) / 2)), max(4, min(20, height - 15)))
    }

    /// The buttons of the step, by how it stands.
    static func activate(_ state: inout AppState, _ application: inout Application, _ button: ButtonID, service: Service) -> [Effect] {
        switch (state.screen, button) {
        case (.materials, .scanMaterial(let id)):
            guard state.settings.documentScanner, let material = service.materialSpecs.first(where: { $0.id == id }),
                  case .paper = material.kind else { return [] }
            application.scan = ScanStep(materialID: id)
            state.push(.scanMaterial(materialID: id))
            return [.log("scan: \(id)")]
        case (.scanMaterial(let id), .startScan):
            guard var step = application.scan, step.materialID == id, (application.form.scanned[id] ?? 0) < maximumPages else { return [] }
            switch step.phase {
            case .ready, .failed: break
            case .scanning, .captured: return []
            }
            step.phase = .scanning
            step.justKept = false
            application.scan = step
            let size = previewSize(width: state.width, height: state.height)
            return [.scanPage(materialID: id, columns: size.columns, rows: size.rows)]
        case (.scanMaterial(let id), .keepPage):
            guard var step = application.scan, step.materialID == id, case .captured(let page) = step.phase, page.keepable else { return [] }
            let kept = (application.form.scanned[id] ?? 0) + 1
            application.form.scanned[id] = kept
            step.phase = .ready
            step.justKept = true
            application.scan = step
            return [.keepScannedPage(token: page.token, materialID: id), .log("scan: \(id) page \(kept) kept")]
        case (.scanMaterial(let id), .retakePage):
            guard var step = application.scan, step.materialID == id, case .captured(let page) = step.phase else { return [] }
            step.phase = .ready
            application.scan = step
            return [.discardScannedPage(token: page.token), .log("scan: page retaken")]
        case (.scanMaterial, .finishScan), (.scanMaterial, .back):
            var effects: [Effect] = []
            if case .captured(let page)? = application.scan?.phase { effects.append(.discardScannedPage(token: page.token)) }
            application.scan = nil
            state.goBack()
            return effects
        default:
            return []
        }
    }

    /// The runtime's answer to `.scanPage`. One that comes after the citizen left the step
    /// (or for another material) is thrown away.
    static func answer(_ state: inout AppState, materialID: String, _ phase: Phase) -> [Effect] {
        guard var step = state.application?.scan, step.materialID == materialID, step.phase == .scanning else {
            if case .captured(let page) = phase { return [.discardScannedPage(token: page.token), .log("scan: late page discarded")] }
            return []
        }
        step.phase = phase
        state.application?.scan = step
        switch phase {
        case .captured(let page): return [.log("scan: page captured" + (page.problems.isEmpty ? "" : " with \(page.problems.count) problem(s)"))]
        case .failed(let why): return [.log("scan failed: \(why.en)")]
        case .ready, .scanning: return []
        }
    }
}
