import Foundation
import Logging
import ZizhuCore
import ZizhuTerminal
import ZizhuUI

/// The kiosk's one loop: terminal input → `Event` → `update` → `Effect`s → view → present.
///
/// It blocks in poll(2) until input arrives; ticks (one a second) run only while a
/// session is in progress, so the attract screen costs no CPU.
@MainActor
public final class KioskRuntime {
    private var state: AppState
    private var context: ViewContext
    private let terminal: NcursesTerminal
    private let logger: Logger
    private let unifontPath: String
    private var mapper = InputMapper()
    private var glyphsTried = false
    private var nextTick: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let launched: ContinuousClock.Instant
    private let loadCatalogue: () -> Result<Catalogue, StartupError>

    public init(state: AppState, context: ViewContext, terminal: NcursesTerminal, logger: Logger, unifontPath: String,
                launched: ContinuousClock.Instant = .now,
                loadCatalogue: @escaping () -> Result<Catalogue, StartupError>) {
        self.launched = launched
        self.loadCatalogue = loadCatalogue
        self.state = state
        self.context = context
        self.terminal = terminal
        self.logger = logger
        self.unifontPath = unifontPath
    }

    /// Runs until quit or SIGTERM; returns the exit status.
    public func run() -> Int32 {
        let (width, height) = terminal.size
        _ = update(&state, .resized(width: width, height: height))
        var frame = draw()
        logger.info("first frame", metadata: [
            "size": "\(width)x\(height)", "after_ms": "\(KioskLauncher.milliseconds(launched.duration(to: clock.now)))",
        ])
        // The catalogue loads once the attract screen is up; a citizen cannot be faster.
        switch loadCatalogue() {
        case .success(let catalogue): _ = perform(update(&state, .catalogueLoaded(catalogue)))
        case .failure(let problem): _ = perform(update(&state, .catalogueFailed(problem.description)))
        }
        frame = draw()
        while true {
            let inputs = terminal.nextInputs(timeoutMilliseconds: timeout())
            if terminal.terminationRequested {
                logger.info("termination signal received")
                return 0
            }
            if terminal.terminalLost {
                logger.error("the terminal hung up; stopping (the supervisor restarts the kiosk)")
                return 1
            }
            var events: [Event] = []
            if let due = nextTick, clock.now >= due {
                events.append(.tick)
                let next = due.advanced(by: .seconds(1))
                nextTick = next < clock.now ? clock.now.advanced(by: .seconds(1)) : next
            }
            var changed = !events.isEmpty
            for input in inputs {
                guard let event = mapper.map(input, frame: frame, focus: state.focus) else { continue }
                if perform(update(&state, event)) { return 0 }
                changed = true
                frame = render(state, prepareContext())   // the next input maps against what is now shown
            }
            for event in events where perform(update(&state, event)) { return 0 }
            scheduleTicks()
            if changed || !inputs.isEmpty { frame = draw() }
        }
    }

    /// Milliseconds until the next tick, or -1 to block until input.
    private func timeout() -> Int32 {
        scheduleTicks()
        guard let due = nextTick else { return -1 }
        let remaining = clock.now.duration(to: due)
        let ms = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(0, min(ms, 1000)))
    }

    private func scheduleTicks() {
        if state.wantsTicks {
            if nextTick == nil { nextTick = clock.now.advanced(by: .seconds(1)) }
        } else {
            nextTick = nil
        }
    }

    private func draw() -> Frame {
        let frame = render(state, prepareContext())
        terminal.present(frame.grid)
        return frame
    }

    /// Loads elder mode's glyphs the first time they are needed.
    private func prepareContext() -> ViewContext {
        if state.elderMode && context.bigGlyphs == nil && !glyphsTried {
            glyphsTried = true
            let (font, problem) = GlyphLoader.load(path: unifontPath, scalars: context.bigHeadlineScalars())
            context.bigGlyphs = font
            if let problem { logger.warning("\(problem)") }
        }
        return context
    }

    /// Carries out effects; returns true when the kiosk must stop.
    private func perform(_ effects: [Effect]) -> Bool {
        for effect in effects {
            switch effect {
            case .beep:
                terminal.beep()
            case .endSession:
                mapper = InputMapper()
                logger.info("session ended")
            case .log(let message):
                logger.info("\(message)")
            case .quit:
                return true
            }
        }
        return false
    }
}
