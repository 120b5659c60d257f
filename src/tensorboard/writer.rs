//! The one summary writer of nnlab: TensorBoard event files, written through on every call.
//!
//! Why not tensorboard-rs (see README): its `add_histogram`/`add_text` are unimplemented, its file is
//! opened with truncation, `flush()` only queues to a thread (a kill -9 loses what was queued) and
//! every I/O error panics in that thread. This writer frames each `Event` as a TFRecord (length,
//! masked CRC-32C of the length, data, masked CRC-32C of the data) and hands it to the kernel with one
//! `write` before returning, so an event is either on disk or reported as an error.
use crate::tensorboard::histogram::HistStats;
use crate::tensorboard::proto::{
    event, value, Event, Image, PluginData, SessionLog, Summary, SummaryMetadata, TensorProto,
    TensorShapeProto, Value, DT_STRING, SESSION_START,
};
use anyhow::{bail, Context, Result};
use prost::Message;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub struct SummaryWriter {
    file: File,
    path: PathBuf,
    buf: Vec<u8>,
    /// Bytes of whole records written; after a failed write the file is cut back to this length.
    len: u64,
    failed: bool,
}

/// TFRecord's CRC mask, so that a CRC of data holding CRCs is not itself a CRC.
pub fn masked_crc(data: &[u8]) -> u32 {
    let crc = crc32c::crc32c(data);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Appends one TFRecord: length, masked CRC of the length, data, masked CRC of the data.
pub fn frame_record(data: &[u8], out: &mut Vec<u8>) {
    let len = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
}

pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

impl SummaryWriter {
    /// A new event file in `dir` (which must exist), starting with the file version and TensorBoard's
    /// restart marker at `first_step` (see [`SummaryWriter::session_start`]). The name carries time,
    /// host, pid and a counter, and the file is created exclusively: two writers never share or
    /// truncate a file, and a resumed run appends a second file, which TensorBoard reads in name order.
    pub fn create(dir: &Path, first_step: i64) -> Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let host =
            std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_else(|_| "localhost".into());
        let name = format!(
            "events.out.tfevents.{:010}.{}.{}.{}",
            now() as u64,
            host.trim(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create event file {}", path.display()))?;
        let mut w = SummaryWriter { file, path, buf: Vec::new(), len: 0, failed: false };
        w.write_event(Event {
            wall_time: now(),
            step: 0,
            what: Some(event::What::FileVersion("brain.Event:2".into())),
        })?;
        w.session_start(first_step)?;
        Ok(w)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One `write` per event. A failed write (a full disk) is cut back out of the file, so the file
    /// holds whole records only and every later event would be read; the writer then refuses more.
    fn write_event(&mut self, ev: Event) -> Result<()> {
        if self.failed {
            bail!("{}: an earlier write failed", self.path.display());
        }
        self.buf.clear();
        frame_record(&ev.encode_to_vec(), &mut self.buf);
        if let Err(e) = self.file.write_all(&self.buf) {
            self.failed = true;
            let _ = self.file.set_len(self.len);
            return Err(e).with_context(|| format!("cannot write to {}", self.path.display()));
        }
        self.len += self.buf.len() as u64;
        Ok(())
    }

    /// TensorBoard's restart marker, first in every file: a writer that resumes at `step` says so, and
    /// a TensorBoard that was watching discards what it had loaded at steps ≥ `step` (about to be
    /// redone). Its Python loader ignores the first marker it sees, which is why a new run writes one
    /// at step 0 too: then the resumed run's marker is never the first.
    fn session_start(&mut self, step: i64) -> Result<()> {
        let log = SessionLog { status: SESSION_START, checkpoint_path: String::new(), msg: String::new() };
        self.write_event(Event { wall_time: now(), step, what: Some(event::What::SessionLog(log)) })
    }

    /// Writes several values as one event at `step`.
    pub fn write(&mut self, step: i64, values: Vec<Value>) -> Result<()> {
        self.write_event(Event {
            wall_time: now(),
            step,
            what: Some(event::What::Summary(Summary { value: values })),
        })
    }

    pub fn add_scalar(&mut self, tag: &str, v: f64, step: i64) -> Result<()> {
        self.write(step, vec![scalar(tag, v)])
    }

    /// The histogram under `tag` and its min, max, mean, std as scalars `tag/min` … `tag/std`.
    pub fn add_histogram(&mut self, tag: &str, stats: &HistStats, step: i64) -> Result<()> {
        self.write(step, histogram(tag, stats))
    }

    pub fn add_text(&mut self, tag: &str, text: &str, step: i64) -> Result<()> {
        let v = Value {
            tag: tag.into(),
            metadata: Some(SummaryMetadata {
                plugin_data: Some(PluginData { plugin_name: "text".into(), content: Vec::new() }),
            }),
            kind: Some(value::Kind::Tensor(TensorProto {
                dtype: DT_STRING,
                tensor_shape: Some(TensorShapeProto { dim: Vec::new() }),
                string_val: vec![text.as_bytes().to_vec()],
            })),
        };
        self.write(step, vec![v])
    }

    /// A PNG image (`png` is the encoded file; its size and channels are read from its header).
    pub fn add_png(&mut self, tag: &str, png: Vec<u8>, step: i64) -> Result<()> {
        let (width, height, channels) =
            png_header(&png).with_context(|| format!("image {tag} is not a PNG"))?;
        let img = Image {
            height: height as i32,
            width: width as i32,
            colorspace: channels as i32,
            encoded_image_string: png,
        };
        self.write(step, vec![Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Image(img)) }])
    }
}

/// Width, height and channel count from a PNG's IHDR chunk.
pub fn png_header(png: &[u8]) -> Option<(u32, u32, u32)> {
    if png.len() < 26
        || png[..8] != [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']
        || &png[12..16] != b"IHDR"
    {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    let channels = match png[25] {
        0 | 3 => 1,
        4 => 2,
        2 => 3,
        6 => 4,
        _ => return None,
    };
    Some((be(16), be(20), channels))
}

pub fn scalar(tag: &str, v: f64) -> Value {
    Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::SimpleValue(v as f32)) }
}

/// The histogram value plus the four summary scalars, ready for [`SummaryWriter::write`].
pub fn histogram(tag: &str, s: &HistStats) -> Vec<Value> {
    vec![
        Value { tag: tag.into(), metadata: None, kind: Some(value::Kind::Histo(s.to_proto())) },
        scalar(&format!("{tag}/min"), s.min),
        scalar(&format!("{tag}/max"), s.max),
        scalar(&format!("{tag}/mean"), s.mean()),
        scalar(&format!("{tag}/std"), s.std()),
    ]
}
