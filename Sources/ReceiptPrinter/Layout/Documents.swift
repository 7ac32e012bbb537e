// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// What a submission's outcome was, as the receipt states it.
public enum ReceiptOutcome: Sendable, Hashable {
    /// 秒批通过: approved on the spot by the rules.
    case approved
    /// 待人工审核: staff will review it.
    case manualReview
    /// 容缺受理: accepted on a written commitment; these materials are still owed.
    case toleratedMissing([(material: LocalizedText, deadline: CalendarDate)])

    public static func == (a: ReceiptOutcome, b: ReceiptOutcome) -> Bool {
        switch (a, b) {
        case (.approved, .approved), (.manualReview, .manualReview): return true
        case (.toleratedMissing(let x), .toleratedMissing(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.material == $1.material && $0.deadline == $1.deadline }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .approved: hasher.combine(0)
        case .manualReview: hasher.combine(1)
        case .toleratedMissing(let items):
            hasher.combine(2)
            for item in items { hasher.combine(item.material); hasher.combine(item.deadline) }
        }
    }
}

/// The documents a kiosk prints, as template values. Pure: times arrive formatted.
public enum ReceiptDocuments {
    /// 受理回执: the receipt for an accepted submission.
    public struct Acceptance: Sendable, Hashable {
        public var site: LocalizedText
        public var kioskID: String
        public var service: LocalizedText
        public var acceptanceNumber: String
        /// `2026-11-22 19:30`.
        public var time: String
        /// Already masked: `1101**********002X`.
        public var maskedID: String
        public var outcome: ReceiptOutcome
        /// Where progress can be looked up (the QR code); the acceptance number when nil.
        public var trackingURL: String?
        /// False while the kiosk is offline: "已受理，待上传".
        public var uploaded: Bool
        /// 领取方式 (证照寄递), already shortened and masked: `邮寄：广东省广州市****，电话 138****5678`.
        public var delivery: LocalizedText?
        /// 扫描纸质材料: the paper materials handed in as pages scanned at the kiosk, with their
        /// page counts (`居民身份证受理回执（1页）`).
        public var scanned: [LocalizedText]

        public init(site: LocalizedText, kioskID: String, service: LocalizedText, acceptanceNumber: String, time: String,
                    maskedID: String, outcome: ReceiptOutcome, trackingURL: String?, uploaded: Bool, delivery: LocalizedText? = nil,
                    scanned: [LocalizedText] = []) {
            self.scanned = scanned
            self.delivery = delivery
            self.site = site
            self.kioskID = kioskID
            self.service = service
            self.acceptanceNumber = acceptanceNumber
            self.time = time
            self.maskedID = maskedID
            self.outcome = outcome
            self.trackingURL = trackingURL
            self.uploaded = uploaded
        }

        public func values(_ language: Language) -> ReceiptTemplate.Values {
            let outcomeText: LocalizedText
            var missing: [String] = []
            switch outcome {
            case .approved: outcomeText = LocalizedText(zh: "秒批通过", en: "Approved on the spot")
            case .manualReview: outcomeText = LocalizedText(zh: "待人工审核", en: "Awaiting review by staff")
            case .toleratedMissing(let items):
                outcomeText = LocalizedText(zh: "容缺受理", en: "Accepted with materials to follow")
                missing = items.map { item in
                    language == .zhHans ? "\(item.material.zh)（\(item.deadline)前补交）"
                                        : "\(item.material.en) (by \(item.deadline))"
                }
            }
            return ReceiptTemplate.Values(strings: [
                "site": site[language], "kiosk": kioskID, "service": service[language],
                "acceptance_number": acceptanceNumber, "time": time, "masked_id": maskedID,
                "outcome": outcomeText[language], "tracking": trackingURL ?? acceptanceNumber,
                "offline": uploaded ? "" : "yes", "delivery": delivery?[language] ?? "",
            ], lists: ["missing": missing, "scanned": scanned.map { $0[language] }])
        }
    }

    /// 排队号: a queue ticket.
    public struct QueueTicket: Sendable, Hashable {
        public var site: LocalizedText
        public var category: LocalizedText
        public var number: String
        public var peopleAhead: Int
        public var estimatedWaitMinutes: Int
        public var time: String

        public init(site: LocalizedText, category: LocalizedText, number: String, peopleAhead: Int, estimatedWaitMinutes: Int, time: String) {
            self.site = site
            self.category = category
            self.number = number
            self.peopleAhead = peopleAhead
            self.estimatedWaitMinutes = estimatedWaitMinutes
            self.time = time
        }

        public func values(_ language: Language) -> ReceiptTemplate.Values {
            ReceiptTemplate.Values(strings: [
                "site": site[language], "category": category[language], "number": number,
                "ahead": String(peopleAhead), "wait": String(estimatedWaitMinutes), "time": time,
            ])
        }
    }

    /// A printed proof (e.g. 社保参保证明): body lines from the platform.
    public struct Proof: Sendable, Hashable {
        public var site: LocalizedText
        public var title: String
        public var holder: String
        public var maskedID: String
        public var lines: [String]
        public var issuer: String
        public var verificationCode: String
        /// What the QR code carries: the platform's signed seal (the code itself when there is none).
        public var seal: String
        public var time: String

        public init(site: LocalizedText, title: String, holder: String, maskedID: String, lines: [String], issuer: String,
                    verificationCode: String, seal: String? = nil, time: String) {
            self.seal = seal ?? verificationCode
            self.site = site
            self.title = title
            self.holder = holder
            self.maskedID = maskedID
            self.lines = lines
            self.issuer = issuer
            self.verificationCode = verificationCode
            self.time = time
        }

        public func values(_ language: Language) -> ReceiptTemplate.Values {
            ReceiptTemplate.Values(strings: [
                "site": site[language], "title": title, "holder": holder, "masked_id": maskedID, "issuer": issuer,
                "verification_code": verificationCode, "seal": seal, "time": time,
            ], lists: ["lines": lines])
        }
    }

    /// The technician's test page: what the printer can do, and what it cannot.
    public struct TestPage: Sendable, Hashable {
        public var kioskID: String
        public var profile: PrinterProfile
        public var time: String

        public init(kioskID: String, profile: PrinterProfile, time: String) {
            self.kioskID = kioskID
            self.profile = profile
            self.time = time
        }

        public func values(_ language: Language) -> ReceiptTemplate.Values {
            ReceiptTemplate.Values(strings: [
                "kiosk": kioskID, "profile": profile.name, "time": time,
                "columns": String(profile.columns), "dots": String(profile.dots),
                "qr": profile.nativeQR ? "GS ( k" : "raster", "cutter": profile.cutter ? "yes" : "no",
            ])
        }
    }
}
