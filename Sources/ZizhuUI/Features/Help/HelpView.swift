// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 呼叫帮办.
extension Canvas {
    /// The call for help: its number, and whether staff are on their way.
    mutating func help() {
        heading(t(.helpHeadline), big: .helpBig)
        let area = contentArea()
        var y = area.y + 1
        switch state.help?.status ?? .sending {
        case .sending:
            y = paragraph(t(.helpSending), in: area, y: y, style: theme.text)
        case .queued:
            y = paragraph(t(.helpQueued), in: area, y: y, style: theme.warning)
        case .sent(let id):
            y = paragraph(t(.helpSent, ["number": "H\(id)"]), in: area, y: y, style: theme.heading)
            // At night no one is in the hall to come: say so, and where help is.
            y = paragraph(state.hallStaffed ? t(.helpWait) : t(.helpNight, ["hours": state.settings.staffedHours.description]),
                          in: area, y: y + 1, style: state.hallStaffed ? theme.text : theme.warning)
        case .acknowledged(let id):
            y = paragraph(t(.helpComing, ["number": "H\(id)"]), in: area, y: y, style: theme.heading)
        case .unavailable:
            y = paragraph(state.hallStaffed ? t(.helpUnavailable) : t(.helpUnavailableNight, ["hours": state.settings.staffedHours.description]),
                          in: area, y: y, style: theme.warning)
        }
        paragraph(t(.helpMeanwhile), in: area, y: y + 1, style: theme.muted)
        navigation([backButton(), homeButton()])
    }
}
