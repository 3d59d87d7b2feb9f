//! What a run records: one row per attempt, running counts, and the summary computed from them.

use serde::Serialize;

pub use crate::foundation::outcome::{Aapor, Abandonment, Outcome};

use super::queue::Millis;
use crate::plan::number::PhoneNumber;
use crate::scenario::Scenario;

/// One row of `calls.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRecord {
    /// Call id (order of dialling).
    pub call_id: u32,
    /// The number.
    pub number: PhoneNumber,
    /// Attempt on this number, from 1.
    pub attempt: u32,
    /// Dial time, ms since day 0 00:00.
    pub dial_ms: Millis,
    /// How it ended.
    pub outcome: Outcome,
    /// Ringing, ms (to pick-up or to the end).
    pub ring_ms: Millis,
    /// Wait for an agent after pick-up, ms.
    pub wait_ms: Millis,
    /// Talk, ms.
    pub talk_ms: Millis,
    /// Wrap-up, ms.
    pub wrap_ms: Millis,
    /// Agent, when connected.
    pub agent: Option<u32>,
    /// Persons connected: whether the objection was offered at the start.
    pub offered: Option<bool>,
    /// The call that referred this number, when it came as a referral (the call carried the Art. 14 notice).
    pub referral_of: Option<u32>,
    /// The call whose callback request this attempt keeps (the agreed callback).
    pub callback_of: Option<u32>,
    /// Whether answering-machine detection screened the call: AMD enabled, the dialer mode screens, AMD not
    /// switched off by the abandonment budget's fallback when the call stopped ringing, and not a call an agent
    /// dialled for themselves. For an answered call, whether AMD analysed the answer.
    pub amd: bool,
    /// Why the number may be called (the list's declared basis; none for generated and referred numbers,
    /// research in a research campaign).
    pub basis: crate::jurisdiction::Basis,
}

/// Length of an interval of the time profile: 15 minutes.
pub const INTERVAL_MS: Millis = Millis(15 * 60 * 1000);

/// Counts of one 15-minute interval (`intervals.csv`).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Interval {
    /// Start, ms since day 0 00:00.
    pub start_ms: Millis,
    /// Dials.
    pub dials: u64,
    /// Live answers by persons.
    pub human_answers: u64,
    /// Persons connected to agents.
    pub connects: u64,
    /// Abandoned calls ([`Outcome::is_abandoned`]): live persons dropped or hung up on by AMD (`dropped`,
    /// `amd_drop`, in the interval they ended in), or put through after the silence limit (in the interval
    /// they were put through in).
    pub drops: u64,
    /// Answering machines dropped after waiting past the drop timeout (`machine_dropped`): no abandoned call.
    pub machine_drops: u64,
    /// Consents granted.
    pub consents: u64,
    /// Dial level at the end of the interval, as the dialer mode's pacer reports it: predictive's adaptive
    /// level; 1 for preview and progressive (one call per free agent); 0 for rate (no level: a rate per hour).
    pub dial_level: f64,
    /// Agent-ms talking or wrapping up.
    pub busy_ms: Millis,
    /// Agent-ms staffed: logged in (busy, idle or previewing), breaks and overtime excluded.
    pub staffed_ms: Millis,
}

impl Interval {
    /// drops / human answers of the interval.
    pub fn drop_rate(&self) -> f64 {
        ratio(self.drops as f64, self.human_answers as f64)
    }

    /// busy / staffed agent time of the interval.
    pub fn occupancy(&self) -> f64 {
        ratio(self.busy_ms.as_f64(), self.staffed_ms.as_f64())
    }

    /// Agents logged in on average over the interval (staffed time / the interval's length).
    pub fn agents(&self) -> f64 {
        self.staffed_ms.as_f64() / INTERVAL_MS.as_f64()
    }
}

/// Counts of one day.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DayStats {
    /// Dials.
    pub dials: u64,
    /// Live answers (persons), AMD false positives included.
    pub human_answers: u64,
    /// Abandoned calls ([`Outcome::is_abandoned`]) counted as they happen: a drop when it ends, a late connect
    /// when it is put through (the pacer's budget reads this).
    pub drops: u64,
    /// Abandoned calls over live answers of the attempts that ended in the day, as the audit counts them.
    pub abandonment: Abandonment,
}

