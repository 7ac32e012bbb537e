// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation
import Testing
import ZizhuKiosk
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

/// Where a catalogue from the platform goes: under the kiosk's home, never beside the
/// shipped files (a demo kiosk run from a checkout once wrote `.version` into
/// `Kiosk/catalogue/`, and an installed kiosk would have replaced the package's files).
@Suite("The installed catalogue")
struct InstalledCatalogueTests {
    @Test func anUpdateGoesUnderTheHomeAndTheShippedCatalogueIsOnlyTheSeed() throws {
        let shipped = Scratch.folder("shipped-catalogue")
        let home = Scratch.folder("kiosk-home")
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: Sample.catalogueFolder.path) where name.hasSuffix(".yaml") {
            try manager.copyItem(at: Sample.catalogueFolder.appendingPathComponent(name), to: shipped.appendingPathComponent(name))
        }
        func snapshot(_ folder: URL) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try manager.contentsOfDirectory(atPath: folder.path) { files[name] = manager.contents(atPath: folder.appendingPathComponent(name).path) }
            return files
        }
        let before = try snapshot(shipped)
        let keeper = CatalogueKeeper(shipped: shipped, home: home)
        // Until the platform sends one, the kiosk runs on the shipped catalogue.
        #expect(keeper.folder == shipped && keeper.installedVersion == nil && keeper.load().catalogue != nil)

        let key = Curve25519.Signing.PrivateKey()
        var files = try CatalogueBundle.load(folder: shipped).files
        files[0].text += "# 平台下发\n"
        var bundle = CatalogueBundle(files: files)
        bundle = bundle.signed(try CatalogueSignature.sign(bundle, number: 2, signer: "测试", at: "2026-12-06T10:00:00Z", key: key))
        let result = keeper.install(bundle, trusting: key.publicKey.rawRepresentation.base64EncodedString())
        guard case .installed = result else { Issue.record("not installed: \(result)"); return }

        // The update is in $ZIZHU_HOME/catalogue, which the kiosk now runs on...
        #expect(keeper.installed.standardizedFileURL.path == home.appendingPathComponent("catalogue").standardizedFileURL.path)
        #expect(keeper.folder == keeper.installed)
        #expect(keeper.installedVersion == bundle.etag)
        let loaded = try #require(keeper.load().catalogue)
        #expect(!loaded.services.isEmpty)
        let installedText = try String(contentsOf: keeper.installed.appendingPathComponent(bundle.files[0].name), encoding: .utf8)
        #expect(installedText.hasSuffix("# 平台下发\n"))
        // ...and the shipped folder is byte for byte what it was: no .version, no signature.
        #expect(try snapshot(shipped) == before)
        #expect(!manager.fileExists(atPath: shipped.appendingPathComponent(".version").path))
        // A kiosk with another home still runs on the shipped catalogue.
        #expect(CatalogueKeeper(shipped: shipped, home: Scratch.folder("other-home")).folder == shipped)
    }
}
