//! REPORT.md from the document model: GitHub Markdown with the LaTeX kept verbatim in `$…$` and
//! `$$…$$` for GitHub's MathJax.
use super::doc::{parse_inline, right_aligned_columns, Block, Doc, Inline};
use std::fmt::Write as _;

/// The whole document as GitHub Markdown. The title is `#`, and heading levels 1–3 are `##`–`####`;
/// figures and tables are numbered like the PDF's ("Figure 2: …", "Table 1: …"); a page break writes
/// nothing. Text that the inline syntax cannot parse (an unpaired `$`) is written as it stands:
/// [`super::typst::to_typst`] reports it as an error.
pub fn to_markdown(doc: &Doc) -> String {
    let mut md = format!("# {}\n\n", inline(&doc.title, Ctx::Block));
    if !doc.subtitle.trim().is_empty() {
        md += &format!("{}\n\n", inline(&doc.subtitle, Ctx::Block));
    }
    let (mut figures, mut tables) = (0, 0);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let hashes = "#".repeat(usize::from(*level).clamp(1, 5) + 1);
                let _ = write!(md, "{hashes} {}\n\n", inline(text, Ctx::Inline));
            }
            Block::Paragraph(text) => {
                let _ = write!(md, "{}\n\n", inline(text, Ctx::Block));
            }
            Block::Math(latex) => {
                let _ = write!(md, "$$\n{}\n$$\n\n", latex.trim());
            }
            Block::Figure { path, caption, .. } => {
                figures += 1;
                let alt = caption
                    .replace(['\n', '\r'], " ")
                    .replace('\\', "\\\\")
                    .replace('[', "\\[")
                    .replace(']', "\\]");
                let target =
                    if path.contains([' ', '(', ')', '<', '>']) { format!("<{path}>") } else { path.clone() };
                let _ = write!(
                    md,
                    "![{alt}]({target})\n\n*Figure {figures}: {}*\n\n",
                    inline(caption, Ctx::Italic)
                );
            }
            Block::Table { header, rows, caption } => {
                tables += 1;
                let _ = write!(md, "*Table {tables}: {}*\n\n", inline(caption, Ctx::Italic));
                let row = |cells: &[String]| {
                    let cells: Vec<String> = (0..header.len())
                        .map(|i| inline(cells.get(i).map_or("", |c| c), Ctx::Cell))
                        .collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                md += &row(header);
                let rule: Vec<&str> = right_aligned_columns(header, rows)
                    .iter()
                    .map(|&r| if r { "---:" } else { "---" })
                    .collect();
                let _ = writeln!(md, "|{}|", rule.join("|"));
                for r in rows {
                    md += &row(r);
                }
                md += "\n";
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(md, "- {}", inline(item, Ctx::Block));
                }
                md += "\n";
            }
            Block::PageBreak => {}
        }
    }
    md.truncate(md.trim_end().len());
    md.push('\n');
    md
}

/// Where inline text goes: the start of a paragraph or list item (where `1. ` or `- ` would start a
/// list), inside a heading, inside italics (a nested `*…*` is dropped), or in a table cell (`|` escaped).
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Block,
    Inline,
    Italic,
    Cell,
}

fn inline(s: &str, ctx: Ctx) -> String {
    let Ok(parts) = parse_inline(s) else {
        return s.replace(['\n', '\r'], " ");
    };
    let mut out = render(&parts, ctx);
    if ctx == Ctx::Block {
        // "1. x", "2) x", "- x", "+ x" at the start of a paragraph would make a list.
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && out[digits..].starts_with(['.', ')']) {
            out.insert(digits, '\\');
        } else if out.starts_with(['-', '+']) {
            out.insert(0, '\\');
        }
    }
    out
}

fn render(parts: &[Inline], ctx: Ctx) -> String {
    let pipes = |s: &str| if ctx == Ctx::Cell { s.replace('|', "\\|") } else { s.to_string() };
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => escape(t),
            // In a table cell GitHub splits at every unescaped `|`, even inside math and code, and
            // unescapes `\|` before rendering them, so the LaTeX reaches MathJax unchanged.
            Inline::Math(latex) => format!("${}$", pipes(latex)),
            Inline::Code(code) => format!("`{}`", pipes(code)),
            Inline::Bold(inner) => format!("**{}**", render(inner, ctx)),
            Inline::Italic(inner) if ctx == Ctx::Italic => render(inner, ctx),
            Inline::Italic(inner) => format!("*{}*", render(inner, ctx)),
        })
        .collect()
}

/// Backslash-escapes the ASCII punctuation that Markdown (or GitHub's extensions) could read as syntax.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
