// SPDX-License-Identifier: Apache-2.0
extension UIText {
    /// Keys drawn as big block-glyph headlines in elder mode (their glyphs must exist).
    public static let bigHeadlines: [UIText] = [
        .homeBig, .homeMoreBig, .catalogueBig, .listPersonalBig, .listBusinessBig,
        .listHotBig, .listDepartmentBig, .departmentsBig, .searchBig, .detailBig, .identifyBig,
        .formBig, .materialsBig, .commitmentBig, .reviewBig, .precheckBig, .submittedBig, .helpBig, .ratingBig, .ratedBig, .progressBig, .ticketBig,
        .outOfServiceBig, .proofsBig, .appointmentBig,
    ]
}
