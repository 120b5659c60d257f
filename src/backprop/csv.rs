//! Numeric CSVs with the class label in the last column: scikit-learn's bundled data sets or the
//! user's own file. A first line with any non-numeric field is a header; `.gz` is decompressed.
use crate::backprop::data::LabeledData;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use tch::Tensor;

/// Most classes a label column may hold: more is a regression target or an id column, not classes.
pub const MAX_CLASSES: usize = 1000;
/// Most cells (rows × (features + classes)) a table may expand to in memory.
pub const MAX_CELLS: usize = 200_000_000;

pub struct Table {
    pub features: Vec<f64>,
    pub labels: Vec<i64>,
    pub rows: usize,
    pub cols: usize,
    /// Original label values, in the order of the class indices in `labels`.
    pub classes: Vec<f64>,
}

pub fn read_csv(path: &Path) -> Result<Table> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    parse_csv(BufReader::new(reader), &path.display().to_string())
}

/// Longest line read: a row of the widest table allowed is far shorter. A file without line breaks
/// (binary data, /dev/zero) is refused here instead of being read whole into memory.
pub const MAX_LINE: u64 = 64 << 20;

/// The next line of `reader` without its line break, at most [`MAX_LINE`] bytes; None at the end.
fn next_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    name: &str,
    lineno: usize,
) -> Result<Option<String>> {
    buf.clear();
    let not_text = || format!("{name}:{lineno}: cannot read (not text, or a corrupt .gz)");
    let n = reader.take(MAX_LINE + 1).read_until(b'\n', buf).with_context(not_text)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n as u64 > MAX_LINE {
        bail!("{name}:{lineno}: a line longer than {} MiB: not a CSV table", MAX_LINE >> 20);
    }
    let line = std::str::from_utf8(buf).ok().with_context(not_text)?;
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
}

pub fn parse_csv(mut reader: impl BufRead, name: &str) -> Result<Table> {
    let (mut features, mut raw_labels, mut cols) = (Vec::new(), Vec::new(), 0usize);
    let mut buf = Vec::new();
    let mut lineno = 0;
    while let Some(line) = next_line(&mut reader, &mut buf, name, lineno + 1)? {
        lineno += 1;
        // A byte-order mark (spreadsheet exports) is not part of the first field.
        let line = if lineno == 1 { line.trim_start_matches('\u{feff}') } else { &line };
        let line = line.trim();
        if line.is_empty() {
            if reader.fill_buf().map(|rest| rest.is_empty()).unwrap_or(false) {
                break;
            }
            bail!("{name}:{lineno}: empty row");
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let parsed: Vec<Option<f64>> =
            fields.iter().map(|f| f.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        if lineno == 1 && parsed.iter().any(Option::is_none) {
            continue;
        }
        if cols == 0 {
            if fields.len() < 2 {
                bail!(
                    "{name}:{lineno}: a row needs at least one feature and a label, found {} field",
                    fields.len()
                );
            }
            cols = fields.len();
        } else if fields.len() != cols {
            bail!("{name}:{lineno}: expected {cols} fields like the first row, found {}", fields.len());
        }
        if let Some(j) = parsed.iter().position(Option::is_none) {
            bail!("{name}:{lineno}: field {} ({:?}) is not a finite number", j + 1, fields[j]);
        }
        let label = parsed[cols - 1].unwrap_or_default();
        if label.fract() != 0.0 {
            bail!("{name}:{lineno}: label {label} in the last column is not a whole number");
        }
        if features.len() + cols > MAX_CELLS {
            bail!("{name}:{lineno}: more than {MAX_CELLS} values; this program trains on smaller tables");
        }
        features.extend(parsed[..cols - 1].iter().flatten());
        raw_labels.push(label);
    }
    if raw_labels.is_empty() {
        bail!("{name}: no data rows");
    }
    let mut classes = raw_labels.clone();
    classes.sort_by(f64::total_cmp);
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
    let labels = raw_labels.iter().map(|l| classes.partition_point(|c| c < l) as i64).collect();
    Ok(Table { rows: raw_labels.len(), cols: cols - 1, features, labels, classes })
}

impl Table {
    pub fn into_data(self) -> LabeledData {
        let x = Tensor::from_slice(&self.features).view([self.rows as i64, self.cols as i64]);
        LabeledData::new(x, Tensor::from_slice(&self.labels), self.classes.len() as i64)
    }
}
