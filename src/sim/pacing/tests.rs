//! The pacing extension point: a pacer written here, outside the engine, runs a campaign; and the factory is
//! the only place in the simulator that maps a dialer mode to behaviour.

use super::*;
use crate::scenario::{DialerSection, Pacer, Scenario};
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
    // Callbacks are dialled by the engine at their agreed time, not by the pacer.
    scenario.callbacks.probability = 0.0;
    let campaign = Campaign::new(scenario).unwrap();
    let cap = 7;
    let (out, error) = campaign.run_paced(3, RecordSink::Keep(Vec::new()), Box::new(OnePerIdleCapped { cap }));
    assert!(error.is_none());
    assert!(out.calls.len() > 100, "the toy pacer dialled {} calls", out.calls.len());
    // Lines held, from the records: a call holds its line from the dial to the end of ringing, waiting and talk.
    let mut changes: Vec<(Millis, i32)> = Vec::new();
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
            .map(|mode| {
                let mut s = Scenario::default_day();
                s.dialer = DialerSection { mode, ..d.clone() };
                (mode, pacer_for(&s).level())
            })
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
        ("sim/engine/mod.rs", include_str!("../engine/mod.rs")),
        ("sim/engine/calls.rs", include_str!("../engine/calls.rs")),
        ("sim/engine/dialer.rs", include_str!("../engine/dialer.rs")),
        ("sim/engine/flow.rs", include_str!("../engine/flow.rs")),
        ("sim/engine/answer.rs", include_str!("../engine/answer.rs")),
        ("sim/engine/callbacks.rs", include_str!("../engine/callbacks.rs")),
        ("sim/engine/hours.rs", include_str!("../engine/hours.rs")),
        ("sim/engine/population.rs", include_str!("../engine/population.rs")),
        ("sim/engine/shifts.rs", include_str!("../engine/shifts.rs")),
        ("sim/engine/idle.rs", include_str!("../engine/idle.rs")),
        ("sim/engine/release.rs", include_str!("../engine/release.rs")),
        ("sim/engine/retries.rs", include_str!("../engine/retries.rs")),
        ("sim/engine/window.rs", include_str!("../engine/window.rs")),
        ("sim/draw.rs", include_str!("../draw.rs")),
        ("sim/leads.rs", include_str!("../leads.rs")),
        ("sim/queue/mod.rs", include_str!("../queue/mod.rs")),
        ("sim/queue/wheel.rs", include_str!("../queue/wheel.rs")),
        ("sim/record.rs", include_str!("../record.rs")),
        ("sim/pacing/predictive.rs", include_str!("predictive.rs")),
        ("sim/pacing/adaptive.rs", include_str!("adaptive.rs")),
        ("sim/pacing/average.rs", include_str!("average.rs")),
        ("sim/pacing/budget.rs", include_str!("budget.rs")),
        ("sim/pacing/estimate.rs", include_str!("estimate.rs")),
        ("sim/pacing/model.rs", include_str!("model.rs")),
        ("sim/pacing/tapered.rs", include_str!("tapered.rs")),
        ("sim/pacing/preview.rs", include_str!("preview.rs")),
        ("sim/pacing/progressive.rs", include_str!("progressive.rs")),
        ("sim/pacing/rate.rs", include_str!("rate.rs")),
    ];
    for (name, text) in sources {
        assert!(!text.contains("DialerMode"), "{name} names a dialer mode: only pacing::pacer_for may");
        assert!(!text.contains("dialer.mode"), "{name} reads the dialer mode: only pacing::pacer_for may");
        assert!(!text.contains("Pacer::"), "{name} names a pacer: only pacing::pacer_for may");
        assert!(!text.contains("dialer.pacer"), "{name} reads the pacer: only pacing::pacer_for may");
    }
    let factory = include_str!("mod.rs");
    let body = &factory[factory.find("fn pacer_for").unwrap()..factory.find("fn dial_to_level").unwrap()];
    for mode in ["Preview", "Progressive", "Predictive", "Rate"] {
        assert_eq!(body.matches(&format!("DialerMode::{mode} =>")).count(), 1, "{mode} mapped once in pacer_for");
    }
    for pacer in Pacer::ALL {
        let variant = format!("{pacer:?}");
        assert_eq!(body.matches(&format!("Pacer::{variant} =>")).count(), 1, "{variant} mapped once in pacer_for");
    }
}