/// Running counts of a run.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    pub(crate) dials: u64,
    pub(crate) human_answers: u64,
    pub(crate) connects: u64,
    pub(crate) waited: u64,
    pub(crate) wait_total_s: f64,
    pub(crate) drops: u64,
    /// Abandoned calls over live answers, counted from outcomes and waits as the audit counts them.
    pub(crate) abandonment: Abandonment,
    /// The compliance profile's silence limit, seconds (what makes a late connect abandoned).
    pub(crate) max_silence_s: f64,
    pub(crate) events: u64,
    pub(crate) blocked_dials: u64,
    pub(crate) excluded: u64,
    /// Numbers drawn that are never inside their calling hours during the calling window, set aside undialled.
    pub(crate) set_aside: u64,
    /// Attempts by outcome, indexed by the outcome's discriminant (the order of [`Outcome::ALL`]).
    pub(crate) outcomes: [u64; Outcome::ALL.len()],
    pub(crate) agent_talk_s: f64,
    pub(crate) agent_wrap_s: f64,
    pub(crate) agent_idle_s: f64,
    pub(crate) agent_preview_s: f64,
    pub(crate) agent_overtime_s: f64,
    pub(crate) agent_absences: u64,
    pub(crate) callbacks_scheduled: u64,
    pub(crate) callbacks_kept: u64,
    pub(crate) callbacks_missed: u64,
    pub(crate) dial_level: Vec<(f64, f64)>,
    pub(crate) days: Vec<DayStats>,
    /// Numbers whose attempts have all ended, by the best AAPOR class of their counted attempts (NE, UH, NC, R, I).
    pub(crate) aapor: [u64; 5],
    pub(crate) compliance: ComplianceStats,
    /// Intervals by slot (start / INTERVAL_MS); `None` until something happens in it. Indexed, not searched: it
    /// is reached several times per event.
    pub(crate) intervals: Vec<Option<Interval>>,
    pub(crate) summary: Option<Summary>,
    /// HLR look-ups, and those that reported the number dead.
    pub(crate) screened: u64,
    pub(crate) screened_out: u64,
    /// Answered line time billed, ms, and its cost.
    pub(crate) line_ms: Millis,
    pub(crate) line_cost: f64,
    /// The prices of `[costs]`.
    pub(crate) prices: crate::scenario::CostsSection,
}

/// Counts of the compliance flow.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ComplianceStats {
    /// Persons who objected (numbers suppressed).
    pub objections: u64,
    /// Persons who gave their name.
    pub names_given: u64,
    /// Consents granted (receipts).
    pub consents_granted: u64,
    /// Consents declined (names discarded).
    pub consents_declined: u64,
    /// Consents withdrawn.
    pub withdrawals: u64,
    /// Referrals given.
    pub referrals: u64,
    /// Referrals dropped because the number was suppressed or known.
    pub referrals_dropped: u64,
    /// Referred persons who consented on their own call.
    pub referrals_converted: u64,
    /// Referral links erased unreached when their retention (`compliance.retention.referral_link_days`) ended
    /// within the simulated period: their calls' `referral_of` is emptied and the number not dialled again.
    pub referral_links_erased: u64,
    /// Numbers not dialled because a suppression list or exclusion held them (fresh, retries, referrals).
    pub suppression_hits: u64,
    /// Violations the audit finds in the run.
    pub violations: u64,
    /// Faults injected by the scenario, by kind.
    pub faults_injected: FaultCounts,
}

/// Faults injected by `[compliance.faults]`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct FaultCounts {
    /// Connected calls without the objection offer.
    pub skip_objection_offer: u64,
    /// Names stored after a declined consent.
    pub store_name_without_consent: u64,
    /// Dials of suppressed or known numbers.
    pub ignore_suppression: u64,
}

