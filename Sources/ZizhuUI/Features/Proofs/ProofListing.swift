// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 打印证明: one proof the platform holds for the identified citizen.
public struct ProofItem: Sendable, Hashable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// 打印证明: what the platform holds for the citizen.
public enum ProofListing: Sendable, Hashable {
    case loading
    case found([ProofItem])
    /// The platform cannot be asked (offline, not enrolled): nothing can be printed now.
    case unavailable
}

/// 打印证明: the chosen proof fetched and printed, or why not.
public enum ProofPrintState: Sendable, Hashable {
    case printing(title: String)
    case printed(title: String, verificationCode: String)
    case notPrinted(zh: String, en: String)
}

/// 打印证明's slice of the session: the proofs the platform holds for the citizen, and the
/// one printing.
public struct ProofsState: Sendable, Hashable {
    public var listing: ProofListing?
    public var printing: ProofPrintState?
    public init(listing: ProofListing? = nil, printing: ProofPrintState? = nil) {
        self.listing = listing
        self.printing = printing
    }
}
