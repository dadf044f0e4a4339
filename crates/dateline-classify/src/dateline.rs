//! Wire datelines: the `MOSCOW, May 19 (Reuters) -` that opens an agency story.
//!
//! A dateline names where the story was filed, the strongest single place cue an
//! article carries, so its words get their own position weight.

/// Byte length of the dateline at the start of `body`, or 0 when there is none.
///
/// A dateline is one to four ALL-CAPS words (`WASHINGTON`, `SAO PAULO`, `ST. LOUIS`)
/// at the very start, optionally followed by `, Country` or `, May 19`, and closed by
/// `(Agency)`, a dash or a colon within the first 100 bytes.
pub fn detect(body: &str) -> usize {
    let head = &body[..floor_char_boundary(body, 100)];
    let trimmed = head.trim_start();
    let lead_ws = head.len() - trimmed.len();
    // The ALL-CAPS place words.
    let mut caps_end = 0;
    let mut words = 0;
    for (i, c) in trimmed.char_indices() {
        if c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()) {
            caps_end = i + c.len_utf8();
            continue;
        }
        if c == ' ' || c == '.' || c == '-' || c == '\'' {
            if c == ' ' {
                words += 1;
            }
            if words >= 4 {
                break;
            }
            continue;
        }
        break;
    }
    // At least two capital letters (rules out "A man ...").
    if trimmed[..caps_end]
        .chars()
        .filter(|c| c.is_uppercase())
        .count()
        < 2
    {
        return 0;
    }
    let rest = &trimmed[caps_end..];
    // The place words must be followed by one of the usual separators, within reach.
    let close = rest
        .char_indices()
        .take_while(|(i, _)| *i < 60)
        .find_map(|(i, c)| match c {
            '(' => rest[i..].find(')').map(|j| i + j + 1),
            '—' | '–' => Some(i + c.len_utf8()),
            '-' if rest[..i].ends_with(' ') => Some(i + 1),
            ':' => Some(i + 1),
            _ => None,
        });
    let starts_right = rest.starts_with(',')
        || rest.starts_with(" (")
        || rest.starts_with(" -")
        || rest.starts_with(" —")
        || rest.starts_with(" –")
        || rest.starts_with(':');
    match close {
        Some(end) if starts_right => lead_ws + caps_end + end,
        _ => 0,
    }
}

/// The largest char boundary <= `max` (std's is unstable).
pub fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(s: &str) -> &str {
        &s[..detect(s)]
    }

    #[test]
    fn agency_datelines() {
        assert_eq!(
            dl("MOSCOW, May 19 (Reuters) - Russia said"),
            "MOSCOW, May 19 (Reuters)"
        );
        assert_eq!(
            dl("KYIV, Ukraine (AP) — Ukrainian forces"),
            "KYIV, Ukraine (AP)"
        );
        assert_eq!(dl("WASHINGTON (Reuters) - The"), "WASHINGTON (Reuters)");
        assert_eq!(dl("SAO PAULO, March 3 - Brazil"), "SAO PAULO, March 3 -");
        assert_eq!(dl("LONDON: Shares fell"), "LONDON:");
    }

    #[test]
    fn not_datelines() {
        assert_eq!(detect("A man walked - into a bar"), 0);
        assert_eq!(detect("In a highly anticipated phone call"), 0);
        assert_eq!(detect("NATO allies met on Monday and agreed"), 0);
        assert_eq!(detect(""), 0);
        assert_eq!(detect("É"), 0);
    }
}
