// SPDX-License-Identifier: Apache-2.0
import CMalloc
import Foundation
import IDCardReader
import Logging
import ReceiptPrinter
import ZizhuCore
import ZizhuProcess
import ZizhuResources
import ZizhuTerminal
import ZizhuUI

/// Carrying out what `update` asked for: every `Effect` goes to its adapter or desk, and
/// the answers come back through the inbox as events.
extension KioskRuntime {
    func perform(_ effects: [Effect]) -> Bool {
        outbox?.updateDevices(reader: state.readerConnected ? "ok" : "disconnected",
                              printer: (state.printerHealth?.code ?? "unknown").replacingOccurrences(of: "-", with: "_"))
        for effect in effects {
            switch effect {
            case .beep:
                terminal.beep()
            case .endSession:
                mapper = InputMapper()
                readerCommands?.yield(false)
                socialSecurityCards?.setReading(false)
                identityCodes?.setReading(false)
                scans?.wipe()
                logger.info("session ended")
                // The citizen has gone: what their visit allocated and freed goes back to
                // the system, so the kiosk's memory is the same after every visit.
                KioskAllocator.releaseFreed()
            case .log(let message):
                logger.info("\(message)")
            case .quit:
                return true
            case .startCardReading:
                readerCommands?.yield(true)
                socialSecurityCards?.setReading(true)
                identityCodes?.setReading(true)
            case .stopCardReading:
                readerCommands?.yield(false)
                socialSecurityCards?.setReading(false)
                identityCodes?.setReading(false)
            case .checkPrinter:
                guard let printer else {
                    inbox.post(.printerChecked(.queueMissing("no printer configured")))
                    continue
                }
                let inbox = self.inbox, statusFile = self.statusFile
                Task.detached {
                    inbox.post(.printerChecked(await printer.check()))
                    if let endpoint = await printer.endpoint {
                        statusFile?.update { $0.printerServer = endpoint.server; $0.printerQueue = endpoint.queue }
                    }
                }
            case .previewReceipt(let sample, let language):
                guard let receipts else { continue }
                Self.preview(sample, language: language, with: receipts, answer: inbox)
            case .lookUpRecords(let number):
                let inbox = self.inbox, records = self.records
                Task.detached { inbox.post(.recordsLookedUp(await records.lookUp(number))) }
            case .submit(let request):
                guard let outbox else {
                    inbox.post(.submitted(.failed(zh: "终端存储不可用，申请未保存，请到人工窗口办理",
                                                  en: "The kiosk's storage is unavailable: nothing was saved. Please go to a staffed counter")))
                    continue
                }
                let inbox = self.inbox, catalogue = state.catalogue, scans = self.scans
                let pages = scans?.pages(for: request.scanned) ?? []
                Task.detached {
                    inbox.post(.submitted(outbox.commit(request, catalogue: catalogue, pages: pages)))
                    // In the outbox (sealed) or not stored at all: either way the session's copies go.
                    scans?.wipe()
                }
            case .scanPage(let materialID, let columns, let rows):
                guard let scans else {
                    inbox.post(.pageScanned(materialID: materialID, .failed(LocalizedText(zh: "本终端没有扫描仪", en: "This kiosk has no scanner"))))
                    continue
                }
                let inbox = self.inbox
                Task.detached { inbox.post(.pageScanned(materialID: materialID, await scans.scan(columns: columns, rows: rows))) }
            case .keepScannedPage(let token, let materialID):
                scans?.keep(token: token, materialID: materialID)
            case .discardScannedPage(let token):
                scans?.discard(token: token)
            case .printReceipt(let receipt):
                guard let printer, let receipts else {
                    inbox.post(.receiptPrinted(.notPrinted(zh: "本终端未配置打印机", en: "No printer is configured")))
                    continue
                }
                Self.printAcceptance(receipt, site: context.siteName, kioskID: context.kioskID, receipts: receipts, on: printer,
                                     at: time.now(), answer: inbox)
            case .reloadCatalogue:
                let loaded = loadCatalogue()
                if let catalogue = loaded.catalogue { inbox.post(.catalogueLoaded(catalogue)) }
                if let problem = loaded.problem { inbox.post(.catalogueFailed(problem)) }
            case .issueTicket(let categoryID, let language):
                issueTicket(categoryID: categoryID, language: language, appointment: nil)
            case .checkIn(let appointment, let language):
                issueTicket(categoryID: appointment.categoryID, language: language, appointment: appointment.code)
            case .findAppointment(let key):
                let inbox = self.inbox, desk = appointmentDesk, now = time.now()
                Task.detached { inbox.post(.appointmentsFound(await desk.lookUp(key, now: now))) }
            case .lookUpProgressByCard(let number):
                let inbox = self.inbox, desk = progressDesk
                Task.detached { inbox.post(.progressLookedUp(await desk.lookUp(card: number))) }
            case .lookUpProgress(let number):
                let inbox = self.inbox, desk = progressDesk
                Task.detached { inbox.post(.progressLookedUp(await desk.lookUp(number))) }
            case .requestHelp(let screen):
                let inbox = self.inbox
                helpDesk.call(screen: screen, at: time.now()) { inbox.post(.helpUpdated($0)) }
            case .rate(let request):
                guard let outbox else {
                    inbox.post(.rated(.failed(zh: "终端存储不可用", en: "the kiosk's storage is unavailable")))
                    continue
                }
                let reason = request.reason.flatMap { id in RatingLevel.reasons.first { $0.id == id } }
                    .map { context.strings[.zhHans]?[$0.text.rawValue] ?? $0.id }
                let inbox = self.inbox
                Task.detached { inbox.post(.rated(outbox.rate(request, reasonText: reason))) }
            case .listProofs(let number):
                let inbox = self.inbox, desk = proofDesk
                Task.detached { inbox.post(.proofsListed(await desk.proofs(for: number))) }
            case .printProof(let id, let holder, let number, let language):
                guard let printer, let receipts else {
                    inbox.post(.proofPrinted(.notPrinted(zh: "本终端未配置打印机", en: "No printer is configured")))
                    continue
                }
                let inbox = self.inbox, desk = proofDesk, site = context.siteName
                Task.detached {
                    inbox.post(.proofPrinted(await desk.print(id: id, holder: holder, number: number, language: language, site: site,
                                                             receipts: receipts, printer: printer)))
                }
            case .speak(let keys, let language):
                guard let speaker, let table = context.strings[language] else { continue }
                speaker.say(keys.map { table[$0.rawValue] }.joined(separator: "。"), language: language)
            case .speakCode(let key, let code, let language):
                guard let speaker, let table = context.strings[language] else { continue }
                speaker.say(table[key.rawValue] + "：" + Speaker.spelled(code), language: language)
            case .verifyTechnicianPIN(let pin):
                guard let lock = technician?.lock else {
                    inbox.post(.technicianPINChecked(.notConfigured))
                    continue
                }
                let inbox = self.inbox
                Task.detached { inbox.post(.technicianPINChecked(lock.check(pin))) }
            case .runDiagnostics:
                guard let technician else { continue }
                var inputs = KioskDiagnostics.Inputs(paths: technician.paths, config: technician.config)
                inputs.printer = printer
                inputs.outbox = outbox?.store
                inputs.outboxProblem = outbox == nil ? "the outbox could not be opened (see the log)" : nil
                inputs.worker = outbox?.worker
                inputs.catalogue = CatalogueKeeper.Outcome(catalogue: state.catalogue.services.isEmpty ? nil : state.catalogue,
                                                           problem: state.catalogueProblem, usingLastGood: state.catalogueProblem != nil)
                inputs.catalogueVersion = technician.catalogueVersion()
                let inbox = self.inbox, reader = self.reader, socialSecurityCards = self.socialSecurityCards
                Task.detached {
                    if let socialSecurityCards { _ = try? await ChildProcess.detached { socialSecurityCards.waitUntilPrepared(seconds: 15) } }
                    inputs.reader = await reader?.currentInfo
                    inbox.post(.diagnosed(await KioskDiagnostics.collect(inputs)))
                }
            case .syncNow:
                guard let worker = outbox?.worker else {
                    inbox.post(.technicianNote(LocalizedText(zh: "未注册到平台，无法上传", en: "Not enrolled with a platform: nothing can be sent")))
                    continue
                }
                let inbox = self.inbox
                Task.detached {
                    let note: LocalizedText
                    do {
                        let report = try await worker.drain()
                        let stopped = report.stoppedBecause.map { "; stopped: \($0)" } ?? ""
                        note = LocalizedText(zh: "已上传 \(report.delivered) 条，退回 \(report.deadLettered) 条" + (report.stoppedBecause == nil ? "" : "，未完成"),
                                             en: "Sent \(report.delivered), refused \(report.deadLettered)\(stopped)")
                    } catch {
                        note = LocalizedText(zh: "上传失败", en: "Sync failed: \(error)")
                    }
                    inbox.post(.technicianNote(note))
                }
            case .printTestPage:
                guard let printer, let receipts else {
                    inbox.post(.testPageFinished(.notPrinted(.queueMissing("no printer configured"), reasons: [])))
                    continue
                }
                Self.printTestPage(receipts, on: printer, answer: inbox)
            }
        }
        return false
    }

