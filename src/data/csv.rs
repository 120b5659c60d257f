//! Numeric CSVs with the class label in the last column: scikit-learn's bundled data sets or the
//! user's own file. A first line with any non-numeric field is a header; `.gz` is decompressed (every
//! member of a multi-member file).
//!
//! Streamed in two passes: the first checks every row and counts them, the second writes the values
//! straight into the feature tensor. So reading holds the features once (8 bytes per value) plus the
//! labels (8 bytes per row) and one line, never a growing copy of the table.
use crate::data::LabeledData;
use crate::fs::open::open_input;
use crate::native::memory;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use tch::{Device, Kind, Tensor};

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;

/// Most classes a label column may hold: more is a regression target or an id column, not classes.
pub const MAX_CLASSES: usize = 1000;
/// Most cells (rows × (features + classes)) a table may expand to in memory.
pub const MAX_CELLS: usize = 200_000_000;

pub struct Table {
    /// [rows, cols] f64.
    pub features: Tensor,
    pub labels: Vec<i64>,
    pub rows: usize,
    pub cols: usize,
    /// Original label values, in the order of the class indices in `labels`.
    pub classes: Vec<i64>,
}

/// A check of one row's values (features, then the label) beyond being finite numbers; Err is the
/// reason, which the error prefixes with file:line.
pub type RowCheck<'a> = &'a dyn Fn(&[f64]) -> std::result::Result<(), String>;

pub fn read_csv(path: &Path) -> Result<Table> {
    read_csv_checked(path, &|_| Ok(()))
}

/// [`read_csv`] with `check` applied to every row.
pub fn read_csv_checked(path: &Path, check: RowCheck) -> Result<Table> {
    let gz = path.extension().is_some_and(|e| e == "gz");
    let open = || -> Result<Box<dyn BufRead>> {
        let file = open_input(path)?;
        Ok(if gz {
            Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))))
        } else {
            Box::new(BufReader::new(file))
        })
    };
    read_table(open, &path.display().to_string(), check)
}

/// A table from CSV text in memory (tests, tools).
pub fn parse_csv(bytes: &[u8], name: &str) -> Result<Table> {
    read_table(|| Ok(Box::new(bytes)), name, &|_| Ok(()))
}

/// Longest line read: a row of the widest table allowed is far shorter. A file without line breaks
/// (binary data, /dev/zero) is refused here instead of being read whole into memory.
pub const MAX_LINE: u64 = 64 << 20;

/// The rows of one pass over a CSV: each checked, header and trailing blank line skipped.
struct Rows<'a, R> {
    reader: R,
    name: &'a str,
    buf: Vec<u8>,
    lineno: usize,
    cols: usize,
    values: Vec<f64>,
}

impl<'a, R: BufRead> Rows<'a, R> {
    fn new(reader: R, name: &'a str) -> Self {
        Rows { reader, name, buf: Vec::new(), lineno: 0, cols: 0, values: Vec::new() }
    }

    /// The next data row's values (features then label) and its label read as an integer, checked;
    /// None at the end.
    fn next_row(&mut self, check: RowCheck) -> Result<Option<(&[f64], i64)>> {
        let Rows { reader, name, buf, lineno, cols, values } = self;
        let name = *name;
        loop {
            let Some(line) = next_line(reader, buf, name, lineno)? else { return Ok(None) };
            let lineno = *lineno;
            // A byte-order mark (spreadsheet exports) is not part of the first field.
            let line = if lineno == 1 { line.trim_start_matches('\u{feff}') } else { line }.trim();
            if line.is_empty() {
                if reader.fill_buf().map(|rest| rest.is_empty()).unwrap_or(false) {
                    return Ok(None);
                }
                bail!("{name}:{lineno}: empty row");
            }
            values.clear();
            let mut bad = None;
            let (mut fields, mut last) = (0, "");
            for (j, f) in line.split(',').map(str::trim).enumerate() {
                (fields, last) = (fields + 1, f);
                match f.parse::<f64>().ok().filter(|v| v.is_finite()) {
                    Some(v) => values.push(v),
                    None => bad = bad.or(Some((j, f.to_string()))),
                }
            }
            if lineno == 1 && bad.is_some() {
                continue; // a header
            }
            if *cols == 0 {
                if fields < 2 {
                    bail!(
                        "{name}:{lineno}: a row needs at least one feature and a label, found {fields} field"
                    );
                }
                *cols = fields;
            } else if fields != *cols {
                bail!("{name}:{lineno}: expected {cols} fields like the first row, found {fields}");
            }
            if let Some((j, f)) = bad {
                bail!("{name}:{lineno}: field {} ({f:?}) is not a finite number", j + 1);
            }
            let label = parse_label(last).map_err(|why| anyhow::anyhow!("{name}:{lineno}: {why}"))?;
            check(values).map_err(|why| anyhow::anyhow!("{name}:{lineno}: {why}"))?;
            return Ok(Some((values, label)));
        }
    }
}

