// swift-tools-version:6.0
// The compiled load client for benchmarks/signal (docs/performance.md, "Signal"): its own
// package so that the project's build and CI never compile it.
import PackageDescription

let package = Package(
    name: "LoadClient",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "sioload", targets: ["LoadClient"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "LoadClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LoadClientTests", dependencies: ["LoadClient"]),
    ]
)
