//! Run directories under the log directory: the runs `add_scalars` makes and the checks that keep
//! every run (of `add_scalars` and `add_hparams`) inside the log directory and apart from others.
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The run of each of `values` for `add_scalars(main_tag, values)`: `<main_tag with '/' as '_'>_<tag>`.
/// A run path with an empty, `.` or `..` component, or one that another (main_tag, tag) pair holds
/// (in `children`, `add_scalars`'s runs so far, or earlier in `values`), is an
/// [`Error::InvalidArgument`].
pub(crate) fn scalars_runs<F>(
    children: &BTreeMap<String, (String, String, F)>,
    main_tag: &str,
    values: &[(&str, f64)],
) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(values.len());
    for (tag, _) in values {
        let name = format!("{}_{tag}", main_tag.replace('/', "_"));
        if let Err(e) = check_run_path(&name) {
            return Err(Error::invalid(format!("add_scalars({main_tag:?}, {tag:?}): {e}")));
        }
        let clash = children.get(&name).map(|(m, t, _)| (m.as_str(), t.as_str()));
        let earlier = values.iter().zip(&names).find(|(_, n)| **n == name).map(|((t, _), _)| (main_tag, *t));
        if let Some((m, t)) = clash.or(earlier).filter(|&(m, t)| (m, t) != (main_tag, *tag)) {
            return Err(Error::invalid(format!(
                "add_scalars({main_tag:?}, {tag:?}): the run {name:?} already holds ({m:?}, {t:?})"
            )));
        }
        names.push(name);
    }
    Ok(names)
}

/// A run directory relative to the log directory that stays inside it: no empty, `.` or `..`
/// component (names such as `a..b` are fine), not absolute.
pub(crate) fn check_run_path(name: &str) -> std::result::Result<(), &'static str> {
    if name.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(
            "must be a relative path inside the log directory, without empty, '.' or '..' components",
        );
    }
    Ok(())
}

/// The first name that occurs a second time.
pub(crate) fn first_repeated<'a>(mut names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = std::collections::BTreeSet::new();
    names.find(|k| !seen.insert(*k))
}
