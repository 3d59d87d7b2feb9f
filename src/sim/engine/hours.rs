//! Time of day in the engine: the calling hours at the called person's location and the answer curves. A
//! number whose local window is closed is held back in its zone group's queue (a handful of groups: one per
//! distinct set of zones) and dialled first once its window opens — no scan over the numbers, only over the
//! groups. A child module of the engine.

use super::*;

/// Numbers held back at most; beyond it no fresh number is drawn until some are dialled. A number never inside
/// its calling hours during the campaign's calling window is not held back but set aside undialled (counted in
/// `numbers_set_aside`), so it neither fills this bound nor holds back the numbers drawn after it.
const DEFERRED_MAX: usize = 100_000;
/// Fresh numbers drawn from a numbering plan at most per dial looking for one whose window is open. A list's
/// numbers are drawn until one is open (or the numbers held back reach their bound), so that a list in the
/// user's order (sorted by area, say) whose first numbers are closed does not hold its open ones back.
const DRAWS_PER_DIAL: usize = 64;

impl<'a> Engine<'a> {
    /// The next number to dial now: a callback being kept, else one whose calling hours are open (held-back
    /// numbers of an open zone first, then [`Engine::next_lead_any`]'s order).
    pub(super) fn next_lead(&mut self) -> Option<NumberState> {
        if let Some(lead) = self.forced.take() {
            return Some(lead);
        }
        if !self.hours.restricted() {
            return self.next_lead_any();
        }
        for g in 0..self.deferred.len() {
            if !self.deferred[g].is_empty() && self.hours.open(g as u16, self.now) {
                while let Some(lead) = self.deferred[g].pop_front() {
                    self.deferred_len -= 1;
                    let key = lead.number.key();
                    // Suppressed while it waited: not dialled.
                    if self.blocked(key) && !self.ignores_block(key, lead.attempts + 1) {
                        self.retry_hits += 1;
                        self.number_done(lead);
                        continue;
                    }
                    return Some(lead);
                }
            }
        }
        let draws = if self.fresh.is_list() { usize::MAX } else { DRAWS_PER_DIAL };
        let mut ran_out = false;
        for _ in 0..draws {
            // At the bound, no fresh number is drawn; due retries and referrals still are.
            let fresh = self.deferred_len < DEFERRED_MAX;
            let Some(lead) = self.next_lead_of(fresh) else {
                ran_out = true;
                break;
            };
            let g = self.hours.group(lead.number.key());
            if self.hours.open(g, self.now) {
                return Some(lead);
            }
            if self.hours.never_open(g, self.day) {
                self.stats.set_aside += 1;
                self.number_done(lead);
                continue;
            }
            if usize::from(g) >= self.deferred.len() {
                self.deferred.resize_with(usize::from(g) + 1, VecDeque::new);
            }
            self.deferred[usize::from(g)].push_back(lead);
            self.deferred_len += 1;
        }
        // Nothing callable now: look again at the next minute (windows open on whole minutes), unless nothing is
        // left to draw and nothing is held back.
        if !ran_out || self.deferred_len > 0 {
            self.look_again_next_minute();
        }
        None
    }

    /// Schedules a look for numbers at the next whole minute (calling windows open on whole minutes), unless
    /// one is already due.
    pub(super) fn look_again_next_minute(&mut self) {
        if !self.wake_pending {
            self.wake_pending = true;
            self.queue.push(self.now - self.now % MINUTE + MINUTE, Event::Wake(self.day));
        }
    }

    /// Whether a number held back for its calling hours is open now (a lead for a previewing agent).
    pub(super) fn held_back_open(&mut self) -> bool {
        (0..self.deferred.len()).any(|g| !self.deferred[g].is_empty() && self.hours.open(g as u16, self.now))
    }

    pub(super) fn wake(&mut self, day: u32) {
        self.wake_pending = false;
        if day == self.day {
            self.pace();
        }
    }

    /// The person and machine rates of an attempt on `key` dialled now: the population's, times the answer
    /// curve at the called person's local hour (weekend curve on Saturdays, Sundays and the plan's holidays),
    /// scaled down together when busy + person + machine would pass 1.
    pub(super) fn answer_rates(&mut self, key: u64, busy: f64, person: f64, machine: f64) -> (f64, f64) {
        let curve = &self.s.answer_curve;
        if curve.is_flat() {
            return (person, machine);
        }
        let g = self.hours.group(key);
        let (hour, weekend_there) = self.hours.hour(g, self.now);
        let weekend = weekend_there || self.calendar.is_weekend(self.day);
        let (mp, mm) = curve.at(hour, weekend);
        let (p, m) = (person * mp, machine * mm);
        let room = (1.0 - busy).max(0.0);
        if p + m > room && p + m > 0.0 { (p * room / (p + m), m * room / (p + m)) } else { (p, m) }
    }
}
