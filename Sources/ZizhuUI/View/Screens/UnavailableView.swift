/// The honest "暂未开通 / not available yet" screen for features still being built.
extension Canvas {
    mutating func unavailable(_ feature: Feature) {
        heading(t(.unavailableHeadline), big: .unavailableBig)
        let area = contentArea()
        var y = area.y + 1
        y = paragraph(t(.unavailableBody, ["feature": t(UIText.name(of: feature))]), in: area, y: y, style: theme.warning)
        y += 1
        paragraph(t(.unavailableWhatToDo), in: area, y: y, style: theme.text)
        navigation([backButton(), homeButton(), helpButton()])
    }

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
