// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuCore
import ZizhuWire

/// The staff side's pages: server-rendered HTML with no script (the CSP forbids it), one
/// style sheet, a form for every action, each form carrying the session's CSRF token.
enum StaffPages {
    static let styleSheet = """
        body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
        .OK{background:#dff5df}.Warning{background:#fff3c4}.Error{background:#ffd6d6}.Offline{background:#e4e4e4}.Disabled{background:#e8dcff}
        nav{margin-bottom:1em;padding-bottom:.5em;border-bottom:1px solid #ccc}nav a,nav form{margin-right:1em;display:inline}
        form.inline{display:inline}.refusal{color:#a00}label{display:block;margin:.5em 0}
        img.scanned-page{max-width:420px;border:1px solid #999}#pages figure{display:inline-block;margin:0 1em 1em 0}
        """

    static func escape(_ text: String) -> String { Dashboard.escape(text) }

    static func html(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A whole page: title, the viewer's bar (who, which roles, the pages they may open,
    /// sign out), then the content.
    static func page(title: String, viewer: StaffViewer?, _ content: String) -> String {
        var html = """
            <!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <link rel="stylesheet" href="/dashboard/staff.css"></head><body>
            """
        if let viewer {
            html += "<nav><span id=\"viewer\">\(escape(viewer.name)) (\(viewer.roles.sorted().map(\.rawValue).joined(separator: ", ")))</span>"
            html += "<a href=\"/dashboard\">总览 Overview</a>"
            if viewer.has(.auditor) { html += "<a href=\"/dashboard/audit\">审计 Audit trail</a>" }
            html += "<form method=\"post\" action=\"/dashboard/logout\">\(csrfField(viewer))<button id=\"logout\">退出 Sign out</button></form></nav>"
        }
        return html + content + "</body></html>"
    }

    static func csrfField(_ viewer: StaffViewer) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(viewer.csrf))\">"
    }

    static func message(title: String, detail: String) -> String {
        page(title: title, viewer: nil, "<h1>\(escape(title))</h1><p id=\"detail\">\(escape(detail))</p><p><a href=\"/dashboard\">返回 Back</a></p>")
    }

    static func login(csrf: String, problem: String?) -> String {
        var content = "<h1>工作人员登录 <small>Staff sign-in</small></h1>"
        if let problem { content += "<p class=\"refusal\" id=\"problem\">\(escape(problem))</p>" }
        content += """
            <form method="post" action="/dashboard/login"><input type="hidden" name="login_csrf" value="\(escape(csrf))">
            <label>用户名 Name <input name="name" autocomplete="username" required maxlength="32"></label>
            <label>密码 Password <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
            <button type="submit" id="sign-in">登录 Sign in</button></form>
            """
        return page(title: "工作人员登录 Staff sign-in", viewer: nil, content)
    }

    static func audit(_ entries: [AuditEntry], filter: AuditFilter, viewer: StaffViewer) -> String {
        func field(_ name: String, _ value: String?, _ label: String) -> String {
            "<label class=\"inline\">\(label) <input name=\"\(name)\" value=\"\(escape(value ?? ""))\"></label> "
        }
        var content = "<h1>审计记录 <small>Audit trail</small></h1><form method=\"get\" action=\"/dashboard/audit\">"
            + field("since", filter.since, "Since (UTC)") + field("actor", filter.actor, "Who") + field("action", filter.action, "Action")
            + field("target", filter.target, "Case / kiosk") + "<button>筛选 Filter</button></form>"
        content += "<table id=\"audit\"><tr><th>When (UTC)</th><th>Who</th><th>Role</th><th>Action</th><th>Case / kiosk</th><th>Detail</th><th>From</th></tr>"
        for entry in entries {
            content += "<tr><td>\(escape(entry.at))</td><td>\(escape(entry.actor))</td><td>\(escape(entry.role))</td><td>\(escape(entry.action))</td>"
                + "<td>\(escape(entry.target))</td><td>\(escape(entry.detail))</td><td>\(escape(entry.address))</td></tr>"
        }
        return page(title: "审计记录 Audit trail", viewer: viewer, content + "</table>")
    }

    /// A case's history for staff: where it stands, and every staff action on it (the
    /// reviewer's name is here; the citizen sees only the decision and its reason).
    static func caseHistory(number: String, answer: ProgressAnswer, application: SubmissionPayload?, history: [AuditEntry],
                            viewer: StaffViewer, pages: [CasePage] = []) -> String {
        var content = "<h1>案件 <small>Case \(escape(number))</small></h1><table id=\"case\">"
            + "<tr><th>Service</th><td>\(escape(answer.serviceID ?? ""))</td></tr><tr><th>Progress</th><td id=\"progress\">\(escape(answer.progress))</td></tr>"
            + "<tr><th>Reason</th><td>\(escape(answer.reason ?? ""))</td></tr></table>"
        if let application { content += Self.application(application) }
        if !pages.isEmpty || !(application?.pages ?? []).isEmpty { content += Self.scannedPages(number: number, pages: pages, listed: application?.pages ?? []) }
        if let courier = answer.courier {
            let company = CourierCompany(rawValue: courier.company)?.chinese ?? courier.company
            content += "<p id=\"courier\">已寄出 Sent: \(escape(company)) \(escape(courier.number)) (\(escape(courier.sentAt ?? "")))</p>"
        }
        if application?.fields[ResultDelivery.methodField] == "mail" && answer.progress == "approved"
            && (viewer.has(.reviewer) || viewer.has(.operator)) {
            content += courierForm(number: number, csrf: csrfField(viewer))
        }
        content += "<h2>History</h2><table id=\"history\">"
            + "<tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>Detail</th></tr>"
        for entry in history.reversed() {
            content += "<tr><td>\(escape(entry.at))</td><td>\(escape(entry.actor))</td><td>\(escape(entry.action))</td><td>\(escape(entry.detail))</td></tr>"
        }
        return page(title: "Case \(number)", viewer: viewer, content + "</table>")
    }

    /// What the citizen applied for, opened with the platform key for this reviewer (the ID
    /// number masked, as on every screen).
    static func application(_ payload: SubmissionPayload) -> String {
        var html = "<h2>申请内容 Application</h2><table id=\"application\">"
            + "<tr><th>申请人 Applicant</th><td id=\"applicant\">\(escape(payload.applicant.name)) · \(escape(IDNumber.mask(payload.applicant.idNumber)))</td></tr>"
            + "<tr><th>终端判定 Kiosk's decision</th><td>\(escape(payload.decision.outcome)) (\(escape(payload.decision.decidedBy.joined(separator: ", "))))</td></tr>"
        for (field, value) in payload.fields.sorted(by: { $0.key < $1.key }) {
            html += "<tr><th>\(escape(field))</th><td>\(escape(value))</td></tr>"
        }
        if !payload.committed.isEmpty {
            html += "<tr><th>承诺后补 Committed</th><td>\(escape(payload.committed.joined(separator: ", ")))</td></tr>"
        }
        return html + "</table>"
    }

    /// 扫描纸质材料: the pages scanned at the kiosk, as images, with what is still on its way
    /// (the application lists its pages; they follow it).
    static func scannedPages(number: String, pages: [CasePage], listed: [PageManifest]) -> String {
        let whole = pages.filter(\.complete).count
        var html = "<h2>扫描材料 Scanned materials</h2><p id=\"pages-count\">已收到 \(whole) / \(listed.count) 页 · \(whole) of \(listed.count) pages received</p><div id=\"pages\">"
        for page in pages {
            let name = "\(escape(page.material)) 第\(page.number)页 · page \(page.number)"
            if page.complete {
                let source = "/dashboard/cases/\(escape(number))/pages/\(escape(page.material))/\(page.number)"
                html += "<figure><img class=\"scanned-page\" src=\"\(source)\" alt=\"\(name)\">"
                    + "<figcaption>\(name) (\(page.size) bytes)</figcaption></figure>"
            } else {
                html += "<p class=\"page-on-its-way\">\(name): 上传中 on its way (\(page.received) / \(page.size) bytes)</p>"
            }
        }
        return html + "</div>"
    }

    /// 证照寄递: the courier and tracking number of a mailed result (the case's number given
    /// on its page, typed from the envelope on the overview).
    static func courierForm(number: String?, csrf: String) -> String {
        var html = "<h2>证照寄递 Mailed results</h2><form id=\"courier-form\" method=\"post\" action=\"/dashboard/courier\">\(csrf)"
        if let number {
            html += "<input type=\"hidden\" name=\"number\" value=\"\(escape(number))\">"
        } else {
            html += "<label>受理编号 Acceptance no. <input name=\"number\" required maxlength=\"32\"></label> "
        }
        html += "<label>快递公司 Courier <select name=\"company\">"
        for company in CourierCompany.allCases {
            html += "<option value=\"\(company.rawValue)\">\(company.chinese) \(company.english)</option>"
        }
        return html + "</select></label> <label>快递单号 Tracking no. <input name=\"tracking\" required maxlength=\"30\"></label> "
            + "<button id=\"record-courier\">登记寄出 Record as sent</button></form>"
    }

    /// The fields of an `application/x-www-form-urlencoded` body (or query string).
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&").prefix(64) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first, fields[name] == nil else { continue }
            let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            fields[name] = raw.removingPercentEncoding ?? raw
        }
        return fields
    }
}
