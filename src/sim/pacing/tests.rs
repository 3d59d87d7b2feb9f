//! The pacing extension point: a pacer written here, outside the engine, runs a campaign; and the factory is
//! the only place in the simulator that maps a dialer mode to behaviour.

use super::*;
use crate::scenario::Scenario;
use crate::sim::Campaign;
use crate::sim::engine::RecordSink;

/// A toy mode: one call per idle agent, never more than `cap` calls in progress; reports a level of 0.5.
struct OnePerIdleCapped {
    cap: u32,
}

impl Pacing for OnePerIdleCapped {
    fn day_start(&mut self, floor: &mut dyn Floor) {
        floor.report_level(self.level());
        self.pace(floor);
    }

    fn pace(&mut self, floor: &mut dyn Floor) {
        let cap = self.cap.min(floor.lines());
        while (floor.ringing() as usize) < floor.idle_agents() && floor.in_progress() < cap {
            if !floor.dial() {
                break;
            }
        }
    }

    fn level(&self) -> f64 {
        0.5
    }
}

#[test]
fn a_pacer_defined_outside_the_engine_paces_a_run_and_reports_its_level() {
    let mut scenario = Scenario::default_day();
    scenario.run.days = 2;
    scenario.run.day_hours = 1.0;
    let campaign = Campaign::new(scenario).unwrap();
    let cap = 7;
    let (out, error) = campaign.run_paced(3, RecordSink::Keep(Vec::new()), Box::new(OnePerIdleCapped { cap }));
    assert!(error.is_none());
    assert!(out.calls.len() > 100, "the toy pacer dialled {} calls", out.calls.len());
    // Lines held, from the records: a call holds its line from the dial to the end of ringing, waiting and talk.
    let mut changes: Vec<(u64, i32)> = Vec::new();
    for c in &out.calls {
        changes.push((c.dial_ms, 1));
        changes.push((c.dial_ms + c.ring_ms + c.wait_ms + c.talk_ms, -1));
    }
    // At one instant a call ends before the next is dialled (the engine paces after a call ends).
    changes.sort();
    let (mut held, mut most) = (0i32, 0i32);
    for (_, d) in changes {
        held += d;
        most = most.max(held);
    }
    assert_eq!(most, cap as i32, "the toy's cap of {cap} calls in progress is reached and never passed");
    assert!(!out.intervals.is_empty());
    for i in &out.intervals {
        assert_eq!(i.dial_level, 0.5, "interval at {} ms carries the toy's level", i.start_ms);
    }
    let starts: Vec<f64> = out.summary.dial_level.iter().map(|&(t, _)| t).collect();
    assert_eq!(starts, vec![9.0 * 3600.0, 33.0 * 3600.0], "one report per day start");
}

#[test]
fn each_mode_reports_its_own_dial_level() {
    let mut d = Scenario::default_day().dialer;
    d.initial_level = 2.5;
    d.rate_per_hour = 100.0;
    let levels: Vec<(DialerMode, f64)> =
        [DialerMode::Preview, DialerMode::Progressive, DialerMode::Predictive, DialerMode::Rate]
            .into_iter()
            .map(|mode| (mode, pacer_for(&DialerSection { mode, ..d.clone() }).level()))
            .collect();
    assert_eq!(
        levels,
        vec![
            (DialerMode::Preview, 1.0),
            (DialerMode::Progressive, 1.0),
            (DialerMode::Predictive, 2.5),
            (DialerMode::Rate, 0.0)
        ]
    );
}

#[test]
fn the_factory_is_the_only_place_in_the_simulator_that_maps_a_mode() {
    let sources = [
        ("sim/mod.rs", include_str!("../mod.rs")),
        ("sim/engine.rs", include_str!("../engine.rs")),
        ("sim/engine/dialer.rs", include_str!("../engine/dialer.rs")),
        ("sim/engine/flow.rs", include_str!("../engine/flow.rs")),
        ("sim/engine/idle.rs", include_str!("../engine/idle.rs")),
        ("sim/engine/release.rs", include_str!("../engine/release.rs")),
        ("sim/engine/retries.rs", include_str!("../engine/retries.rs")),
        ("sim/engine/window.rs", include_str!("../engine/window.rs")),
        ("sim/draw.rs", include_str!("../draw.rs")),
        ("sim/leads.rs", include_str!("../leads.rs")),
        ("sim/queue.rs", include_str!("../queue.rs")),
        ("sim/record.rs", include_str!("../record.rs")),
        ("sim/pacing/predictive.rs", include_str!("predictive.rs")),
        ("sim/pacing/preview.rs", include_str!("preview.rs")),
        ("sim/pacing/progressive.rs", include_str!("progressive.rs")),
        ("sim/pacing/rate.rs", include_str!("rate.rs")),
    ];
    for (name, text) in sources {
        assert!(!text.contains("DialerMode"), "{name} names a dialer mode: only pacing::pacer_for may");
        assert!(!text.contains("dialer.mode"), "{name} reads the dialer mode: only pacing::pacer_for may");
    }
    let factory = include_str!("mod.rs");
    let body = &factory[factory.find("fn pacer_for").unwrap()..factory.find("fn dial_to_level").unwrap()];
    for mode in ["Preview", "Progressive", "Predictive", "Rate"] {
        assert_eq!(body.matches(&format!("DialerMode::{mode} =>")).count(), 1, "{mode} mapped once in pacer_for");
    }
}
