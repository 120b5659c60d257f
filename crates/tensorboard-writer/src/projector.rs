//! The Projector tab: embeddings as files beside the event file, as PyTorch's `add_embedding`
//! writes them. Each embedding goes to `<log_dir>/<step, 5 digits>/<tag>/`: `tensors.tsv` (one row
//! of tab-separated numbers per point), `metadata.tsv` (a label per point, or a header and
//! columns) and `sprite.png` (the points' thumbnails in one square grid); `projector_config.pbtxt`
//! in the log directory lists every embedding written there, by this writer and by any other
//! (merged under a lock). Every file is written to a fresh temporary name and renamed into place,
//! so a reader never sees half of one and a link planted at a file's name is replaced, not
//! followed; a link planted at a directory (`<step>` or `<tag>`) is refused ([`Error::Link`]).
use crate::error::{Error, Result};
use crate::os::Dir;
use crate::summary::image::{encode_png, Pixel};
use std::fmt::Write as _;
use std::io::Write as _;

/// The side, in pixels, above which the Projector refuses a sprite.
pub const MAX_SPRITE_SIDE: usize = 8192;

/// The field written for an empty or whitespace-only label (the Projector's parser skips blank
/// lines, which would shift every later label onto the wrong point).
pub const EMPTY_LABEL: &str = "(empty)";

/// What is shown for each point: one label, or several columns with a header. Empty or
/// whitespace-only fields are written as [`EMPTY_LABEL`]; tabs and line breaks as spaces.
#[derive(Clone, Copy, Debug)]
pub enum Metadata<'a> {
    /// One label per point (no header row).
    Labels(&'a [String]),
    /// Several columns: a header, then one row per point.
    Table {
        /// The column names, at least two (the Projector reads a one-column file as labels
        /// without a header: use [`Metadata::Labels`]).
        header: &'a [String],
        /// One row per point, as many fields as the header.
        rows: &'a [Vec<String>],
    },
}

/// Thumbnails, one per point: pixels in [images, channels, height, width] order.
#[derive(Clone, Copy, Debug)]
pub struct Sprite<'a, T: Pixel> {
    /// The pixels, [`Pixel`] values.
    pub pixels: &'a [T],
    /// [points, channels (1, 3 or 4), height, width].
    pub shape: [usize; 4],
}

/// One embedding in the projector's config.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EmbeddingInfo {
    /// `<tag>:<step>`, the entry's identity: a second embedding of the same tag and step replaces it.
    pub(crate) name: String,
    pub(crate) dir: String,
    pub(crate) has_metadata: bool,
    pub(crate) sprite_dim: Option<[usize; 2]>,
    pub(crate) shape: [usize; 2],
}

