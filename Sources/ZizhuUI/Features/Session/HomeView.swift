// SPDX-License-Identifier: Apache-2.0
/// The attract screen: big numbered buttons for everything the kiosk offers.
extension Canvas {
    mutating func home() {
        if state.elderMode {
            elderHome()
            return
        }
        heading(t(.homeHeadline), big: .homeBig, subtitle: homeSubtitle)
        let area = contentArea(navigation: false)
        let specs = [
            ButtonSpec(.feature(.services), keys: [.digit(1)], label: t(.homeServices), detail: t(.homeServicesDetail)),
            ButtonSpec(.feature(.printProof), keys: [.digit(2)], label: t(.homePrintProof), detail: t(.homePrintProofDetail)),
            ButtonSpec(.feature(.queueTicket), keys: [.digit(3)], label: t(.homeQueueTicket), detail: t(.homeQueueTicketDetail)),
            ButtonSpec(.feature(.appointment), keys: [.digit(4)], label: t(.homeAppointment), detail: t(.homeAppointmentDetail)),
            ButtonSpec(.feature(.progress), keys: [.digit(5)], label: t(.homeProgress), detail: t(.homeProgressDetail)),
            ButtonSpec(.toggleElderMode, keys: [.digit(6)], label: t(.homeElderOn), detail: t(.homeElderDetail)),
            ButtonSpec(.toggleLanguage, keys: [.digit(7)], label: t(.homeLanguage), detail: t(.homeLanguageDetail)),
            ButtonSpec(.feature(.help), keys: [.digit(0)], label: t(.homeHelp), detail: t(.homeHelpDetail)),
        ]
        buttonGrid(specs, in: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1),
                   columns: 2, rowHeight: 5)
    }

    /// The attract screen's second line, or why 办事 is paused (暂停服务).
    var homeSubtitle: String {
        state.serviceStop.map { t(.homeOutOfService, ["reason": t($0)]) } ?? t(.homeSubtitle)
    }

    /// Elder mode: four large choices, then help, leaving elder mode, and "more".
    mutating func elderHome() {
        heading(t(.homeHeadline), big: .homeBig, subtitle: homeSubtitle)
        let area = contentArea(navigation: false)
        let big = [
            ButtonSpec(.feature(.services), keys: [.digit(1)], label: t(.homeServices), detail: t(.homeServicesDetail), bigKey: true),
            ButtonSpec(.feature(.printProof), keys: [.digit(2)], label: t(.homePrintProof), detail: t(.homePrintProofDetail), bigKey: true),
            ButtonSpec(.feature(.queueTicket), keys: [.digit(3)], label: t(.homeQueueTicket), detail: t(.homeQueueTicketDetail), bigKey: true),
            ButtonSpec(.feature(.progress), keys: [.digit(5)], label: t(.homeProgress), detail: t(.homeProgressDetail), bigKey: true),
        ]
        buttonGrid(big, in: Rect(x: area.x, y: area.y, width: area.width, height: 11), columns: 2, rowHeight: 5,
                   columnGap: 4)
        let small = [
            ButtonSpec(.feature(.help), keys: [.digit(0)], label: t(.homeHelp)),
            ButtonSpec(.toggleElderMode, keys: [.digit(6)], label: t(.homeElderOff)),
            ButtonSpec(.more, keys: [.digit(8)], label: t(.homeMore)),
        ]
        buttonGrid(small, in: Rect(x: area.x, y: area.y + 12, width: area.width, height: 3), columns: 3, rowHeight: 3,
                   columnGap: 4)
    }

    /// Elder mode's second home page: the choices that did not fit on the first.
    mutating func homeMore() {
        heading(t(.homeMoreHeadline), big: .homeMoreBig)
        let area = contentArea()
        let specs = [
            ButtonSpec(.feature(.appointment), keys: [.digit(4)], label: t(.homeAppointment), detail: t(.homeAppointmentDetail), bigKey: true),
            ButtonSpec(.toggleLanguage, keys: [.digit(7)], label: t(.homeLanguage), detail: t(.homeLanguageDetail), bigKey: true),
        ]
        buttonGrid(specs, in: Rect(x: area.x, y: area.y, width: area.width, height: min(area.height, 11)),
                   columns: 2, rowHeight: 5, columnGap: 4)
        navigation([backButton(), homeButton(), helpButton()])
    }
}