impl RunStats {
    pub(crate) fn new(s: &Scenario) -> RunStats {
        RunStats {
            days: vec![DayStats::default(); s.run.days as usize],
            prices: s.costs.clone(),
            max_silence_s: s.rules_on_day(0).max_silence_s,
            ..Default::default()
        }
    }

    pub(crate) fn day_mut(&mut self, d: u32) -> &mut DayStats {
        &mut self.days[d as usize]
    }

    pub(crate) fn day_drop_rate(&self, d: u32) -> f64 {
        let day = &self.days[d as usize];
        if day.human_answers == 0 { 0.0 } else { day.drops as f64 / day.human_answers as f64 }
    }

    /// The interval holding time `ms`.
    pub(crate) fn interval(&mut self, ms: Millis) -> &mut Interval {
        let slot = ms / INTERVAL_MS;
        let i = slot as usize;
        if i >= self.intervals.len() {
            self.intervals.resize(i + 1, None);
        }
        self.intervals[i].get_or_insert_with(|| Interval { start_ms: slot * INTERVAL_MS, ..Default::default() })
    }

    /// The intervals with activity, in time order.
    pub(crate) fn active_intervals(&self) -> impl Iterator<Item = &Interval> {
        self.intervals.iter().flatten()
    }

    /// Adds agent time [from, to) to the intervals it spans.
    pub(crate) fn agent_time(&mut self, from: Millis, to: Millis, busy: bool) {
        let mut t = from;
        while t < to {
            let end = ((t / INTERVAL_MS) + 1) * INTERVAL_MS;
            let span = end.min(to) - t;
            let i = self.interval(t);
            i.staffed_ms += span;
            if busy {
                i.busy_ms += span;
            }
            t += span;
        }
    }

    /// Counts an ended attempt that heard `wait` of silence after its pick-up. A drop is an abandoned call as
    /// it ends; a late connect was counted when it was put through ([`RunStats::abandoned`]).
    pub(crate) fn count_outcome(&mut self, day: u32, outcome: Outcome, wait: Millis, now: Millis) {
        self.outcomes[outcome as usize] += 1;
        self.abandonment.count(outcome, wait.secs(), self.max_silence_s);
        self.days[day as usize].abandonment.count(outcome, wait.secs(), self.max_silence_s);
        if outcome.is_drop() {
            self.abandoned(day, now);
        } else if outcome == Outcome::MachineDropped {
            self.interval(now).machine_drops += 1;
        }
    }

    /// Counts an abandoned call now, in the day the pacer's budget reads and in the interval.
    pub(crate) fn abandoned(&mut self, day: u32, now: Millis) {
        self.drops += 1;
        self.days[day as usize].drops += 1;
        self.interval(now).drops += 1;
    }

    /// Counts a number whose attempts have all ended, by its best class (none: no counted attempt).
    pub(crate) fn fold_number(&mut self, best: Option<Aapor>) {
        if let Some(class) = best {
            self.aapor[class as usize] += 1;
        }
    }

    pub(crate) fn finish(&mut self) {
        // The live answers counted at pick-up are the ones the outcomes count: every counted call has ended.
        debug_assert_eq!(self.abandonment.live_answers, self.human_answers);
        debug_assert_eq!(self.abandonment.abandoned, self.drops);
        self.summary = Some(Summary::of(self));
    }
}

