// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 身份核验: place the ID card on the reader (progress while reading, a clear message for
/// each failure, retry), or type the number where the service allows it. The full
/// number is never drawn.
extension Canvas {
    /// `serviceID` nil: 打印证明 (card only).
    mutating func identify(serviceID: String?) {
        let service = serviceID.flatMap { state.catalogue.service(id: $0) }
        let purpose = serviceID == nil ? t(.homePrintProof) : service.map { t($0.name) }
        heading(t(.identifyHeadline), big: .identifyBig, service: service, subtitle: purpose.map { t(.identifyFor, ["service": $0]) })
        var area = contentArea()
        let manualAllowed = service?.identity == .idCardOrManual
        // The citizen learns before starting that no receipt can be printed, and what to do.
        if let printer = state.printerHealth, !printer.canPrint {
            let lines = TextWidth.wrap(state.language == .zhHans ? printer.zh : printer.en, width: area.width - 2)
            for (index, line) in lines.prefix(3).enumerated() {
                grid.put((index == 0 ? "! " : "  ") + line, x: area.x, y: area.y + index, style: theme.warning, clip: area)
            }
            let used = min(3, lines.count) + 1
            area = Rect(x: area.x, y: area.y + used, width: area.width, height: area.height - used)
        }
        switch state.identify.phase {
        case .manualEntry(let typed, let problem):
            manualEntry(typed: typed, problem: problem, in: area)
            navigation([backButton(keys: [.escape]), homeButton(keys: []), helpButton(keys: [])])
            return
        case .waitingForCard:
            let orSocialSecurityCard = service?.identity == .idCardOrSocialSecurityCard && state.settings.socialSecurityCardReader
            cardPrompt(t(orSocialSecurityCard ? .identifyPlaceOrSocialSecurityCard : .identifyPlace),
                       hint: t(state.settings.identityCodeScanner ? .identifyPlaceOrCodeHint : .identifyPlaceHint), style: theme.heading, in: area)
        case .reading:
            cardPrompt(t(.identifyReading), hint: t(.identifyPlaceHint), style: theme.warning, in: area)
        case .failed(let failure):
            cardPrompt(state.language == .zhHans ? failure.zh : failure.en, hint: nil, style: theme.warning, in: area)
            button(ButtonSpec(.retryCard, keys: [.digit(1)], label: t(.identifyRetry)),
                   in: Rect(x: area.x, y: area.maxY - 3, width: min(area.width / 2 - 1, 30), height: 3))
        case .identified:
            identified(in: area)
            navigation(standardNavigation())
            return
        }
        if manualAllowed {
            let spec = ButtonSpec(.manualEntry, keys: [.digit(2)], label: t(.identifyManual))
            let width = min(area.width / 2 - 1, Canvas.buttonWidth(spec) + 4)
            button(spec, in: Rect(x: area.maxX - width, y: area.maxY - 3, width: width, height: 3))
        }
        navigation(standardNavigation())
    }

    /// The prompt in a card-shaped frame, the hint below it.
    private mutating func cardPrompt(_ prompt: String, hint: String?, style: Style, in area: Rect) {
        let width = min(area.width, max(44, TextWidth.width(of: prompt) + 8))
        let frame = Rect(x: area.x + (area.width - width) / 2, y: area.y + 1, width: width, height: 5)
        grid.box(frame, style: theme.buttonBorder, line: .double)
        let lines = TextWidth.wrap(prompt, width: frame.width - 4)
        for (index, line) in lines.prefix(3).enumerated() {
            grid.putCentered(line, in: frame.inset(dx: 2, dy: 0), y: frame.y + 2 - (lines.count > 1 ? 1 : 0) + index, style: style)
        }
        if let hint {
            var y = frame.maxY + 1
            for line in TextWidth.wrap(hint, width: area.width).prefix(2) {
                grid.putCentered(line, in: area, y: y, style: theme.muted)
                y += 1
            }
        }
    }

