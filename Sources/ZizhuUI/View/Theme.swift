// SPDX-License-Identifier: Apache-2.0
/// Semantic styles. Two palettes: the standard one and elder mode's high-contrast one.
/// Nothing is conveyed by colour alone: focus also doubles the border and adds ►,
/// a pressed button is drawn in reverse video.
public struct Theme: Sendable, Hashable {
    public var background: Style
    public var titleBar: Style
    public var text: Style
    public var muted: Style
    public var heading: Style
    public var warning: Style
    public var buttonBorder: Style
    public var buttonLabel: Style
    public var buttonDetail: Style
    public var buttonKey: Style
    public var focusedBorder: Style
    public var focusedLabel: Style
    public var pressed: Style
    public var footer: Style
    public var overlay: Style
    public var buttonLine: BoxLine
    public var focusedLine: BoxLine

    public static let standard = Theme(
        background: Style(),
        titleBar: Style(.white, on: .blue, bold: true),
        text: Style(),
        muted: Style(.cyan),
        heading: Style(.default, bold: true),
        warning: Style(.yellow, bold: true),
        buttonBorder: Style(.cyan),
        buttonLabel: Style(.default, bold: true),
        buttonDetail: Style(.default),
        buttonKey: Style(.black, on: .cyan, bold: true),
        focusedBorder: Style(.yellow, bold: true),
        focusedLabel: Style(.yellow, bold: true),
        pressed: Style(.default, bold: true, reverse: true),
        footer: Style(.white, on: .blue),
        overlay: Style(.white, on: .red, bold: true),
        buttonLine: .rounded,
        focusedLine: .double)

    /// 适老化: yellow and white on black, everything bold.
    public static let highContrast = Theme(
        background: Style(.white, on: .black, bold: true),
        titleBar: Style(.black, on: .yellow, bold: true),
        text: Style(.white, on: .black, bold: true),
        muted: Style(.white, on: .black, bold: true),
        heading: Style(.yellow, on: .black, bold: true),
        warning: Style(.yellow, on: .black, bold: true, underline: true),
        buttonBorder: Style(.yellow, on: .black, bold: true),
        buttonLabel: Style(.yellow, on: .black, bold: true),
        buttonDetail: Style(.white, on: .black, bold: true),
        buttonKey: Style(.black, on: .yellow, bold: true),
        focusedBorder: Style(.white, on: .black, bold: true),
        focusedLabel: Style(.white, on: .black, bold: true, underline: true),
        pressed: Style(.yellow, on: .black, bold: true, reverse: true),
        footer: Style(.black, on: .white, bold: true),
        overlay: Style(.black, on: .yellow, bold: true),
        buttonLine: .heavy,
        focusedLine: .double)
}