/// AAPOR counts and outcome rates (Standard Definitions; e estimated as the eligible share of known cases).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AaporRates {
    /// Interviews (completed conversations).
    pub interviews: u64,
    /// Refusals.
    pub refusals: u64,
    /// Non-contacts.
    pub non_contacts: u64,
    /// Unknown if household.
    pub unknown: u64,
    /// Not eligible.
    pub not_eligible: u64,
    /// Estimated eligibility of unknown cases.
    pub e: f64,
    /// RR1 = I / (I + R + NC + UH).
    pub rr1: f64,
    /// RR3 = I / (I + R + NC + e·UH).
    pub rr3: f64,
    /// COOP1 = I / (I + R).
    pub coop1: f64,
    /// REF1 = R / (I + R + NC + UH).
    pub ref1: f64,
    /// CON1 = (I + R) / (I + R + NC + UH).
    pub con1: f64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl AaporRates {
    fn of(counts: &[u64; 5]) -> AaporRates {
        let mut r = AaporRates {
            not_eligible: counts[Aapor::NE as usize],
            unknown: counts[Aapor::UH as usize],
            non_contacts: counts[Aapor::NC as usize],
            refusals: counts[Aapor::R as usize],
            interviews: counts[Aapor::I as usize],
            ..Default::default()
        };
        let (i, rf, nc, uh, ne) =
            (r.interviews as f64, r.refusals as f64, r.non_contacts as f64, r.unknown as f64, r.not_eligible as f64);
        r.e = ratio(i + rf + nc, i + rf + nc + ne);
        r.rr1 = ratio(i, i + rf + nc + uh);
        r.rr3 = ratio(i, i + rf + nc + r.e * uh);
        r.coop1 = ratio(i, i + rf);
        r.ref1 = ratio(rf, i + rf + nc + uh);
        r.con1 = ratio(i + rf, i + rf + nc + uh);
        r
    }
}

/// Agent time by state, seconds and shares.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AgentTime {
    /// Talking.
    pub talk_s: f64,
    /// Waiting for a call (idle).
    pub wait_s: f64,
    /// After-call work.
    pub wrap_s: f64,
    /// Reviewing records (preview mode).
    pub preview_s: f64,
    /// Finishing calls after the shift's end (not logged-in time: outside occupancy and intervals.csv).
    pub overtime_s: f64,
}

/// The summary of a run: `summary.json`. Every field is documented in the guide (docs/campaigns.md).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    /// Attempts dialled (after the warm-up).
    pub dials: u64,
    /// Live answers by persons (AMD false positives included).
    pub human_answers: u64,
    /// Persons connected to an agent.
    pub connects: u64,
    /// Abandoned calls ([`Outcome::is_abandoned`]): live persons not put through to an agent within the
    /// profile's silence limit of their pick-up, AMD's analysis included — dropped, hung up on by AMD, or put
    /// through late (`abandoned_late`). Machines dropped are not abandoned calls (`outcomes.machine_dropped`).
    pub drops: u64,
    /// Of `drops`, persons put through to an agent after the silence limit: the call went on (talk, the
    /// compliance flow), abandoned all the same.
    pub abandoned_late: u64,
    /// drops / human_answers: live persons only, counted as the audit counts them ([`Abandonment`]).
    pub abandon_rate: f64,
    /// (talk + wrap) / (talk + wrap + wait + preview) of the agents, on logged-in time.
    pub occupancy: f64,
    /// Connects per logged-in agent-hour.
    pub contacts_per_agent_hour: f64,
    /// Agent-days absent (`[[shifts]] absence`).
    pub agent_absences: u64,
    /// Callbacks booked by persons who asked to be called at another time.
    pub callbacks_scheduled: u64,
    /// Callbacks dialled at their time.
    pub callbacks_kept: u64,
    /// Callbacks not dialled: window or calling hours closed, agent not logged in, or no agent within the wait.
    pub callbacks_missed: u64,
    /// Share of connected persons who waited for an agent (wait > 0).
    pub p_wait: f64,
    /// Mean wait for an agent of connected persons, seconds.
    pub mean_wait_s: f64,
    /// Events processed.
    pub events: u64,
    /// Rate mode: dials skipped because every line was busy.
    pub blocked_dials: u64,
    /// Fresh numbers skipped because an exclusion source holds them.
    pub excluded_numbers: u64,
    /// Distinct numbers dialled.
    pub numbers_dialed: u64,
    /// Numbers drawn that are never inside their calling hours during the campaign's calling window (on any of
    /// its days), set aside undialled; written only when some were.
    #[serde(skip_serializing_if = "is_zero")]
    pub numbers_set_aside: u64,
    /// Attempts by outcome.
    pub outcomes: std::collections::BTreeMap<&'static str, u64>,
    /// Agent time split.
    pub agent_time: AgentTime,
    /// Dial level over time: (seconds since day 0 00:00, level). Predictive: at each day start and each
    /// recalculation; preview and progressive: 1 at each day start; rate: none.
    pub dial_level: Vec<(f64, f64)>,
    /// Abandonment per day (Ofcom: per 24 hours), late connects included.
    pub abandon_rate_per_day: Vec<f64>,
    /// Highest daily abandonment (Ofcom's 3 % per 24 h applies to each day).
    pub abandon_rate_max_day: f64,
    /// Abandonment per 30-day period of live answers (the FTC's Telemarketing Sales Rule).
    pub abandon_rate_per_30_days: Vec<f64>,
    /// AAPOR final dispositions of the numbers dialled and their rates.
    pub aapor: AaporRates,
    /// The compliance flow's counts (flattened into summary.json).
    #[serde(flatten)]
    pub compliance: ComplianceStats,
    /// Contacts, screening and costs (flattened into summary.json).
    #[serde(flatten)]
    pub costs: super::CostSummary,
}

