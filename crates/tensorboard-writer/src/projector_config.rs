//! `projector_config.pbtxt`, the Projector's list of the embeddings in a log directory. Several
//! writers (processes, or PyTorch's writer) may log embeddings into one directory: each adds its
//! entry to what is on disk under an exclusive lock of [`LOCK`], and keeps every other entry and
//! field as it found it, so no writer drops another's embeddings.
use crate::error::{Error, Result};
use crate::os::{self, Dir};
use crate::projector::{pbtxt_escape, write_atomic, EmbeddingInfo};
use std::fmt::Write as _;
use std::io::Read as _;
use std::ops::Range;

/// The config's name in the log directory.
pub(crate) const CONFIG: &str = "projector_config.pbtxt";
/// The file locked while the config is read, merged and replaced.
pub(crate) const LOCK: &str = ".projector_config.pbtxt.lock";

/// Adds (or replaces, by name) the entry of `info` in the log directory's config, under the lock.
pub(crate) fn add_to_config(root: &Dir, info: &EmbeddingInfo) -> Result<()> {
    let lock = root.open_lock(LOCK).map_err(|e| os::io_error("cannot open", root.join(LOCK), e))?;
    // Released when `lock` is closed, at the end of this function (or if the process dies).
    lock.lock().map_err(|e| Error::io("cannot lock", root.join(LOCK), e))?;
    let mut old = String::new();
    match root.open_read(CONFIG) {
        Ok(None) => {}
        Ok(Some(mut f)) => {
            f.read_to_string(&mut old).map_err(|e| Error::io("cannot read", root.join(CONFIG), e))?;
        }
        Err(e) => return Err(Error::io("cannot read", root.join(CONFIG), e)),
    }
    write_atomic(root, CONFIG, merge(&old, info).as_bytes())
}

/// `old` without the `embeddings` entry of `info`'s name (everything else kept verbatim), then
/// `info`'s entry.
fn merge(old: &str, info: &EmbeddingInfo) -> String {
    let name = pbtxt_escape(&info.name);
    let mut out = String::with_capacity(old.len() + 256);
    let mut at = 0;
    for (span, tensor_name) in embedding_blocks(old) {
        if tensor_name.as_deref() == Some(name.as_str()) {
            out.push_str(&old[at..span.start]);
            at = span.end;
            // The line break that ended the removed entry goes with it.
            at += old[at..].len() - old[at..].trim_start_matches([' ', '\t']).len();
            at += usize::from(old[at..].starts_with('\n'));
        }
    }
    out.push_str(&old[at..]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out + &entry(info)
}

/// The config entry of one embedding (paths relative to the log directory).
fn entry(e: &EmbeddingInfo) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "embeddings {{\n  tensor_name: \"{}\"\n  tensor_path: \"{}/tensors.tsv\"",
        pbtxt_escape(&e.name),
        e.dir
    );
    if e.has_metadata {
        let _ = writeln!(s, "  metadata_path: \"{}/metadata.tsv\"", e.dir);
    }
    if let Some([h, w]) = e.sprite_dim {
        let _ = writeln!(
            s,
            "  sprite {{\n    image_path: \"{}/sprite.png\"\n    single_image_dim: {w}\n    single_image_dim: {h}\n  }}",
            e.dir
        );
    }
    let _ = writeln!(s, "  tensor_shape: {}\n  tensor_shape: {}\n}}", e.shape[0], e.shape[1]);
    s
}

/// The byte after the string literal starting (at its quote) at `i`.
fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            q if q == b[i] => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// The top-level `embeddings { … }` blocks of a text-format config: each one's span and its
/// `tensor_name` as written (escaped). Strings and `#` comments are skipped, so braces or field
/// names inside them count for nothing.
fn embedding_blocks(text: &str) -> Vec<(Range<usize>, Option<String>)> {
    let b = text.as_bytes();
    let (mut i, mut depth, mut start, mut name) = (0, 0usize, None, None);
    let mut out = Vec::new();
    let word_at = |i: usize, w: &str| {
        b[i..].starts_with(w.as_bytes())
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && b.get(i + w.len()).is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
    };
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i = skip_string(b, i),
            b'#' => i += text[i..].find('\n').unwrap_or(text.len() - i),
            b'{' | b'<' => (depth, i) = (depth + 1, i + 1),
            b'}' | b'>' => {
                (depth, i) = (depth.saturating_sub(1), i + 1);
                if depth == 0 {
                    if let Some(s) = start.take() {
                        out.push((s..i, name.take()));
                    }
                }
            }
            _ if depth == 0 && word_at(i, "embeddings") => {
                let rest = text[i + 10..].trim_start();
                if rest.strip_prefix(':').unwrap_or(rest).trim_start().starts_with('{') {
                    start = Some(i);
                }
                i += 10;
            }
            _ if depth == 1 && start.is_some() && word_at(i, "tensor_name") => {
                let rest = text[i + 11..].trim_start();
                let value = rest.strip_prefix(':').unwrap_or(rest).trim_start();
                let v = value.as_bytes();
                if v.first().is_some_and(|&q| q == b'"' || q == b'\'') {
                    let end = skip_string(v, 0);
                    name = Some(String::from_utf8_lossy(&v[1..end.saturating_sub(1).max(1)]).into_owned());
                }
                i += 11;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> EmbeddingInfo {
        EmbeddingInfo {
            name: name.into(),
            dir: "00000/x".into(),
            has_metadata: false,
            sprite_dim: None,
            shape: [2, 3],
        }
    }

    #[test]
    fn merging_keeps_other_entries_and_fields_and_replaces_its_own() {
        let old = "model_checkpoint_path: \"a { b\"\nembeddings {\n  tensor_name: \"other:00001\"\n  \
                   tensor_path: \"embeddings { x\"\n  sprite { image_path: \"s.png\" }\n}\n\
                   # a comment with embeddings {\nembeddings {\n  tensor_name: \"mine:00000\"\n}\n";
        let merged = merge(old, &info("mine:00000"));
        let names: Vec<_> = embedding_blocks(&merged).into_iter().map(|(_, n)| n.unwrap()).collect();
        assert_eq!(names, ["other:00001", "mine:00000"], "{merged}");
        assert!(merged.starts_with("model_checkpoint_path: \"a { b\"\n"), "{merged}");
        assert!(merged.contains("# a comment with embeddings {\n"), "{merged}");
        assert!(merged.contains("tensor_shape: 2\n  tensor_shape: 3\n}\n"), "{merged}");
        assert_eq!(merge("", &info("a")), entry(&info("a")));
    }

    /// A hostile or foreign config (non-ASCII outside strings, an unterminated multi-byte name, stray
    /// braces) never panics: it is merged as well as it can be read.
    #[test]
    fn non_ascii_and_broken_configs_do_not_panic() {
        for old in [
            "\u{e9} embeddings { tensor_name: \"\u{fc}\" }\n",
            "embeddings { tensor_name: \"ab\u{e9}",
            "embeddings { tensor_name: 'x\\\u{e9}",
            "}}}> \u{e9} < embeddings",
            "embeddings: { tensor_name: \"\u{540d}\u{524d}\" } \u{540d}\u{524d}",
        ] {
            let merged = merge(old, &info("mine:00000"));
            assert!(merged.contains("mine:00000"), "{merged}");
        }
    }
}
