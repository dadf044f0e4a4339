//! dateline's classifier: where in the world an article is, and what it is about.
//!
//! Pure and synchronous: no I/O, no async, no global state beyond a per-thread
//! scratch buffer. Built once ([`Classifier::builtin`] or [`Classifier::build`]) and
//! shared by every thread (`Send + Sync`).
//!
//! Layout — each module says why it exists:
//! - [`text`]: the one tokenisation rule shared by data and articles.
//! - `lexicon` (private): the word-level phrase matcher for places and topics,
//!   on `table` (private), an integer hash table for its hot lookups (words,
//!   trie edges), whose bucket compares use AVX2 or AVX-512 where the CPU has
//!   them (picked at run time; the same results either way).
//! - [`region`]: countries and the region each belongs to — the region logic.
//! - [`gazetteer`]: the names that place a story in a country.
//! - [`taxonomy`]: IPTC subjects, subtopics and storylines; validation with line numbers.
//! - [`dateline`]: finds the wire dateline, the strongest place cue.
//! - [`classifier`]: matching and scoring, with evidence on request.
//! - [`record`]: the input and output record contract shared by CLI and worker.
//! - [`eval`]: accuracy, precision, recall and F1 for `dateline eval`.

pub mod classifier;
pub mod dateline;
pub mod error;
pub mod eval;
pub mod gazetteer;
mod lexicon;
pub mod record;
pub mod region;
mod table;
pub mod taxonomy;
pub mod text;

pub use classifier::{
    Classification, Classifier, CountryScore, Document, Evidence, PlaceScoring, RegionScore,
    Settings, Simd, Sources, TopicScore, VERSION,
};
pub use error::{BuildError, DataIssue};
pub use record::{Article, Enriched, InputError, InputFormat, RECORD_SCHEMA, SCHEMA_VERSION};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn classifier_is_shareable() {
        assert_send_sync::<super::Classifier>();
    }
}
