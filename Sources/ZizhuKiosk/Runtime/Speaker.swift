// SPDX-License-Identifier: Apache-2.0
import Foundation
import ZizhuCore
import ZizhuProcess

/// 语音提示 through espeak-ng (Debian's `espeak-ng`): Mandarin (`cmn`) or English, at a
/// slower pace for older citizens. One utterance at a time: a new prompt cuts the last
/// one short. With a record folder, utterances become WAV files there instead.
public final class Speaker: @unchecked Sendable {
    public static let program = "/usr/bin/espeak-ng"
    private let settings: SpeechSettings
    private let lock = NSLock()
    private var current: pid_t?
    private var count = 0

    public init(settings: SpeechSettings) {
        self.settings = settings
    }

    public static func voice(for language: Language) -> String { language == .zhHans ? "cmn" : "en" }

    /// Speaks (or records) the text; returns at once.
    /// A code as it is read out to be written down: one character at a time, a pause at each
    /// dash ("ZZ20261122-7F3A" → "Z Z 2 0 2 6 1 1 2 2，7 F 3 A").
    public static func spelled(_ code: String) -> String {
        code.split(separator: "-").map { $0.map(String.init).joined(separator: " ") }.joined(separator: "，")
    }

    public func say(_ text: String, language: Language) {
        lock.lock()
        defer { lock.unlock() }
        // The last prompt is cut short (and reaped: no zombies over months of prompts).
        if let pid = current { _ = ChildProcess.stop(pid, grace: 0.5) }
        current = nil
        var argv = [Self.program, "-v", Self.voice(for: language), "-s", String(settings.wordsPerMinute)]
        if let folder = settings.recordFolder {
            count += 1
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            argv += ["-w", "\(folder)/prompt-\(String(format: "%04d", count)).wav"]
        }
        current = try? ChildProcess.spawn(argv + ["--", text], environment: ["PATH": "/usr/bin:/bin"], stdio: .null)
    }

    /// Renders the text to a WAV file and waits for it (tests, technicians).
    public static func render(_ text: String, language: Language, wordsPerMinute: Int = 140, to url: URL) throws -> Int32 {
        try ChildProcess.run([program, "-v", voice(for: language), "-s", String(wordsPerMinute), "-w", url.path, "--", text],
                             environment: ["PATH": "/usr/bin:/bin"]).status
    }

    public func stop() {
        lock.withLock {
            if let pid = current { _ = ChildProcess.stop(pid, grace: 1) }
            current = nil
        }
    }
}

/// A 16-bit mono PCM WAV as espeak-ng writes it: how long and how loud (speech, not
/// silence). espeak-ng streams to the file, so the data chunk's size field may be a
/// placeholder: the samples are counted.
public struct WaveFile: Sendable {
    public var sampleRate: Int
    public var channels: Int
    public var bitsPerSample: Int
    public var seconds: Double
    /// Root mean square of the samples (0 … 32767).
    public var rms: Double

    public struct NotAWave: Error {}

    public init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 44, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw NotAWave()
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        channels = u16(22)
        sampleRate = u16(24) | u16(26) << 16
        bitsPerSample = u16(34)
        guard u16(20) == 1, bitsPerSample == 16, channels == 1, sampleRate > 0 else { throw NotAWave() }
        let samples = (bytes.count - 44) / 2
        seconds = Double(samples) / Double(sampleRate)
        var sum = 0.0
        for index in 0..<samples {
            let value = Double(Int16(bitPattern: UInt16(bytes[44 + index * 2]) | UInt16(bytes[45 + index * 2]) << 8))
            sum += value * value
        }
        rms = samples > 0 ? (sum / Double(samples)).squareRoot() : 0
    }
}
