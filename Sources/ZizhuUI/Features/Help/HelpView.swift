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
            y = paragraph(t(.helpWait), in: area, y: y + 1, style: theme.text)
        case .acknowledged(let id):
            y = paragraph(t(.helpComing, ["number": "H\(id)"]), in: area, y: y, style: theme.heading)
        case .unavailable:
            y = paragraph(t(.helpUnavailable), in: area, y: y, style: theme.warning)
        }
        paragraph(t(.helpMeanwhile), in: area, y: y + 1, style: theme.muted)
        navigation([backButton(), homeButton()])
    }
}
