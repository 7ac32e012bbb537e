// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// Moving between screens: the history 返回 walks back, and list paging.
extension AppState {
    mutating func push(_ screen: Screen) {
        history.append(self.screen)
        self.screen = screen
    }

    mutating func goBack() {
        screen = history.popLast() ?? .home
        clampPage()
    }

    /// How many items of a list fit on one page at the current size and mode.
    public var listCapacity: Int { Layout.listCapacity(width: width, height: height, elder: elderMode) }

    /// Number of items the current list screen pages through, or nil for other screens.
    var listCount: Int? {
        switch screen {
        case .services(let kind, _): return services(for: kind).count
        case .departments: return catalogue.departmentsWithServices.count
        default: return nil
        }
    }

    /// The services a list kind shows.
    public func services(for kind: ServiceListKind) -> [Service] {
        switch kind {
        case .theme(let theme): return catalogue.services(theme: theme)
        case .department(let id): return catalogue.services(department: id)
        case .hot: return catalogue.hotServices
        }
    }

    mutating func turnPage(by delta: Int) {
        switch screen {
        case .services(let kind, let page): screen = .services(kind, page: max(0, page + delta))
        case .departments(let page): screen = .departments(page: max(0, page + delta))
        case .serviceDetail(let id, let page): screen = .serviceDetail(id: id, page: max(0, page + delta))
        case .printerDiagnostics(let sample, let page): screen = .printerDiagnostics(sample, page: max(0, page + delta))
        default: return
        }
        clampPage()
    }

    /// Keeps a list's page inside its range (after a resize or a mode change).
    mutating func clampPage() {
        guard let count = listCount else { return }
        let pages = max(1, (count + listCapacity - 1) / listCapacity)
        switch screen {
        case .services(let kind, let page): screen = .services(kind, page: min(page, pages - 1))
        case .departments(let page): screen = .departments(page: min(page, pages - 1))
        default: break
        }
    }
}
