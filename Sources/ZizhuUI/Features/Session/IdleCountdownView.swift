// SPDX-License-Identifier: Apache-2.0
/// "还在吗?": drawn over the current screen when the citizen has been idle; the only
import ZizhuCore
/// button is 继续, and any touch or key dismisses it.
extension Canvas {
    mutating func idleCountdown(_ remaining: Int) {
        // Clear what is behind so the question stands alone (title and footer stay).
        grid.fill(Rect(x: 0, y: 1, width: width, height: height - 2), style: theme.background)
        let boxWidth = min(64, width - 4)
        let boxHeight = 13
        let rect = Rect(x: (width - boxWidth) / 2, y: max(1, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
        grid.fill(rect, style: theme.overlay)
        grid.box(rect, style: theme.overlay, line: .double)
        let inner = rect.inset(dx: 2, dy: 1)
        grid.putCentered(t(.idleQuestion) + " " + String(remaining) + "...", in: inner, y: inner.y, style: theme.overlay)
        let digits = String(remaining)
        for (index, line) in BigDigits.render(digits).enumerated() {
            grid.putCentered(line, in: inner, y: inner.y + 2 + index, style: theme.overlay)
        }
        var y = inner.y + 6
        for line in TextWidth.wrap(t(.idleExplain, ["seconds": digits]), width: inner.width).prefix(2) {
            grid.putCentered(line, in: inner, y: y, style: theme.overlay)
            y += 1
        }
        // Only the overlay can be touched while it shows.
        hits = []
        let label = t(.idleContinue)
        let spec = ButtonSpec(.continueSession, keys: [.hash, .enter], label: label)
        let w = min(inner.width, Canvas.buttonWidth(spec) + 4)
        button(spec, in: Rect(x: inner.x + (inner.width - w) / 2, y: rect.maxY - 4, width: w, height: 3))
    }
}
