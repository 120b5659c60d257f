//! The report's document model written as Markdown and as typst, the LaTeX-subset converter, and the
//! PDF typeset by the real `.venv-report` typst and read back with poppler (`scripts/setup test`).
use nnlab::report::doc::{Block, Doc};
use nnlab::report::markdown::to_markdown;
use nnlab::report::pdf::{compile_pdf, default_python};
use nnlab::report::tex::tex_to_typst;
use nnlab::report::typst::to_typst;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Every construct of the subset, with the typst it must become.
const CONVERSIONS: &[(&str, &str)] = &[
    (r"W_2 + a_1 + z_1 + y_{n}", "W_(2) + a_(1) + z_(1) + y_(n)"),
    (r"XW_1 + xy", "X W_(1) + x y"),
    (r"x_12 + x_{12}", "x_(1) 2 + x_(12)"),
    (r"\hat{y}_{nk} + \hat y", "hat(y)_(n k) + hat(y)"),
    (r"\frac{\partial L}{\partial W_2} + \frac12", "frac(partial L, partial W_(2)) + frac(1, 2)"),
    (r"\sum_{n=1}^{N} x_n", "sum_(n = 1)^(N) x_(n)"),
    (r"a_1^\top + W^{\top} + \top", "a_(1)^(top) + W^(top) + top"),
    (r"A \odot B \cdot C \times D", "A dot.o B dot.op C times D"),
    (
        r"\delta \lambda \sigma \varepsilon \epsilon \theta \alpha \beta \mu \eta",
        "delta lambda sigma epsilon epsilon.alt theta alpha beta mu eta",
    ),
    (r"\tanh(z) \log \exp \max \min \sigma", "tanh ( z ) log exp max min sigma"),
    (r"\operatorname{softmax}(z_2)", r#"op("softmax") ( z_(2) )"#),
    (r"\mathbf{1}[z > 0] = \mathbb{1}", "upright(bold(1)) [ z > 0 ] = bb(1)"),
    (r"x \in \mathbb{R}^{N \times 2}", "x in bb(R)^(N times 2)"),
    (r"\text{if } z \text{ and so on}", r#""if "z" and so on""#),
    (r"\left( a + b \right) \left[ c \right]", "lr(( a + b )) lr([ c ])"),
    (r"\lVert W_1 \rVert_F^2 + \|W\|^2 + |x|", "norm(W_(1))_(F)^(2) + norm(W)^(2) + abs(x)"),
    (
        r"f'(z) = \begin{cases} 1 & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases}",
        r#"f' ( z ) = cases(1 & quad"if "z > 0, 0 & quad"otherwise")"#,
    ),
    (r"\begin{aligned} a &= b \\ &= c \\ \end{aligned}", "a & = b \\\n& = c"),
    (r"a \quad b \qquad c \, d \; e", "a quad b wide c thin d thick e"),
    (r"= < > \le \ge \ne \approx \to \Rightarrow", "= < > <= >= != approx -> =>"),
    (r"f'(x) + x_1' + g'' + \operatorname{ReLU}'(z)", r#"f' ( x ) + x'_(1) + g'' + op("ReLU")' ( z )"#),
    (r"\{0, 1\} + [a] + a/b", r"\{ 0 \, 1 \} + [ a ] + a \/ b"),
    (r"\lambda = 0.01 - 2.5e", "lambda = 0.01 - 2.5 e"),
];

#[test]
fn every_construct_of_the_subset_converts() {
    for (latex, typst) in CONVERSIONS {
        assert_eq!(tex_to_typst(latex).unwrap_or_else(|e| panic!("{latex}: {e:#}")), *typst, "{latex}");
    }
}

#[test]
fn anything_outside_the_subset_is_an_error_naming_it() {
    for (latex, named) in [
        (r"\int_0^1 x", r"\int"),
        (r"\gamma", r"\gamma"),
        (r"\leq", r"\leq"),
        (r"\mathcal{N}", r"\mathcal"),
        (r"\begin{pmatrix} a \end{pmatrix}", "pmatrix"),
        (r"\left\{ a \right\}", r"\left"),
        (r"x^2^3", "double superscript"),
        (r"{ab}^2", "group of several atoms"),
        (r"a & b", "`&` outside"),
        (r"a \\ b", "outside an aligned"),
        (r"\frac{(a}{b}", "unbalanced"),
        (r"\frac{a}", "missing its argument"),
        (r"{a", "missing `}`"),
        (r"\lVert W", r"missing `\rVert`"),
        (r"\text{\alpha}", "may not contain commands"),
        (r"a @ b", "unsupported character `@`"),
        (r"\begin{aligned} a &= b \end{cases}", r"ended by \end{cases}"),
        ("", "empty formula"),
    ] {
        let err = format!("{:#}", tex_to_typst(latex).expect_err(latex));
        assert!(err.contains(named), "{latex}: {err}");
    }
}

/// A report exercising every block type, with the 3-layer network's derivations.
fn sample_doc() -> Doc {
    let mut d = Doc::new(
        "Backprop from scratch: **nnlab** report",
        "Part 1 (Make-Moons) and Part 2 (MNIST DCN), seed 0",
    );
    d.h1("Part 1: A three-layer network")
        .para("The network maps $X \\in \\mathbb{R}^{N \\times 2}$ to class probabilities $\\hat{y}$ through one hidden layer of width $H$; special characters stay literal: a_b #tag @user <label> [x] 5 * 3 / 2 ~ = - + back\\slash 100% & \"quoted\".")
        .h2("1(a) Forward pass")
        .math(r"z_1 = X W_1 + b_1, \quad a_1 = f(z_1), \quad z_2 = a_1 W_2 + b_2, \quad \hat{y} = \operatorname{softmax}(z_2)")
        .math(r"\hat{y}_{nk} = \frac{\exp(z_{2,nk})}{\sum_{j=1}^{K} \exp(z_{2,nj})}")
        .para("The loss is the cross-entropy with *L2 regularisation* of strength $\\lambda$:")
        .math(r"L = -\frac{1}{N} \sum_{n=1}^{N} \sum_{k=1}^{K} y_{nk} \log \hat{y}_{nk} + \frac{\lambda}{2N} \left( \lVert W_1 \rVert_F^2 + \lVert W_2 \rVert_F^2 \right)")
        .h2("1(b) Derivatives of the activations")
        .math(r"f(z) = \tanh(z), \quad f'(z) = 1 - \tanh^2(z)")
        .math(r"\sigma(z) = \frac{1}{1 + \exp(-z)}, \qquad \sigma'(z) = \sigma(z) \left( 1 - \sigma(z) \right)")
        .math(r"\operatorname{ReLU}(z) = \max(0, z), \quad f'(z) = \begin{cases} 1 & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases} = \mathbb{1}[z > 0]")
        .h3("Backpropagation")
        .para("With $\\delta_3 = \\hat{y} - Y$ and $f'$ the derivative above, the gradients are")
        .math(r"\frac{\partial L}{\partial W_2} = a_1^\top (\hat{y} - Y) + \lambda W_2, \qquad \delta_2 = \delta_3 W_2^\top \odot f'(z_1)")
        .math(r"\begin{aligned} \frac{\partial L}{\partial W_1} &= \frac{\partial L}{\partial z_2} \cdot \frac{\partial z_2}{\partial a_1} \cdot \frac{\partial a_1}{\partial z_1} \cdot \frac{\partial z_1}{\partial W_1} \\ &= X^\top \left( \delta_3 W_2^\top \odot f'(z_1) \right) + \lambda W_1 \\ &= X^\top \delta_2 + \lambda W_1 \end{aligned}")
        .para("Gradient descent with step $\\varepsilon = 0.01$ updates $\\theta \\to \\theta - \\varepsilon \\, \\partial L / \\partial \\theta$; the check $|g - \\hat{g}| \\le 10^{-9} \\|g\\|$ holds, $\\mu \\approx 0$, $\\eta \\ne \\alpha \\cdot \\beta$, $\\epsilon \\ge 0$, $y \\in \\{0, 1\\} \\Rightarrow \\text{one } \\; \\text{class}$.")
        .list([
            "**tanh**: smooth, zero-centred; `--activation tanh`",
            "*sigmoid*: saturates, so $\\sigma'(z) \\le 0.25$",
            "1. ReLU: cheap, $\\max(0, z)$",
        ])
        .figure("figures/e1-activations.png", "Decision boundaries for tanh, sigmoid and ReLU with $H = 3$ [gradient]", 0.6)
        .page_break()
        .h1("Part 2: The DCN on MNIST")
        .table(
            &["activation", "$\\varepsilon$", "train accuracy (%)", "loss", "note"],
            vec![
                row(&["tanh", "0.01", "97.5 ± 0.4", "0.071 ± 0.004", "$|W_1|$ small"]),
                row(&["sigmoid", "0.01", "86.0 ± 1.2", "0.310 ± 0.020", "**slow** start"]),
                row(&["ReLU", "0.001", "96.9 ± 0.3", "0.104 ± 0.006", "`relu` | pipe"]),
            ],
            "Training accuracy ± one standard deviation over 5 seeds",
        )
        .table(
            &["data set", "train accuracy (%)", "held-out accuracy (%)", "loss at the end", "time per pass (ms)", "depth", "width", "note"],
            vec![
                row(&["breast-cancer", "97.5 ± 0.4", "96.1 ± 1.4", "0.071 ± 0.004", "0.123 ± 0.010", "3", "20", "converged slowly: the features are not standardised, which matters a lot for $\\varepsilon = 0.001$"]),
                row(&["digits", "99.5 ± 0.1", "96.1 ± 0.4", "0.011 ± 0.001", "1.123 ± 0.110", "3", "20", "fine"]),
            ],
            "A wide table: every real data set, mean ± std over 5 seeds",
        )
        .para("Everything above was computed with softmax outputs.");
    d
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn markdown_keeps_the_latex_and_writes_valid_tables_and_figure_links() {
    let doc = sample_doc();
    let md = to_markdown(&doc);
    for block in &doc.blocks {
        if let Block::Math(latex) = block {
            assert!(md.contains(&format!("$$\n{latex}\n$$\n")), "display math not verbatim: {latex}");
        }
    }
    assert!(md.starts_with("# Backprop from scratch: **nnlab** report\n"), "{md}");
    for line in ["## Part 1: A three-layer network", "### 1(a) Forward pass", "#### Backpropagation"] {
        assert!(md.lines().any(|l| l == line), "{line} missing");
    }
    assert!(md.contains(r"$X \in \mathbb{R}^{N \times 2}$"), "inline math not verbatim");
    assert!(
        md.contains(r"a\_b \#tag @user \<label\> \[x\] 5 \* 3 / 2 \~ = - + back\\slash 100% \& "),
        "{md}"
    );
    assert!(md.contains("![Decision boundaries for tanh, sigmoid and ReLU with $H = 3$ \\[gradient\\]](figures/e1-activations.png)"));
    assert!(md.contains("*Figure 1: Decision boundaries"), "{md}");
    assert!(md.contains("- **tanh**: smooth, zero-centred; `--activation tanh`\n"));
    assert!(md.contains("*Table 1: Training accuracy ± one standard deviation over 5 seeds*"));
    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| activation"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 5, "{md}");
    assert_eq!(table[1], "|---|---:|---:|---:|---|");
    let columns = |l: &str| l.replace("\\|", "").matches('|').count() - 1;
    assert!(table.iter().all(|l| columns(l) == 5 && l.ends_with('|')), "{table:#?}");
    assert!(table[2].contains(r"$\|W_1\|$"), "a pipe in math must be escaped in a cell: {}", table[2]);
    assert!(table[4].contains(r"`relu` \| pipe"), "{}", table[4]);
    assert!(!md.contains("\n\n\n"), "no runs of blank lines");
}

/// The Python with typst and poppler's tools, which `scripts/setup test` installs (`make test` runs it).
fn tools() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(default_python());
    assert!(python.exists(), "{} missing: run `scripts/setup test` (make test does)", python.display());
    for tool in ["pdftotext", "pdfimages", "pdfinfo"] {
        let found = Command::new(tool).arg("-v").output().is_ok();
        assert!(found, "{tool} missing: run `scripts/setup test` (it installs poppler-utils)");
    }
    python
}

fn run(cmd: &str, args: &[&Path]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Writes `doc` into `dir` (with a 400×300 PNG figure) and typesets it; returns the PDF's path.
fn typeset(doc: &Doc, dir: &Path, python: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("figures")).unwrap();
    let img = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x * 255 / 400) as u8, (y * 255 / 300) as u8, 160])
    });
    img.save(dir.join("figures/e1-activations.png")).unwrap();
    let typ = dir.join("REPORT.typ");
    std::fs::write(&typ, to_typst(doc).unwrap_or_else(|e| panic!("{e:#}"))).unwrap();
    std::fs::write(dir.join("REPORT.md"), to_markdown(doc)).unwrap();
    let pdf = dir.join("REPORT.pdf");
    let t = Instant::now();
    compile_pdf(&typ, &pdf, dir, python).unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!("compiled {} in {:.2} s", pdf.display(), t.elapsed().as_secs_f64());
    pdf
}

