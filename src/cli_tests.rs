//! The shared command-line pieces: lists, enum names, checks, the rendered command line.
use super::*;

/// An enum as nnlab's are: names from clap's derive only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Shade {
    Dark,
    LeakyRelu,
    Light,
}

crate::clap_names!(Shade);

#[test]
fn lists_parse_and_name_the_bad_item() {
    assert_eq!(parse_list::<i64>("1, 2,3", "size", |_| true).unwrap(), [1, 2, 3]);
    assert_eq!(parse_list::<i64>("4,,", "size", |_| true).unwrap(), [4], "empty items are skipped");
    assert_eq!(
        parse_list::<i64>(",", "size", |_| true).unwrap_err(),
        "expected a comma-separated list of sizes"
    );
    let e = parse_list::<i64>("1,x", "size", |_| true).unwrap_err();
    assert!(e.starts_with("'x' is not a valid size ("), "{e}");
    assert_eq!(parse_list::<i64>("5,0", "size", |v| *v > 0).unwrap_err(), "size '0' is out of range");
}

#[test]
fn sizes_are_a_comma_list() {
    assert_eq!(sizes("1,20,50").unwrap(), CommaList(vec![1, 20, 50]));
}

#[test]
fn an_error_is_one_line_without_libtorchs_trace() {
    let e = anyhow::anyhow!("bad shape\nException raised from foo at x.cpp:1\nframe #0: bar")
        .context("layer fc1");
    assert_eq!(error_line(&e), "layer fc1: bad shape");
    assert_eq!(one_line("a\n  b\tc"), "a b c");
}

#[test]
fn enum_names_come_from_clap_once() {
    assert_eq!(Shade::LeakyRelu.to_string(), "leaky-relu");
    assert_eq!(value_name(&Shade::LeakyRelu), "leaky-relu");
    assert_eq!("leaky-relu".parse::<Shade>(), Ok(Shade::LeakyRelu));
    assert_eq!(serde_json::to_string(&Shade::LeakyRelu).unwrap(), "\"leaky-relu\"");
    assert_eq!(serde_json::from_str::<Shade>("\"light\"").unwrap(), Shade::Light);
    let e = serde_json::from_str::<Shade>("\"LeakyRelu\"").unwrap_err().to_string();
    assert!(e.contains("expected dark, leaky-relu or light"), "{e}");
    assert_eq!(parse_value::<Shade>("x").unwrap_err(), "expected dark, leaky-relu or light");
}

#[test]
fn each_check_gives_its_message() {
    assert_eq!(
        ensure_positive("--lr", 0.0).unwrap_err().to_string(),
        "--lr must be a positive number, got 0"
    );
    assert!(ensure_positive("--lr", f64::INFINITY).is_err());
    assert!(ensure_positive("--lr", f64::NAN).is_err());
    assert!(ensure_positive("--lr", 1e-300).is_ok());
    assert_eq!(ensure_in("--n", 0, 1..=5).unwrap_err().to_string(), "--n must be between 1 and 5, got 0");
    assert!(ensure_in("--n", 5, 1..=5).is_ok());
    assert_eq!(ensure_non_negative("--wd", -1.0).unwrap_err().to_string(), "--wd must be ≥ 0, got -1");
    assert!(ensure_non_negative("--wd", 0.0).is_ok());
    assert_eq!(ensure_fraction("--m", 1.0).unwrap_err().to_string(), "--m must be in [0, 1), got 1");
    assert!(ensure_fraction("--m", 0.0).is_ok());
}

#[derive(clap::Args, Clone, Debug, PartialEq, serde::Serialize)]
struct Example {
    /// A number
    #[arg(long, default_value_t = 3)]
    count: i64,
    /// A switch
    #[arg(long)]
    flag: bool,
    /// An optional value
    #[arg(long)]
    maybe: Option<f64>,
    /// A list
    #[arg(long, default_value = "dark", value_parser = |s: &str| parse_list::<Shade>(s, "shade", |_| true).map(CommaList))]
    acts: CommaList<Shade>,
    /// A repeatable list
    #[arg(long = "layer", value_parser = sizes)]
    layers: Vec<CommaList<i64>>,
    /// Left to the caller
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

impl Check for Example {
    fn check(&self) -> Result<()> {
        ensure_in("--count", self.count, 1..=10)
    }
}

#[test]
fn defaults_come_from_the_flags() {
    let d = defaults::<Example>();
    assert_eq!((d.count, d.flag, d.maybe, d.acts.0.as_slice()), (3, false, None, &[Shade::Dark][..]));
}

#[test]
fn a_configuration_renders_the_command_line_that_gives_it() {
    let cfg = Example {
        count: 7,
        flag: true,
        maybe: Some(0.001),
        acts: CommaList(vec![Shade::Dark, Shade::Light]),
        layers: vec![CommaList(vec![2, 5, 2]), CommaList(vec![2, 3, 3, 2])],
        seed: 9,
    };
    let args = to_args(&cfg, &["seed"]);
    assert_eq!(
        args,
        [
            "--count",
            "7",
            "--flag",
            "--maybe",
            "0.001",
            "--acts",
            "dark,light",
            "--layer",
            "2,5,2",
            "--layer",
            "2,3,3,2"
        ]
    );
    // What clap reads back from it is the configuration (but the skipped seed).
    use clap::{Args, FromArgMatches};
    let m = Example::augment_args(clap::Command::new("t").no_binary_name(true)).get_matches_from(&args);
    assert_eq!(Example::from_arg_matches(&m).unwrap(), Example { seed: 0, ..cfg });
    let plain = to_args(&defaults::<Example>(), &[]);
    assert_eq!(
        plain,
        ["--count", "3", "--acts", "dark", "--seed", "0"],
        "no None, no false switch, no empty list"
    );
}

#[test]
fn only_a_checked_configuration_is_valid() {
    let ok = Example { count: 2, ..defaults() };
    assert_eq!(Valid::new(ok.clone()).unwrap().count, 2);
    let bad = Example { count: 0, ..defaults() };
    assert_eq!(Valid::new(bad).unwrap_err().to_string(), "--count must be between 1 and 10, got 0");
    let v = Valid::new(ok).unwrap();
    assert_eq!(serde_json::to_value(&v).unwrap()["count"], 2, "serialised as the configuration itself");
    assert_eq!(*v.map(|e| e.count * 2), 4);
}
