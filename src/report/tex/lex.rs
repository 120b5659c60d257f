//! The LaTeX subset's tokens, symbol tables and the small text helpers the converter uses.
use anyhow::{bail, Result};

/// One LaTeX token, with its byte range in the source (for `\text{…}`, which keeps its spaces).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// `\name`, or `\` followed by one non-letter (`\,`, `\|`, `\\`, `\{`).
    Cmd(String),
    Letter(char),
    /// Digits with an optional decimal part.
    Num(String),
    Char(char),
}

/// Where a sequence of atoms ends.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Stop {
    Eof,
    Char(char),
    Cmd(&'static str),
}

#[rustfmt::skip]
pub(super) const GREEK: &[(&str, &str)] = &[
    ("alpha", "alpha"), ("beta", "beta"), ("delta", "delta"), ("epsilon", "epsilon.alt"), ("varepsilon", "epsilon"),
    ("eta", "eta"), ("theta", "theta"), ("lambda", "lambda"), ("mu", "mu"), ("sigma", "sigma"),
];

/// Commands that are one symbol, spacing or operator name.
#[rustfmt::skip]
pub(super) const SYMBOLS: &[(&str, &str)] = &[
    ("partial", "partial"), ("top", "top"), ("odot", "dot.o"), ("cdot", "dot.op"), ("times", "times"), ("le", "<="),
    ("ge", ">="), ("ne", "!="), ("approx", "approx"), ("in", "in"), ("to", "->"), ("Rightarrow", "=>"), ("{", "\\{"),
    ("}", "\\}"), (",", "thin"), (";", "thick"), ("quad", "quad"), ("qquad", "wide"), ("sum", "sum"), ("tanh", "tanh"),
    ("log", "log"), ("exp", "exp"), ("max", "max"), ("min", "min"),
];

pub(super) fn tokenize(src: &str) -> Result<Vec<(Tok, usize, usize)>> {
    let b = src.as_bytes();
    let run = |from: usize, f: fn(&u8) -> bool| from + b[from..].iter().take_while(|c| f(c)).count();
    let (mut out, mut i) = (Vec::new(), 0);
    while let Some(c) = src[i..].chars().next() {
        let (tok, end) = match c {
            '\\' => match (run(i + 1, u8::is_ascii_alphabetic), src[i + 1..].chars().next()) {
                (end, _) if end > i + 1 => (Tok::Cmd(src[i + 1..end].to_string()), end),
                (_, Some(other)) => (Tok::Cmd(other.to_string()), i + 1 + other.len_utf8()),
                (_, None) => bail!("a lone `\\` at the end"),
            },
            c if c.is_ascii_alphabetic() => (Tok::Letter(c), i + 1),
            c if c.is_ascii_digit() => {
                let mut end = run(i, u8::is_ascii_digit);
                if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                    end = run(end + 1, u8::is_ascii_digit);
                }
                (Tok::Num(src[i..end].to_string()), end)
            }
            c => (Tok::Char(c), i + c.len_utf8()),
        };
        if !c.is_whitespace() {
            out.push((tok, i, end)); // LaTeX ignores spaces in math
        }
        i = end;
    }
    Ok(out)
}

/// Joins typst atoms with one space, except next to a quoted text literal.
pub(super) fn join(atoms: &[String]) -> String {
    let mut out = String::new();
    for a in atoms.iter().filter(|a| !a.is_empty()) {
        if !out.is_empty() && !out.ends_with('"') && !a.starts_with('"') {
            out.push(' ');
        }
        out.push_str(a);
    }
    out
}

/// A typst string literal.
pub(super) fn text_literal(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Typst reads `(`…`)` and `[`…`]` inside a call argument as nested groups, so an unbalanced one would
/// silently end the call early; such arguments are refused.
pub(super) fn balanced(arg: &str) -> Result<&str> {
    let (mut paren, mut bracket, mut in_text, mut escaped) = (0i32, 0i32, false, false);
    for c in arg.chars() {
        match (in_text, escaped, c) {
            (_, true, _) => escaped = false,
            (_, false, '\\') => escaped = true,
            (_, false, '"') => in_text = !in_text,
            (false, false, '(') => paren += 1,
            (false, false, ')') => paren -= 1,
            (false, false, '[') => bracket += 1,
            (false, false, ']') => bracket -= 1,
            _ => {}
        }
        if paren < 0 || bracket < 0 {
            break;
        }
    }
    if paren != 0 || bracket != 0 {
        bail!("unbalanced parentheses or brackets in `{arg}` (inside a group, they must pair up)");
    }
    Ok(arg)
}
