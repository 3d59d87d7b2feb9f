//! The names nearest to a mistyped one (for "did you mean"): keys of the key table (`schema`), values, files.

/// The candidates nearest to `typed` by edit distance (at most three, nearest first, ties by name), among
/// those close enough to be a typo: within a third of the typed length, and at most 3 edits.
///
/// ```
/// assert_eq!(dialsim::closest_names("defualt", ["default", "erlang-c"]), ["default"]);
/// assert!(dialsim::closest_names("run.toml", ["default"]).is_empty());
/// ```
pub fn closest_names<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    nearest(typed, candidates)
}

// The rule of [`closest_names`], for the scenario's own messages.
pub(super) use crate::foundation::nearest::nearest;

/// `"; did you mean `a` or `b`?"` for the nearest of `candidates`, or nothing.
pub(super) fn did_you_mean<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let near: Vec<String> = nearest(typed, candidates).iter().map(|c| format!("`{c}`")).collect();
    if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(" or ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_of_a_key_is_matched_and_a_stranger_is_not() {
        let keys: Vec<String> = super::super::schema::settable().into_iter().map(|(n, _)| n).collect();
        assert!(keys.iter().any(|k| k == "dialer.agents") && keys.iter().any(|k| k == "agents.talk.mean"));
        assert_eq!(nearest("dialer.agent", keys.iter().map(String::as_str)), ["dialer.agents"]);
        assert_eq!(nearest("population.patiense", keys.iter().map(String::as_str)), ["population.patience"]);
        assert!(nearest("zzzz.qqqq", keys.iter().map(String::as_str)).is_empty());
    }
}