/// A tag as one safe path component: letters, digits, `-`, `_` and `.` stay, the rest is `%XX`.
fn encode(tag: &str) -> String {
    let mut s = String::new();
    for b in tag.bytes() {
        if b.is_ascii_alphanumeric() || b"-_".contains(&b) || (b == b'.' && !tag.chars().all(|c| c == '.')) {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    if s.is_empty() {
        "default".into()
    } else {
        s
    }
}

fn clean(field: &str) -> String {
    if field.trim().is_empty() {
        return EMPTY_LABEL.into();
    }
    field.replace(['\t', '\n', '\r'], " ")
}

/// `s` as the inside of a protobuf text-format string: `"`, `\`, and control bytes escaped (octal),
/// other UTF-8 kept as it is.
pub(crate) fn pbtxt_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes `bytes` to `name` in `dir` through a fresh, unpredictably named temporary file (created
/// exclusively, through no link) and a rename.
pub(crate) fn write_atomic(dir: &Dir, name: &str, bytes: &[u8]) -> Result<()> {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    let tmp = format!(".{name}.{random:016x}.tmp");
    let result =
        dir.create_new(&tmp).and_then(|mut f| f.write_all(bytes)).and_then(|_| dir.rename(&tmp, name));
    if let Err(e) = result {
        let _ = dir.remove(&tmp);
        return Err(crate::os::io_error("cannot write", dir.join(name), e));
    }
    Ok(())
}

/// Writes the files of one embedding under `log_dir` and returns its config entry.
pub(crate) fn write_embedding<T: Pixel>(
    log_dir: &Dir,
    mat: &[f32],
    dim: usize,
    metadata: Option<Metadata<'_>>,
    sprite: Option<Sprite<'_, T>>,
    step: i64,
    tag: &str,
) -> Result<EmbeddingInfo> {
    if dim == 0 || mat.is_empty() || !mat.len().is_multiple_of(dim) {
        return Err(Error::invalid(format!("embedding {tag}: {} values are not rows of {dim}", mat.len())));
    }
    if step < 0 {
        return Err(Error::invalid(format!("embedding {tag}: step {step} is negative")));
    }
    let n = mat.len() / dim;
    if let Some(i) = mat.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(format!("embedding {tag}: value {i} is {}", mat[i])));
    }
    let rows = match metadata {
        Some(Metadata::Labels(l)) => Some(l.len()),
        Some(Metadata::Table { header, rows }) => {
            if header.len() < 2 {
                return Err(Error::invalid(format!(
                    "embedding {tag}: a metadata table needs 2 or more columns (one: use Labels)"
                )));
            }
            if let Some(r) = rows.iter().find(|r| r.len() != header.len()) {
                return Err(Error::invalid(format!(
                    "embedding {tag}: a metadata row of {} for {} columns",
                    r.len(),
                    header.len()
                )));
            }
            Some(rows.len())
        }
        None => None,
    };
    if rows.is_some_and(|r| r != n) || sprite.as_ref().is_some_and(|s| s.shape[0] != n) {
        return Err(Error::invalid(format!(
            "embedding {tag}: {n} points, but metadata or sprite for another number"
        )));
    }
    let sprite = match sprite {
        Some(s) => Some((s, check_sprite(&s)?)),
        None => None,
    };
    let dir = format!("{step:05}/{}", encode(tag));
    let path = log_dir.subdir(&dir)?;
    let sprite_dim = match sprite {
        Some((s, cols)) => Some(write_sprite(&path, s, cols)?),
        None => None,
    };
    let mut tsv = String::with_capacity(mat.len() * 10);
    for row in mat.chunks(dim) {
        for (j, v) in row.iter().enumerate() {
            let _ = write!(tsv, "{}{v}", if j == 0 { "" } else { "\t" });
        }
        tsv.push('\n');
    }
    write_atomic(&path, "tensors.tsv", tsv.as_bytes())?;
    if let Some(m) = metadata {
        let mut text = String::new();
        match m {
            Metadata::Labels(labels) => labels.iter().for_each(|l| text += &(clean(l) + "\n")),
            Metadata::Table { header, rows } => {
                for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
                    text += &(r.iter().map(|f| clean(f)).collect::<Vec<_>>().join("\t") + "\n");
                }
            }
        }
        write_atomic(&path, "metadata.tsv", text.as_bytes())?;
    }
    let name = format!("{}:{step:05}", if tag.is_empty() { "default" } else { tag });
    Ok(EmbeddingInfo { name, dir, has_metadata: metadata.is_some(), sprite_dim, shape: [n, dim] })
}

/// Checks a sprite's shape (without overflow) and returns the columns of its grid.
fn check_sprite<T: Pixel>(s: &Sprite<'_, T>) -> Result<usize> {
    let [n, c, h, w] = s.shape;
    let numel = s.shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    if ![1, 3, 4].contains(&c) || n == 0 || h == 0 || w == 0 || numel != Some(s.pixels.len()) {
        return Err(Error::invalid(format!(
            "sprite: {} pixels for the shape {:?} (1, 3 or 4 channels)",
            s.pixels.len(),
            s.shape
        )));
    }
    let cols = (n as f64).sqrt().ceil() as usize;
    if cols.checked_mul(h.max(w)).is_none_or(|side| side > MAX_SPRITE_SIDE) {
        return Err(Error::invalid(format!(
            "sprite of {n} images of {h}×{w}: over {MAX_SPRITE_SIDE} pixels a side"
        )));
    }
    Ok(cols)
}

/// The thumbnails in a square grid of `cols` columns, zero-padded; returns one thumbnail's [h, w].
fn write_sprite<T: Pixel>(dir: &Dir, s: Sprite<'_, T>, cols: usize) -> Result<[usize; 2]> {
    let [n, c, h, w] = s.shape;
    let (gw, gh) = (cols * w, cols * h);
    let mut out = vec![0u8; gw * gh * c];
    for i in 0..n {
        let (r, col) = (i / cols, i % cols);
        for ch in 0..c {
            for y in 0..h {
                for x in 0..w {
                    out[((r * h + y) * gw + col * w + x) * c + ch] =
                        s.pixels[((i * c + ch) * h + y) * w + x].to_u8();
                }
            }
        }
    }
    write_atomic(dir, "sprite.png", &encode_png(&out, gw, gh, c)?)?;
    Ok([h, w])
}