impl Summary {
    /// The warning of numbers the run set aside undialled, if it set any aside.
    pub fn set_aside_warning(&self) -> Option<String> {
        let n = self.numbers_set_aside;
        let were = if n == 1 { "number was" } else { "numbers were" };
        (n > 0).then(|| {
            format!(
                "{n} {were} set aside undialled (numbers_set_aside): never inside their calling hours during the \
                 campaign's calling window"
            )
        })
    }

    fn of(st: &RunStats) -> Summary {
        let busy = st.agent_talk_s + st.agent_wrap_s;
        let staffed = busy + st.agent_idle_s + st.agent_preview_s;
        // Abandonment by the regulators' definitions, with the audit's own count (`Abandonment`): live persons
        // abandoned (late connects included) over live answers; a machine dropped is in neither.
        let per_day: Vec<f64> = st.days.iter().map(|d| d.abandonment.rate()).collect();
        let per_30: Vec<f64> = st
            .days
            .chunks(30)
            .map(|c| {
                let mut window = Abandonment::default();
                c.iter().for_each(|d| window.add(d.abandonment));
                window.rate()
            })
            .collect();
        Summary {
            dials: st.dials,
            human_answers: st.human_answers,
            connects: st.connects,
            drops: st.abandonment.abandoned,
            abandoned_late: st.abandonment.late,
            abandon_rate: st.abandonment.rate(),
            occupancy: ratio(busy, staffed),
            contacts_per_agent_hour: ratio(st.connects as f64, staffed / 3600.0),
            agent_absences: st.agent_absences,
            callbacks_scheduled: st.callbacks_scheduled,
            callbacks_kept: st.callbacks_kept,
            callbacks_missed: st.callbacks_missed,
            p_wait: ratio(st.waited as f64, st.connects as f64),
            mean_wait_s: ratio(st.wait_total_s, st.connects as f64),
            events: st.events,
            blocked_dials: st.blocked_dials,
            excluded_numbers: st.excluded,
            numbers_dialed: st.aapor.iter().sum(),
            numbers_set_aside: st.set_aside,
            outcomes: Outcome::ALL.iter().map(|o| (o.as_str(), st.outcomes[*o as usize])).collect(),
            agent_time: AgentTime {
                talk_s: st.agent_talk_s,
                wait_s: st.agent_idle_s,
                wrap_s: st.agent_wrap_s,
                preview_s: st.agent_preview_s,
                overtime_s: st.agent_overtime_s,
            },
            dial_level: st.dial_level.clone(),
            abandon_rate_max_day: per_day.iter().copied().fold(0.0, f64::max),
            abandon_rate_per_day: per_day,
            abandon_rate_per_30_days: per_30,
            aapor: AaporRates::of(&st.aapor),
            compliance: st.compliance.clone(),
            costs: super::CostSummary::of(
                &st.prices,
                &super::costs::CostCounts {
                    dials: st.dials,
                    staffed_s: staffed,
                    screened: st.screened,
                    screened_out: st.screened_out,
                    line_ms: st.line_ms,
                    line_cost: st.line_cost,
                    contacts: st.aapor[Aapor::I as usize] + st.aapor[Aapor::R as usize],
                    consents: st.compliance.consents_granted,
                },
            ),
        }
    }
}
