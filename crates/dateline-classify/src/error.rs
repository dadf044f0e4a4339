//! Errors of building a classifier from its data files.
//!
//! Every problem carries the file and line it was found at, and loading collects all
//! of them before failing, so `dateline taxonomy check` can report everything at once.

use std::fmt;

/// One problem in one data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataIssue {
    /// The file, as named by the caller (`taxonomy.toml`, a user path, …).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for DataIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.file, l, c, self.message),
            (Some(l), None) => write!(f, "{}:{}: {}", self.file, l, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The classifier could not be built: one or more [`DataIssue`]s.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} problem(s) in classifier data; first: {}", .issues.len(), .issues.first().map(|i| i.to_string()).unwrap_or_default())]
pub struct BuildError {
    pub issues: Vec<DataIssue>,
}

impl BuildError {
    pub(crate) fn from_issues(issues: Vec<DataIssue>) -> Result<(), BuildError> {
        if issues.is_empty() {
            Ok(())
        } else {
            Err(BuildError { issues })
        }
    }
}

/// Turn a byte offset into 1-based (line, column).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, col)
}
