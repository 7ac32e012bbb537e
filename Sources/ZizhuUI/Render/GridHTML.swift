// SPDX-License-Identifier: Apache-2.0
/// A cell grid as a static HTML page: the same screen a browser-based kiosk would show,
import ZizhuCore
/// used by `zizhu-bench` to compare start-up and memory with headless Chromium.
extension CellGrid {
    public func html(title: String) -> String {
        var body = ""
        for y in 0..<height {
            var run = ""
            var runStyle: Style?
            func flush() {
                guard let style = runStyle, !run.isEmpty else { return }
                // Wide characters get exactly two cells, whatever the browser's CJK font says.
                var text = ""
                for character in run {
                    let escaped = Self.escape(String(character))
                    text += TextWidth.width(of: character) == 2 ? "<i>\(escaped)</i>" : escaped
                }
                body += "<span class=\"\(Self.cssClass(style))\">\(text)</span>"
                run = ""
            }
            for x in 0..<width {
                let cell = self[x, y]
                if cell.isContinuation { continue }
                if cell.style != runStyle { flush(); runStyle = cell.style }
                run.append(cell.character)
            }
            flush()
            body += "\n"
        }
        var css = "body{margin:0;background:#000}pre{font:20px/1.2 monospace;margin:0;color:#ddd;background:#000}"
        for foreground in Color.allCases {
            css += ".f\(foreground.rawValue){color:\(Self.css(foreground, default: "#ddd"))}"
            css += ".b\(foreground.rawValue){background:\(Self.css(foreground, default: "#000"))}"
        }
        css += ".B{font-weight:bold}.U{text-decoration:underline}.R{filter:invert(1)}"
        css += "i{font-style:normal;display:inline-block;width:2ch;overflow:hidden;vertical-align:top}"
        return """
            <!DOCTYPE html>
            <html lang="zh-Hans"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>\(css)</style></head>
            <body><pre>\(body)</pre></body></html>
            """
    }

    static func cssClass(_ style: Style) -> String {
        var names = ["f\(style.foreground.rawValue)", "b\(style.background.rawValue)"]
        if style.bold { names.append("B") }
        if style.underline { names.append("U") }
        if style.reverse { names.append("R") }
        return names.joined(separator: " ")
    }

    static func css(_ color: Color, default fallback: String) -> String {
        switch color {
        case .default: return fallback
        case .black: return "#000"
        case .red: return "#c00"
        case .green: return "#0a0"
        case .yellow: return "#cc0"
        case .blue: return "#00a"
        case .magenta: return "#a0a"
        case .cyan: return "#0aa"
        case .white: return "#eee"
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