/// The next line of `reader` without its line break, at most [`MAX_LINE`] bytes; None at the end.
fn next_line<'b>(
    reader: &mut impl BufRead,
    buf: &'b mut Vec<u8>,
    name: &str,
    lineno: &mut usize,
) -> Result<Option<&'b str>> {
    buf.clear();
    let at = *lineno + 1;
    let not_text = || format!("{name}:{at}: cannot read (not text, or a corrupt .gz)");
    let n = reader.take(MAX_LINE + 1).read_until(b'\n', buf).with_context(not_text)?;
    if n == 0 {
        return Ok(None);
    }
    *lineno = at;
    if buf.last() != Some(&b'\n') && n as u64 > MAX_LINE {
        bail!("{name}:{at}: a line longer than {} MiB: not a CSV table", MAX_LINE >> 20);
    }
    let line = std::str::from_utf8(buf).ok().with_context(not_text)?;
    Ok(Some(line.trim_end_matches(['\n', '\r'])))
}

fn read_table<'a>(
    open: impl Fn() -> Result<Box<dyn BufRead + 'a>>,
    name: &str,
    check: RowCheck,
) -> Result<Table> {
    // Pass 1: every row checked, the labels kept, the rows counted.
    let mut rows = Rows::new(open()?, name);
    let mut raw_labels: Vec<i64> = Vec::new();
    while let Some((values, label)) = rows.next_row(check)? {
        let cols = values.len();
        if (raw_labels.len() + 1).saturating_mul(cols) > MAX_CELLS {
            bail!(
                "{name}:{}: more than {MAX_CELLS} values; this program trains on smaller tables",
                rows.lineno
            );
        }
        if raw_labels.len() == raw_labels.capacity() {
            let more = raw_labels.len().max(1024);
            memory::try_reserve(&mut raw_labels, more, &format!("reading {name}"))?;
        }
        raw_labels.push(label);
    }
    if raw_labels.is_empty() {
        bail!("{name}: no data rows");
    }
    let classes = classes_of(&raw_labels, name)?;
    let (n, cols) = (raw_labels.len(), rows.cols - 1);
    // Pass 2: the values straight into the tensor.
    let bytes = 8 * (n * cols) as u64;
    let what = format!("reading {name} ({n} rows × {cols} features)");
    memory::ensure_fits(bytes, &what)?;
    let features = memory::tch(&what, Tensor::f_empty([n as i64, cols as i64], (Kind::Double, Device::Cpu)))?;
    // SAFETY: a new contiguous f64 CPU tensor of n × cols elements, written only through this slice.
    let dst = unsafe { std::slice::from_raw_parts_mut(features.data_ptr() as *mut f64, n * cols) };
    let mut again = Rows::new(open()?, name);
    let mut r = 0;
    while let Some((values, _)) = again.next_row(check)? {
        let row =
            dst.get_mut(r * cols..(r + 1) * cols).with_context(|| format!("{name} grew while being read"))?;
        row.copy_from_slice(&values[..cols]);
        r += 1;
    }
    if r != n || again.cols != rows.cols {
        bail!("{name} changed while being read");
    }
    let mut labels = Vec::new();
    memory::try_reserve(&mut labels, n, &format!("reading {name}"))?;
    labels.extend(raw_labels.iter().map(|l| classes.partition_point(|c| c < l) as i64));
    Ok(Table { rows: n, cols, features, labels, classes })
}

/// The sorted distinct labels, checked: two to [`MAX_CLASSES`], and a one-hot table within bounds.
fn classes_of(raw_labels: &[i64], name: &str) -> Result<Vec<i64>> {
    let mut classes: Vec<i64> = Vec::new();
    memory::try_reserve(&mut classes, raw_labels.len(), &format!("reading {name}"))?;
    classes.extend_from_slice(raw_labels);
    classes.sort_unstable();
    classes.dedup();
    if classes.len() < 2 {
        bail!("{name}: every row has label {}; classification needs at least two classes", classes[0]);
    }
    if classes.len() > MAX_CLASSES {
        bail!(
            "{name}: the last column holds {} different labels; at most {MAX_CLASSES} classes are supported",
            classes.len()
        );
    }
    if raw_labels.len().saturating_mul(classes.len()) > MAX_CELLS {
        bail!(
            "{name}: {} rows × {} classes is more than {MAX_CELLS} one-hot targets",
            raw_labels.len(),
            classes.len()
        );
    }
    Ok(classes)
}

/// Largest magnitude below which every whole number written as a float ("3.0", "1e3") is exact.
const EXACT_FLOAT: f64 = (1u64 << 53) as f64;

/// A class label: an integer ("7", "-2"), or a whole number written as a float ("7.0", "1e3") below
/// 2^53, where a float holds every integer exactly. Anything else is an error: a fraction, a number
/// beyond 64 bits, or a float-written one from 2^53 up (where two labels could read as one).
fn parse_label(text: &str) -> std::result::Result<i64, String> {
    if let Ok(v) = text.parse::<i64>() {
        return Ok(v);
    }
    let integer = text.strip_prefix(['-', '+']).unwrap_or(text);
    match text.parse::<f64>() {
        _ if !integer.is_empty() && integer.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
            "label {text} in the last column does not fit a 64-bit integer ({}..={})",
            i64::MIN,
            i64::MAX
        )),
        Ok(v) if v.fract() != 0.0 => Err(format!("label {text} in the last column is not a whole number")),
        Ok(v) if v.abs() < EXACT_FLOAT => Ok(v as i64),
        _ => Err(format!(
            "label {text} in the last column is not exact as a float (2^53 or more): write it as an integer"
        )),
    }
}

impl Table {
    pub fn into_data(self) -> LabeledData {
        LabeledData::new(self.features, Tensor::from_slice(&self.labels), self.classes.len() as i64)
    }
}