#[test]
fn sample_report_typesets_with_every_heading_sign_caption_and_figure() {
    let python = tools();
    let dir = tempfile::tempdir().unwrap();
    // NNLAB_DOC_OUT=dir keeps the sample (REPORT.md, .typ, .pdf) there, to look at.
    let dir = std::env::var_os("NNLAB_DOC_OUT").map_or_else(|| dir.path().to_path_buf(), PathBuf::from);
    let doc = sample_doc();
    let pdf = typeset(&doc, &dir, &python);
    let text = run("pdftotext", &[&pdf, Path::new("-")]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Part 1: A three-layer network",
        "1(a) Forward pass",
        "1(b) Derivatives of the activations",
        "Backpropagation",
        "Part 2: The DCN on MNIST",
        "Backprop from scratch: nnlab report",
        "Part 1 (Make-Moons) and Part 2 (MNIST DCN), seed 0",
        "Figure 1: Decision boundaries for tanh, sigmoid and ReLU with",
        "Table 1: Training accuracy ± one standard deviation over 5 seeds",
        "97.5 ± 0.4",
        "0.310 ± 0.020",
        "softmax",
        "ReLU",
        "otherwise",
        "a_b #tag @user <label> [x] 5 * 3 / 2 ~ = - + back\\slash 100% &",
        "tanh: smooth, zero-centred; --activation tanh",
        "Everything above was computed with softmax outputs.",
    ] {
        assert!(flat.contains(want), "the PDF's text lacks {want:?}:\n{text}");
    }
    assert_eq!(flat.matches('±').count(), 16, "{text}");
    // Nothing sticks out of the 2 cm margins of A4 (595.3 pt wide).
    let bbox = run("pdftotext", &[Path::new("-bbox"), &pdf, Path::new("-")]);
    let attr =
        |l: &str, name: &str| l.split(&format!("{name}=\"")).nth(1)?.split('"').next()?.parse::<f64>().ok();
    for word in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let (x0, x1) = (attr(word, "xMin").unwrap(), attr(word, "xMax").unwrap());
        assert!(x0 >= 56.0 && x1 <= 539.5, "outside the text width: {word}");
    }
    let info = run("pdfinfo", &[&pdf]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo: Pages");
    let footers = flat.replace(" / ", "/");
    assert!(
        (1..=pages).all(|p| footers.contains(&format!("{p}/{pages}"))),
        "a footer \"n / {pages}\" is missing:\n{text}"
    );
    let images = run("pdfimages", &[Path::new("-list"), &pdf]);
    assert!(
        images
            .lines()
            .skip(2)
            .any(|l| l.split_whitespace().take(5).collect::<Vec<_>>()[2..] == ["image", "400", "300"]),
        "{images}"
    );
}

