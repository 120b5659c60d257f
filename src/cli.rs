//! Shared command-line pieces: comma-separated lists and the top-level error report.
use anyhow::{bail, Result};
use std::str::FromStr;

/// Parses "1,2,3" into values, each checked by `valid`.
pub fn parse_list<T: FromStr<Err: std::fmt::Display>>(s: &str, what: &str, valid: impl Fn(&T) -> bool) -> Result<Vec<T>, String> {
    let items: Result<Vec<T>, String> = s
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<T>().map_err(|e| format!("'{t}' is not a valid {what} ({e})")).and_then(|v| if valid(&v) { Ok(v) } else { Err(format!("{what} '{t}' is out of range")) }))
        .collect();
    match items {
        Ok(v) if v.is_empty() => Err(format!("expected a comma-separated list of {what}s")),
        other => other,
    }
}

pub fn positive_sizes(s: &str) -> Result<CommaList<i64>, String> {
    parse_list(s, "size (1..=100000)", |v: &i64| (1..=100_000).contains(v)).map(CommaList)
}

/// Runs `f`; on error prints one line `<program>: error: …` with the context chain and exits 1.
pub fn main_with(program: &str, f: impl FnOnce() -> Result<()>) {
    if let Err(e) = f() {
        eprintln!("{program}: error: {e:#}");
        std::process::exit(1);
    }
}

pub fn ensure_positive(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        bail!("{name} must be a positive number, got {v}");
    }
    Ok(())
}

/// A flag value written as a comma-separated list ("tanh,relu", "1,2,3").
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct CommaList<T>(pub Vec<T>);
