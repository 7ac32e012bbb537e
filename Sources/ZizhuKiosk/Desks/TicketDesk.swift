// SPDX-License-Identifier: Apache-2.0
import Foundation
import ReceiptPrinter
import ZizhuCore
import ZizhuOutbox
import ZizhuResources
import ZizhuUI
import ZizhuWire

/// 取号: reserve the next number of the kiosk's day, print the ticket through CUPS, and
/// only when CUPS confirms it count the number as issued and put the ticket in the outbox
/// (one transaction). A ticket that did not print leaves its number void: never issued,
/// never printed for someone else.
public struct TicketDesk: Sendable {
    let outbox: Outbox
    let printer: ReceiptPrinterLink
    let receipts: SampleReceipts
    let site: LocalizedText
    let categories: [QueueCategory]
    let timeZone: TimeZone
    let delivered: @Sendable () -> Void

    public init(outbox: Outbox, printer: ReceiptPrinterLink, receipts: SampleReceipts, site: LocalizedText, categories: [QueueCategory],
                timeZone: TimeZone = BeijingTime.zone, delivered: @escaping @Sendable () -> Void = {}) {
        self.outbox = outbox
        self.printer = printer
        self.receipts = receipts
        self.site = site
        self.categories = categories
        self.timeZone = timeZone
        self.delivered = delivered
    }

    /// Issues a walk-in ticket, or — with `appointment` — an appointment's check-in, which
    /// has its own numbers (AY01) and is called before walk-ins.
    public func issue(categoryID: String, language: Language, appointment: String? = nil,
                      now: (@Sendable () -> Date)? = nil) async -> TicketState {
        let outbox = self.outbox
        let now = now ?? { outbox.clock.now() }
        guard let category = categories.first(where: { $0.id == categoryID }) else {
            return .notIssued(zh: "没有这项业务", en: "No such queue")
        }
        // Ask the printer first (this also resumes a queue a refilled printer had stopped):
        // a ticket that cannot print takes no number at all.
        let health = await printer.check()
        guard health.canPrint else { return .notIssued(zh: health.zh, en: health.en) }
        let reserved = now()
        let day = QueueDay.of(reserved, timeZone: timeZone)
        let queue = appointment == nil ? category.id : category.appointmentQueue
        let reservation: Outbox.TicketReservation
        do {
            reservation = try outbox.reserveTicket(category: queue, day: day, appointment: appointment, now: reserved)
        } catch is Outbox.AlreadyCheckedIn {
            return .notIssued(zh: "该预约今天已签到取号", en: "This appointment has already been checked in today")
        } catch {
            return .notIssued(zh: "终端存储故障", en: "The kiosk could not store the ticket (\(error))")
        }
        let number = appointment == nil ? category.ticketNumber(reservation.number) : category.appointmentNumber(reservation.number)
        var ahead = category.peopleAhead(issuedBefore: reservation.issuedBefore,
                                         firstIssuedAt: reservation.firstIssuedAt.map { Date(timeIntervalSince1970: $0) }, now: reserved)
        if appointment == nil, let checkedIn = try? outbox.ticketStats(category: category.appointmentQueue, day: day) {
            // Checked-in appointments are called first: they are ahead of every walk-in.
            ahead += category.peopleAhead(issuedBefore: checkedIn.issued, firstIssuedAt: checkedIn.firstIssuedAt.map { Date(timeIntervalSince1970: $0) },
                                          now: reserved)
        }
        let wait = ahead * category.minutesPerPerson
        let formatter = DateFormatter()
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let name = appointment == nil ? category.name
            : LocalizedText(zh: category.name.zh + "（预约）", en: category.name.en + " (appointment)")
        let document = ReceiptDocuments.QueueTicket(site: site, category: name, number: number, peopleAhead: ahead,
                                                    estimatedWaitMinutes: wait, time: formatter.string(from: reserved))
        let bytes = receipts.queueTicket(document, language: language).bytes
        switch await printer.print(bytes, title: "ticket \(number)") {
        case .printed:
            let payload = TicketPayload(reference: "\(outbox.kioskID)/\(reservation.day)/\(number)", category: category.id, number: number,
                                        issuedAt: UTCTime.iso(now()), peopleAhead: ahead, appointmentCode: appointment)
            // The paper is out either way. If the record cannot be stored, the number stays
            // reserved (voided at the next start, never reused) and the platform never hears of it.
            if (try? outbox.confirmTicket(reservation, payload: payload, now: now())) != nil { delivered() }
            return .issued(IssuedTicket(number: number, categoryID: category.id, peopleAhead: ahead, waitMinutes: wait,
                                        appointmentCode: appointment))
        case .cancelled:
            try? outbox.voidTicket(reservation)
            return .notIssued(zh: "打印超时，已取消", en: "Printing timed out and was cancelled")
        case .failed(_, let health, _):
            try? outbox.voidTicket(reservation)
            return .notIssued(zh: health.zh, en: health.en)
        }
    }
}
