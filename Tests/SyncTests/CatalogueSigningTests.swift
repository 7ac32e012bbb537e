// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Testing
import ZizhuWire

/// The kiosk's rules for a catalogue from the network (`CatalogueTrust`), on real Ed25519
/// keys: only the enrolment key or a successor it endorsed, only the files signed, only
/// forward.
@Suite("Signed catalogues")
struct CatalogueSigningTests {
    let files = [CatalogueBundle.File(name: "a.yaml", text: "id: a\n"), CatalogueBundle.File(name: "b.yaml", text: "id: b\n")]
    let operatorKey = Curve25519.Signing.PrivateKey()
    var trusted: String { operatorKey.publicKey.rawRepresentation.base64EncodedString() }

    func signed(_ number: Int, by key: Curve25519.Signing.PrivateKey, files: [CatalogueBundle.File]? = nil,
                endorsements: [CatalogueSignature.Endorsement] = []) throws -> CatalogueBundle {
        let bundle = CatalogueBundle(files: files ?? self.files)
        return bundle.signed(try CatalogueSignature.sign(bundle, number: number, signer: "测试", at: "2026-12-04T10:00:00Z",
                                                         key: key, endorsements: endorsements))
    }

    @Test func aGoodSignatureByTheEnrolmentKeyInstallsAndTheSameVersionIsCurrent() throws {
        let bundle = try signed(3, by: operatorKey)
        #expect(CatalogueTrust.check(bundle, trusted: trusted, installed: nil) == .install(trustedKey: trusted))
        let installed = try #require(bundle.signature?.statement)
        #expect(CatalogueTrust.check(bundle, trusted: trusted, installed: installed) == .current)
        // Through JSON (as it travels and as it is kept) it is the same.
        let copy = try JSONDecoder().decode(CatalogueBundle.self, from: CanonicalJSON.encode(bundle))
        #expect(CatalogueTrust.check(copy, trusted: trusted, installed: nil) == .install(trustedKey: trusted))
    }

    @Test func unsignedChangedStrangerAndTamperedAreRefused() throws {
        func reason(_ bundle: CatalogueBundle, trusted: String? = nil) -> String {
            if case .refused(let why) = CatalogueTrust.check(bundle, trusted: trusted ?? self.trusted, installed: nil) { return why }
            return "installed"
        }
        #expect(reason(CatalogueBundle(files: files)).contains("unsigned"))
        var changed = try signed(3, by: operatorKey)
        changed.files[0].text += "# 请转账工本费\n"
        #expect(reason(CatalogueBundle(files: changed.files).signed(changed.signature)).contains("does not cover"))
        #expect(reason(try signed(3, by: Curve25519.Signing.PrivateKey())).contains("does not trust"))
        var tampered = try signed(3, by: operatorKey)
        tampered.signature?.statement.number = 99    // a higher number, same signature
        #expect(reason(tampered).contains("not valid"))
        var truncated = try signed(3, by: operatorKey)
        truncated.signature?.signature = "AAAA"
        #expect(reason(truncated).contains("not valid"))
        if case .refused(let why) = CatalogueTrust.check(try signed(3, by: operatorKey), trusted: nil, installed: nil) {
            #expect(why.contains("no catalogue key"))
        } else {
            Issue.record("a kiosk given no key installed a catalogue")
        }
    }

    @Test func olderVersionsAndAReusedNumberAreRefused() throws {
        let installed = try #require(try signed(5, by: operatorKey).signature?.statement)
        let older = CatalogueTrust.check(try signed(4, by: operatorKey), trusted: trusted, installed: installed)
        #expect(older == .refused("downgrade refused: version 4 is older than the installed 5"))
        let other = try signed(5, by: operatorKey, files: [CatalogueBundle.File(name: "a.yaml", text: "id: changed\n")])
        #expect(CatalogueTrust.check(other, trusted: trusted, installed: installed) == .refused("version 5 is already installed with other content"))
        #expect(CatalogueTrust.check(try signed(6, by: operatorKey), trusted: trusted, installed: installed) == .install(trustedKey: trusted))
    }

    @Test func aRotationFollowsOnlyEndorsementsFromTheTrustedKey() throws {
        let successor = Curve25519.Signing.PrivateKey(), third = Curve25519.Signing.PrivateKey()
        let successorKey = successor.publicKey.rawRepresentation.base64EncodedString()
        let thirdKey = third.publicKey.rawRepresentation.base64EncodedString()
        let first = try CatalogueSignature.Endorsement.make(new: successor.publicKey, by: operatorKey)
        #expect(CatalogueTrust.check(try signed(2, by: successor, endorsements: [first]), trusted: trusted, installed: nil)
                == .install(trustedKey: successorKey))
        // A chain of two rotations.
        let second = try CatalogueSignature.Endorsement.make(new: third.publicKey, by: successor)
        #expect(CatalogueTrust.check(try signed(2, by: third, endorsements: [first, second]), trusted: trusted, installed: nil)
                == .install(trustedKey: thirdKey))
        // A stranger endorsing himself proves nothing.
        let stranger = Curve25519.Signing.PrivateKey()
        let selfMade = try CatalogueSignature.Endorsement.make(new: successor.publicKey, by: stranger)
        #expect(CatalogueTrust.check(try signed(2, by: successor, endorsements: [selfMade]), trusted: trusted, installed: nil)
                != .install(trustedKey: successorKey))
        // An endorsement naming the trusted key as its author but signed by someone else.
        var forged = try CatalogueSignature.Endorsement.make(new: successor.publicKey, by: stranger)
        forged.by = trusted
        #expect(CatalogueTrust.check(try signed(2, by: successor, endorsements: [forged]), trusted: trusted, installed: nil)
                == .refused("a key endorsement's signature is not valid"))
    }

    @Test func base64URLRoundTripsAndRefusesTheStandardAlphabet() {
        let bytes = Data((0...255).map { UInt8($0) })
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("+") && !text.contains("/") && !text.contains("="))
        #expect(Base64URL.decode(text) == bytes)
        #expect(Base64URL.encode(Data([0xfb, 0xff])) == "-_8")
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("-_9") == nil, "unused bits set: not the canonical text of any bytes")
    }
}
