//! Command-line pieces every program shares: comma-separated lists, enum names, and the one-line
//! error report. Installing signal handlers and choosing the exit status is `main`'s (src/bin/shared).
use anyhow::Result;
use std::str::FromStr;

/// How a program ended without an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Done,
    /// Stopped early by Ctrl-C or SIGTERM, with what it had done saved: exit status 130, as a shell
    /// expects of an interrupted program.
    Interrupted,
}

/// An error as the one line `<program>: error: …` prints: the context chain joined by ": ", with the
/// C++ stack trace that libtorch appends to its messages ("Exception raised from … frame #N …")
/// and any line breaks removed.
pub fn error_line(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e.chain().map(|c| one_line(&c.to_string())).filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        // anyhow's chain repeats a source's text inside its parent's for some error types.
        if !out.last().is_some_and(|last| last.ends_with(&p)) {
            out.push(p);
        }
    }
    out.join(": ")
}

/// `msg` without libtorch's stack trace, on one line.
pub fn one_line(msg: &str) -> String {
    let msg = msg.split("Exception raised from").next().unwrap_or_default();
    let msg = msg.split("\nframe #").next().unwrap_or_default();
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses "1,2,3" into values, each checked by `valid`.
pub fn parse_list<T: FromStr<Err: std::fmt::Display>>(
    s: &str,
    what: &str,
    valid: impl Fn(&T) -> bool,
) -> Result<Vec<T>, String> {
    let items: Result<Vec<T>, String> = s
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<T>().map_err(|e| format!("'{t}' is not a valid {what} ({e})")).and_then(|v| {
                if valid(&v) {
                    Ok(v)
                } else {
                    Err(format!("{what} '{t}' is out of range"))
                }
            })
        })
        .collect();
    match items {
        Ok(v) if v.is_empty() => Err(format!("expected a comma-separated list of {what}s")),
        other => other,
    }
}

/// A flag value written as a comma-separated list ("tanh,relu", "1,2,3").
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CommaList<T>(pub Vec<T>);

/// Sizes 1..=100000 as a [`CommaList`] (hidden sizes, depths, widths, layer sizes).
pub fn positive_sizes(s: &str) -> Result<CommaList<i64>, String> {
    parse_list(s, "size (1..=100000)", |v: &i64| (1..=100_000).contains(v)).map(CommaList)
}

/// The name clap shows for an enum value ("leaky-relu"), for run names and captions.
pub fn value_name<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value().map(|p| p.get_name().to_string()).unwrap_or_default()
}

/// A strictly positive, finite float, for flags such as --epsilon or --lr.
pub fn ensure_positive(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        anyhow::bail!("{name} must be a positive number, got {v}");
    }
    Ok(())
}

/// The defaults of a `clap::Args` struct, taken from its own `#[arg(default_value…)]` attributes, so
/// that each setting's default is declared once (on the flag) and `Default` agrees with `--help`.
pub fn defaults<T: clap::Args + clap::FromArgMatches>() -> T {
    let cmd = T::augment_args(clap::Command::new("defaults").no_binary_name(true));
    let matches = cmd.get_matches_from(std::iter::empty::<String>());
    T::from_arg_matches(&matches).expect("every flag of a config struct has a default")
}