    private mutating func identified(in area: Rect) {
        guard let citizen = state.citizen else { return }
        var y = area.y + 1
        // A typed number is only well formed: nothing was verified.
        let success: UIText
        switch citizen.source {
        case .cardReader: success = .identifySuccess
        case .socialSecurityCard: success = .identifySocialSecurityCardSuccess
        case .identityCode: success = .identifyCodeSuccess
        case .manualEntry: success = .identifyFormatOK
        }
        grid.put(t(success), x: area.x, y: y, style: theme.heading, clip: area)
        y += 2
        let place = citizen.source != .manualEntry ? nil : state.divisions?[citizen.idNumber.regionCode]
        let labels: [UIText] = [.identifyName, .identifyNumber, .identifyCardType] + (place == nil ? [] : [.identifyRegion])
        let labelWidth = (labels.map { TextWidth.width(of: t($0)) }.max() ?? 0) + 2
        func row(_ label: UIText, _ value: String) {
            grid.put(t(label), x: area.x + 2, y: y, style: theme.muted, clip: area)
            grid.put(value, x: area.x + 2 + labelWidth, y: y, style: theme.text, clip: area)
            y += 1
        }
        if !citizen.name.isEmpty { row(.identifyName, citizen.name) }
        row(.identifyNumber, citizen.idNumber.masked)
        if citizen.source == .cardReader {
            row(.identifyCardType, state.language == .zhHans ? citizen.kind.zh : citizen.kind.en)
            y += 1
            grid.put(state.identify.cardTaken ? t(.identifyCardTaken) : t(.identifyTakeCard), x: area.x, y: y,
                     style: state.identify.cardTaken ? theme.muted : theme.warning, clip: area)
        } else if citizen.source == .identityCode {
            row(.identifyCardType, t(.identifyCodeKind))
        } else if citizen.source == .socialSecurityCard {
            row(.identifyCardType, t(.identifySocialSecurityCardKind))
            y += 1
            grid.put(state.identify.cardTaken ? t(.identifySocialSecurityCardTaken) : t(.identifyTakeSocialSecurityCard), x: area.x, y: y,
                     style: state.identify.cardTaken ? theme.muted : theme.warning, clip: area)
        } else {
            // Where the number says its holder was registered: a typo in the first digits shows.
            if let place { row(.identifyRegion, place.name) }
            y += 1
            grid.put(t(.identifyManualSource), x: area.x, y: y, style: theme.muted, clip: area)
        }
        let refusals = IdentifyFeature.cardRefusals(state)
        if !refusals.isEmpty {
            y += 2
            let bottom = refusals.coversEverything ? area.maxY : area.maxY - 3
            grid.put(t(refusals.coversEverything ? .identifyCardRefused : .identifyCardRefusedParts), x: area.x, y: y,
                     style: theme.warning, clip: area)
            y += 1
            let bundle = screenServiceID.flatMap(state.catalogue.service(id:))?.isBundle == true
            for (service, checks) in refusals.parts {
                for check in checks where y < bottom {
                    let prefix = bundle ? "✗ " + t(service.name) + "：" : "✗ "
                    for line in TextWidth.wrap(prefix + t(check.requirement), width: area.width - 2).prefix(2) where y < bottom {
                        grid.put(line, x: area.x + 2, y: y, style: theme.warning, clip: area)
                        y += 1
                    }
                    if let remedy = check.remedy {
                        for line in TextWidth.wrap(t(.precheckWhatToDo, ["remedy": t(remedy)]), width: area.width - 4).prefix(2) where y < bottom {
                            grid.put(line, x: area.x + 4, y: y, style: theme.text, clip: area)
                            y += 1
                        }
                    }
                }
            }
            // Nothing left to apply for: no 继续办理 (返回 and 首页 stay).
            if refusals.coversEverything { return }
        }
        let spec = ButtonSpec(.proceed, keys: [.digit(1), .hash], label: t(.identifyProceed))
        button(spec, in: Rect(x: area.x, y: area.maxY - 3, width: min(area.width, Canvas.buttonWidth(spec) + 6), height: 3))
    }

    private var screenServiceID: String? {
        if case .identify(let id) = state.screen { return id }
        return nil
    }

    /// Typing the number: a keypad (X is * on a phone-style keypad) and the number so far,
    /// masked as it grows.
    private mutating func manualEntry(typed: String, problem: IDNumber.Problem?, in area: Rect) {
        let keypadWidth = min(42, area.width / 2)
        let keyHeight = min(3, area.height / 4)
        var pad = digitKeys()
        pad.append(ButtonSpec(.checkCharacterX, keys: [.star], label: "X"))
        pad.append(digitKey(0))
        pad.append(ButtonSpec(.confirm, keys: [.hash, .enter], label: t(.searchConfirm)))
        buttonGrid(pad, in: Rect(x: area.x, y: area.y, width: keypadWidth, height: keyHeight * 4),
                   columns: 3, rowHeight: keyHeight, rowGap: 0, columnGap: 1)
        let right = Rect(x: area.x + keypadWidth + 3, y: area.y, width: area.maxX - area.x - keypadWidth - 3, height: area.height)
        var y = right.y
        for line in TextWidth.wrap(t(.identifyManualPrompt), width: right.width).prefix(2) {
            grid.put(line, x: right.x, y: y, style: theme.text, clip: right)
            y += 1
        }
        y += 1
        // The citizen's own number, in full while they type it (masked once taken).
        let shown = typed.isEmpty ? "_" : IDNumber.groupedWhileTyping(typed)
        grid.put(shown, x: right.x + 1, y: y, style: theme.heading, clip: right)
        y += 1
        grid.put(t(.identifyManualCount, ["count": String(typed.count)]), x: right.x + 1, y: y, style: theme.muted, clip: right)
        y += 2
        if let problem {
            for line in TextWidth.wrap(state.language == .zhHans ? problem.zh : problem.en, width: right.width).prefix(2) {
                grid.put(line, x: right.x, y: y, style: theme.warning, clip: right)
                y += 1
            }
        }
        let delete = ButtonSpec(.deleteDigit, keys: [.backspace], label: t(.identifyDelete))
        button(delete, in: Rect(x: right.x, y: area.y + keyHeight * 3, width: min(right.width, Canvas.buttonWidth(delete) + 4), height: 3))
    }
}