    /// 取号 or 预约签到: reserve, print, issue only when CUPS confirms (answered by `.ticketIssued`).
    func issueTicket(categoryID: String, language: Language, appointment: String?) {
        guard let outbox, let printer, let receipts else {
            inbox.post(.ticketIssued(.notIssued(zh: "本终端暂不能出票", en: "This kiosk cannot print tickets now")))
            return
        }
        let desk = TicketDesk(outbox: outbox.store, printer: printer, receipts: receipts, site: context.siteName,
                              categories: state.settings.queueCategories, delivered: { outbox.nudge() })
        let inbox = self.inbox
        Task.detached { inbox.post(.ticketIssued(await desk.issue(categoryID: categoryID, language: language, appointment: appointment))) }
    }

    /// The local date when it differs from the last one the state was told.
    /// Whether staff are in the hall now, when that differs from what the state says.
    func hallStaffingChanged() -> Bool? {
        let staffed = state.settings.staffedHours.contains(minute: BeijingTime.minuteOfDay(time.now()))
        return staffed == state.hallStaffed ? nil : staffed
    }

    func clockDateChanged() -> CalendarDate? {
        let now = CalendarDate.localToday(time.now())
        guard now != today else { return nil }
        today = now
        return now
    }

    /// Lays a sample receipt out off the main loop and posts it back.
    nonisolated static func preview(_ sample: ReceiptSample, language: Language, with receipts: SampleReceipts,
                                            answer inbox: EventInbox) {
        Task.detached {
            let preview: ReceiptPreview = receipts.layoutPreview(sample, language: language)
            inbox.post(Event.receiptPreviewed(preview))
        }
    }

