// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuWire

/// 受理编号 as the API document defines it, from the document's own example, and the keys
/// that are not UUIDv7s.
@Suite("受理编号 and UUIDv7 keys")
struct AcceptanceNumberTests {
    @Test func theDocumentsExampleAndKeysThatAreNotUUIDv7() {
        // openapi.yaml: x-zizhu-example of SubmissionEnvelope.acceptanceNumber.
        let key = "019ae8f3-6c00-7abc-8def-0123456789ab"
        #expect(AcceptanceNumber.from(key: key) == "ZZ20251204-0123-4567-89AB")
        #expect(UUIDv7.isValid(key))
        #expect(UUIDv7.milliseconds(key) == 0x019a_e8f3_6c00)
        // Just before midnight UTC is the next day in UTC+8.
        let late = UUIDv7.make(milliseconds: UInt64(Date(timeIntervalSince1970: 1_764_806_399).timeIntervalSince1970 * 1000))
        #expect(AcceptanceNumber.from(key: late)?.hasPrefix("ZZ20251204-") == true, "\(late)")
        for bad in ["", "019ae8f3-6c00-4abc-8def-0123456789ab", "019ae8f3-6c00-7abc-8def-0123456789a", "019ae8f3-6c00-7abc-8def-0123456789ag",
                    "019ae8f3-6c00-7abc-8def-0123456789abc", "０19ae8f3-6c00-7abc-8def-0123456789ab"] {
            #expect(AcceptanceNumber.from(key: bad) == nil, "\(bad)")
            #expect(!UUIDv7.isValid(bad), "\(bad)")
        }
        #expect(!UUIDv7.isValid(key.uppercased()), "keys are lower case")
    }
}
