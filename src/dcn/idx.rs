//! The IDX format of the MNIST files (plain or gzip), validated before anything large is allocated.
//!
//! Layout: magic 0x00 0x00 <type> <ndims>, then ndims big-endian u32 sizes, then the data.
use crate::fs::open::open_input;
use anyhow::{bail, Context, Result};
use std::io::{BufReader, Read};
use std::path::Path;

/// Largest data section accepted: a header that declares more is corrupt, not a data set.
pub const MAX_BYTES: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Idx {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Reads `path`, gunzipping it when it starts with the gzip magic (whatever its name says).
pub fn read_idx(path: &Path) -> Result<Idx> {
    let name = path.display().to_string();
    let mut file = BufReader::new(open_input(path)?);
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).with_context(|| format!("cannot read {name}"))?;
    let head = std::io::Cursor::new(magic[..n].to_vec()).chain(file);
    if n == 2 && magic == [0x1f, 0x8b] {
        // Every member of a multi-member gzip file, not only the first.
        parse_idx(flate2::read::MultiGzDecoder::new(head), &name)
    } else {
        parse_idx(head, &name)
    }
}

/// Parses an uncompressed IDX stream of unsigned bytes (type 0x08), 1 to 4 dimensions.
pub fn parse_idx(mut r: impl Read, name: &str) -> Result<Idx> {
    let mut head = [0u8; 4];
    read_exact(&mut r, &mut head, name, "the 4-byte magic number")?;
    if head[0] != 0 || head[1] != 0 {
        bail!(
            "{name}: not an IDX file (magic {:02x} {:02x} {:02x} {:02x}, expected 00 00 08 0N)",
            head[0],
            head[1],
            head[2],
            head[3]
        );
    }
    if head[2] != 0x08 {
        bail!("{name}: IDX element type 0x{:02x} is not supported (only unsigned bytes, 0x08)", head[2]);
    }
    let ndims = head[3] as usize;
    if !(1..=4).contains(&ndims) {
        bail!("{name}: IDX header declares {ndims} dimensions (expected 1 to 4)");
    }
    let mut raw = [0u8; 16];
    read_exact(&mut r, &mut raw[..4 * ndims], name, "the dimension sizes")?;
    let dims: Vec<usize> =
        raw[..4 * ndims].chunks(4).map(|c| u32::from_be_bytes(c.try_into().unwrap()) as usize).collect();
    if let Some(k) = dims.iter().position(|&d| d == 0) {
        bail!("{name}: dimension {} of the IDX header is 0", k + 1);
    }
    let total = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64)).filter(|&t| t <= MAX_BYTES);
    let Some(total) = total else {
        bail!(
            "{name}: IDX header declares dimensions {dims:?}, more than 1 GiB of data: the header is corrupt"
        );
    };
    // take() bounds the read; the buffer grows with what actually arrives, not with what the header claims.
    let mut data = Vec::new();
    r.take(total + 1)
        .read_to_end(&mut data)
        .with_context(|| format!("{name}: cannot read the data (corrupt gzip?)"))?;
    if (data.len() as u64) < total {
        bail!(
            "{name}: truncated: dimensions {dims:?} need {total} bytes of data, the file has {}",
            data.len()
        );
    }
    if data.len() as u64 > total {
        bail!("{name}: trailing bytes after the {total} bytes that dimensions {dims:?} declare");
    }
    Ok(Idx { dims, data })
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], name: &str, what: &str) -> Result<()> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            anyhow::anyhow!("{name}: truncated: the file ends inside {what}")
        }
        _ => anyhow::anyhow!("{name}: cannot read {what}: {e}"),
    })
}

/// The bytes of an IDX file with `dims` and `data` (tests, tools).
pub fn encode_idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}