#[test]
fn every_converted_construct_compiles_inline_and_displayed() {
    let python = tools();
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Doc::new("Constructs", "");
    for (latex, _) in CONVERSIONS {
        if !latex.contains("aligned") && !latex.contains("cases") {
            doc.para(format!("Inline ${latex}$ here."));
        }
        doc.math(*latex);
    }
    typeset(&doc, dir.path(), &python);
}

#[test]
fn typst_errors_and_warnings_fail_with_one_line_naming_the_place() {
    let python = tools();
    let dir = tempfile::tempdir().unwrap();
    let (typ, pdf) = (dir.path().join("x.typ"), dir.path().join("x.pdf"));
    std::fs::write(&typ, "Fine.\n$ a b1 $\n").unwrap();
    let err = format!("{:#}", compile_pdf(&typ, &pdf, dir.path(), &python).unwrap_err());
    assert!(err.contains("x.typ:2:") && err.contains("unknown variable: b1") && !err.contains('\n'), "{err}");
    std::fs::write(&typ, "#set text(font: \"No Such Font\")\nHello.\n").unwrap();
    let err = format!("{:#}", compile_pdf(&typ, &pdf, dir.path(), &python).unwrap_err());
    assert!(err.contains("x.typ:1:") && err.contains("warning: unknown font family"), "{err}");
    assert!(!pdf.exists(), "a PDF with warnings must not be left behind");
    let err =
        format!("{:#}", compile_pdf(&typ, &pdf, dir.path(), &dir.path().join("no/python")).unwrap_err());
    assert!(err.contains("scripts/setup report"), "{err}");
}

#[test]
fn bad_blocks_are_errors_naming_the_block() {
    let bad = [
        Block::Heading { level: 4, text: "x".into() },
        Block::Paragraph("an unpaired $ sign".into()),
        Block::Math(r"\int x".into()),
        Block::Figure { path: "f.png".into(), caption: "c".into(), width: 1.5 },
        Block::Figure { path: "../f.png".into(), caption: "c".into(), width: 0.5 },
        Block::Table { header: vec!["a".into(), "b".into()], rows: vec![row(&["1"])], caption: "t".into() },
    ];
    for b in bad {
        let mut doc = Doc::new("t", "");
        doc.para("fine").push(b.clone());
        let err = format!("{:#}", to_typst(&doc).expect_err(&format!("{b:?}")));
        assert!(err.contains("report block 2"), "{err}");
    }
}
