//! The frontier's grid, its marking of compliance, its refusals and its curves.

use super::*;

fn source() -> ScenarioSource {
    ScenarioSource::named(None)
}

fn short() -> Vec<String> {
    vec!["run.day_hours=0.5".to_string()]
}

#[test]
fn a_target_equal_to_the_limit_is_compliant_and_one_just_above_is_not() {
    let grid = FrontierGrid::new(vec![Pacer::AdaptiveHardLimit], vec![3], vec![0.03, 0.0301]).unwrap();
    let f = Frontier::new(grid, &source(), &short(), Shard::WHOLE).unwrap();
    let marks: Vec<(f64, bool)> = f.mine.iter().map(|p| (p.limit, p.compliant)).collect();
    assert_eq!(marks, [(0.03, true), (0.03, false)]);
}

#[test]
fn an_override_of_a_key_the_frontier_sets_is_refused_before_anything_loads() {
    for key in FRONTIER_KEYS {
        let grid = FrontierGrid::new(vec![Pacer::Model], vec![3], vec![0.02]).unwrap();
        let set = vec![format!("{key}=1")];
        let err = Frontier::new(grid, &ScenarioSource::File("/nonexistent/never-read.toml".into()), &set, Shard::WHOLE)
            .unwrap_err();
        assert!(err.to_string().contains(key), "{err}");
    }
}

#[test]
fn shards_partition_the_grid() {
    let grid = FrontierGrid::new(Pacer::ALL.to_vec(), vec![3, 4], vec![0.01, 0.02, 0.05]).unwrap();
    let mut seen = Vec::new();
    for k in 1..=4 {
        let f = Frontier::new(grid.clone(), &source(), &short(), Shard { index: k, count: 4 }).unwrap();
        seen.extend(f.scenarios().map(|(p, _)| p));
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..24).collect::<Vec<_>>());
}

#[test]
fn curves_group_by_agents_then_pacer_with_points_in_target_order() {
    // Targets given falling: the curve still runs in rising target order.
    let grid = FrontierGrid::new(vec![Pacer::Model, Pacer::AdaptiveAverage], vec![4, 3], vec![0.05, 0.01]).unwrap();
    let f = Frontier::new(grid, &source(), &short(), Shard::WHOLE).unwrap();
    let r = f.run(5, 2, 1, &crate::analysis::no_progress).unwrap();
    let curves = r.curves();
    let keys: Vec<(u32, &str)> = curves.iter().map(|c| (c.agents, c.pacer.as_str())).collect();
    assert_eq!(keys, [(4, "model"), (4, "adaptive-average"), (3, "model"), (3, "adaptive-average")]);
    for c in &curves {
        let targets: Vec<f64> = c.points.iter().map(|p| p.target).collect();
        assert_eq!(targets, [0.01, 0.05]);
        assert_eq!(c.points.iter().map(|p| p.compliant).collect::<Vec<_>>(), [true, false]);
        assert!(c.points.iter().all(|p| p.occupancy.mean > 0.0 && p.occupancy.n == 2));
    }
    assert_eq!(r.limit(), Some(0.03));
}

#[test]
fn a_grid_refuses_empty_lists_and_repeats() {
    assert!(FrontierGrid::new(vec![Pacer::Model], vec![], vec![0.01]).is_err());
    let err = FrontierGrid::new(vec![Pacer::Model], vec![5], vec![0.01, 0.02, 0.01]).unwrap_err();
    assert!(err.to_string().contains("0.01 is given twice (values 1 and 3)"), "{err}");
    let err = FrontierGrid::new(vec![Pacer::Model, Pacer::Model], vec![5], vec![0.01]).unwrap_err();
    assert!(err.to_string().contains("model is given twice"), "{err}");
}

#[test]
fn progress_hears_of_every_replication_of_the_shard() {
    use std::sync::Mutex;
    let grid = FrontierGrid::new(vec![Pacer::Model], vec![3], vec![0.01, 0.02, 0.05]).unwrap();
    let f = Frontier::new(grid, &source(), &short(), Shard::WHOLE).unwrap();
    let calls = Mutex::new(Vec::new());
    f.run(1, 4, 2, &|done, total| calls.lock().unwrap().push((done, total))).unwrap();
    let mut calls = calls.into_inner().unwrap();
    calls.sort_unstable();
    assert_eq!(calls, (1..=12).map(|d| (d, 12)).collect::<Vec<_>>());
}

#[test]
fn a_merge_refuses_a_part_of_another_frontier() {
    let h = "point,pacer,agents,target,compliant".to_string();
    let a = ("a".to_string(), format!("{h}\n0,model,10,0.01,true\n"));
    let b = ("b".to_string(), format!("{h}\n1,model,10,0.02,true\n"));
    assert_eq!(MergedFrontier::join(&[a, b]).unwrap().rows.len(), 2);
    // Four points that make a 2 × 2 grid, but point 2 is not the grid's (its targets run the other way).
    let rows = "0,model,10,0.01,true\n1,model,10,0.02,true\n2,model,20,0.02,true\n3,model,20,0.01,true\n";
    let other = ("c".to_string(), format!("{h}\n{rows}"));
    let err = MergedFrontier::join(&[other]).unwrap_err().to_string();
    assert!(err.contains("point 2 is model/20/0.02 where the grid of the parts puts model/20/0.01"), "{err}");
}

#[test]
fn the_first_repeat_is_the_earliest_value_given_before() {
    use super::first_repeat;
    assert_eq!(first_repeat(&[3, 1, 2]), None);
    assert_eq!(first_repeat(&[5, 7, 9, 7, 5]), Some((1, 3)));
    assert_eq!(first_repeat(&[1, 1, 1]), Some((0, 1)));
    assert_eq!(first_repeat(&[0.5, f64::NAN, 0.25, 0.5]), Some((0, 3)));
    let many: Vec<u32> = (0..20_000).chain([19_999]).collect();
    assert_eq!(first_repeat(&many), Some((19_999, 20_000)));
}
