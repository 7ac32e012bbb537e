// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuWire

/// `GET /verify?seal=…`: the public page a proof's QR code leads to. It shows what the
/// platform certified — the same as the paper: title, issuer, lines, the masked ID number,
/// the time — or says the proof is not genuine. It looks nothing up: the seal carries it all.
enum ProofVerifyPage {
    static func response(seal: String, certified: CertifiedProof?) -> Response {
        let escape = Dashboard.escape
        var body = "<!doctype html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>证明核验 Proof check</title></head><body>"
        if let certified {
            body += "<h1 id=\"genuine\">真实有效 · Genuine</h1><p>由政务服务平台签发 · Issued and signed by the platform</p><table>"
                + "<tr><th>证明</th><td>\(escape(certified.title))</td></tr><tr><th>出具单位</th><td>\(escape(certified.issuer))</td></tr>"
                + "<tr><th>证件号码</th><td>\(escape(certified.holder))</td></tr><tr><th>签发时间 (UTC)</th><td>\(escape(certified.issuedAt))</td></tr>"
                + "</table><ul>" + certified.lines.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
                + "<p>验证码 \(escape(ProofSeal.shortCode(seal)))</p>"
        } else {
            body += "<h1 id=\"not-genuine\">无法核验 · Not genuine</h1><p>这不是政务服务平台签发的证明，或内容已被改动。"
                + " This is not a proof the platform signed, or it has been changed.</p>"
        }
        body += "</body></html>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in StaffHeadersMiddleware.headers { headers[name] = value }
        return Response(status: certified == nil ? .notFound : .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
