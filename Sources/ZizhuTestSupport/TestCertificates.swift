// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuProcess

/// A throw-away PKI for tests and benchmarks, made with `openssl`: a CA, a second CA nobody
/// trusts, and a server certificate for 127.0.0.1 signed by the first (P-256, 30 days); also
/// for 10.0.2.2, the address a QEMU guest on user networking reaches this machine's loopback at.
///
/// ```swift
/// let pki = try await TestCertificates.make(in: scratch)
/// // serve --tls-cert pki.cert.path --tls-key pki.key.path; clients trust pki.ca
/// ```
public enum TestCertificates {
    public struct Made: Sendable {
        public var ca: URL
        public var otherCA: URL
        public var cert: URL
        public var key: URL
        /// The certificate and its key in one PEM (what HAProxy's `crt` takes).
        public var bundle: URL
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func make(in folder: URL) async throws -> Made {
        let script = """
            set -e
            cd "$1"
            for name in ca other-ca; do
              openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $name.key -out $name.pem -days 30 \\
                -subj "/CN=Zizhu test $name" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
            done
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
            printf 'subjectAltName=IP:127.0.0.1,IP:10.0.2.2\\nbasicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 30 -extfile server.ext
            cat server.pem server.key > server-bundle.pem
            chmod 600 server-bundle.pem
            """
        let made = try await ChildProcess.runDetached(["/bin/sh", "-c", script, "sh", folder.path], environment: ["PATH": "/usr/bin:/bin"])
        guard made.status == 0 else { throw Problem(description: "openssl: \(made.stderr)") }
        func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
        return Made(ca: file("ca.pem"), otherCA: file("other-ca.pem"), cert: file("server.pem"), key: file("server.key"),
                    bundle: file("server-bundle.pem"))
    }
}
