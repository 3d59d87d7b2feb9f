//! Random bytes and random edits of valid inputs never make a reader panic: the filter loader, the plan reader
//! and the scenario parser answer `Ok` or an error. Bounded case counts keep this a CI-sized fuzz run;
//! `PROPTEST_CASES=100000 cargo test --test fuzz` runs a longer one.

use std::path::Path;

use dialsim::{Plan, Scenario, exclude::FilterParams, exclude::KnownFilter};
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
            let _ = dialsim::sim::Campaign::new(s);
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

/// The CSV reader of known databases (tests/input.rs has its cases of real export shapes).
mod input_reader {
    use proptest::prelude::*;

    use dialsim::{Plan, exclude::InputOptions};

    fn options() -> InputOptions {
        InputOptions::for_plan(&Plan::embedded("cz").unwrap())
    }

    /// A valid export to mutate: a header, a few shapes of numbers, quotes, `;` or `,`.
    fn export(rows: usize, semicolon: bool) -> Vec<u8> {
        let d = if semicolon { ';' } else { ',' };
        let mut text = format!("id{d}\"name\"{d}phone\r\n");
        for i in 0..rows {
            text.push_str(&format!("{i}{d}\"Novák{d} Jan\"{d}+420 601 {:03} {:03}\r\n", i % 1000, (i * 7) % 1000));
        }
        text.into_bytes()
    }

    /// Ok or Err, never a panic; an Ok result is consistent with itself.
    fn read_is_sound(bytes: &[u8]) {
        if let Ok(read) = options().read("fuzz.csv", bytes) {
            assert_eq!(read.keys.len() as u64, read.stats.numbers);
            assert!(read.stats.numbers > 0);
            assert!(read.rejects.len() <= dialsim::exclude::REJECTS_KEPT);
            assert!(read.stats.rejected as f64 <= 0.01 * (read.stats.numbers + read.stats.rejected) as f64);
        }
    }

    proptest! {
        #![proptest_config(super::config(256))]

        #[test]
        fn random_bytes_never_panic_the_reader(
            mark in prop::sample::select(vec![&b""[..], b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
            bytes in proptest::collection::vec(any::<u8>(), 0..3000),
        ) {
            read_is_sound(&[mark, &bytes[..]].concat());
        }

        #[test]
        fn mutated_exports_never_panic_the_reader(
            rows in 1usize..60,
            semicolon in any::<bool>(),
            edits in proptest::collection::vec(
                (any::<proptest::sample::Index>(), 0u8..4, prop::sample::select(
                    vec![b'"', b',', b';', b'\t', b'\n', b'\r', b'#', 0u8, 0xff, 0xfe, 0xef, b'0', b'+', b'a'])),
                1..12),
        ) {
            let mut bytes = export(rows, semicolon);
            for (at, kind, byte) in edits {
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                match kind {
                    0 => bytes.insert(i, byte),
                    1 if i < bytes.len() => { bytes.remove(i); }
                    2 if i < bytes.len() => bytes[i] = byte,
                    _ => bytes.truncate(i),
                }
            }
            read_is_sound(&bytes);
        }
    }
}
