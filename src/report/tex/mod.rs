//! The report's equations are written once, in a restricted LaTeX subset: REPORT.md keeps that LaTeX for
//! GitHub's MathJax, and [`tex_to_typst`] turns it into typst math for REPORT.pdf.
//!
//! Only the constructs the report's derivations use are accepted; anything else is an error naming it,
//! never a guess. Typst reads a run of letters as one name (`in` is ∈, `top` is ⊤, `W2` is an unknown
//! variable), so every atom is written separated by one space, which typst ignores for layout; calls
//! (`frac(`, `hat(`) and attachments (`_(`, `^(`, `'`) are glued to their base, and text literals to
//! their neighbours, since typst does render the spaces next to a quoted text.
mod lex;

use anyhow::{bail, Context, Result};
use lex::{balanced, join, text_literal, tokenize, Stop, Tok, GREEK, SYMBOLS};

/// Converts one formula (the inside of `$…$` or `$$…$$`) from the LaTeX subset to typst math (the inside
/// of typst's `$…$`). The result never starts or ends with a space, so `$` + result + `$` is inline math.
pub fn tex_to_typst(latex: &str) -> Result<String> {
    let convert = || {
        let mut c = Conv { src: latex, toks: tokenize(latex)?, i: 0 };
        let out = c.seq(Stop::Eof)?;
        if out.is_empty() {
            bail!("empty formula");
        }
        Ok(out)
    };
    convert()
        .with_context(|| format!("LaTeX formula `{latex}` (see src/report/tex.rs for the supported subset)"))
}

struct Conv<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize, usize)>,
    i: usize,
}

