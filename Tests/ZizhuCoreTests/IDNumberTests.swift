// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import ZizhuCore

@Suite("GB 11643 identity numbers")
struct IDNumberTests {
    @Test func theStandardsSpecimensCheck() throws {
        let number = try IDNumber(validating: "11010519491231002X")
        #expect(number.gender == .female)
        #expect(number.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(number.regionCode == "110105")
        #expect(IDNumber.checkCharacter(for: Array("81000019900101123")) == "0")
        #expect(try IDNumber(validating: "11010519491231002x").unmasked == "11010519491231002X")
    }

    @Test func maskingShowsOnlyFourAndFour() throws {
        let number = try IDNumber(validating: "11010519491231002X")
        #expect(number.masked == "1101**********002X")
        #expect("\(number)" == "1101**********002X")
        #expect(String(reflecting: number) == "IDNumber(1101**********002X)")
        #expect(IDNumber.mask("ZZZ110090010100") == "ZZZ1*******0100")
        #expect(IDNumber.mask("12345") == "*****")
    }

    @Test(arguments: [
        ("1101051949123100", IDNumber.Problem.wrongLength(16)),
        ("11010519491231002A", .notDigits),
        ("110105194912310021", .badCheckCharacter(expected: "X")),
    ])
    func typedMistakesAreNamed(_ text: String, _ problem: IDNumber.Problem) {
        #expect(throws: problem) { try IDNumber(validating: text) }
        #expect(!problem.zh.isEmpty && !problem.en.isEmpty)
    }

    @Test func impossibleBirthDateIsDetectedEvenWithACorrectCheckCharacter() throws {
        // 1949-02-30 does not exist; compute a matching check character so only the date is wrong.
        let seventeen = Array("11010519490230002")
        let check = try #require(IDNumber.checkCharacter(for: seventeen))
        #expect(throws: IDNumber.Problem.impossibleBirthDate) { try IDNumber(validating: String(seventeen) + String(check)) }
    }

    @Test func calendarDates() {
        #expect(CalendarDate(digits: "20240229") != nil)
        #expect(CalendarDate(digits: "20230229") == nil)
        #expect(CalendarDate(digits: "长期") == nil)
        #expect(CalendarDate(year: 2020, month: 1, day: 1)?.description == "2020-01-01")
    }
}
