//! Predictive pacers (issue 15) and the day's abandonment budget (issue 12): each pacer against its own
//! acceptance, pooled over fixed seeds with intervals wide enough that a harmless change to the draws cannot
//! trip them; and no simulated day over the profile's limit.

use dialsim::{Scenario, sim::Campaign, sim::Summary};

/// The profile's abandonment limit of the default scenario (cz-2018: 3 % of live answers per day).
const LIMIT: f64 = 0.03;

/// `replications` runs of `file` with `set`, on two threads (the results do not depend on it).
fn runs(file: &str, set: &[String], replications: u32, seed: u64) -> Vec<Summary> {
    let campaign = Campaign::new(Scenario::load(file, set).unwrap()).unwrap();
    let seeds: Vec<u64> = (0..replications).map(|i| dialsim::foundation::rng::replication_seed(seed, i)).collect();
    let (a, b) = seeds.split_at(seeds.len() / 2);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| a.iter().map(|&s| campaign.run(s, false).summary).collect::<Vec<_>>());
        let mut out: Vec<Summary> = b.iter().map(|&s| campaign.run(s, false).summary).collect();
        let mut all = first.join().unwrap();
        all.append(&mut out);
        all
    })
}

fn set(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|s| s.to_string()).collect()
}

fn mean(summaries: &[Summary], kpi: impl Fn(&Summary) -> f64) -> f64 {
    summaries.iter().map(kpi).sum::<f64>() / summaries.len() as f64
}

/// The days over the limit, as (agents, replication, day rate).
fn days_over(summaries: &[Summary], agents: u32) -> Vec<(u32, usize, f64)> {
    let mut over = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        assert!(!s.abandon_rate_per_day.is_empty(), "a run reports its days");
        for &rate in &s.abandon_rate_per_day {
            if rate > LIMIT + 1e-12 {
                over.push((agents, i, rate));
            }
        }
    }
    over
}

#[test]
fn predictive_pacing_keeps_every_day_within_the_profiles_limit_with_1_to_20_agents() {
    // The default scenario (AMD on: its misdetections count as drops), the default pacer, 40 days per size.
    let mut over = Vec::new();
    for agents in [1, 3, 5, 10, 20] {
        let runs = runs("data/scenarios/default.toml", &set(&[&format!("dialer.agents={agents}")]), 40, 12);
        over.extend(days_over(&runs, agents));
    }
    assert!(over.is_empty(), "days over the 3 % limit: {over:?}");
}

#[test]
fn without_the_budget_a_small_floor_breaks_the_limit() {
    // The same day with the budget ignored: AMD misdetections alone take some days of one agent over 3 %
    // (10 of 40 before the budget existed), so the test above can fail.
    let runs =
        runs("data/scenarios/default.toml", &set(&["dialer.agents=1", "dialer.on_budget_spent=continue"]), 40, 12);
    assert!(days_over(&runs, 1).len() >= 3, "only {} days over", days_over(&runs, 1).len());
}

#[test]
fn every_pacer_keeps_the_limit_with_amd_on() {
    let mut over = Vec::new();
    for pacer in ["adaptive-tapered", "adaptive-average", "model"] {
        for agents in [1, 20] {
            let keys = [format!("dialer.agents={agents}"), format!("dialer.pacer={pacer}")];
            let runs = runs("data/scenarios/default.toml", &keys, 12, 7);
            over.extend(days_over(&runs, agents).into_iter().map(|d| (pacer, d)));
        }
    }
    assert!(over.is_empty(), "days over the 3 % limit: {over:?}");
}

/// Bench-day without AMD, 20 agents, `reps` days of `pacer` at `target`.
fn bench(pacer: &str, target: f64, reps: u32) -> Vec<Summary> {
    let keys = [
        "amd.enabled=false".to_string(),
        "dialer.agents=20".to_string(),
        format!("dialer.pacer={pacer}"),
        format!("dialer.drop_target={target}"),
    ];
    runs("data/scenarios/bench-day.toml", &keys, reps, 3)
}

#[test]
fn adaptive_hard_limit_stays_under_its_target_and_above_one_call_per_agent() {
    let hard = bench("adaptive-hard-limit", 0.03, 6);
    let rate = mean(&hard, |s| s.abandon_rate);
    assert!(rate > 0.002 && rate <= 0.03, "mean abandonment {rate}");
    let progressive = runs(
        "data/scenarios/bench-day.toml",
        &set(&["amd.enabled=false", "dialer.agents=20", "dialer.mode=progressive"]),
        6,
        3,
    );
    let (occ, base) = (mean(&hard, |s| s.occupancy), mean(&progressive, |s| s.occupancy));
    assert!(occ > base + 0.05, "occupancy {occ} against progressive's {base}");
}

