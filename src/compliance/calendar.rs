//! The campaign's calendar and calling hours: which days the floor calls on (weekdays, public holidays,
//! closed dates), the weekday class of a day (for the answer curves), and whether a number may be called now
//! in its own local time (the profile's calling hours, checked in every zone of the number's area).
//!
//! Public holidays come from each country's module ([`crate::jurisdiction::public_holidays`]). Simulated time
//! is the floor's wall clock (see [`crate::compliance::zoned`]); this module never reads the system clock.

use std::collections::HashMap;

use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;

use crate::foundation::clock::{MINUTE, Millis};
use crate::scenario::{Scenario, parse_end_hhmm, parse_hhmm};

/// The country whose holidays `[calendar] holidays` names (`plan`: the embedded plan's country; a plan CSV
/// has none).
pub fn holiday_country(s: &Scenario) -> Option<String> {
    let h = s.calendar.holidays.trim().to_ascii_lowercase();
    let country = if h == "plan" { s.numbers.plan.trim().to_ascii_lowercase() } else { h };
    crate::jurisdiction::by_code(&country).is_some().then_some(country)
}

/// The run's days: which are open, and which take the weekend answer curve.
#[derive(Clone, Debug)]
pub struct Calendar {
    open: Vec<bool>,
    weekend: Vec<bool>,
    dates: Vec<Date>,
}

impl Calendar {
    /// The calendar of `run.days` days from `run.start_date`.
    ///
    /// ```
    /// let mut s = dialsim::Scenario::default_day();
    /// s.run.start_date = "2026-12-21".into(); // a Monday
    /// s.run.days = 7;
    /// s.calendar.days = ["mon", "tue", "wed", "thu", "fri"].map(String::from).to_vec();
    /// s.calendar.holidays = "plan".into();
    /// let open: Vec<bool> = (0..7).map(|d| dialsim::compliance::calendar::Calendar::of(&s).is_open(d)).collect();
    /// assert_eq!(open, [true, true, true, false, false, false, false]); // 24th-26th: Czech holidays
    /// ```
    pub fn of(s: &Scenario) -> Calendar {
        let day0: Date = s.run.start_date.trim().parse().unwrap_or(date(1970, 1, 1));
        let country = holiday_country(s);
        let mut holidays: HashMap<i16, Vec<Date>> = HashMap::new();
        let extra: Vec<Date> = s.calendar.extra_closed.iter().filter_map(|d| d.trim().parse().ok()).collect();
        let (mut open, mut weekend, mut dates) = (Vec::new(), Vec::new(), Vec::new());
        for d in 0..s.run.days {
            let day = day0.checked_add(jiff::Span::new().days(i64::from(d))).unwrap_or(day0);
            let holiday = country.as_deref().is_some_and(|c| {
                holidays
                    .entry(day.year())
                    .or_insert_with(|| crate::jurisdiction::public_holidays(c, day.year()))
                    .contains(&day)
            });
            let name = crate::scenario::WEEKDAYS[day.weekday().to_monday_zero_offset() as usize];
            let calling_day = s.calendar.days.iter().any(|x| x == name);
            open.push(calling_day && !holiday && !extra.contains(&day));
            weekend.push(holiday || matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday));
            dates.push(day);
        }
        Calendar { open, weekend, dates }
    }

    /// Whether day `d` (from 0) is a calling day.
    pub fn is_open(&self, d: u32) -> bool {
        self.open.get(d as usize).copied().unwrap_or(false)
    }

    /// Whether day `d` takes the weekend curve (a Saturday, a Sunday or a public holiday).
    pub fn is_weekend(&self, d: u32) -> bool {
        self.weekend.get(d as usize).copied().unwrap_or(false)
    }

    /// The date of day `d`.
    pub fn date(&self, d: u32) -> Option<Date> {
        self.dates.get(d as usize).copied()
    }
}

