//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Distance is the optimal string alignment distance (insertions, deletions,
/// substitutions and transpositions of adjacent characters, each costing 1),
/// compared case-insensitively. A candidate qualifies when its distance is at
/// most `max(1, len / 3)`, where `len` is the number of characters in `word`.
/// The smallest distance wins; ties go to the earliest candidate, so the
/// result is deterministic.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let limit = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let lowered: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        // The length difference is a lower bound on the distance.
        if lowered.len().abs_diff(word.len()) > limit {
            continue;
        }
        let distance = osa_distance(&word, &lowered);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal string alignment distance between two words, as
/// [`did_you_mean`] measures it but case-sensitively.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa_distance(&a, &b)
}

/// Optimal string alignment distance between two character sequences.
fn osa_distance(a: &[char], b: &[char]) -> usize {
    // Rows of the dynamic-programming table: two rows back, one row back and
    // the current row, each indexed by the length of the prefix of `b`.
    let mut before_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut a_prev: Option<char> = None;
    for (i, &ca) in a.iter().enumerate() {
        let mut current: Vec<usize> = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        let mut b_prev: Option<char> = None;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let deletion = previous
                .get(j + 1)
                .map_or(usize::MAX, |d| d.saturating_add(1));
            let insertion = current.last().map_or(usize::MAX, |d| d.saturating_add(1));
            let substitution = previous
                .get(j)
                .map_or(usize::MAX, |d| d.saturating_add(cost));
            let mut best = deletion.min(insertion).min(substitution);
            if a_prev == Some(cb) && b_prev == Some(ca) {
                let transposition = j
                    .checked_sub(1)
                    .and_then(|k| before_previous.get(k))
                    .map_or(usize::MAX, |d| d.saturating_add(1));
                best = best.min(transposition);
            }
            current.push(best);
            b_prev = Some(cb);
        }
        before_previous = previous;
        previous = current;
        a_prev = Some(ca);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_distance(&a, &b)
    }

    #[test]
    fn distances() {
        assert_eq!(dist("", ""), 0);
        assert_eq!(dist("abc", ""), 3);
        assert_eq!(dist("", "ab"), 2);
        assert_eq!(dist("kitten", "sitting"), 3);
        assert_eq!(dist("weeks", "weeks"), 0);
        assert_eq!(dist("weeks", "wekes"), 1);
        assert_eq!(dist("ab", "ba"), 1);
        // Optimal string alignment does not edit a transposed pair again.
        assert_eq!(dist("ca", "abc"), 3);
        assert_eq!(dist("leeftijd", "leeftjid"), 1);
    }

    #[test]
    fn suggests_closest_within_limit() {
        let units = [
            "years", "year", "months", "month", "weeks", "week", "days", "day",
        ];
        assert_eq!(did_you_mean("weks", units), Some("weeks"));
        assert_eq!(did_you_mean("yaers", units), Some("years"));
        assert_eq!(did_you_mean("Months", units), Some("months"));
        assert_eq!(did_you_mean("dya", units), Some("day"));
        assert_eq!(did_you_mean("fortnight", units), None);
        assert_eq!(did_you_mean("", units), None);
    }

    #[test]
    fn limit_grows_with_length() {
        let names = ["complaint_duration"];
        // 18 characters allow up to 6 edits.
        assert_eq!(
            did_you_mean("complain_duratn", names),
            Some("complaint_duration")
        );
        assert_eq!(did_you_mean("duration", names), None);
        // Short words allow one edit only.
        assert_eq!(did_you_mean("ab", ["xy"]), None);
        assert_eq!(did_you_mean("ab", ["ax"]), Some("ax"));
    }

    #[test]
    fn ties_go_to_the_first_candidate() {
        assert_eq!(did_you_mean("cat", ["bat", "hat", "cart"]), Some("bat"));
        assert_eq!(did_you_mean("cat", ["hat", "bat"]), Some("hat"));
        assert_eq!(did_you_mean("cat", ["hat", "cat"]), Some("cat"));
    }

    #[test]
    fn unicode_is_compared_by_character() {
        assert_eq!(did_you_mean("ÉCHO", ["echo", "écho"]), Some("écho"));
    }
}