#[test]
fn adaptive_tapered_and_average_hold_the_drop_rate_near_the_target_on_average() {
    for pacer in ["adaptive-tapered", "adaptive-average"] {
        let runs = bench(pacer, 0.02, 6);
        let rate = mean(&runs, |s| s.abandon_rate);
        assert!((0.012..=0.026).contains(&rate), "{pacer}: mean abandonment {rate} at a 2 % target");
        let raised = runs.iter().all(|s| s.dial_level.iter().any(|&(_, level)| level > 1.5));
        assert!(raised, "{pacer}: the level rises above 1.5 every day");
    }
}

#[test]
fn the_model_pacer_tracks_its_target_just_below_and_beats_the_hard_limit() {
    for target in [0.01, 0.03] {
        let runs = bench("model", target, 6);
        let rate = mean(&runs, |s| s.abandon_rate);
        assert!(rate <= target && rate >= target - 0.005, "model: mean abandonment {rate} at target {target}");
        assert!(days_over(&runs, 20).is_empty());
    }
    // At equal abandonment: the model aimed at what the hard limit realises at its 3 % target (under 1 %).
    let hard = bench("adaptive-hard-limit", 0.03, 6);
    let h = mean(&hard, |s| s.abandon_rate);
    let model = bench("model", (h / 0.9 * 1e4).round() / 1e4, 6);
    let m = mean(&model, |s| s.abandon_rate);
    assert!(m <= h + 0.0015, "model {m} against the hard limit's {h}");
    let (mo, ho) = (mean(&model, |s| s.occupancy), mean(&hard, |s| s.occupancy));
    assert!(mo >= ho, "model occupancy {mo} against the hard limit's {ho}");
}

/// The VICIdial-style pacers keep the day's mean under their target (VICIdial's rule, acting only once the day
/// is over the target, left it 0.02–0.05 points above at 1 %; the rule now starts at 90 % of the target).
#[test]
fn the_vicidial_style_pacers_keep_the_mean_under_their_target() {
    for pacer in ["adaptive-tapered", "adaptive-average"] {
        let keys = [
            "amd.enabled=false".to_string(),
            "dialer.agents=20".to_string(),
            format!("dialer.pacer={pacer}"),
            "dialer.drop_target=0.01".to_string(),
        ];
        let runs = runs("data/scenarios/bench-day.toml", &keys, 10, 1);
        let mean = runs.iter().map(|s| s.abandon_rate).sum::<f64>() / runs.len() as f64;
        assert!(mean < 0.01, "{pacer}: mean abandonment {mean:.5} over the 1 % target");
        assert!(mean > 0.008, "{pacer}: {mean:.5} leaves most of the budget unspent");
    }
}

/// The model pacer's occupancy on the default day does not step down as agents are added (issue 25: it capped
/// each decision at a tenth of the agents in calls, so 18-20 agents could not launch the two calls a second a
/// floor dialling mostly dead numbers needs — 67.6 %, 66.4 %, 64.9 % — and 21 agents jumped to 74.7 %).
#[test]
#[ignore = "second stage: statistical, 6 agent counts × 30 default days (about 25 s)"]
fn the_model_pacers_occupancy_does_not_step_down_as_agents_are_added() {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/data/scenarios/default.toml");
    let mut last: Option<(u32, f64, f64)> = None;
    for agents in 17..=22u32 {
        let s = runs(default, &set(&["dialer.pacer=\"model\"", &format!("dialer.agents={agents}")]), 30, 3);
        let occ: Vec<f64> = s.iter().map(|x| x.occupancy).collect();
        let m = occ.iter().sum::<f64>() / occ.len() as f64;
        let var = occ.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (occ.len() - 1) as f64;
        let se = (var / occ.len() as f64).sqrt();
        if let Some((before, m0, se0)) = last {
            let z = (m - m0) / (se * se + se0 * se0).sqrt();
            assert!(z > -3.0, "{before} agents: {m0:.4}, {agents} agents: {m:.4} (z = {z:.2})");
        }
        last = Some((agents, m, se));
    }
}
