//! The scenario's keys as dotted paths, and the ones nearest to a mistyped key (for "did you mean").

use super::Scenario;

/// Every dotted key of the scenario with a default value: sections' fields, and a distribution both as one
/// value (`agents.talk`) and by its fields (`agents.talk.mean`).
pub(super) fn all_keys() -> Vec<String> {
    let mut keys = Vec::new();
    if let Ok(toml::Value::Table(t)) = toml::Value::try_from(Scenario::default()) {
        flatten("", &t, &mut keys);
    }
    keys
}

fn flatten(prefix: &str, table: &toml::Table, keys: &mut Vec<String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        if let toml::Value::Table(t) = v {
            if t.contains_key("dist") {
                keys.push(key.clone());
            }
            flatten(&key, t, keys);
        } else {
            keys.push(key);
        }
    }
}

/// Levenshtein distance between `a` and `b`, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
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
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("agent", "agents"), 1);
        assert_eq!(edit_distance("agnets", "agents"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("dialr.agents", "dialer.agents"), 1);
    }

    #[test]
    fn a_typo_of_a_key_is_matched_and_a_stranger_is_not() {
        let keys = all_keys();
        assert!(keys.iter().any(|k| k == "dialer.agents") && keys.iter().any(|k| k == "agents.talk.mean"));
        assert_eq!(nearest("dialer.agent", keys.iter().map(String::as_str)), ["dialer.agents"]);
        assert!(nearest("zzzz.qqqq", keys.iter().map(String::as_str)).is_empty());
    }
}
