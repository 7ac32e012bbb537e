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
}
