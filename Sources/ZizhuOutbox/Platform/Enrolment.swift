// SPDX-License-Identifier: Apache-2.0
import AsyncHTTPClient
import Crypto
import DurableFiles
import Foundation
import Logging
import NIOSSL
import ZizhuWire

/// What `zizhu enroll` stored: where the platform is and this kiosk's signing secret.
/// `$ZIZHU_HOME/enrolment.json`, mode 0600.
public struct Enrolment: Codable, Sendable, Hashable {
    public var central: String
    public var kioskID: String
    public var secret: String
    /// The CA (PEM) the platform's certificate was checked against at enrolment: the only
    /// one trusted for it afterwards (nil: plain HTTP to this machine).
    public var platformCA: String?
    /// The catalogue-signing public key this kiosk trusts: given at enrolment, replaced only
    /// by a successor it endorsed (key rotation). Nil: no catalogue is installed from the network.
    public var catalogueKey: String?

    public init(central: String, kioskID: String, secret: String, platformCA: String? = nil, catalogueKey: String? = nil) {
        self.central = central
        self.kioskID = kioskID
        self.secret = secret
        self.platformCA = platformCA
        self.catalogueKey = catalogueKey
    }

    /// Trusts `key` for catalogues from now on (after a rotation the old key endorsed).
    public static func trustCatalogueKey(_ key: String, home: URL) throws {
        guard var enrolment = load(home: home), enrolment.catalogueKey != key else { return }
        enrolment.catalogueKey = key
        try enrolment.save(home: home)
    }

    /// The HTTP client for this platform: TLS trusting only the enrolment's CA.
    public func httpClient() throws -> HTTPClient { try PlatformLink.client(trusting: platformCA) }

    public static func file(home: URL) -> URL { home.appendingPathComponent("enrolment.json") }

    public static func load(home: URL) -> Enrolment? {
        FileManager.default.contents(atPath: file(home: home).path).flatMap { try? JSONDecoder().decode(Enrolment.self, from: $0) }
    }

    public func save(home: URL) throws {
        let url = Self.file(home: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let data = try CanonicalJSON.encode(self)
        // Enrolled or not after a power cut, never half (before, nothing here was fsync'd).
        do {
            try DurableFile.replace(url, with: data, permissions: 0o600)
        } catch {
            throw OutboxError(kind: .storage, zh: "无法保存注册信息", en: "\(error)")
        }
    }

    var key: SymmetricKey? { Data(base64Encoded: secret).map { SymmetricKey(data: $0) } }

    /// Registers this kiosk with a one-time token. The secret comes back over TLS checked
    /// against `caPEM`; plain `http://` is refused except to this machine (demo, tests).
    public static func enrol(central: String, token: String, kioskID: String, siteName: String,
                             caPEM: String? = nil) async throws -> Enrolment {
        try PlatformLink.checkScheme(central)
        let client = try PlatformLink.client(trusting: caPEM)
        let body = try CanonicalJSON.encode(EnrolmentRequest(token: token, kioskID: kioskID, siteName: siteName))
        let (status, data) = try await PlatformLink.post(client: client, url: central + "/v1/enrol", body: body, headers: [])
        guard status == 201, let answer = try? JSONDecoder().decode(EnrolmentResponse.self, from: data) else {
            throw (try? JSONDecoder().decode(ProblemResponse.self, from: data))
                ?? ProblemResponse(error: "enrolment failed", detail: "HTTP \(status)")
        }
        return Enrolment(central: central, kioskID: answer.kioskID, secret: answer.secret, platformCA: caPEM,
                         catalogueKey: answer.catalogueKey)
    }
}

public enum PlatformLink {
    /// `https://` anywhere; `http://` only to this machine (127.0.0.0/8, ::1, localhost),
    /// where nothing is on the wire.
    public static func checkScheme(_ url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else {
            throw ProblemResponse(error: "bad platform URL", detail: "\(url): expected https://HOST[:PORT]")
        }
        if scheme == "https" { return }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        guard scheme == "http", loopback else {
            throw ProblemResponse(error: "plain HTTP refused",
                                  detail: "\(url): the platform is reached over https:// (plain http:// only to this machine)")
        }
    }

    /// One client per trusted CA for the life of the process (clients are never shut down
    /// mid-run; a kiosk talks to one platform).
    nonisolated(unsafe) private static var clients: [String: HTTPClient] = [:]
    private static let lock = NSLock()

    static func client(trusting caPEM: String?) throws -> HTTPClient {
        guard let caPEM else { return .shared }
        return try lock.withLock {
            if let existing = clients[caPEM] { return existing }
            var tls = TLSConfiguration.makeClientConfiguration()
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
            } catch {
                throw ProblemResponse(error: "bad CA", detail: "the platform CA is not a PEM certificate: \(error)")
            }
            tls.minimumTLSVersion = .tlsv12
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            clients[caPEM] = client
            return client
        }
    }

    /// An answer that does not carry the platform's signature over the request it answers:
    /// made up, changed or replayed by someone in between (or an unknown kiosk's).
    struct Unauthenticated: Error, CustomStringConvertible {
        var status: Int
        var path: String
        var description: String { "the answer to \(path) (HTTP \(status)) is not signed by the platform for this request" }
    }

    static func post(client: HTTPClient, url: String, body: Data, headers: [(String, String)],
                     timeoutSeconds: Int64 = 30) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }
}
