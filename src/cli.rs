//! Command-line pieces every program shares: comma-separated lists, enum names, and the one-line
//! error report. Installing signal handlers and choosing the exit status is `main`'s (src/bin/shared).
use anyhow::Result;
use std::str::FromStr;

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;

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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CommaList<T>(pub Vec<T>);

/// Sizes as a [`CommaList`] (hidden sizes, depths, widths, layer sizes; their range is the
/// configuration's check).
pub fn sizes(s: &str) -> Result<CommaList<i64>, String> {
    parse_list(s, "size", |_| true).map(CommaList)
}

/// The name clap shows for an enum value ("leaky-relu"), for run names and captions.
pub fn value_name<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value().map(|p| p.get_name().to_string()).unwrap_or_default()
}

/// The value of `T` that clap calls `s`, or an error that lists the names.
pub fn parse_value<T: clap::ValueEnum>(s: &str) -> Result<T, String> {
    T::from_str(s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants().iter().map(value_name).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("expected {} or {last}", rest.join(", ")),
            _ => format!("expected {}", names.join("")),
        }
    })
}

/// Display, FromStr, Serialize and Deserialize for enums that derive clap's `ValueEnum`, all through
/// the names clap gives them: each enum's names are written once, by the derive (kebab-case variant
/// names, or a variant's `#[value(name = …)]`).
#[macro_export]
macro_rules! clap_names {
    ($($t:ty),+ $(,)?) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::cli::value_name(self))
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $crate::cli::parse_value(s)
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&$crate::cli::value_name(self))
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $crate::cli::parse_value(&s).map_err(serde::de::Error::custom)
            }
        }
    )+};
}

/// A strictly positive, finite float, for flags such as --epsilon or --lr.
pub fn ensure_positive(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        anyhow::bail!("{name} must be a positive number, got {v}");
    }
    Ok(())
}

/// A number in `range`, for a flag `name` (the message every range check gives).
pub fn ensure_in<T: PartialOrd + std::fmt::Display>(
    name: &str,
    v: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<()> {
    if !range.contains(&v) {
        anyhow::bail!("{name} must be between {} and {}, got {v}", range.start(), range.end());
    }
    Ok(())
}

/// A finite float ≥ 0, for flags such as --weight-decay or --noise.
pub fn ensure_non_negative(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v >= 0.0) {
        anyhow::bail!("{name} must be ≥ 0, got {v}");
    }
    Ok(())
}

/// A float in [0, 1), for flags such as --momentum or --beta1.
pub fn ensure_fraction(name: &str, v: f64) -> Result<()> {
    if !(0.0..1.0).contains(&v) {
        anyhow::bail!("{name} must be in [0, 1), got {v}");
    }
    Ok(())
}

/// A configuration that can say what is wrong with it: every check on its settings, for flags and
/// for a configuration read back from a file alike.
pub trait Check {
    fn check(&self) -> Result<()>;
}

/// A configuration whose every setting has passed [`Check::check`]: the only way to make one is
/// [`Valid::new`], so what takes a `Valid` trusts it and checks nothing again.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Valid<T>(T);

impl<T: Check> Valid<T> {
    /// `cfg`, once every setting is checked.
    pub fn new(cfg: T) -> Result<Valid<T>> {
        cfg.check()?;
        Ok(Valid(cfg))
    }
}

impl<T> Valid<T> {
    pub fn into_inner(self) -> T {
        self.0
    }

    /// A configuration made from this one that `T`'s check covers: its defaults written out, or a
    /// part of it (the optimizer's settings of a DCN run). Inside the crate only: `f` must keep it valid.
    pub(crate) fn map<U>(&self, f: impl FnOnce(&T) -> U) -> Valid<U> {
        Valid(f(&self.0))
    }
}

impl<T> std::ops::Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The defaults of a `clap::Args` struct, taken from its own `#[arg(default_value…)]` attributes, so
/// that each setting's default is declared once (on the flag) and `Default` agrees with `--help`.
pub fn defaults<T: clap::Args + clap::FromArgMatches>() -> T {
    let cmd = T::augment_args(clap::Command::new("defaults").no_binary_name(true));
    let matches = cmd.get_matches_from(std::iter::empty::<String>());
    T::from_arg_matches(&matches).expect("every flag of a config struct has a default")
}

/// The command line that gives `cfg`: every flag of `T` with its value from `cfg` (a list joined
/// with commas, a repeatable flag repeated, a `true` switch as the bare flag), except the flags whose
/// ids are in `skip` and those with no value (a `None`, an empty list, a `false` switch). The values
/// come from `cfg`'s serde form, whose names are clap's ids, so nothing here knows any flag.
pub fn to_args<T: clap::Args + serde::Serialize>(cfg: &T, skip: &[&str]) -> Vec<String> {
    let mut values = serde_json::Map::new();
    leaves(serde_json::to_value(cfg).unwrap_or_default(), &mut values);
    let cmd = T::augment_args(clap::Command::new("args"));
    let mut out = Vec::new();
    for arg in cmd.get_arguments() {
        let (id, Some(long)) = (arg.get_id().as_str(), arg.get_long()) else { continue };
        let Some(value) = values.get(id).filter(|_| !skip.contains(&id)) else { continue };
        let repeated: Vec<&serde_json::Value> = match value {
            serde_json::Value::Array(items) if items.iter().all(serde_json::Value::is_array) => {
                items.iter().collect()
            }
            _ => vec![value],
        };
        for v in repeated {
            match v {
                serde_json::Value::Bool(true) => out.push(format!("--{long}")),
                serde_json::Value::Bool(false) | serde_json::Value::Null => {}
                serde_json::Value::Array(items) if items.is_empty() => {}
                v => out.extend([format!("--{long}"), flag_value(v)]),
            }
        }
    }
    out
}

/// The fields of nested objects (a flattened clap struct that serde keeps nested), by name.
fn leaves(v: serde_json::Value, out: &mut serde_json::Map<String, serde_json::Value>) {
    if let serde_json::Value::Object(map) = v {
        for (k, v) in map {
            match v {
                serde_json::Value::Object(_) => leaves(v, out),
                v => {
                    out.insert(k, v);
                }
            }
        }
    }
}

/// One flag's value as clap reads it: a string as it is, a list joined with commas.
fn flag_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(flag_value).collect::<Vec<_>>().join(","),
        v => v.to_string(),
    }
}