/// The calling hours a scenario keeps: `[calendar] calling_hours` when set, else those of the regime in force
/// on its first day (08:00–21:00 under us-tsr and uk-ofcom; none in cz, sk, de).
pub fn calling_hours(s: &Scenario) -> Option<(u32, u32)> {
    match s.calendar.calling_hours.as_slice() {
        [a, b] => Some((parse_hhmm(a)?, parse_end_hhmm(b)?)),
        _ => s.rules_on_day(0).calling_hours,
    }
}

/// The IANA zones of an E.164 number: its NANP area code's, or its country's (the zone table is the
/// jurisdictions', [`crate::jurisdiction::nanp_zones`] and [`crate::jurisdiction::calling_code_zones`]);
/// empty when unknown (the floor's zone stands in).
pub fn number_zones(key: u64) -> Vec<&'static str> {
    if (10_000_000_000..20_000_000_000).contains(&key) {
        let area = ((key - 10_000_000_000) / 10_000_000) as u16;
        return crate::jurisdiction::nanp_zones(area).to_vec();
    }
    crate::plan::number::PhoneNumber::from_key(key)
        .map(|n| crate::jurisdiction::calling_code_zones(n.country_code).to_vec())
        .unwrap_or_default()
}

/// What holds in a zone group at a minute.
#[derive(Clone, Copy, Debug, Default)]
struct Local {
    open: bool,
    hour: u32,
    weekend: bool,
}

/// Calling hours, minutes after local midnight [start, end) (none: always open).
type Hours = Option<(u32, u32)>;

