// SPDX-License-Identifier: Apache-2.0
import Foundation

// GET /v1/progress/{number} and POST /v1/progress: 查询进度.

/// 查询进度 by ID card (`POST /v1/progress` with `ProofsRequest`'s {idNumber}): the
/// applicant's cases, newest first.
public struct ProgressList: Codable, Sendable, Hashable {
    public var cases: [ProgressAnswer]
    public init(cases: [ProgressAnswer]) { self.cases = cases }
}

/// A case's progress as the platform answers `GET /v1/progress/{number}`.
public struct ProgressAnswer: Codable, Sendable, Hashable {
    public var acceptanceNumber: String
    /// approved | manual_review | refused
    public var progress: String
    public var serviceID: String?
    /// The reviewer's reason, when a person decided.
    public var reason: String?
    public var updatedAt: String?

    public init(acceptanceNumber: String, progress: String, serviceID: String? = nil, reason: String? = nil, updatedAt: String? = nil) {
        self.acceptanceNumber = acceptanceNumber
        self.progress = progress
        self.serviceID = serviceID
        self.reason = reason
        self.updatedAt = updatedAt
    }
}
