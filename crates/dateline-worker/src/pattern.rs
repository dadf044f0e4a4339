//! Topic patterns: an input topic written `^…` subscribes to every topic whose name
//! matches it, now and later (`^news\.raw\..*` for one topic per source).
//!
//! librdkafka matches such a subscription itself, with the C library's POSIX
//! extended regular expressions (`regcomp(REG_EXTENDED | REG_NOSUB)`, its build on
//! Unix). This module compiles and matches a pattern the same way, so that what the
//! configuration check accepts, and which topics it says a pattern takes, is what
//! the consumer will do: a pattern that does not compile is refused with the C
//! library's message, and one that would take the output or dead-letter topic
//! (the worker reading its own records) or Kafka's internal topics is refused
//! before the first connection. The `regex` crate's syntax differs (`\d` is a
//! literal `d` here), so it is not used for this.

/// Whether a `kafka.input_topics` entry is a pattern rather than a topic name.
pub fn is_pattern(topic: &str) -> bool {
    topic.starts_with('^')
}

/// A compiled POSIX extended regular expression.
pub struct TopicPattern {
    #[cfg(unix)]
    re: Box<libc::regex_t>,
}

#[cfg(unix)]
impl TopicPattern {
    /// Compiles `pattern` as librdkafka does; the error is the C library's message.
    pub fn new(pattern: &str) -> Result<TopicPattern, String> {
        let c = std::ffi::CString::new(pattern).map_err(|_| "contains a NUL byte".to_owned())?;
        // SAFETY: regex_t is plain data that regcomp initialises; zeroed is a valid
        // starting value for it.
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `re` points to a writable regex_t and `c` is NUL-terminated.
        let rc =
            unsafe { libc::regcomp(&mut *re, c.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if rc == 0 {
            return Ok(TopicPattern { re });
        }
        let mut buf = [0u8; 256];
        // SAFETY: regerror writes at most `buf.len()` bytes, NUL-terminated, and
        // reads `re` only for the error's context. A failed regcomp leaves nothing
        // to free.
        unsafe { libc::regerror(rc, &*re, buf.as_mut_ptr().cast(), buf.len()) };
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        Err(String::from_utf8_lossy(&buf[..end]).into_owned())
    }

    /// Whether `topic` matches (anywhere, as with regexec: anchor with `^`/`$`).
    pub fn matches(&self, topic: &str) -> bool {
        let Ok(c) = std::ffi::CString::new(topic) else {
            return false;
        };
        // SAFETY: `re` was compiled by regcomp and not freed; REG_NOSUB means no
        // match array is written.
        unsafe { libc::regexec(&*self.re, c.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

#[cfg(unix)]
impl Drop for TopicPattern {
    fn drop(&mut self) {
        // SAFETY: compiled by regcomp in `new`, freed once.
        unsafe { libc::regfree(&mut *self.re) };
    }
}

#[cfg(not(unix))]
impl TopicPattern {
    pub fn new(_pattern: &str) -> Result<TopicPattern, String> {
        Err("topic patterns need the C library's POSIX regex (Unix only)".into())
    }

    pub fn matches(&self, _topic: &str) -> bool {
        false
    }
}

/// Topics a consumer must never read through a pattern: Kafka's own.
pub const INTERNAL_TOPICS: [&str; 2] = ["__consumer_offsets", "__transaction_state"];

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn posix_extended_syntax_as_librdkafka_reads_it() {
        let p = TopicPattern::new(r"^news\.raw\.[a-z]+$").unwrap();
        assert!(p.matches("news.raw.reuters"));
        assert!(!p.matches("news.raw.reuters.v2"));
        assert!(!p.matches("newsXraw.ap"));
        // Unanchored at the end, as regexec searches.
        assert!(TopicPattern::new("^in-").unwrap().matches("in-eu"));
        // Alternation and bounds are ERE; `\d` is not a digit class here.
        let p = TopicPattern::new("^(ap|afp)-[0-9]{2}").unwrap();
        assert!(p.matches("afp-12") && !p.matches("dpa-12"));
        assert!(!TopicPattern::new(r"^t\d").unwrap().matches("t1"));
    }

    #[test]
    fn a_broken_pattern_gives_the_c_library_message() {
        for bad in ["^(news", "^news[", "^a{2,1}"] {
            let e = TopicPattern::new(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad}"));
            assert!(!e.is_empty(), "{bad}");
        }
        assert!(is_pattern("^a") && !is_pattern("a^"));
    }
}
