// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 填写申请: one field at a time. Digits and dates by keypad, choices as big buttons,
/// text through the on-screen keyboard. Every prefilled value says where it came from;
/// a prefill that failed says so instead of leaving the field silently empty.
extension Canvas {
    mutating func applicationForm(field index: Int) {
        guard let application = state.application, let service = state.catalogue.service(id: application.serviceID) else {
            heading(t(.formHeadline), big: .formBig)
            navigation(standardNavigation())
            return
        }
        let fields = application.fields(service)
        guard fields.indices.contains(index) else {
            heading(t(.formHeadline), big: .formBig)
            navigation(standardNavigation())
            return
        }
        let field = fields[index]
        // 第 n 项，共 m 项 counts the fields asked as the answers stand (邮寄 adds two).
        let asked = application.askedIndices(service, citizen: state.citizen)
        let position = (asked.firstIndex(of: index) ?? index) + 1
        heading(t(.formHeadline), service: service, label: field.label,
                subtitle: t(.formProgress, ["n": String(position), "count": String(max(asked.count, position)), "service": t(service.name)]))
        let area = contentArea()
        var y = area.y
        let label = t(field.label) + (field.required ? "" : t(.formOptional))
        grid.put(TextWidth.truncate(label, toWidth: area.width), x: area.x, y: y, style: theme.heading, clip: area)
        y += 1
        // Two rows for where the value came from and the field's hint: a long note (English
        // runs long) takes both when the field has no hint, rather than being cut.
        let hint = field.hint.map { t($0) }
        if let (note, warning) = originNote(field, application) {
            let lines = TextWidth.wrap(note, width: area.width)
            let rows = hint == nil ? min(2, lines.count) : 1
            for row in 0..<rows {
                let text = row == rows - 1 && lines.count > rows ? TextWidth.truncate(lines[row...].joined(separator: " "), toWidth: area.width)
                                                                  : lines[row]
                grid.put(text, x: area.x, y: y + row, style: warning ? theme.warning : theme.muted, clip: area)
            }
        }
        y += 1
        if let hint {
            grid.put(TextWidth.truncate(hint, toWidth: area.width), x: area.x, y: y, style: theme.muted, clip: area)
        }
        y += 1
        let body = Rect(x: area.x, y: y, width: area.width, height: area.maxY - y)
        switch field.type {
        case .number, .date, .phone, .idNumber, .region, .digits:
            keypadField(field, application, in: body)
            navigation([backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])])
        case .choice, .yesno:
            choiceField(field, application, in: body)
            navigation(standardNavigation())
        case .text, .personName, .creditCode:
            textField(field, application, in: body)
            navigation(standardNavigation())
        }
    }

    /// Where the value came from, and whether that is a warning.
    func originNote(_ field: Field, _ application: Application) -> (String, Bool)? {
        switch application.form.origins[field.id] ?? .empty {
        case .prefilled(.card):
            return (t(.formFromCard), false)
        case .prefilled(.elicence(let type, _)):
            let name = state.catalogue.elicence(id: type).map { t($0.name) } ?? type
            return (t(.formFromElicence, ["licence": name]), false)
        case .prefillFailed(.elicence) where application.records == .pending:
            return (t(.formRecordsPending), false)
        case .prefillFailed(.elicence) where application.records == .unavailable:
            return (t(.formRecordsUnavailable), true)
        case .prefillFailed:
            return (t(.formPrefillFailed), true)
        case .entered:
            return (t(.formEntered), false)
        case .empty:
            return nil
        }
    }

    /// A value as the screen shows it: ID numbers masked, dates with dashes, choices by label.
    func displayValue(_ field: Field, _ value: String) -> String {
        switch field.type {
        case .idNumber: return IDNumber.maskWhileTyping(value)
        case .date: return (CalendarDate(digits: value) ?? CalendarDate(iso: value))?.description ?? value
        case .choice: return field.options.first { $0.id == value }.map { t($0.label) } ?? value
        case .yesno: return value == "yes" ? t(.formYes) : value == "no" ? t(.formNo) : value
        default: return value
        }
    }

    private mutating func keypadField(_ field: Field, _ application: Application, in area: Rect) {
        let keypadWidth = min(42, area.width / 2)
        let keyHeight = max(1, min(3, area.height / 4))
        var pad = digitKeys()
        pad.append(field.type == .idNumber ? ButtonSpec(.checkCharacterX, keys: [.star], label: "X")
                                           : ButtonSpec(.deleteDigit, keys: [.star, .backspace], label: t(.formDelete)))
        pad.append(digitKey(0))
        pad.append(ButtonSpec(.confirm, keys: [.hash, .enter], label: t(.formConfirm)))
        buttonGrid(pad, in: Rect(x: area.x, y: area.y, width: keypadWidth, height: keyHeight * 4),
                   columns: 3, rowHeight: keyHeight, rowGap: 0, columnGap: 1)
        let right = Rect(x: area.x + keypadWidth + 3, y: area.y, width: area.maxX - area.x - keypadWidth - 3, height: area.height)
        var y = right.y
        let current = application.form.values[field.id]
        let prompt: UIText
        if application.entry.isEmpty && current != nil { prompt = .formKeepPrompt }
        else if !field.required && application.entry.isEmpty { prompt = .formSkipPrompt }
        else if field.type == .date { prompt = .formDatePrompt }
        else if field.type == .idNumber { prompt = .formIdPrompt }
        else { prompt = .formKeypadPrompt }
        for line in TextWidth.wrap(t(prompt), width: right.width).prefix(2) {
            grid.put(line, x: right.x, y: y, style: theme.text, clip: right)
            y += 1
        }
        y += 1
        let shown: String
        if !application.entry.isEmpty { shown = field.type == .idNumber ? IDNumber.groupedWhileTyping(application.entry) : application.entry }
        else if let current { shown = displayValue(field, current) }
        else { shown = "_" }
        let box = Rect(x: right.x, y: y, width: min(right.width, max(24, TextWidth.width(of: shown) + 4)), height: 3)
        grid.box(box, style: theme.buttonBorder, line: .single)
        grid.put(TextWidth.truncate(shown, toWidth: box.width - 4), x: box.x + 2, y: box.y + 1, style: theme.heading, clip: box)
        y += 4
        if field.type == .region, application.problem == nil, let place = regionName(application.entry.isEmpty ? current ?? "" : application.entry) {
            // The place the digits stand for, as they are typed: 44 广东省, 4401 广东省广州市.
            grid.put(TextWidth.truncate(place, toWidth: right.width), x: right.x, y: y, style: theme.text, clip: right)
            y += 1
        }
        if let problem = application.problem {
            for line in TextWidth.wrap(state.language == .zhHans ? problem.zh : problem.en, width: right.width).prefix(2) {
                grid.put("! " + line, x: right.x, y: y, style: theme.warning, clip: right)
                y += 1
            }
        }
        if field.type == .idNumber {
            let delete = ButtonSpec(.deleteDigit, keys: [.backspace], label: t(.formDelete))
            button(delete, in: Rect(x: right.x, y: area.y + keyHeight * 3, width: min(right.width, Canvas.buttonWidth(delete) + 4), height: 3))
        }
    }

    /// The division a region code (or its first two or four digits) names, if known.
    private func regionName(_ digits: String) -> String? {
        guard let divisions = state.divisions, [2, 4, 6].contains(digits.count) else { return nil }
        let division = divisions[digits + String(repeating: "0", count: 6 - digits.count)]
        guard let division else { return nil }
        return division.isCurrent || digits.count < 6 ? division.name : nil
    }

    private mutating func choiceField(_ field: Field, _ application: Application, in area: Rect) {
        var y = area.y
        grid.put(t(.formChoosePrompt), x: area.x, y: y, style: theme.text, clip: area)
        if let current = application.form.values[field.id] {
            let text = t(.formCurrent) + "  " + displayValue(field, current)
            grid.put(TextWidth.truncate(text, toWidth: area.width / 2), x: area.x + area.width / 2, y: y, style: theme.muted, clip: area)
        }
        y += 2
        let options: [(id: String, label: String)] = field.type == .yesno
            ? [("yes", t(.formYes)), ("no", t(.formNo))]
            : field.options.map { ($0.id, t($0.label)) }
        let specs = options.enumerated().map { index, option in
            ButtonSpec(.choose(option.id), keys: [.digit(index + 1)], label: option.label, bigKey: state.elderMode)
        }
        let rowHeight = state.elderMode ? 5 : 3
        let rows = Rect(x: area.x, y: y, width: area.width, height: area.maxY - y)
        buttonGrid(specs, in: rows, columns: 2, rowHeight: rowHeight, rowGap: 1, columnGap: 2)
    }

    private mutating func textField(_ field: Field, _ application: Application, in area: Rect) {
        var y = area.y
        let current = application.form.values[field.id]
        let shown = current.map { displayValue(field, $0) } ?? t(.formNone)
        let box = Rect(x: area.x, y: y, width: min(area.width, max(30, TextWidth.width(of: shown) + 6)), height: 3)
        grid.box(box, style: theme.buttonBorder, line: .single)
        grid.put(TextWidth.truncate(shown, toWidth: box.width - 4), x: box.x + 2, y: box.y + 1,
                 style: current == nil ? theme.muted : theme.heading, clip: box)
        y += 4
        let prompt = current != nil ? t(.formTextPrompt) : field.required ? t(.formTextNeeded) : t(.formSkipPrompt)
        for line in TextWidth.wrap(prompt, width: area.width).prefix(2) {
            grid.put(line, x: area.x, y: y, style: current == nil && field.required ? theme.warning : theme.text, clip: area)
            y += 1
        }
        if let problem = application.problem {
            grid.put("! " + (state.language == .zhHans ? problem.zh : problem.en), x: area.x, y: y, style: theme.warning, clip: area)
        }
        var specs: [ButtonSpec] = []
        if current != nil || !field.required { specs.append(ButtonSpec(.confirm, keys: [.digit(1), .hash], label: t(.formConfirm))) }
        specs.append(ButtonSpec(.openKeyboard, keys: [.digit(2)], label: t(.formTypeText)))
        var x = area.x
        for spec in specs {
            let width = Canvas.buttonWidth(spec) + 6
            button(spec, in: Rect(x: x, y: area.maxY - 3, width: width, height: 3))
            x += width + 2
        }
    }
}
