//! The names nearest to a mistyped one, for "did you mean": scenario keys, values, files, KPIs.

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
pub(crate) fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let most = (typed.chars().count() / 3).clamp(1, 3);
    nearest_within(typed, candidates, |_| most)
}

/// The candidates nearest to `typed` (at most three, nearest first, ties by name) among those at most
/// `most(candidate)` edits away: for long names with a short common form (KPIs: `contacts_per_hour` for
/// `contacts_per_agent_hour`), a bound that grows with the candidate.
pub(crate) fn nearest_within<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    most: impl Fn(&str) -> usize,
) -> Vec<&'a str> {
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != typed)
        .map(|c| (edit_distance(typed, c), c))
        .filter(|(d, c)| *d <= most(c))
        .collect();
    near.sort();
    near.dedup();
    near.into_iter().take(3).map(|(_, c)| c).collect()
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
    fn only_near_names_are_offered_nearest_first() {
        assert_eq!(nearest("occupancyy", ["occupancy", "connects"]), ["occupancy"]);
        assert_eq!(nearest("agnets", ["agent", "agents", "zzz"]), ["agents", "agent"]);
        assert!(nearest("zzzzzzzzzzzz", ["occupancy"]).is_empty());
    }
}