/// A synthetic stream with known parameters: 40 % of calls go live after a lognormal time (mean 9 s, cv 0.5), the
/// rest stop ringing at 4 s (a tone); talk times lognormal (mean 150 s, cv 0.8); wraps exponential (mean 20 s).
fn learned_model(n: u32) -> Model {
    use crate::scenario::Dist;
    use crate::sim::draw::sample;
    use rand::RngExt;
    let mut model = Model::new(&Scenario::default_day());
    let mut rng = crate::foundation::rng::stream(99, crate::foundation::rng::Stream::Simulation(7));
    let answer = Dist::Lognormal { mean: 9.0, cv: 0.5 };
    let talk = Dist::Lognormal { mean: 150.0, cv: 0.8 };
    let wrap = Dist::Exponential { mean: 20.0 };
    let draw =
        |d: &Dist, rng: &mut rand_chacha::ChaCha20Rng| crate::sim::queue::millis(sample(d, rng.random(), rng.random()));
    for _ in 0..n {
        let live = rng.random::<f64>() < 0.4;
        let age = if live { draw(&answer, &mut rng) } else { Millis(4_000) };
        model.observe(Observation::Ring { age, live });
        model.observe(Observation::Talk(draw(&talk, &mut rng)));
        model.observe(Observation::Wrap(draw(&wrap, &mut rng)));
    }
    model
}

#[test]
fn the_model_pacers_estimators_converge_on_a_stream_with_known_parameters() {
    let model = learned_model(40_000);
    let (_, live, talk, wrap) = model.estimates();
    let close = |got: f64, want: f64, tol: f64, what: &str| {
        assert!((got - want).abs() <= tol * want, "{what}: {got} against {want}");
    };
    // The share of dials that go live, and the time to a live answer (lognormal: median mean/√(1+cv²)).
    close(model.live_after(0.0), 0.4, 0.03, "live share");
    close(live.mean(), 9_000.0, 0.02, "mean answer time");
    close(live.quantile(0.5), 9_000.0 / 1.25f64.sqrt(), 0.03, "median answer time");
    // A call still ringing after the tones' 4 s is one that will go live; at 2 s, 40 % of the calls in play
    // are live ones less those already answered (P(A > 2 s) from the lognormal: 0.998).
    close(model.live_after(5_000.0), 1.0, 0.001, "live share after 5 s");
    close(model.live_after(2_000.0), 0.4 * 0.998 / (0.6 + 0.4 * 0.998), 0.03, "live share after 2 s");
    // Handle times: the talk's mean and median, and the wrap's memorylessness:
    // P(W ≤ e + 20 s | W > e) = 1 − e^−1.
    close(talk.mean(), 150_000.0, 0.03, "mean talk");
    close(talk.quantile(0.5), 150_000.0 / 1.64f64.sqrt(), 0.03, "median talk");
    close(wrap.mean(), 20_000.0, 0.03, "mean wrap");
    for e in [0.0, 10_000.0, 30_000.0] {
        close(wrap.ends_by(e, e + 20_000.0), 1.0 - (-1.0f64).exp(), 0.04, "wrap ends within its mean");
    }
    close(wrap.cdf(20_000.0), 1.0 - (-1.0f64).exp(), 0.03, "wrap distribution function");
}

#[test]
fn the_model_pacers_estimates_are_off_with_few_observations_and_close_with_many() {
    // The convergence test above is not vacuous: 50 observations leave the median talk visibly off target
    // more often than 40,000 do (the error shrinks).
    let few = learned_model(50);
    let many = learned_model(40_000);
    let err = |m: &Model| (m.estimates().2.quantile(0.5) - 150_000.0 / 1.64f64.sqrt()).abs();
    assert!(err(&many) < err(&few), "error {} with many against {} with few", err(&many), err(&few));
}
