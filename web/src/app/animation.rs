//! Animation frames: playback steps and the pulse of new strikes (off when the reader prefers reduced motion).
//!
//! One `requestAnimationFrame` callback serves every run of the loop: it is made on first use, kept for the page's
//! lifetime and asked for again each frame. [`Animation`](crate::playback::Animation) (host-tested) decides when a
//! frame is requested, so starting playback or a pulse while the loop runs does not start a second loop.

use std::cell::OnceCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::map::set_paint;
use super::{History, Shared, render, window};
use crate::state::Action;

thread_local! {
    /// The one frame callback. It holds the app (there is one per page) and lives as long as the page.
    static FRAME: OnceCell<Closure<dyn FnMut(f64)>> = const { OnceCell::new() };
}

/// Keeps the animation loop running while playing or while a pulse fades: asks for a frame unless one is pending.
pub(super) fn ensure_animation(app: &Shared) {
    let request = app.borrow_mut().animation.request();
    if request {
        request_frame(app);
    }
}

/// Asks the browser for the next frame (the app is not borrowed: the callback runs later, never in this call).
fn request_frame(app: &Shared) {
    let requested = FRAME.with(|frame| {
        let callback = frame.get_or_init(|| {
            let app = app.clone();
            Closure::new(move |time: f64| on_frame(&app, time))
        });
        window().request_animation_frame(callback.as_ref().unchecked_ref()).is_ok()
    });
    if !requested {
        app.borrow_mut().animation.request_failed();
    }
}

/// One frame: plays the time since the previous frame, draws the pulse, and asks for the next frame if needed. Each
/// borrow of the app ends before the calls into JS that follow it (rendering, MapLibre's paint properties).
fn on_frame(app: &Shared, time: f64) {
    let changed = {
        let mut a = app.borrow_mut();
        let elapsed = a.animation.frame(time);
        let timeline = a.timeline;
        a.state.apply(Action::Tick(elapsed), timeline)
    };
    if changed {
        render(app, History::Replace);
    }
    let pulse = {
        let mut a = app.borrow_mut();
        let pulse = a.animation.pulse(time);
        pulse.filter(|_| a.map_ready)
    };
    if let Some(pulse) = pulse {
        set_paint("fp-strikes-pulse", "circle-radius", pulse.radius);
        set_paint("fp-strikes-pulse", "circle-stroke-opacity", pulse.opacity);
    }
    let again = {
        let mut a = app.borrow_mut();
        let playing = a.state.playing;
        a.animation.after_frame(playing)
    };
    if again {
        request_frame(app);
    }
}
