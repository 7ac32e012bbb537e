// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuWire

/// The fleet dashboard: one server-rendered page (no script) behind the staff login.
/// Every kiosk with OK / Warning / Error / Offline and why, its outbox and clock skew;
/// submissions per hour as an SVG bar chart; open help requests staff can acknowledge.
public enum Dashboard {
    public enum Health: String, Sendable {
        case ok = "OK", warning = "Warning", error = "Error", offline = "Offline"
    }

    /// Missed heartbeats: a kiosk silent for longer than this is Offline.
    public static let offlineAfter: TimeInterval = 180

    public static func health(_ kiosk: FleetKiosk, now: Date) -> (Health, [String]) {
        guard let heartbeat = kiosk.heartbeat, let at = kiosk.heartbeatAt else { return (.offline, ["no heartbeat yet"]) }
        let silent = now.timeIntervalSince(at)
        if silent > offlineAfter { return (.offline, ["last heartbeat \(Int(silent / 60)) min ago"]) }
        var errors: [String] = [], warnings: [String] = []
        for (device, state) in heartbeat.devices.sorted(by: { $0.key < $1.key }) {
            switch (device, state) {
            case (_, "ok"), (_, "unknown"), ("printer", "ready"): continue
            case ("printer", "paper_low"), ("disk", "low"): warnings.append("\(device) \(state.replacingOccurrences(of: "_", with: " "))")
            default: errors.append("\(device) \(state.replacingOccurrences(of: "_", with: " "))")
            }
        }
        if heartbeat.status == "error" && errors.isEmpty { errors.append("kiosk reports an error") }
        if heartbeat.catalogueRefused != nil { warnings.append("catalogue update refused") }
        if heartbeat.deadLetters > 0 { warnings.append("\(heartbeat.deadLetters) dead letters") }
        // Figures a kiosk reports are clamped before any arithmetic: a heartbeat of 1e19 or
        // NaN must not trap the dashboard for the whole fleet.
        if let oldest = heartbeat.outboxOldestSeconds, oldest.isFinite, oldest > 3600 {
            warnings.append("outbox oldest \(Int(min(oldest, 1e12) / 3600)) h")
        }
        if let clock = clockWarning(heartbeat.clockOffsetSeconds) { warnings.append(clock) }
        if kiosk.lookupsLastHour >= abnormalLookupsPerHour { warnings.append("\(kiosk.lookupsLastHour) record lookups in the last hour") }
        if let skew = kiosk.skewSeconds, skew.magnitude > 60 { warnings.append("clock \(skew) s off") }
        if !errors.isEmpty { return (.error, errors + warnings) }
        if !warnings.isEmpty { return (.warning, warnings) }
        return (.ok, [])
    }

    /// A kiosk serving citizens one at a time looks up a few records per visit; this many in
    /// an hour is a script, not a queue of people (a stolen secret at work).
    public static let abnormalLookupsPerHour = 200

