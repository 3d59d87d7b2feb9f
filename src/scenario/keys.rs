//! The names nearest to a mistyped one (for "did you mean"): keys of the key table (`schema`), values, files.

/// Edit distance between `a` and `b` by characters, a swap of two neighbours counting as one edit (optimal
/// string alignment): `modle` is one edit from `model`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut above: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (above[j] + 1).min(row[j - 1] + 1).min(above[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut above, row);
    }
    above[b.len()]
}

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

/// [`closest_names`].
pub(super) fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let most = (typed.chars().count() / 3).clamp(1, 3);
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != typed)
        .map(|c| (edit_distance(typed, c), c))
        .filter(|(d, _)| *d <= most)
        .collect();
    near.sort();
    near.dedup();
    near.into_iter().take(3).map(|(_, c)| c).collect()
}

/// `"; did you mean `a` or `b`?"` for the nearest of `candidates`, or nothing.
pub(super) fn did_you_mean<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let near: Vec<String> = nearest(typed, candidates).iter().map(|c| format!("`{c}`")).collect();
    if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(" or ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(edit_distance("agent", "agents"), 1);
        assert_eq!(edit_distance("agnets", "agents"), 1);
        assert_eq!(edit_distance("modle", "model"), 1);
        assert_eq!(edit_distance("abc", "ca"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("dialr.agents", "dialer.agents"), 1);
    }

    #[test]
    fn a_typo_of_a_key_is_matched_and_a_stranger_is_not() {
        let keys: Vec<String> = super::super::schema::settable().into_iter().map(|(n, _)| n).collect();
        assert!(keys.iter().any(|k| k == "dialer.agents") && keys.iter().any(|k| k == "agents.talk.mean"));
        assert_eq!(nearest("dialer.agent", keys.iter().map(String::as_str)), ["dialer.agents"]);
        assert_eq!(nearest("population.patiense", keys.iter().map(String::as_str)), ["population.patience"]);
        assert!(nearest("zzzz.qqqq", keys.iter().map(String::as_str)).is_empty());
    }
}
