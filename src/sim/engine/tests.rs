//! Engine properties that need a whole run.

use super::Slot;
use crate::scenario::Scenario;
use crate::sim::Campaign;
use crate::sim::Millis;
use crate::sim::queue::DAY;

/// A CSV list may name a number more than once. Until session 22 each occurrence was a lead of its own, so the
/// same number was in play twice at once (before a number's state travelled with it, the two shared one map
/// entry and the run panicked, "retried numbers are known"). The list now keeps each number once: the run goes
/// to its end and no number is ever in play twice at once.
#[test]
fn a_list_naming_numbers_twice_runs_to_the_end_with_each_number_in_play_once_at_a_time() {
    let dir = std::env::temp_dir().join(format!("dialsim-dup-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("list.csv");
    // 200 numbers, each named 40 times in a shuffled order: many are dialled again while still in play.
    let mut rows = String::from("number\n");
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..8000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.push_str(&format!("+420601{:06}\n", x % 200));
    }
    std::fs::write(&list, rows).unwrap();
    let text = format!(
        "[numbers]\nlist = \"{}\"\nsuppress = []\n[dialer]\nagents = 5\nlines = 50\n",
        list.display().to_string().replace('\\', "/")
    );
    let scenario = Scenario::parse("dup", &text, &[]).expect("a valid scenario");
    let out = Campaign::new(scenario).expect("a campaign").run(1, true);
    std::fs::remove_dir_all(&dir).ok();
    let distinct: std::collections::HashSet<u64> = out.calls.iter().map(|c| c.number.key()).collect();
    assert!(
        out.summary.dials > 200 && distinct.len() <= 200,
        "{} dials of {} numbers",
        out.summary.dials,
        distinct.len()
    );
    // No number is dialled again while an earlier attempt of it is still in progress.
    let mut open: Vec<(u64, Millis, Millis)> =
        out.calls.iter().map(|c| (c.number.key(), c.dial_ms, c.dial_ms + c.ring_ms + c.wait_ms + c.talk_ms)).collect();
    open.sort_unstable();
    assert!(!open.windows(2).any(|w| w[0].0 == w[1].0 && w[1].1 < w[0].2), "a number was in play twice at once");
}

/// The queue stores an event in 37 bits: every kind comes back as itself with the largest index.
#[test]
fn every_event_kind_survives_the_queue() {
    use super::{Event, EventKind};
    use crate::sim::queue::{PAYLOAD_BITS, Packed};
    for (n, &kind) in EventKind::ALL.iter().enumerate() {
        assert_eq!(kind as usize, n, "kinds are numbered in order");
        for i in [0, 1, u32::MAX] {
            let event = Event::unpack((n as u64) << 32 | u64::from(i));
            assert!(event.pack() < 1 << PAYLOAD_BITS);
            assert_eq!(Event::unpack(event.pack()), event);
            assert_eq!(event.pack(), (n as u64) << 32 | u64::from(i));
        }
    }
}

#[test]
fn a_slot_holds_what_an_option_holds() {
    for v in [None, Some(Millis(0)), Some(Millis(366 * DAY.0)), Some(Millis(u64::MAX - 1))] {
        let s = Slot::from(v);
        assert_eq!((s.get(), s.is_some(), s.is_none()), (v, v.is_some(), v.is_none()));
    }
    for v in [None, Some(0u32), Some(1999), Some(u32::MAX - 1)] {
        let s = Slot::from(v);
        assert_eq!((s.get(), s.is_some(), s.is_none()), (v, v.is_some(), v.is_none()));
    }
    assert_eq!(Slot::<Millis>::NONE.get(), None);
}
