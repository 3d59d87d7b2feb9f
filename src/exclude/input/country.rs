//! An input whose numbers are not the country's it is read for: the error that names the country they are
//! likely of (numbers written without their country code read as another country's exclude nothing).

use super::{InputOptions, NumbersRead};
use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Error, Message, Param, message};

impl InputOptions {
    /// The hint for an input in which no column reads as numbers of the country it is read for: the column
    /// (of `width`, named by `label`) and embedded plan of another country most of whose sampled values (the
    /// rows `data`) read as that plan's numbers, when one does.
    pub(super) fn other_country(
        &self,
        data: &[csv::ByteRecord],
        width: usize,
        label: &dyn Fn(usize) -> String,
    ) -> Option<Message> {
        let cc = self.normalizer.country_code();
        let cells = |c: usize| data.iter().map(move |r| r.get(c).unwrap_or(b"").trim_ascii()).filter(|v| !v.is_empty());
        // The most values; of equal counts the first column, then the first plan.
        let (_, (fits, nonempty, column, name, other)) = (crate::plan::Plan::embedded_names().enumerate())
            .filter_map(|(i, name)| crate::plan::Plan::embedded(name).ok().map(|p| (i, name, p)))
            .filter(|(_, _, p)| p.country_code() != cc)
            .flat_map(|(i, name, p)| {
                let n = Normalizer::for_plan(&p);
                (0..width)
                    .map(|c| {
                        let fits = cells(c)
                            .filter(|v| {
                                n.parse_bytes(v).is_ok_and(|x| x.country_code == n.country_code() && n.fits_plan(&x))
                            })
                            .count();
                        (i, (fits, cells(c).count(), c, name, p.country_code()))
                    })
                    .collect::<Vec<_>>()
            })
            .max_by_key(|&(i, (fits, _, c, _, _))| (fits, std::cmp::Reverse(c), std::cmp::Reverse(i)))?;
        if fits * 2 <= nonempty || fits == 0 {
            return None;
        }
        let head = format!(
            "; {} reads as numbers of {name} (+{other}) in {fits} of {nonempty} sampled values, not of +{cc}: ",
            label(column)
        );
        Some(if self.country_option {
            message![head, "give ", Param::Country, format!(" {other}, or write its numbers with their country code")]
        } else {
            format!("{head}write its numbers with their country code").into()
        })
    }

    /// The error for an input most of whose numbers lie outside the plan of the country it is read for: it
    /// names the embedded plan whose country the kept numbers read as, when one does for most of them.
    pub(super) fn foreign(&self, read: &NumbersRead) -> Error {
        let s = &read.stats;
        let cc = self.normalizer.country_code();
        let likely = crate::plan::Plan::embedded_names()
            .filter_map(|name| crate::plan::Plan::embedded(name).ok().map(|p| (name, p)))
            .filter(|(_, p)| p.country_code() != cc)
            .map(|(name, p)| {
                let n = Normalizer::for_plan(&p);
                let fits = read
                    .outside
                    .iter()
                    .filter(|r| n.parse(&r.field).is_ok_and(|x| x.country_code == n.country_code() && n.in_plan(&x)))
                    .count();
                (fits, name, p.country_code())
            })
            .max();
        let hint: Message = match likely {
            Some((fits, name, other)) if fits * 2 > read.outside.len() && !self.country_option => format!(
                "; {fits} of the first {} read as numbers of {name} (+{other}): write its numbers with their country code",
                read.outside.len()
            )
            .into(),
            Some((fits, name, other)) if fits * 2 > read.outside.len() => message![
                format!("; {fits} of the first {} read as numbers of {name} (+{other}): give ", read.outside.len()),
                Param::Country,
                format!(" {other}, or write its numbers with their country code")
            ],
            _ => "; they are of no embedded plan either: check the country the input is read for".into(),
        };
        let first = read.outside.first();
        Error::input(
            &s.name,
            first.map(|r| r.line),
            Message::from(format!(
                "{} of {} numbers ({:.1} %) are not numbers of +{cc}'s plan (first: '{}'), so the input cannot be \
                 +{cc}'s numbers",
                read.outside_plan,
                s.numbers,
                100.0 * read.outside_plan as f64 / s.numbers.max(1) as f64,
                first.map_or(String::new(), |r| crate::foundation::error::snippet(&r.field)),
            ))
            .then(hint),
        )
    }
}
