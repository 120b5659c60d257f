//! REPORT.pdf: typesets the typst file from [`super::typst::to_typst`] with the PyPI `typst` wheel
//! (pinned, in `.venv-report`, made by `scripts/setup report`). Nothing is fetched and no system font is
//! used, so the same input gives the same PDF on every machine; any typst warning fails the build.
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Run as `python -c SCRIPT typ pdf root`. On an error or any warning it removes the PDF, prints one
/// line (`file:line:col: error|warning: message (hint: …)`) to stderr and exits non-zero.
const SCRIPT: &str = r#"
import os, sys
try:
    import typst
except ImportError as e:
    sys.exit(f"cannot import typst ({e}); run `scripts/setup report`")
src, out, root = sys.argv[1:4]

def one_line(kind, d):
    where = src
    for line in (getattr(d, "diagnostic", "") or "").splitlines():
        if line.strip().startswith("\u250c\u2500"):
            where = line.strip()[2:].strip()
            break
    msg = " ".join(str(getattr(d, "message", d)).split())
    hints = "; ".join(" ".join(h.split()) for h in (getattr(d, "hints", None) or []))
    return f"{where}: {kind}: {msg}" + (f" (hint: {hints})" if hints else "")

def fail(line):
    try:
        os.remove(out)
    except OSError:
        pass
    sys.exit(line)

try:
    _, warnings = typst.compile_with_warnings(src, output=out, root=root, ignore_system_fonts=True, timestamp=0)
except typst.TypstError as e:
    fail(one_line("error", e))
if warnings:
    more = f" (and {len(warnings) - 1} more warnings)" if len(warnings) > 1 else ""
    fail(one_line("warning", warnings[0]) + more)
"#;

/// Typesets `typ` into `pdf`. `root` is the directory that image paths are relative to (the report
/// directory); `typ` must lie inside it. `python` is the interpreter with `typst` installed.
pub fn compile_pdf(typ: &Path, pdf: &Path, root: &Path, python: &Path) -> Result<()> {
    check_python(python)?;
    // A stale PDF must not pass for a new one.
    let _ = std::fs::remove_file(pdf);
    let out = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .args([typ, pdf, root])
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        bail!("typst could not typeset {} into {}: {line}", typ.display(), pdf.display());
    }
    match std::fs::metadata(pdf) {
        Ok(m) if m.len() > 0 => Ok(()),
        _ => bail!("{} ran without error but wrote no PDF at {}", python.display(), pdf.display()),
    }
}

/// The interpreter `compile_pdf` will run, checked before any training: it must be a file.
pub fn check_python(python: &Path) -> Result<()> {
    if !python.is_file() {
        bail!(
            "{} not found: the PDF is typeset by typst in .venv-report; run `scripts/setup report`",
            python.display()
        );
    }
    Ok(())
}

/// The Python with `typst`: `$NNLAB_REPORT_PYTHON` if set, else `.venv-report/bin/python` (relative to
/// the current directory, the repository root under `make`).
pub fn default_python() -> PathBuf {
    std::env::var_os("NNLAB_REPORT_PYTHON")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(".venv-report/bin/python"), PathBuf::from)
}