impl Conv<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.i).map(|t| t.0.clone());
        self.i += 1;
        t
    }

    fn at(&self, stop: Stop) -> bool {
        match (stop, self.peek()) {
            (Stop::Char(c), Some(Tok::Char(d))) => c == *d,
            (Stop::Cmd(c), Some(Tok::Cmd(d))) => c == d,
            _ => false,
        }
    }

    /// Atoms up to `stop` (consumed).
    fn seq(&mut self, stop: Stop) -> Result<String> {
        let mut atoms = Vec::new();
        loop {
            if self.at(stop) {
                self.next();
                break;
            }
            match self.peek() {
                None if stop == Stop::Eof => break,
                None => bail!("missing `{}`", stop_name(stop)),
                Some(Tok::Cmd(c)) if c == "\\" => bail!("`\\\\` outside an aligned or cases environment"),
                Some(Tok::Char('&')) => bail!("`&` outside an aligned or cases environment"),
                Some(Tok::Cmd(c)) if c == "end" => bail!("\\end without a matching \\begin"),
                Some(Tok::Cmd(c)) if c == "right" => bail!("\\right without a matching \\left"),
                Some(Tok::Cmd(c)) if c == "rVert" => bail!("\\rVert without a matching \\lVert"),
                _ => atoms.push(self.atom()?),
            }
        }
        Ok(join(&atoms))
    }

    /// A base with its primes, subscript and superscript.
    fn atom(&mut self) -> Result<String> {
        let (start, base) = (self.i, self.base()?);
        let (mut primes, mut sub, mut sup) = (String::new(), None, None);
        loop {
            match self.peek() {
                Some(Tok::Char('\'')) => primes.push('\''),
                Some(&Tok::Char(c @ ('_' | '^'))) => {
                    self.next();
                    let (slot, name) =
                        if c == '_' { (&mut sub, "subscript") } else { (&mut sup, "superscript") };
                    if slot.is_some() {
                        bail!("double {name}");
                    }
                    *slot = Some(self.arg()?);
                    continue;
                }
                _ => break,
            }
            self.next();
        }
        let scripted = !primes.is_empty() || sub.is_some() || sup.is_some();
        if scripted && base.is_empty() {
            bail!("a script or prime without a base");
        }
        if scripted && self.toks[start].0 == Tok::Char('{') && base.contains(' ') {
            bail!("a script on a group of several atoms `{{{base}}}`: typst has no invisible grouping");
        }
        let mut out = base + &primes;
        if let Some(s) = sub {
            out += &format!("_({})", balanced(&s)?);
        }
        if let Some(s) = sup {
            out += &format!("^({})", balanced(&s)?);
        }
        Ok(out)
    }

    /// A command argument or script: a `{group}` or one token (so `x_12` is x₁2 and `\hat y` is ŷ).
    fn arg(&mut self) -> Result<String> {
        match self.peek() {
            Some(Tok::Char('{')) => {
                self.next();
                self.seq(Stop::Char('}'))
            }
            Some(Tok::Num(n)) if n.len() > 1 => {
                let (n, (_, start, end)) = (n.clone(), self.toks[self.i].clone());
                let rest = tokenize(&n[1..])?
                    .into_iter()
                    .map(|(t, s, e)| (t, start + 1 + s, (start + 1 + e).min(end)));
                self.toks.splice(
                    self.i..=self.i,
                    [(Tok::Num(n[..1].to_string()), start, start + 1)].into_iter().chain(rest),
                );
                self.i += 1;
                Ok(n[..1].to_string())
            }
            None => bail!("a command or script is missing its argument"),
            _ => self.base(),
        }
    }

    fn base(&mut self) -> Result<String> {
        Ok(match self.next() {
            None => bail!("unexpected end of the formula"),
            Some(Tok::Letter(c)) => c.to_string(),
            Some(Tok::Num(n)) => n,
            Some(Tok::Cmd(c)) => self.command(&c)?,
            Some(Tok::Char(c)) => match c {
                '{' => self.seq(Stop::Char('}'))?,
                '|' => format!("abs({})", balanced(&self.seq(Stop::Char('|'))?)?),
                '+' | '-' | '=' | '<' | '>' | '(' | ')' | '[' | ']' | '.' => c.to_string(),
                // Escaped so that they neither make a fraction nor split a call's arguments.
                '/' | ',' | ';' | ':' => format!("\\{c}"),
                '}' => bail!("unbalanced `}}`"),
                '_' | '^' | '\'' => bail!("`{c}` without a base"),
                _ => bail!("unsupported character `{c}`"),
            },
        })
    }

    fn command(&mut self, c: &str) -> Result<String> {
        if let Some((_, t)) = GREEK.iter().chain(SYMBOLS).find(|(l, _)| *l == c) {
            return Ok(t.to_string());
        }
        Ok(match c {
            "frac" => {
                let (a, b) = (self.arg()?, self.arg()?);
                format!("frac({}, {})", balanced(&a)?, balanced(&b)?)
            }
            "hat" => format!("hat({})", balanced(&self.arg()?)?),
            "mathbf" => format!("upright(bold({}))", balanced(&self.arg()?)?),
            "mathbb" => format!("bb({})", balanced(&self.arg()?)?),
            "text" => text_literal(self.raw_group("text")?),
            "operatorname" => {
                let name = self.raw_group("operatorname")?;
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
                    bail!("\\operatorname{{{name}}}: only letters");
                }
                format!("op({})", text_literal(name))
            }
            "lVert" => format!("norm({})", balanced(&self.seq(Stop::Cmd("rVert"))?)?),
            "|" => format!("norm({})", balanced(&self.seq(Stop::Cmd("|"))?)?),
            "left" => {
                let open = self.delimiter("left", &['(', '['])?;
                let body = self.seq(Stop::Cmd("right"))?;
                let close = self.delimiter("right", &[')', ']'])?;
                format!("lr({open} {} {close})", balanced(&body)?)
            }
            "begin" => match self.raw_group("begin")? {
                "cases" => {
                    let rows = self.env_rows("cases")?;
                    let rows: Vec<&str> = rows.iter().map(|r| balanced(r)).collect::<Result<_>>()?;
                    format!("cases({})", rows.join(", "))
                }
                "aligned" => self.env_rows("aligned")?.join(" \\\n"),
                env => bail!("unsupported environment `{env}` (only aligned and cases)"),
            },
            _ => bail!("unsupported command \\{c}"),
        })
    }

    /// The delimiter after `\left` or `\right`.
    fn delimiter(&mut self, cmd: &str, allowed: &[char]) -> Result<char> {
        match self.next() {
            Some(Tok::Char(d)) if allowed.contains(&d) => Ok(d),
            other => bail!("unsupported delimiter after \\{cmd}: {other:?} (only ( ) [ ])"),
        }
    }

    /// The source text of a `{…}` group, spaces kept, with no commands inside.
    fn raw_group(&mut self, cmd: &str) -> Result<&str> {
        if self.next() != Some(Tok::Char('{')) {
            bail!("\\{cmd} must be followed by {{…}}");
        }
        let (start, mut depth) = (self.toks[self.i - 1].2, 1);
        loop {
            match self.next() {
                None => bail!("\\{cmd}{{…}} is not closed"),
                Some(Tok::Char('{')) => depth += 1,
                Some(Tok::Char('}')) if depth == 1 => break,
                Some(Tok::Char('}')) => depth -= 1,
                Some(Tok::Cmd(c)) => bail!("\\{cmd}{{…}} may not contain commands (found \\{c})"),
                _ => {}
            }
        }
        Ok(&self.src[start..self.toks[self.i - 1].1])
    }

    /// The rows of an environment up to its `\end{…}`; cells keep their `&`.
    fn env_rows(&mut self, env: &str) -> Result<Vec<String>> {
        let (mut rows, mut cur) = (Vec::new(), Vec::new());
        loop {
            match self.peek() {
                None => bail!("missing \\end{{{env}}}"),
                Some(Tok::Cmd(c)) if c == "end" => {
                    self.next();
                    let end = self.raw_group("end")?;
                    if end != env {
                        bail!("\\begin{{{env}}} ended by \\end{{{end}}}");
                    }
                    break;
                }
                Some(Tok::Cmd(c)) if c == "\\" => {
                    self.next();
                    rows.push(join(&std::mem::take(&mut cur)));
                }
                Some(Tok::Char('&')) => {
                    self.next();
                    // LaTeX's cases puts a quad between its columns; typst's puts nothing.
                    cur.push(if env == "cases" { "& quad" } else { "&" }.to_string());
                }
                Some(Tok::Cmd(c)) if c == "right" => bail!("\\right without a matching \\left"),
                _ => cur.push(self.atom()?),
            }
        }
        rows.push(join(&cur));
        rows.retain(|r| !r.is_empty());
        if rows.is_empty() {
            bail!("empty {env} environment");
        }
        Ok(rows)
    }
}

fn stop_name(stop: Stop) -> String {
    match stop {
        Stop::Eof => "end".into(),
        Stop::Char(c) => c.to_string(),
        Stop::Cmd(c) => format!("\\{c}"),
    }
}
