//! Animation frames: playback steps and the pulse of new strikes (off when the reader prefers reduced motion).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::{FrameCallback, History, Shared, render, set_paint, window};
use crate::state::Action;

/// Keeps a `requestAnimationFrame` loop running while playing or while a pulse fades.
pub(super) fn ensure_animation(app: &Shared) {
    if app.borrow().animating {
        return;
    }
    app.borrow_mut().animating = true;
    let holder: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = holder.clone();
    let app = app.clone();
    *holder.borrow_mut() = Some(Closure::new(move |time: f64| {
        let (playing, pulsing) = {
            let mut a = app.borrow_mut();
            let dt = a.last_frame.map_or(0.0, |last| time - last);
            a.last_frame = Some(time);
            let timeline = a.timeline;
            let changed = a.state.apply(Action::Tick(dt), timeline);
            drop(a);
            if changed {
                render(&app, History::Replace);
            }
            let a = app.borrow();
            (a.state.playing, a.pulse_started.is_some())
        };
        if pulsing {
            animate_pulse(&app, time);
        }
        if playing || app.borrow().pulse_started.is_some() {
            if let Some(callback) = next.borrow().as_ref() {
                let _ = window().request_animation_frame(callback.as_ref().unchecked_ref());
            }
        } else {
            let mut a = app.borrow_mut();
            a.animating = false;
            a.last_frame = None;
        }
    }));
    if let Some(callback) = holder.borrow().as_ref() {
        let _ = window().request_animation_frame(callback.as_ref().unchecked_ref());
    }
    std::mem::forget(holder);
}

pub(super) fn animate_pulse(app: &Shared, time: f64) {
    let started = app.borrow().pulse_started;
    let Some(started) = started else { return };
    let t = ((time - started) / 900.0).clamp(0.0, 1.0);
    if app.borrow().map_ready {
        set_paint("fp-strikes-pulse", "circle-radius", 8.0 + 18.0 * t);
        set_paint("fp-strikes-pulse", "circle-stroke-opacity", 1.0 - t);
    }
    if t >= 1.0 {
        app.borrow_mut().pulse_started = None;
    }
}
