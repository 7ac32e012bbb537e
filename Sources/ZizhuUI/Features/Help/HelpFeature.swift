// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 呼叫帮办: one press from any screen sends a help request; the screen follows it until
/// staff acknowledge it.
enum HelpFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        guard button == .feature(.help) else { return nil }
        // One press from any screen. A call already open in this session is shown, not repeated.
        if state.screen == .help { return [] }
        let from = state.screen.name
        state.push(.help)
        if let call = state.help, call.status != .unavailable { return [.log("help screen shown again (request from \(call.screen))")] }
        state.help = HelpCall(screen: from, status: .sending)
        return [.log("help requested on \(from)"), .requestHelp(screen: from)]
    }

    static func updated(_ state: inout AppState, _ status: HelpStatus) -> [Effect] {
        guard state.help != nil else { return [.log("help status for an ended session: \(status)")] }
        state.help?.status = status
        switch status {
        case .sent(let id): return [.log("help request \(id) sent")]
        case .acknowledged(let id): return [.log("help request \(id) acknowledged: staff are coming")]
        case .queued: return [.log("help request queued: the platform cannot be reached")]
        case .unavailable: return [.log("help request cannot be sent: no platform link")]
        case .sending: return []
        }
    }
}
