// SPDX-License-Identifier: Apache-2.0
import Foundation
import SocialSecurityCard
import ZizhuCore
import ZizhuProcess
import ZizhuResources

extension KioskDiagnostics {
    /// What pcscd says about the 社保卡 reader, and whether the profile loads.
    public struct SocialSecurityCardReaders: Sendable, Hashable {
        public var profile: String
        /// Each reader pcscd lists, and whether a card is in it.
        public var readers: [Reader]
        /// Why the reader cannot be used (pcscd down, no reader, a bad profile).
        public var problem: String?

        public struct Reader: Sendable, Hashable {
            public var name: String
            public var cardPresent: Bool
        }

        public init(profile: String, readers: [Reader], problem: String?) {
            self.profile = profile
            self.readers = readers
            self.problem = problem
        }
    }

    /// Asks pcscd which readers it has (never waits for a card), on a thread of its own.
    public static func socialSecurityCardReaders(profile: String, reader: String?, shareRoot: URL) async -> SocialSecurityCardReaders {
        let url = shareRoot.appendingPathComponent("Devices/sscard/\(profile).yaml")
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            _ = try SocialSecurityCardProfile.parse(text, file: url.path)
        } catch {
            return SocialSecurityCardReaders(profile: profile, readers: [], problem: "profile \(url.path): \(error)")
        }
        let found = try? await ChildProcess.detached { () -> Result<[SocialSecurityCardReaders.Reader], SmartCardFault> in
            Result { () throws(SmartCardFault) in try PCSCReaders.status().map { .init(name: $0.reader, cardPresent: $0.cardPresent) } }
        }
        switch found {
        case .success(let readers)?:
            if let reader, !readers.contains(where: { $0.name == reader }) {
                return SocialSecurityCardReaders(profile: profile, readers: readers, problem: "no reader named '\(reader)'")
            }
            return SocialSecurityCardReaders(profile: profile, readers: readers, problem: readers.isEmpty ? "pcscd lists no reader" : nil)
        case .failure(let fault)?:
            return SocialSecurityCardReaders(profile: profile, readers: [], problem: "\(fault)")
        case nil:
            return SocialSecurityCardReaders(profile: profile, readers: [], problem: "could not start a thread to ask pcscd")
        }
    }

    /// The reader check with the 社保卡 reader added: its facts, and a warning when it is
    /// configured but unusable (citizens can still identify with their ID card).
    public static func reader(_ check: DiagnosticCheck, socialSecurityCard status: SocialSecurityCardReaders?) -> DiagnosticCheck {
        guard let status else { return check }
        let facts = [DiagnosticFact("社保卡配置", "SSCard profile", status.profile)] + status.readers.map {
            DiagnosticFact("社保卡读卡器", "SSCard reader", $0.name + ($0.cardPresent ? " (有卡 / card in)" : " (无卡 / empty)"))
        }
        return withInputDevice(check, facts, fault: ("社保卡读卡器", "SSCard reader"), problem: status.problem.map(IDNumber.maskNumbers(in:)),
                               warning: LocalizedText(zh: "社保卡读卡器不可用：检查 pcscd 服务和读卡器连接（市民仍可用身份证）",
                                                      en: "the social security card reader is unavailable: check pcscd and the reader's cable (citizens can still use their ID card)"),
                               connected: LocalizedText(zh: "社保卡读卡器已连接", en: "Social security card reader connected"))
    }
}