/// Numbers called on one clock under one window: the zones of their area, and their calling hours.
#[derive(Debug)]
struct Group {
    zones: Vec<TimeZone>,
    hours: Hours,
    /// The ISO code of the number's own country when its hours narrowed the campaign's (a number of another
    /// country), and whether they are law (else practice), for messages.
    law: Option<(&'static str, bool)>,
    /// Per campaign day, whether the group is open at some minute of its calling window on a calling day
    /// ([`CallingHours::never_open`]), once asked.
    open_days: Option<Vec<bool>>,
}

/// Whether numbers may be called now in their local time: each number belongs to a group of zones (its area's),
/// open when the calling hours hold in every zone of the group (the intersection of their windows). The
/// hours are the campaign's; a number of another country (a list's, or a plan of another country) is held to
/// its own country's hours too, on the campaign's first day (the intersection of both windows). The floor's
/// clock is turned into an instant once per group and simulated minute.
#[derive(Debug)]
pub struct CallingHours {
    hours: Hours,
    /// The other countries whose numbers the campaign may dial and which set calling hours
    /// ([`Scenario::law_abroad`]): calling code, hours (the regime on the campaign's first day), ISO code and
    /// whether the hours are law.
    theirs: Vec<(u16, (u32, u32), &'static str, bool)>,
    floor: TimeZone,
    day0: Date,
    /// The campaign's calling window on each of its days, on the floor's clock: from `run.day_start`, for
    /// `run.day_hours` (ms from the day's midnight), and the days.
    window: (Millis, Millis),
    /// Per campaign day, whether the floor calls on it ([`Calendar::is_open`]).
    calling_days: Vec<bool>,
    groups: Vec<Group>,
    group_of: HashMap<(Vec<&'static str>, Hours), u16>,
    /// Group by the key's leading digits (key / 10^7: a NANP area code, or a country code and more), so the
    /// zones of a number are looked up once per prefix, not per dial.
    by_prefix: HashMap<u64, u16>,
    /// Per group: the minute of simulated time last looked at, and what held then.
    cache: Vec<(u64, Local)>,
}

impl CallingHours {
    /// The calling hours of `s` (none: every number is always open).
    pub fn of(s: &Scenario) -> CallingHours {
        let abroad = s.law_abroad();
        let theirs = (abroad.countries().iter().enumerate())
            .filter_map(|(i, &(cc, _))| {
                let rules = abroad.on(i, 0);
                rules.calling_hours.map(|h| (cc, h, rules.jurisdiction, rules.calling_hours_is_law))
            })
            .collect();
        CallingHours {
            hours: calling_hours(s),
            theirs,
            floor: crate::foundation::clock::zone(&s.run.time_zone).unwrap_or(TimeZone::UTC),
            day0: s.run.start_date.trim().parse().unwrap_or(date(1970, 1, 1)),
            window: (
                MINUTE * u64::from(parse_hhmm(&s.run.day_start).unwrap_or(540)),
                crate::foundation::clock::millis(s.run.day_hours * 3600.0),
            ),
            calling_days: {
                let calendar = Calendar::of(s);
                (0..s.law_days()).map(|d| calendar.is_open(d)).collect()
            },
            groups: Vec::new(),
            group_of: HashMap::new(),
            by_prefix: HashMap::new(),
            cache: Vec::new(),
        }
    }

    /// Whether any calling hours apply.
    pub fn restricted(&self) -> bool {
        self.hours.is_some() || !self.theirs.is_empty()
    }

    /// The hours of the number `key`: the campaign's, narrowed by its own country's when that is another
    /// country with hours (with that country's ISO code and whether its hours are law).
    fn hours_of(&self, key: u64) -> (Hours, Option<(&'static str, bool)>) {
        if self.theirs.is_empty() {
            return (self.hours, None);
        }
        let Some(&(_, (c, d), iso, law)) =
            self.theirs.iter().find(|&&(cc, ..)| crate::plan::number::has_calling_code(key, cc))
        else {
            return (self.hours, None);
        };
        match self.hours {
            None => (Some((c, d)), Some((iso, law))),
            Some((a, b)) => {
                // An empty intersection is a window that never opens.
                let start = a.max(c);
                let both = (start, b.min(d).max(start));
                (Some(both), (both != (a, b)).then_some((iso, law)))
            }
        }
    }

    /// The zone group of the number `key`.
    pub fn group(&mut self, key: u64) -> u16 {
        // Ten digits or more: the prefix holds the whole country code (and a NANP area code).
        let prefix = (key >= 1_000_000_000).then_some(key / 10_000_000);
        if let Some(p) = prefix
            && let Some(&g) = self.by_prefix.get(&p)
        {
            return g;
        }
        let zones = number_zones(key);
        let (hours, law) = self.hours_of(key);
        let g = match self.group_of.get(&(zones.clone(), hours)) {
            Some(&g) => g,
            None => {
                let g = self.groups.len() as u16;
                let tz: Vec<TimeZone> = zones.iter().filter_map(|z| crate::foundation::clock::zone(z)).collect();
                let zones_tz = if tz.is_empty() { vec![self.floor.clone()] } else { tz };
                self.groups.push(Group { zones: zones_tz, hours, law, open_days: None });
                self.cache.push((u64::MAX, Local::default()));
                self.group_of.insert((zones, hours), g);
                g
            }
        };
        if let Some(p) = prefix {
            self.by_prefix.insert(p, g);
        }
        g
    }

    /// Groups seen so far.
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// Whether the numbers of `group` may be called at simulated time `ms`.
    pub fn open(&mut self, group: u16, ms: Millis) -> bool {
        self.groups[usize::from(group)].hours.is_none() || self.local(group, ms).open
    }

    /// Whether the numbers of `group` are never inside their calling hours during the campaign's calling window
    /// on any of its calling days from day `from` on: the dialer sets such a number aside instead of holding it
    /// back. Worked out once per group, day by day.
    pub fn never_open(&mut self, group: u16, from: u32) -> bool {
        let g = usize::from(group);
        if self.groups[g].hours.is_none() {
            return false;
        }
        if self.groups[g].open_days.is_none() {
            let days: Vec<bool> = (0..self.calling_days.len() as u32)
                .map(|d| self.calling_days[d as usize] && self.opens_on(group, d))
                .collect();
            self.groups[g].open_days = Some(days);
        }
        let days = self.groups[g].open_days.as_deref().unwrap_or_default();
        !days.iter().skip(from as usize).any(|&open| open)
    }

    /// Whether `group` is open at some minute of day `d`'s calling window. While no zone's offset from the
    /// floor's clock changes within the window, the first open minute, if any, is the window's first or one at
    /// which a zone's local time reaches the hours' start: only those minutes are looked at. A window with a
    /// change of offset is looked at minute by minute.
    fn opens_on(&mut self, group: u16, d: u32) -> bool {
        let (start, length) = self.window;
        let midnight = crate::foundation::clock::DAY * u64::from(d);
        let (open, end) = (midnight + start, midnight + start + length);
        if end <= open {
            return false;
        }
        let last = end - MINUTE.min(end - open);
        let (first_local, _) = self.groups[usize::from(group)].hours.unwrap_or((0, 1440));
        let shifts = |this: &Self, ms: Millis| -> Vec<i64> {
            let instant = this.instant(ms);
            let floor = (ms.0 / MINUTE.0 % 1440) as i64;
            (this.groups[usize::from(group)].zones.iter())
                .map(|z| {
                    let t = instant.to_zoned(z.clone()).time();
                    (i64::from(t.hour()) * 60 + i64::from(t.minute()) - floor).rem_euclid(1440)
                })
                .collect()
        };
        let at_open = shifts(self, open);
        if at_open != shifts(self, last) {
            return (open.0..end.0).step_by(MINUTE.0 as usize).any(|m| self.open(group, Millis(m)));
        }
        let mut candidates = vec![open];
        for shift in at_open {
            let minute = (i64::from(first_local) - shift).rem_euclid(1440) as u64;
            candidates
                .extend((0..3u64).map(|k| midnight + MINUTE * (minute + 1440 * k)).filter(|&t| t >= open && t < end));
        }
        candidates.into_iter().any(|t| self.open(group, t))
    }

    /// The local hour (0 to 23) at simulated `ms` in the group's first zone, and whether it is a Saturday or
    /// Sunday there.
    pub fn hour(&mut self, group: u16, ms: Millis) -> (u32, bool) {
        let l = self.local(group, ms);
        (l.hour, l.weekend)
    }

    fn local(&mut self, group: u16, ms: Millis) -> Local {
        let minute = ms / MINUTE;
        let g = usize::from(group);
        if self.cache[g].0 == minute {
            return self.cache[g].1;
        }
        let instant = self.instant(minute * MINUTE);
        let (start, end) = self.groups[g].hours.unwrap_or((0, 1440));
        let mut l = Local { open: true, hour: 0, weekend: false };
        for (i, z) in self.groups[g].zones.iter().enumerate() {
            let zoned = instant.to_zoned(z.clone());
            let t = zoned.time();
            let m = t.hour() as u32 * 60 + t.minute() as u32;
            l.open &= (start..end).contains(&m);
            if i == 0 {
                l.hour = t.hour() as u32;
                l.weekend = matches!(zoned.weekday(), Weekday::Saturday | Weekday::Sunday);
            }
        }
        self.cache[g] = (minute, l);
        l
    }

    /// The local time at simulated `ms` of the number `key` in each of its zones, `HH:MM zone` (for messages),
    /// with whether all are inside the number's calling hours.
    pub fn local_times(&mut self, key: u64, ms: Millis) -> (bool, String) {
        let g = usize::from(self.group(key));
        let Some((start, end)) = self.groups[g].hours else { return (true, String::new()) };
        let instant = self.instant(ms);
        let mut ok = true;
        let mut text = Vec::new();
        for z in &self.groups[g].zones {
            let zoned = instant.to_zoned(z.clone());
            let t = zoned.time();
            let m = t.hour() as u32 * 60 + t.minute() as u32;
            ok &= (start..end).contains(&m);
            text.push(format!("{} {}", zoned.strftime("%H:%M"), z.iana_name().unwrap_or("?")));
        }
        (ok, text.join(", "))
    }

    /// The campaign's calling hours as `HH:MM–HH:MM`.
    pub fn describe(&self) -> String {
        hhmm_range(self.hours)
    }

    /// The calling hours of the number `key` as `HH:MM–HH:MM`, followed by ` (under US, the law of the number's
    /// own country)` (or `(GB's practice, the number's own country)`) when its country's hours narrowed the
    /// campaign's.
    pub fn describe_for(&mut self, key: u64) -> String {
        let g = usize::from(self.group(key));
        let g = &self.groups[g];
        match g.law {
            Some((iso, true)) => format!("{} (under {iso}, the law of the number's own country)", hhmm_range(g.hours)),
            Some((iso, false)) => format!("{} ({iso}'s practice, the number's own country)", hhmm_range(g.hours)),
            None => hhmm_range(g.hours),
        }
    }

    fn instant(&self, ms: Millis) -> jiff::Timestamp {
        let local = crate::foundation::clock::wall_clock(self.day0, ms);
        self.floor.to_ambiguous_zoned(local).compatible().map(|z| z.timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

/// Hours as `HH:MM–HH:MM` (`none` when there are none).
fn hhmm_range(hours: Hours) -> String {
    match hours {
        Some((a, b)) => format!("{:02}:{:02}–{:02}:{:02}", a / 60, a % 60, b / 60, b % 60),
        None => "none".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::{easter_sunday, public_holidays};

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, d) in [(2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2027, 3, 28), (2038, 4, 25), (2000, 4, 23)] {
            assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn czech_holidays_of_2026_are_thirteen_with_good_friday_and_easter_monday() {
        let h = public_holidays("cz", 2026);
        assert_eq!(h.len(), 13);
        assert!(h.contains(&date(2026, 4, 3)) && h.contains(&date(2026, 4, 6)));
    }

    #[test]
    fn us_and_gb_holidays_are_observed_on_weekdays() {
        // 2026-07-04 is a Saturday: observed Friday 3 July. 2027-12-25 is a Saturday: GB moves it to Monday 27
        // and Boxing Day to Tuesday 28.
        assert!(public_holidays("us", 2026).contains(&date(2026, 7, 3)));
        assert_eq!(public_holidays("us", 2026).len(), 11);
        let gb = public_holidays("gb", 2027);
        assert!(gb.contains(&date(2027, 12, 27)) && gb.contains(&date(2027, 12, 28)));
        assert_eq!(gb.len(), 8);
    }

    #[test]
    fn a_number_is_zoned_by_its_area_code_or_its_country() {
        assert_eq!(number_zones(420_601_234_567), vec!["Europe/Prague"]);
        assert!(number_zones(33_612_345_678).is_empty(), "no module for France: the floor's zone stands in");
        assert_eq!(number_zones(12125550100), vec!["America/New_York"]);
        assert_eq!(number_zones(18505550100).len(), 2, "850 spans Central and Eastern");
    }

    /// `opens_on` looks at a few minutes of a day; minute by minute agrees, for floors and numbers in zones whose
    /// offsets change on other days (the US and EU summer-time gaps), windows that cross midnight or last all
    /// day, and an area code of two zones.
    #[test]
    fn a_days_opening_is_found_as_minute_by_minute_finds_it() {
        let days: Vec<u32> = (60..100).chain(290..320).chain([0, 180]).collect();
        let mut seen = [0u32; 2];
        for floor in ["Europe/Prague", "America/New_York", "Asia/Kolkata"] {
            for (start, hours) in [("07:30", 5.0), ("20:00", 10.0), ("00:00", 24.0)] {
                let mut s = Scenario::default_day();
                s.run.time_zone = floor.into();
                s.run.day_start = start.into();
                s.run.day_hours = hours;
                s.run.days = 366;
                s.calendar.calling_hours = vec!["08:00".into(), "21:00".into()];
                let mut h = CallingHours::of(&s);
                for key in [12125550100u64, 13105550100, 18505550100, 442079460000, 420601234567, 18085550100] {
                    let g = h.group(key);
                    for &d in &days {
                        let open = crate::foundation::clock::DAY * u64::from(d) + h.window.0;
                        let brute =
                            (open.0..(open + h.window.1).0).step_by(MINUTE.0 as usize).any(|m| h.open(g, Millis(m)));
                        assert_eq!(h.opens_on(g, d), brute, "{floor} {start} {hours} h, +{key}, day {d}");
                        seen[usize::from(brute)] += 1;
                    }
                }
            }
        }
        assert!(seen[0] > 100 && seen[1] > 100, "days closed and open both looked at: {seen:?}");
    }
}
