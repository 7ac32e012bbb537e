// swift-tools-version:6.0
// SPDX-License-Identifier: Apache-2.0
// Zizhu (自助): a 24-hour government self-service kiosk and its central platform.
import PackageDescription

let package = Package(
    name: "Zizhu",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zizhu", targets: ["zizhu"]),
        .executable(name: "zizhu-bench", targets: ["zizhu-bench"]),
        .executable(name: "zizhu-central", targets: ["zizhu-central"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.20.0"),
        // Already in the graph through Hummingbird; named for the types the staff side uses.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),   // HTTP parts, for the connection guard
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, nothing else.
        .systemLibrary(
            name: "CNCursesW", path: "Sources/CNCursesW",
            pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(
            name: "CLibUSB", path: "Sources/CLibUSB",
            pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // libcups ships no pkg-config file on Debian: the module map links it itself.
        .systemLibrary(name: "CCUPS", path: "Sources/CCUPS", providers: [.apt(["libcups2-dev"])]),
        .systemLibrary(
            name: "CSPNG", path: "Sources/CSPNG", pkgConfig: "spng", providers: [.apt(["libspng-dev"])]),
        .systemLibrary(
            name: "CQREncode", path: "Sources/CQREncode",
            pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Headers only (librime-dev, libzinnia-dev): the libraries are opened on first use.
        .systemLibrary(name: "CRime", path: "Sources/CRime"),
        .systemLibrary(name: "CZinnia", path: "Sources/CZinnia"),
        .systemLibrary(
            name: "CPCSCLite", path: "Sources/CPCSCLite",
            pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        // USB-HID QR scanners: their own input device through libevdev (exclusive grab).
        .systemLibrary(
            name: "CLibEvdev", path: "Sources/CLibEvdev",
            pkgConfig: "libevdev", providers: [.apt(["libevdev-dev"])]),

        // Scanners (SANE) and the codec their pages are kept in (WebP).
        .systemLibrary(
            name: "CSane", path: "Sources/CSane",
            pkgConfig: "sane-backends", providers: [.apt(["libsane-dev"])]),
        .systemLibrary(
            name: "CWebP", path: "Sources/CWebP",
            pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        // Document cameras (高拍仪): Video4Linux2's ioctls, from the kernel's own header.
        .systemLibrary(name: "CV4L2", path: "Sources/CV4L2", providers: [.apt(["linux-libc-dev"])]),

        // Pure core: what the kiosk decides. No I/O.
        .target(
            name: "ZizhuCore",
            dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "ZizhuUI", dependencies: ["ZizhuCore"]),

        // Adapters: what the kiosk touches.
        // Starting other programs (cupsd, the reader simulator, tmux) with nothing inherited.
        .target(name: "ZizhuProcess"),
        // Async-signal-safe terminal restore (signal handlers belong in C).
        // glibc's malloc_trim (Swift's Glibc module leaves <malloc.h> out).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "CTerminalSafety"),
        // Pseudo-terminals and raw serial modes (glibc hides them from Swift's Glibc module).
        .target(name: "CPseudoTerminal"),
        // Files that survive a power cut whole (temporary file, fsync, rename, folder fsync).
        .target(name: "CDurableFiles"),
        .target(name: "DurableFiles", dependencies: ["CDurableFiles"]),
        .target(name: "ZizhuTerminal", dependencies: ["CNCursesW", "CTerminalSafety", "ZizhuUI"]),
        // Chinese input: phrase pinyin (librime) and handwriting (Zinnia).
        .target(name: "ChineseInput", dependencies: ["CRime", "CZinnia", "ZizhuUI"]),
        .target(
            name: "IDCardReader",
            dependencies: ["CLibUSB", "CPseudoTerminal", "ZizhuCore", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log")]),
        // 社保卡 through PC/SC: APDU codec and profile (pure), pcsc-lite reader, vsmartcard emulation.
        .target(
            name: "SocialSecurityCard",
            dependencies: ["CPCSCLite", "ZizhuCore", "ZizhuProcess", .product(name: "Yams", package: "Yams")]),
        // QR code scanners (e-ID codes): serial/USB-CDC through termios; code assembly is pure.
        .target(name: "QRScanner", dependencies: ["CPseudoTerminal", "CLibEvdev", "ZizhuCore"]),
        // Paper materials: flatbed and sheet-fed scanners through SANE, pages checked and kept as WebP.
        .target(name: "DocumentCapture", dependencies: ["CSane", "CWebP", "CV4L2", "ZizhuCore"]),
        .target(
            name: "ReceiptPrinter",
            dependencies: ["CCUPS", "CQREncode", "CSPNG", "ZizhuCore", "ZizhuProcess", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log")]),
        // The kiosk's files: where they are, the config, string tables, catalogue, glyphs,
        // receipt templates and printer profiles. What the pure tests load their fixtures with.
        .target(name: "ZizhuResources", dependencies: ["ZizhuCore", "ZizhuUI", "ReceiptPrinter", "ZizhuWire"]),
        .target(
            name: "ZizhuKiosk",
            dependencies: [
                "ZizhuCore", "ZizhuUI", "ZizhuTerminal", "IDCardReader", "ReceiptPrinter", "CPseudoTerminal", "CMalloc", "ZizhuOutbox", "ChineseInput",
                "ZizhuWire", "ZizhuResources", "ZizhuProcess", "DurableFiles", "SocialSecurityCard", "QRScanner", "DocumentCapture",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),   // PBKDF2 for the technician PIN
            ]),

        // What only the tests and the benchmarks use: a private PostgreSQL cluster, the
        // ID card decoder's fuzzer.
        .target(name: "ZizhuTestSupport", dependencies: ["ZizhuProcess", "IDCardReader", "ZizhuKiosk"]),

        // Kiosk ↔ platform: the wire types and request signing both sides compile.
        .target(name: "ZizhuWire", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The kiosk's durable outbox and the sync worker.
        .target(
            name: "ZizhuOutbox",
            dependencies: [
                "ZizhuWire", "ZizhuCore", "DurableFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),   // the platform's CA, trusted alone
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The central platform.
        .target(
            name: "ZizhuCentral",
            dependencies: [
                "ZizhuWire", "ZizhuCore", "DurableFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),                   // the OpenAPI document's request schemas
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),   // scrypt for staff passwords
                .product(name: "NIOSSL", package: "swift-nio-ssl"),       // sslmode for PostgreSQL
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),               // the thread pool scrypt runs on
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.yaml")]),

        // Executables.
        .executableTarget(
            name: "zizhu-central",
            dependencies: [
                "ZizhuCentral", "ZizhuWire", "ZizhuCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "zizhu",
            dependencies: [
                "ZizhuKiosk", "ZizhuResources", "ZizhuUI", "ZizhuTerminal", "IDCardReader", "ReceiptPrinter", "ZizhuCore", "ZizhuOutbox",
                "ZizhuWire", "SocialSecurityCard", "QRScanner", "DocumentCapture",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "zizhu-bench",
            dependencies: [
                "ZizhuKiosk", "ZizhuResources", "ZizhuProcess", "ZizhuUI", "ZizhuTerminal", "CPseudoTerminal", "IDCardReader", "ReceiptPrinter", "ZizhuCore",
                "ZizhuOutbox", "ZizhuCentral", "ZizhuWire", "ZizhuTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),

        // Tests: one target per source target, plus end-to-end tests through the real binary.
        .testTarget(name: "ZizhuCoreTests", dependencies: ["ZizhuCore"]),
        .testTarget(name: "ReceiptPrinterTests", dependencies: ["ZizhuProcess", "ReceiptPrinter", "ZizhuCore", "ZizhuResources"], exclude: ["__Golden__"]),
        .testTarget(
            name: "IDCardReaderTests",
            dependencies: ["IDCardReader", "ZizhuCore", "ZizhuTestSupport",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ZizhuUITests", dependencies: ["ZizhuUI", "ZizhuCore", "ZizhuResources", "ChineseInput"], exclude: ["__Snapshots__", "__Fixtures__"]),
        .testTarget(name: "QRScannerTests", dependencies: ["QRScanner", "CLibEvdev", "ZizhuCore"]),
        .testTarget(name: "DocumentCaptureTests", dependencies: ["DocumentCapture", "ZizhuCore", "ZizhuProcess"]),
        .testTarget(name: "SocialSecurityCardTests", dependencies: ["SocialSecurityCard", "ZizhuCore", "ZizhuProcess"]),
        .testTarget(name: "ChineseInputTests", dependencies: ["ChineseInput", "ZizhuUI"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "ZizhuOutbox"]),
        .testTarget(name: "ZizhuTerminalTests", dependencies: ["ZizhuTerminal"]),
        .testTarget(name: "ZizhuKioskTests", dependencies: ["ZizhuKiosk", "ZizhuResources", "ZizhuCore", "ZizhuUI", "ZizhuOutbox",
                                                            .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "SyncTests",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "HTTPTypes", package: "swift-http-types"), "ZizhuProcess", "ZizhuOutbox", "ZizhuCentral", "ZizhuWire", "ZizhuCore", "ZizhuKiosk", "ZizhuUI", "ZizhuTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ZizhuProcess", "ZizhuTestSupport", "zizhu", "zizhu-central", "ZizhuKiosk", "ZizhuResources", "ReceiptPrinter", "ZizhuUI", "ZizhuCore", "IDCardReader", "CPseudoTerminal",
                           "ZizhuOutbox", "ZizhuWire", "SocialSecurityCard", "QRScanner", "DocumentCapture",
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["VM"]),
    ]
)
