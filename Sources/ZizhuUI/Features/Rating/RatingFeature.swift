// SPDX-License-Identifier: Apache-2.0
import ZizhuCore

/// 好差评: five levels for the case just accepted; the two lowest ask (optionally) why.
/// One rating per case, stored in the outbox after the application.
enum RatingFeature {
    static func activate(_ state: inout AppState, _ button: ButtonID) -> [Effect]? {
        switch button {
        case .startRating:
            guard case .done(.accepted)? = state.application?.submission, state.application?.rating == nil else { return [] }
            state.push(.rating)
            return []
        case .rate(let level):
            guard state.screen == .rating, (1...5).contains(level) else { return [] }
            if RatingLevel.asksWhy(level) {
                state.push(.ratingReason(level: level))
                return []
            }
            return rate(&state, level: level, reason: nil)
        case .ratingReason(let id):
            guard case .ratingReason(let level) = state.screen,
                  let reason = RatingLevel.reasons.first(where: { $0.id == id }) else { return [] }
            return rate(&state, level: level, reason: reason.id)
        case .skipRatingReason:
            guard case .ratingReason(let level) = state.screen else { return [] }
            return rate(&state, level: level, reason: nil)
        default:
            return nil
        }
    }

    /// Stores the case's rating (one per case) and thanks the citizen.
    private static func rate(_ state: inout AppState, level: Int, reason: String?) -> [Effect] {
        guard let application = state.application, application.rating == nil,
              case .done(.accepted(let number, _, _))? = application.submission else { return [] }
        state.application?.rating = .saving
        state.screen = .rated
        state.history = [.home]
        return [.log("rated \(level)"), .rate(RatingRequest(acceptanceNumber: number, serviceID: application.serviceID, level: level, reason: reason))]
    }

    static func rated(_ state: inout AppState, _ result: RatingState) -> [Effect] {
        guard state.application?.rating == .saving else { return [] }
        state.application?.rating = result
        switch result {
        case .saved: return [.log("rating stored")]
        case .failed(_, let en): return [.log("rating not stored: \(en)")]
        case .saving: return []
        }
    }
}