    /// Prints the 受理回执 through CUPS and posts what happened. The ID number is masked
    /// before it reaches the printer; `job-cancel-after` keeps a stuck receipt from coming
    /// out for the next citizen.
    nonisolated static func printAcceptance(_ receipt: AcceptanceReceipt, site: LocalizedText, kioskID: String,
                                                    receipts: SampleReceipts, on printer: ReceiptPrinterLink, at now: Date,
                                                    answer inbox: EventInbox) {
        Task.detached {
            inbox.post(Event.receiptPrinted(await AcceptancePrinting.print(receipt, site: site, kioskID: kioskID, receipts: receipts,
                                                                           on: printer, now: now)))
        }
    }

    /// Prints the test page through CUPS and posts what happened.
    nonisolated static func printTestPage(_ receipts: SampleReceipts, on printer: ReceiptPrinterLink, answer inbox: EventInbox) {
        Task.detached {
            let bytes = receipts.testPage().bytes
            let result: TestPageResult
            switch await printer.print(bytes, title: "test page") {
            case .printed(let job): result = .printed(job: Int(job))
            case .cancelled(_, let reasons): result = .notPrinted(.stopped("cancelled: not printed in time"), reasons: reasons)
            case .failed(_, let health, let reasons): result = .notPrinted(health, reasons: reasons)
            }
            inbox.post(Event.testPageFinished(result))
        }
    }
}
