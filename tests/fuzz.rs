//! Random bytes and random edits of valid inputs never make a reader panic: the filter loader, the plan reader
//! and the scenario parser answer `Ok` or an error. Bounded case counts keep this a CI-sized fuzz run;
//! `PROPTEST_CASES=100000 cargo test --test fuzz` runs a longer one.

use std::path::Path;

use dialsim::{FilterParams, KnownFilter, Plan, Scenario};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn filter_bytes() -> Vec<u8> {
    let p = FilterParams { fp_rate: 0.01, expected: None, seed: Some(2), threads: 1, country_code: 420 };
    let keys = (0..50u64).map(|i| 420_601_000_000 + i * 13).collect();
    KnownFilter::build(keys, &p, vec![]).unwrap().to_bytes()
}

/// A filter file with `edits` (position, byte) applied and, when `fix_crc`, its checksum recomputed, so that
/// the edits reach the parser behind the checksum.
fn edited(mut bytes: Vec<u8>, edits: &[(usize, u8)], fix_crc: bool) -> Vec<u8> {
    let len = bytes.len();
    for &(at, b) in edits {
        bytes[at % len] = b;
    }
    if fix_crc {
        let crc = crc32fast::hash(&bytes[..len - 4]);
        bytes[len - 4..].copy_from_slice(&crc.to_le_bytes());
    }
    bytes
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn the_filter_loader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = KnownFilter::from_bytes(Path::new("f.bloom"), bytes);
    }

    #[test]
    fn the_filter_loader_never_panics_on_edited_filters(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        fix_crc in any::<bool>(),
        cut in any::<Option<u16>>(),
    ) {
        let mut bytes = edited(filter_bytes(), &edits, fix_crc);
        if let Some(c) = cut {
            bytes.truncate(c as usize % (bytes.len() + 1));
        }
        if let Ok(f) = KnownFilter::from_bytes(Path::new("f.bloom"), bytes) {
            // A filter that loads answers queries, one by one and many at once, alike.
            let keys: Vec<u64> = (0..100u64).map(|i| 420_601_000_000 + i).collect();
            let mut found = vec![false; keys.len()];
            f.contains_many(&keys, &mut found);
            prop_assert!(keys.iter().zip(&found).all(|(&k, &b)| f.contains_key(k) == b));
        }
    }

    #[test]
    fn the_plan_reader_never_panics_on_random_text(text in "[#a-zA-Z0-9,\"\\n\\r ;+-]{0,300}") {
        let _ = Plan::parse("p.csv", format!("region,type,prefix,length\n{text}").as_bytes());
        let _ = Plan::parse("p.csv", text.as_bytes());
    }

    #[test]
    fn the_plan_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Plan::parse("p.csv", &bytes);
    }

    #[test]
    fn the_scenario_parser_never_panics_on_edited_scenarios(
        cuts in proptest::collection::vec((any::<usize>(), "[a-z0-9_.=\\[\\]\"\\n -]{0,12}"), 1..4),
    ) {
        let mut text = dialsim::DEFAULT_SCENARIO.to_string();
        for (at, insert) in &cuts {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, insert);
        }
        if let Ok(s) = Scenario::parse("s.toml", &text, &[]) {
            // A scenario that parses is one the simulator accepts or refuses with an error, never a panic.
            let _ = dialsim::Campaign::new(s);
        }
    }

    #[test]
    fn the_scenario_parser_never_panics_on_random_overrides(
        key in "(run|dialer|agents|numbers|population|amd|compliance)\\.[a-z_]{1,16}",
        value in "[a-z0-9_.\"\\[\\], -]{0,16}",
    ) {
        let _ = Scenario::parse("s.toml", dialsim::DEFAULT_SCENARIO, &[format!("{key}={value}")]);
    }
}
