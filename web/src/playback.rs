//! The animation loop's decisions, as plain data: when to ask the browser for another frame, how much time a frame
//! adds to playback, and how the pulse of new strikes looks as it fades. The WebAssembly side (`app/animation.rs`)
//! only asks for the frames and paints what this module says.
//!
//! One loop runs at most: a frame is requested only when none is pending, so starting playback (or a pulse) twice
//! does not start a second loop.

/// How long the pulse of new strikes lasts, in milliseconds.
pub const PULSE_MS: f64 = 900.0;

/// The pulse ring's radius when it starts, in pixels.
const PULSE_RADIUS_START: f64 = 8.0;

/// How much the pulse ring grows over its duration, in pixels.
const PULSE_RADIUS_GROWTH: f64 = 18.0;

/// How the pulse ring looks at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pulse {
    /// The ring's radius (MapLibre `circle-radius`).
    pub radius: f64,
    /// The ring's opacity (MapLibre `circle-stroke-opacity`).
    pub opacity: f64,
    /// Whether the pulse is over (the ring has faded out).
    pub done: bool,
}

/// The pulse ring `time` milliseconds after a pulse that started at `started` (both on the same clock): it grows
/// and fades out over [`PULSE_MS`].
pub fn pulse_at(started: f64, time: f64) -> Pulse {
    let t = ((time - started) / PULSE_MS).clamp(0.0, 1.0);
    Pulse { radius: PULSE_RADIUS_START + PULSE_RADIUS_GROWTH * t, opacity: 1.0 - t, done: t >= 1.0 }
}

/// Whether a render starts a pulse: a strike became visible that was not before, the strikes layer is shown, and
/// the reader does not prefer reduced motion. `before` and `after` are the visible strikes' positions.
pub fn pulse_starts(before: &[u32], after: &[u32], strikes_shown: bool, reduced_motion: bool) -> bool {
    !reduced_motion && strikes_shown && after.iter().any(|i| !before.contains(i))
}

/// The animation loop's bookkeeping: the previous frame's time, the running pulse and whether a frame is pending.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Animation {
    /// When the previous frame of this run was drawn (none before the first).
    last_frame: Option<f64>,
    /// When the running pulse started.
    pulse_started: Option<f64>,
    /// Whether a frame has been requested and not yet run.
    pending: bool,
}

impl Animation {
    /// Asks for the loop to run; returns whether a frame must be requested (not when one already is).
    pub fn request(&mut self) -> bool {
        !std::mem::replace(&mut self.pending, true)
    }

    /// The browser would not take the request: no frame is pending after all.
    pub fn request_failed(&mut self) {
        self.pending = false;
    }

    /// A frame runs at `time`: returns the milliseconds since the previous frame of this run (none for the first,
    /// so a loop that starts again does not play the time it was stopped).
    pub fn frame(&mut self, time: f64) -> f64 {
        self.pending = false;
        let elapsed = self.last_frame.map_or(0.0, |last| time - last);
        self.last_frame = Some(time);
        elapsed
    }

    /// Starts (or restarts) a pulse at `time`.
    pub fn start_pulse(&mut self, time: f64) {
        self.pulse_started = Some(time);
    }

    /// Whether a pulse is running.
    pub fn pulsing(&self) -> bool {
        self.pulse_started.is_some()
    }

    /// The running pulse at `time`, if any; a pulse that is over is forgotten (its last look is still returned, so
    /// the ring is drawn faded out).
    pub fn pulse(&mut self, time: f64) -> Option<Pulse> {
        let pulse = pulse_at(self.pulse_started?, time);
        if pulse.done {
            self.pulse_started = None;
        }
        Some(pulse)
    }

    /// After a frame: whether to request the next one (while playing or pulsing, unless one is already pending).
    /// When the loop stops, the next run starts afresh.
    pub fn after_frame(&mut self, playing: bool) -> bool {
        if self.pending {
            return false;
        }
        if playing || self.pulsing() {
            self.pending = true;
            true
        } else {
            self.last_frame = None;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_pulse_fades_out_within_its_duration() {
        let start = pulse_at(1000.0, 1000.0);
        assert_eq!(start, Pulse { radius: 8.0, opacity: 1.0, done: false });
        let half = pulse_at(1000.0, 1000.0 + PULSE_MS / 2.0);
        assert!(same(half.opacity, 0.5) && same(half.radius, 17.0) && !half.done);
        assert_eq!(pulse_at(1000.0, 1000.0 + PULSE_MS), Pulse { radius: 26.0, opacity: 0.0, done: true });
        assert_eq!(pulse_at(1000.0, 5000.0), Pulse { radius: 26.0, opacity: 0.0, done: true }, "it stays faded out");
    }

    #[test]
    fn a_frame_from_before_the_pulse_started_shows_it_at_its_start() {
        // A pulse starts on the page's clock during a frame whose timestamp can be slightly earlier.
        assert_eq!(pulse_at(1000.0, 990.0), pulse_at(1000.0, 1000.0));
    }

    #[test]
    fn a_pulse_starts_only_when_a_shown_strike_appears_and_motion_is_allowed() {
        assert!(pulse_starts(&[1, 2], &[2, 3], true, false));
        assert!(!pulse_starts(&[1, 2, 3], &[2, 3], true, false), "strikes leaving start nothing");
        assert!(!pulse_starts(&[1, 2], &[2, 3], false, false), "the strikes layer is hidden");
        assert!(!pulse_starts(&[1, 2], &[2, 3], true, true), "the reader prefers reduced motion");
    }

    #[test]
    fn starting_twice_requests_one_frame() {
        let mut a = Animation::default();
        assert!(a.request());
        assert!(!a.request(), "a frame is already pending: no second loop");
        a.frame(0.0);
        assert!(a.request(), "once the frame ran, the loop can be asked for again");
    }

    #[test]
    fn a_request_the_browser_refused_can_be_made_again() {
        let mut a = Animation::default();
        assert!(a.request());
        a.request_failed();
        assert!(a.request());
    }

    #[test]
    fn the_loop_runs_while_playing_and_stops_when_paused() {
        let mut a = Animation::default();
        assert!(a.request());
        assert!(same(a.frame(100.0), 0.0), "the first frame of a run adds no time");
        assert!(a.after_frame(true));
        assert!(same(a.frame(116.0), 16.0));
        assert!(!a.after_frame(false), "paused and no pulse: the loop stops");
        assert!(a.request());
        assert!(same(a.frame(5000.0), 0.0), "a new run does not play the time the loop was stopped");
    }

    #[test]
    fn a_frame_asked_for_during_a_frame_is_not_asked_for_twice() {
        let mut a = Animation::default();
        a.request();
        a.frame(0.0);
        assert!(a.request(), "a render inside the frame starts a pulse and asks for the loop");
        a.start_pulse(0.0);
        assert!(!a.after_frame(false), "the frame is already pending");
        assert!(same(a.frame(16.0), 16.0), "and the run goes on");
    }

    #[test]
    fn the_loop_runs_until_the_pulse_is_over() {
        let mut a = Animation::default();
        a.start_pulse(0.0);
        a.request();
        a.frame(0.0);
        assert!(a.pulse(0.0).is_some_and(|p| !p.done));
        assert!(a.after_frame(false), "still pulsing");
        a.frame(PULSE_MS);
        assert!(a.pulse(PULSE_MS).is_some_and(|p| p.done && p.opacity == 0.0), "the last look is faded out");
        assert!(!a.pulsing());
        assert_eq!(a.pulse(PULSE_MS + 16.0), None);
        assert!(!a.after_frame(false));
    }
}
