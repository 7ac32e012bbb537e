// swift-tools-version:6.0
// Zizhu (自助): a 24-hour government self-service kiosk and its central platform.
import PackageDescription

let package = Package(
    name: "Zizhu",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zizhu", targets: ["zizhu"]),
        .executable(name: "zizhu-bench", targets: ["zizhu-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
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

        // Pure core: what the kiosk decides. No I/O.
        .target(
            name: "ZizhuCore",
            dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "ZizhuUI", dependencies: ["ZizhuCore"]),

        // Adapters: what the kiosk touches.
        // Async-signal-safe terminal restore (signal handlers belong in C).
        .target(name: "CTerminalSafety"),
        // Pseudo-terminals and raw serial modes (glibc hides them from Swift's Glibc module).
        .target(name: "CPseudoTerminal"),
        .target(name: "ZizhuTerminal", dependencies: ["CNCursesW", "CTerminalSafety", "ZizhuUI"]),
        .target(
            name: "IDCardReader",
            dependencies: ["CLibUSB", "CPseudoTerminal", "ZizhuCore", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "ReceiptPrinter",
            dependencies: ["CCUPS", "CQREncode", "CSPNG", "ZizhuCore", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "ZizhuKiosk",
            dependencies: [
                "ZizhuCore", "ZizhuUI", "ZizhuTerminal", "IDCardReader", "ReceiptPrinter", "CPseudoTerminal",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]),

        // Executables.
        .executableTarget(
            name: "zizhu",
            dependencies: [
                "ZizhuKiosk", "IDCardReader", "ReceiptPrinter", "ZizhuCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "zizhu-bench",
            dependencies: [
                "ZizhuKiosk", "ZizhuUI", "ZizhuTerminal", "CPseudoTerminal", "IDCardReader", "ReceiptPrinter", "ZizhuCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests: one target per source target, plus end-to-end tests through the real binary.
        .testTarget(name: "ZizhuCoreTests", dependencies: ["ZizhuCore"]),
        .testTarget(name: "ReceiptPrinterTests", dependencies: ["ReceiptPrinter", "ZizhuCore", "ZizhuKiosk"], exclude: ["__Golden__"]),
        .testTarget(
            name: "IDCardReaderTests",
            dependencies: ["IDCardReader", "ZizhuCore", "ZizhuKiosk", "CPseudoTerminal", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ZizhuUITests", dependencies: ["ZizhuUI", "ZizhuCore", "ZizhuKiosk"], exclude: ["__Snapshots__"]),
        .testTarget(name: "ZizhuTerminalTests", dependencies: ["ZizhuTerminal", "ZizhuUI"]),
        .testTarget(name: "ZizhuKioskTests", dependencies: ["ZizhuKiosk", "ZizhuCore"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["zizhu", "ZizhuKiosk", "ZizhuUI", "ZizhuCore", "IDCardReader", "CPseudoTerminal",
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["VM"]),
    ]
)
