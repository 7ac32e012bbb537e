// SPDX-License-Identifier: Apache-2.0
extension Canvas {
    /// 暂停服务: why, and what the citizen can do instead (other kiosks, a counter, help).
    mutating func outOfService() {
        heading(t(.outOfServiceHeadline), big: .outOfServiceBig)
        let area = contentArea()
        var y = area.y + 1
        y = paragraph(t(.outOfServiceBody, ["reason": state.serviceStop.map { t($0) } ?? ""]), in: area, y: y, style: theme.warning) + 1
        paragraph(t(.outOfServiceWhatToDo), in: area, y: y, style: theme.text)
        navigation([backButton(), helpButton()])
    }
}
