//! The report as one document model, written out twice: as GitHub Markdown ([`super::markdown`]) for
//! REPORT.md and as typst ([`super::typst`]) for REPORT.pdf, so the two never disagree.
//!
//! Text (paragraphs, captions, cells, list items, headings) uses one small inline syntax: `$…$` for math
//! in the LaTeX subset of [`super::tex`], `**bold**`, `*italic*` and `` `code` ``; every other character
//! is literal text, which each writer escapes for its own format.
use anyhow::{bail, Result};

/// A whole report: a title block, then blocks in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub title: String,
    pub subtitle: String,
    pub blocks: Vec<Block>,
}

/// One block of the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// level 1 = section ("Part 1: …"), 2 = subsection ("1(b) Derivatives …"), 3 = paragraph heading.
    /// The text carries its own numbering; the writers add none.
    Heading { level: u8, text: String },
    /// Prose in the inline syntax (see the module documentation).
    Paragraph(String),
    /// Display math in the LaTeX subset; may be an `\begin{aligned}…\end{aligned}` block with `&` and `\\`.
    Math(String),
    /// A figure file relative to the report directory ("figures/e1-activations.png"), its caption
    /// (inline syntax), and its width as a fraction of the text width (0 < w ≤ 1).
    Figure { path: String, caption: String, width: f32 },
    /// A table with a header row; cells and caption use the inline syntax.
    Table { header: Vec<String>, rows: Vec<Vec<String>>, caption: String },
    /// A bulleted list; items use the inline syntax.
    List(Vec<String>),
    /// A new page in the PDF; nothing in Markdown.
    PageBreak,
}

impl Doc {
    pub fn new(title: impl Into<String>, subtitle: impl Into<String>) -> Doc {
        Doc { title: title.into(), subtitle: subtitle.into(), blocks: Vec::new() }
    }

    pub fn push(&mut self, b: Block) -> &mut Doc {
        self.blocks.push(b);
        self
    }

    /// A section heading (level 1).
    pub fn h1(&mut self, text: impl Into<String>) -> &mut Doc {
        self.push(Block::Heading { level: 1, text: text.into() })
    }

    /// A subsection heading (level 2).
    pub fn h2(&mut self, text: impl Into<String>) -> &mut Doc {
        self.push(Block::Heading { level: 2, text: text.into() })
    }

    /// A paragraph heading (level 3).
    pub fn h3(&mut self, text: impl Into<String>) -> &mut Doc {
        self.push(Block::Heading { level: 3, text: text.into() })
    }

    pub fn para(&mut self, text: impl Into<String>) -> &mut Doc {
        self.push(Block::Paragraph(text.into()))
    }

    pub fn math(&mut self, latex: impl Into<String>) -> &mut Doc {
        self.push(Block::Math(latex.into()))
    }

    pub fn figure(&mut self, path: impl Into<String>, caption: impl Into<String>, width: f32) -> &mut Doc {
        self.push(Block::Figure { path: path.into(), caption: caption.into(), width })
    }

    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>, caption: impl Into<String>) -> &mut Doc {
        self.push(Block::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            caption: caption.into(),
        })
    }

    pub fn list<S: Into<String>>(&mut self, items: impl IntoIterator<Item = S>) -> &mut Doc {
        self.push(Block::List(items.into_iter().map(Into::into).collect()))
    }

    pub fn page_break(&mut self) -> &mut Doc {
        self.push(Block::PageBreak)
    }
}

/// A piece of inline text, as parsed from the inline syntax.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Literal text.
    Text(String),
    /// The LaTeX between `$…$`, verbatim.
    Math(String),
    Code(String),
    Bold(Vec<Inline>),
    Italic(Vec<Inline>),
}

/// Parses the inline syntax. Newlines count as spaces. A `*`/`**` with no partner is literal text;
/// a `$` with no partner, `$$` and empty math are errors, since a writer could only guess at them.
pub fn parse_inline(s: &str) -> Result<Vec<Inline>> {
    let chars: Vec<char> = s.trim().chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    let (out, _, _) = parse_until(&chars, 0, None)?;
    Ok(out)
}

/// Parses from `pos` until the closing `closer` ("*" or "**"); returns the pieces, the position after
/// the closer and whether it was found.
fn parse_until(c: &[char], mut pos: usize, closer: Option<&str>) -> Result<(Vec<Inline>, usize, bool)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while pos < c.len() {
        let double = c[pos] == '*' && c.get(pos + 1) == Some(&'*');
        match c[pos] {
            '*' if (closer == Some("**") && double) || (closer == Some("*") && !double) => {
                flush(&mut text, &mut out);
                return Ok((out, pos + closer.map_or(0, str::len), true));
            }
            '*' => {
                let len = if double { 2 } else { 1 };
                let (inner, after, closed) =
                    parse_until(c, pos + len, Some(if double { "**" } else { "*" }))?;
                if closed && !inner.is_empty() {
                    flush(&mut text, &mut out);
                    out.push(if double { Inline::Bold(inner) } else { Inline::Italic(inner) });
                    pos = after;
                } else {
                    text.extend(&c[pos..pos + len]);
                    pos += len;
                }
            }
            '$' => {
                if c.get(pos + 1) == Some(&'$') {
                    bail!("`$$` in running text: display math is a Block::Math");
                }
                let Some(end) = c[pos + 1..].iter().position(|&d| d == '$') else {
                    bail!("a `$` with no closing `$` in \"{}\"", c.iter().collect::<String>());
                };
                let latex: String = c[pos + 1..pos + 1 + end].iter().collect();
                if latex.trim().is_empty() {
                    bail!("empty math `$$` in \"{}\"", c.iter().collect::<String>());
                }
                flush(&mut text, &mut out);
                out.push(Inline::Math(latex.trim().to_string()));
                pos += end + 2;
            }
            '`' => match c[pos + 1..].iter().position(|&d| d == '`') {
                Some(end) if end > 0 => {
                    flush(&mut text, &mut out);
                    out.push(Inline::Code(c[pos + 1..pos + 1 + end].iter().collect()));
                    pos += end + 2;
                }
                _ => {
                    text.push('`');
                    pos += 1;
                }
            },
            ch => {
                text.push(ch);
                pos += 1;
            }
        }
    }
    flush(&mut text, &mut out);
    Ok((out, pos, false))
}

/// Whether a table cell reads as a number ("97.8 ± 0.2", "-0.3", "1,024"), so its column is right-aligned.
pub fn numeric_cell(cell: &str) -> bool {
    let mut it = cell.trim().chars();
    match it.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-' | '+' | '−' | '.' | '±') => it.next().is_some_and(|c| c.is_ascii_digit() || c == '.'),
        _ => false,
    }
}

/// Right alignment for columns whose body cells are all numbers, left for the rest.
pub fn right_aligned_columns(header: &[String], rows: &[Vec<String>]) -> Vec<bool> {
    (0..header.len())
        .map(|i| !rows.is_empty() && rows.iter().all(|r| r.get(i).is_some_and(|c| numeric_cell(c))))
        .collect()
}
