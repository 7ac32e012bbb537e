// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import ZizhuWire

/// A request the platform will not serve, answered as a JSON problem (`ProblemResponse`)
/// with its status. Handlers and middleware throw it; Hummingbird turns it into the response.
struct Refusal: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var problem: ProblemResponse

    init(_ status: HTTPResponse.Status, _ error: String, _ detail: String) {
        self.status = status
        problem = ProblemResponse(error: error, detail: detail)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }

    var response: Response { CentralServer.json(status, problem) }

    /// A signed request whose nonce was used before.
    static let replayed = Refusal(.unauthorized, "replayed request", "this nonce was used before")
}

extension CentralServer {
    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let data = (try? CanonicalJSON.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ error: String, _ detail: String) -> Response {
        Refusal(status, error, detail).response
    }

    static func header(_ request: Request, _ name: String) -> String? {
        let wanted = name.lowercased()
        return request.headers.first { $0.name.canonicalName == wanted }?.value
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}
