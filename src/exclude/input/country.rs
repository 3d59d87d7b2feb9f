//! An input whose numbers are not the country's it is read for: the error that names the country they are
//! likely of (numbers written without their country code read as another country's exclude nothing).

use super::{InputOptions, NumbersRead};
use crate::exclude::normalize::Normalizer;
use crate::foundation::error::{Error, Message, Param, message};

impl InputOptions {
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