    /// "kiosk clock 400 d behind (corrected with platform time)" for a kiosk clock a minute
    /// or more off (the heartbeat's figure, clamped: no value traps); nil otherwise.
    public static func clockWarning(_ offset: Double?) -> String? {
        guard let offset, offset.isFinite, offset.magnitude >= 60 else { return nil }
        let days = offset.magnitude >= 172_800
        let amount = Int(min(offset.magnitude, 1e12) / (days ? 86_400 : 1))
        return "kiosk clock \(amount) \(days ? "d" : "s") \(offset > 0 ? "behind" : "ahead") (corrected with platform time)"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// "1 kiosk", "3 kiosks".
    public static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// A moment as staff in the hall read it: Beijing time (`2026-12-05 00:20:31 北京时间`).
    public static func local(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = BeijingTime.zone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + " 北京时间"
    }

    /// The last 24 hours as bars, labelled in Beijing time (the store counts UTC hours).
    public static func chart(_ perHour: [String: Int], now: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH"
        let localFormatter = DateFormatter()
        localFormatter.timeZone = BeijingTime.zone
        localFormatter.locale = Locale(identifier: "en_US_POSIX")
        localFormatter.dateFormat = "yyyy-MM-dd HH"
        let moments = (0..<24).reversed().map { now.addingTimeInterval(-Double($0) * 3600) }
        let hours = moments.map { formatter.string(from: $0) }
        let localHours = moments.map { localFormatter.string(from: $0) }
        let counts = hours.map { perHour[$0] ?? 0 }
        let top = max(1, counts.max() ?? 1)
        let width = 24 * 22 + 40, height = 160
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Submissions per hour, last 24 hours\" "
            + "width=\"\(width)\" height=\"\(height + 30)\" viewBox=\"0 0 \(width) \(height + 30)\">"
        svg += "<line x1=\"30\" y1=\"\(height)\" x2=\"\(width)\" y2=\"\(height)\" stroke=\"#333\"/>"
        svg += "<text x=\"0\" y=\"12\" font-size=\"11\">\(top)</text><text x=\"0\" y=\"\(height)\" font-size=\"11\">0</text>"
        for (index, count) in counts.enumerated() {
            let barHeight = count * (height - 20) / top
            let x = 34 + index * 22
            let hour = String(localHours[index].suffix(2))
            svg += "<rect x=\"\(x)\" y=\"\(height - barHeight)\" width=\"16\" height=\"\(barHeight)\" fill=\"#2a6fdb\">"
                + "<title>\(localHours[index]):00 北京时间: \(count)</title></rect>"
            if index % 3 == 0 { svg += "<text x=\"\(x)\" y=\"\(height + 14)\" font-size=\"10\">\(hour)</text>" }
        }
        return svg + "</svg>"
    }

    /// The overview a member of staff sees: each section only for the roles that use it —
    /// the fleet, its chart and ratings for operators and auditors (operators also get each
    /// kiosk's disable / enable / new-secret buttons and enrolment tokens), help requests for
    /// the help desk, the review queue for reviewers. Every form carries the CSRF token.
    public static func page(fleet: [FleetKiosk], perHour: [String: Int], help: [OpenHelp], stats: CentralStats, now: Date,
                            review: [ReviewItem] = [], ratings: [Int: Int] = [:], viewer: StaffViewer, notice: String? = nil,
                            query: FleetQuery = FleetQuery()) -> String {
        let csrf = StaffPages.csrfField(viewer)
        var html = "<h1>自助终端运行监控 <small>Fleet dashboard</small></h1>"
        if let notice { html += "<p id=\"notice\">\(escape(notice))</p>" }
        html += "<p id=\"totals\">\(counted(stats.kiosks, "kiosk")), \(counted(stats.submissions, "submission")), \(stats.repeats) repeated deliveries answered, "
            + "\(stats.inReview) in manual review</p><p><a href=\"/dashboard\">刷新 Refresh</a></p>"
        if viewer.has(.operator) || viewer.has(.auditor) {
            html += fleetSection(fleet, now: now, operator: viewer.has(.operator) ? csrf : nil, query: query)
            html += "<h2>Submissions per hour (北京时间)</h2><figure id=\"per-hour\">\(chart(perHour, now: now))</figure>"
            if viewer.has(.operator) {
                html += "<h2>注册令牌 Enrolment tokens</h2><form method=\"post\" action=\"/dashboard/tokens\">\(csrf)"
                    + "<button id=\"new-token\">新令牌 New enrolment token</button></form>"
            }
        }
        if viewer.has(.helpdesk) { html += helpSection(help, csrf: csrf) }
        if viewer.has(.reviewer) { html += reviewSection(review, waiting: stats.inReview, csrf: csrf) }
        if viewer.has(.reviewer) || viewer.has(.operator) { html += StaffPages.courierForm(number: nil, csrf: csrf) }
        if viewer.has(.operator) || viewer.has(.auditor) {
            let total = ratings.values.reduce(0, +)
            html += "<h2>好差评 Ratings <small>(\(total))</small></h2><table id=\"ratings\"><tr><th>Level</th><th>Count</th></tr>"
            for level in RatingPayload.levels {
                html += "<tr><td>\(level.zh) \(level.en)</td><td>\(ratings[level.level] ?? 0)</td></tr>"
            }
            let average = total == 0 ? "-" : String(format: "%.2f", Double(ratings.reduce(0) { $0 + $1.key * $1.value }) / Double(total))
            html += "</table><p id=\"rating-average\">Average \(average) of 5</p>"
        }
        return StaffPages.page(title: "自助终端运行监控 Fleet dashboard", viewer: viewer, html)
    }

    /// What part of the fleet the table shows: kiosks whose id or site contains `search`,
    /// problems first, `perPage` to a page.
    public struct FleetQuery: Sendable, Hashable {
        public var search: String
        public var page: Int
        public static let perPage = 100

        public init(search: String = "", page: Int = 1) {
            self.search = String(search.trimmingCharacters(in: .whitespaces).prefix(64))
            self.page = max(1, min(page, 1_000_000))
        }

        /// The overview's address for another page of the same search.
        func link(page: Int) -> String {
            var items = ["page=\(page)"]
            if !search.isEmpty {
                items.insert("q=" + (search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), at: 0)
            }
            return "/dashboard?" + items.joined(separator: "&")
        }
    }

    /// The order problems come in: what needs someone now first.
    static func urgency(_ state: Health, disabled: Bool) -> Int {
        if disabled { return 3 }
        switch state {
        case .error: return 0
        case .offline: return 1
        case .warning: return 2
        case .ok: return 4
        }
    }

    static func fleetSection(_ fleet: [FleetKiosk], now: Date, operator csrf: String?, query: FleetQuery = FleetQuery()) -> String {
        let judged = fleet.map { kiosk in (kiosk: kiosk, health: health(kiosk, now: now)) }
        // The whole fleet at a glance: how many in each state, and the sites with problems.
        var html = "<h2>Kiosks</h2><p id=\"fleet-states\">"
        let states: [(String, Int)] = [("Error", judged.filter { $0.kiosk.disabledReason == nil && $0.health.0 == .error }.count),
                                       ("Offline", judged.filter { $0.kiosk.disabledReason == nil && $0.health.0 == .offline }.count),
                                       ("Warning", judged.filter { $0.kiosk.disabledReason == nil && $0.health.0 == .warning }.count),
                                       ("OK", judged.filter { $0.kiosk.disabledReason == nil && $0.health.0 == .ok }.count),
                                       ("Disabled", judged.filter { $0.kiosk.disabledReason != nil }.count)]
        html += states.map { "<span class=\"\($0.0)\" data-state=\"\($0.0)\">\($0.0) \($0.1)</span>" }.joined(separator: " · ") + "</p>"
        let bySite = Dictionary(grouping: judged) { $0.kiosk.site }
        let sites = bySite.map { site, kiosks in
            (site: site, kiosks: kiosks.count, problems: kiosks.filter { $0.health.0 != .ok || $0.kiosk.disabledReason != nil }.count)
        }.sorted { ($0.problems, $1.site) > ($1.problems, $0.site) }
        let withProblems = sites.filter { $0.problems > 0 }
        html += "<details id=\"sites\"\(withProblems.isEmpty ? "" : " open")><summary>\(counted(sites.count, "site")), "
            + "\(counted(withProblems.count, "site")) with problems</summary><table><tr><th>Site</th><th>Kiosks</th><th>With problems</th></tr>"
        for site in sites.prefix(20) {
            let link = FleetQuery(search: site.site).link(page: 1)
            html += "<tr data-site=\"\(escape(site.site))\"><td><a href=\"\(escape(link))\">\(escape(site.site))</a></td>"
                + "<td>\(site.kiosks)</td><td>\(site.problems)</td></tr>"
        }
        html += "</table></details>"
        // Search by kiosk id or site, problems first, a page at a time.
        let needle = query.search.lowercased()
        let matching = judged.filter { needle.isEmpty || $0.kiosk.id.lowercased().contains(needle) || $0.kiosk.site.lowercased().contains(needle) }
            .sorted { (urgency($0.health.0, disabled: $0.kiosk.disabledReason != nil), $0.kiosk.id)
                < (urgency($1.health.0, disabled: $1.kiosk.disabledReason != nil), $1.kiosk.id) }
        let pages = max(1, (matching.count + FleetQuery.perPage - 1) / FleetQuery.perPage)
        let page = min(query.page, pages)
        html += "<form id=\"fleet-search\" method=\"get\" action=\"/dashboard\"><input name=\"q\" value=\"\(escape(query.search))\" "
            + "placeholder=\"终端编号或站点 kiosk id or site\"><button>查找 Search</button></form>"
        html += "<p id=\"fleet-page\">\(counted(matching.count, "kiosk"))\(needle.isEmpty ? "" : " matching “\(escape(query.search))”"), "
            + "page \(page) of \(pages)"
        if page > 1 { html += " · <a id=\"previous-page\" href=\"\(escape(query.link(page: page - 1)))\">← previous</a>" }
        if page < pages { html += " · <a id=\"next-page\" href=\"\(escape(query.link(page: page + 1)))\">next →</a>" }
        html += "</p>"
        html += "<table id=\"kiosks\"><tr><th>Kiosk</th><th>Site</th><th>Status</th><th>Faults</th><th>Outbox</th>"
            + "<th>Clock skew</th><th>Catalogue</th><th>Version</th><th>Last heartbeat</th><th>Submissions</th>\(csrf == nil ? "" : "<th>Operator</th>")</tr>"
        for (kiosk, judgement) in matching.dropFirst((page - 1) * FleetQuery.perPage).prefix(FleetQuery.perPage) {
            let (state, faults) = judgement
            let outbox = kiosk.heartbeat.map { "\($0.outboxPending) pending" + ($0.outboxOldestSeconds.flatMap { $0.isFinite ? ", oldest \(Int(min(max($0, 0), 1e12))) s" : nil } ?? "") } ?? "-"
            let skew = kiosk.skewSeconds.map { ($0 >= 0 ? "+" : "") + "\($0) s" } ?? "-"
            var catalogue = kiosk.heartbeat?.catalogueVersion.map { String($0.prefix(12)) } ?? "-"
            if let refused = kiosk.heartbeat?.catalogueRefused { catalogue += " (update refused: \(refused))" }
            let id = escape(kiosk.id)
            let shown = kiosk.disabledReason == nil ? state.rawValue : "Disabled"
            html += "<tr class=\"\(shown)\" data-kiosk=\"\(id)\"><td>\(id)</td><td>\(escape(kiosk.site))</td>"
                + "<td>\(state.rawValue)\(kiosk.disabledReason.map { " · disabled: " + escape($0) } ?? "")</td><td>\(escape(faults.joined(separator: "; ")))</td>"
                + "<td>\(outbox)</td><td>\(skew)</td><td class=\"catalogue\">\(escape(catalogue))</td>"
                + "<td>\(escape(kiosk.heartbeat?.version ?? "-"))</td><td>\(kiosk.heartbeatAt.map { local($0) } ?? "-")</td>"
                + "<td>\(kiosk.submissions)</td>"
            if let csrf {
                html += "<td>"
                if kiosk.disabledReason == nil {
                    html += "<form class=\"inline\" method=\"post\" action=\"/dashboard/kiosks/\(id)/disable\">\(csrf)"
                        + "<input name=\"reason\" required placeholder=\"reason 停用原因\"><button>Disable 停用</button></form>"
                } else {
                    html += "<form class=\"inline\" method=\"post\" action=\"/dashboard/kiosks/\(id)/enable\">\(csrf)<button>Enable 启用</button></form>"
                }
                html += "<form class=\"inline\" method=\"post\" action=\"/dashboard/kiosks/\(id)/rotate\">\(csrf)<button>New secret 更换密钥</button></form></td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    static func helpSection(_ help: [OpenHelp], csrf: String) -> String {
        var html = "<h2>呼叫帮办 Help requests</h2>"
        guard !help.isEmpty else { return html + "<p id=\"help-none\">No open help requests.</p>" }
        html += "<table id=\"help\"><tr><th>#</th><th>Kiosk</th><th>Screen</th><th>Pressed at</th><th></th></tr>"
        for request in help {
            html += "<tr><td>\(request.id)</td><td>\(escape(request.kioskID))</td><td>\(escape(request.screen))</td><td>\(escape(request.at))</td>"
                + "<td><form method=\"post\" action=\"/dashboard/help/\(request.id)/acknowledge\">\(csrf)"
                + "<button data-help=\"\(request.id)\">Acknowledge 已响应</button></form></td></tr>"
        }
        return html + "</table>"
    }

    static func reviewSection(_ review: [ReviewItem], waiting: Int, csrf: String) -> String {
        var html = "<h2 id=\"review\">人工审核 Manual review <small>(\(waiting) waiting)</small></h2>"
        guard !review.isEmpty else { return html + "<p id=\"review-none\">No case is waiting for a reviewer.</p>" }
        html += "<table id=\"review-queue\"><tr><th>受理编号</th><th>Service</th><th>Kiosk</th><th>Received</th><th>Decision</th></tr>"
        for item in review {
            let number = escape(item.acceptanceNumber)
            html += "<tr data-case=\"\(number)\"><td><a href=\"/dashboard/cases/\(number)\">\(number)</a></td><td>\(escape(item.serviceID))</td>"
                + "<td>\(escape(item.kioskID))</td><td>\(escape(item.receivedAt))"
                + (item.flag.map { "<br><span class=\"flag\" data-flag=\"\(number)\">⚑ \(escape($0))</span>" } ?? "") + "</td><td>"
                + "<form method=\"post\" action=\"/dashboard/review/\(number)/approve\">\(csrf)<input type=\"hidden\" name=\"reason\" value=\"\">"
                + "<button data-approve=\"\(number)\">Approve 通过</button></form>"
                + "<form method=\"post\" action=\"/dashboard/review/\(number)/refuse\">\(csrf)<input name=\"reason\" data-reason=\"\(number)\" required "
                + "placeholder=\"reason 不予通过的理由\"><button data-refuse=\"\(number)\">Refuse 不予通过</button></form></td></tr>"
        }
        return html + "</table>"
    }
}
