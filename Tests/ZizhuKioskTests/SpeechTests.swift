// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import ZizhuCore
@testable import ZizhuKiosk

/// 语音提示: espeak-ng renders prompts as speech of plausible length.
@Suite("Spoken prompts through espeak-ng")
struct SpeechTests {
    @Test func aChinesePromptIsSpeechOfPlausibleLength() throws {
        let folder = try Checkout.scratch("speech")
        let short = folder.appendingPathComponent("short.wav"), long = folder.appendingPathComponent("long.wav")
        #expect(try Speaker.render("请将身份证放在读卡区", language: .zhHans, to: short) == 0)
        #expect(try Speaker.render("请将身份证放在读卡区。证件平放在读卡区，读完前不要移动。", language: .zhHans, to: long) == 0)
        let a = try WaveFile(try Data(contentsOf: short)), b = try WaveFile(try Data(contentsOf: long))
        // Ten syllables at a slow pace: a few seconds, not silence, not a click.
        #expect(a.sampleRate == 22_050 && a.channels == 1 && a.bitsPerSample == 16)
        #expect(a.seconds > 1.5 && a.seconds < 8, "\(a.seconds) s")
        #expect(a.rms > 300, "speech, not silence: RMS \(a.rms)")
        #expect(b.seconds > a.seconds * 1.8, "twice the text takes about twice as long: \(a.seconds) s vs \(b.seconds) s")
        // A slower rate takes longer.
        let slow = folder.appendingPathComponent("slow.wav")
        #expect(try Speaker.render("请将身份证放在读卡区", language: .zhHans, wordsPerMinute: 90, to: slow) == 0)
        #expect(try WaveFile(try Data(contentsOf: slow)).seconds > a.seconds * 1.2)
    }

    @Test func anAcceptanceNumberIsSpelledOutWithAPauseAtEachDash() {
        #expect(Speaker.spelled("ZZ20261122-7F3A-91C2") == "Z Z 2 0 2 6 1 1 2 2，7 F 3 A，9 1 C 2")
        #expect(Speaker.spelled("") == "")
    }

    @Test func anEnglishPromptToo() throws {
        let url = try Checkout.scratch("speech-en").appendingPathComponent("en.wav")
        #expect(try Speaker.render("Place your ID card on the reader", language: .en, to: url) == 0)
        #expect(throws: WaveFile.NotAWave.self) { try WaveFile(Data("not a wave".utf8)) }
        let wave = try WaveFile(try Data(contentsOf: url))
        #expect(wave.seconds > 1 && wave.seconds < 6 && wave.rms > 300, "\(wave.seconds) s, RMS \(wave.rms)")
    }

    @Test func theConfigTurnsSpeechOnWithARateAndAFolder() throws {
        let text = "kiosk: {id: k1, name: {zh: 厅, en: Hall}}\naudio:\n  speak: true\n  rate: 120\n  output: /tmp/prompts\n"
        let config = try KioskConfig.parse(text, file: "kiosk.yaml")
        #expect(config.speech.enabled && config.speech.wordsPerMinute == 120 && config.speech.recordFolder == "/tmp/prompts")
        #expect(try KioskConfig.parse("kiosk: {id: k1, name: {zh: 厅, en: Hall}}\n", file: "k").speech.enabled == false)
        #expect(throws: FileProblems.self) { try KioskConfig.parse(text.replacingOccurrences(of: "rate: 120", with: "rate: 900"), file: "k") }
    }
}
