//! The experiment grid of `make report`: which program runs with which arguments and seeds.
//!
//! Every configuration that the report compares runs with [`SEEDS`] (3 seeds), so that each
//! difference it reports comes with its spread; the main DCN run, which nothing is compared with,
//! runs once.
use crate::cli::value_name;
use crate::native::device::DeviceArg;
use crate::run::files::fnv_hex;
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Grid {
    /// About a minute on 2 CPU cores: every section of the report from tiny runs (a smoke test)
    Tiny,
    /// Under 10 minutes on 2 CPU cores: Part 1 as the assignment says, one DCN epoch, comparison
    /// runs of 160 iterations (2 epochs) on the 5,000-image subset
    Quick,
    /// The assignment's lengths: the 20,000-iteration DCN and every variant for 3,300 iterations on
    /// full MNIST (use DEVICE=cuda)
    Full,
}

/// The seeds every compared configuration runs with.
pub const SEEDS: [u64; 3] = [0, 1, 2];

/// The programs the report runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Program {
    ThreeLayer,
    NLayer,
    MnistDcn,
}

impl Program {
    /// The executable's name.
    pub fn binary(self) -> &'static str {
        match self {
            Program::ThreeLayer => "three_layer",
            Program::NLayer => "n_layer",
            Program::MnistDcn => "mnist_dcn",
        }
    }
}

/// One run of one program: what the report caches and reuses.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Readable and path-safe: "e1-activations-s0", "c-activation-tanh-s2".
    pub label: String,
    pub program: Program,
    /// Arguments, without --seed, --runs and --quiet (the report adds those).
    pub args: Vec<String>,
    pub seed: u64,
}

impl Job {
    fn new(label: &str, program: Program, args: &[&str], seed: u64) -> Job {
        let args = args.iter().map(|s| s.to_string()).collect();
        Job { label: format!("{label}-s{seed}"), program, args, seed }
    }

    /// FNV-1a over program, arguments, seed and nnlab's version: the cache key.
    pub fn hash(&self) -> String {
        let key = format!(
            "{}\0{}\0{}\0{}",
            env!("CARGO_PKG_VERSION"),
            self.program.binary(),
            self.args.join("\0"),
            self.seed
        );
        fnv_hex(key.as_bytes())
    }

    /// The value after `flag` in the arguments.
    pub fn arg(&self, flag: &str) -> Option<&str> {
        self.args.iter().position(|a| a == flag).and_then(|i| self.args.get(i + 1)).map(String::as_str)
    }
}

/// One configuration, run once per seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub name: String,
    pub jobs: Vec<Job>,
}

impl Config {
    fn seeded(name: &str, label: &str, program: Program, args: &[&str], seeds: &[u64]) -> Config {
        Config { name: name.into(), jobs: seeds.iter().map(|&s| Job::new(label, program, args, s)).collect() }
    }
}

/// A part (c) comparison: one family (activation, initialisation, optimizer), one configuration per
/// variant; the first variant is the default configuration.
pub struct Family {
    pub name: &'static str,
    pub variants: Vec<Config>,
}

/// Lengths of the DCN runs: (dataset, iterations, eval-every, log-every).
#[derive(Clone, Copy)]
struct DcnLength(&'static str, &'static str, &'static str, &'static str);

pub struct Plan {
    pub grid: Grid,
    pub device: DeviceArg,
    /// Part 1 (e): the three activations (a sweep: one job per seed).
    pub activations: Config,
    /// Part 1 (e): hidden sizes 1…50.
    pub hidden: Config,
    /// Part 1 (f): depth 1, 2, 4 on moons, tanh and ReLU.
    pub deep: Config,
    /// Part 1 (f): depth 1, 3 on circles.
    pub circles: Config,
    /// Part 1 (f): the real data sets, shallow and deep.
    pub real: Vec<Config>,
    /// Part 2 (a), (b): the default DCN, one seed.
    pub dcn: Job,
    pub families: Vec<Family>,
}

impl Plan {
    pub fn new(grid: Grid, device: DeviceArg) -> Plan {
        let tiny = grid == Grid::Tiny;
        let (passes, real_passes) = if tiny { ("300", "300") } else { ("20000", "5000") };
        let real: &[&str] = if tiny { &["iris"] } else { &["iris", "wine", "breast-cancer", "digits"] };
        let (main, cmp) = match grid {
            Grid::Tiny => (DcnLength("mnist5k", "40", "20", "20"), DcnLength("mnist5k", "20", "10", "10")),
            Grid::Quick => {
                (DcnLength("mnist", "1100", "275", "100"), DcnLength("mnist5k", "160", "40", "40"))
            }
            Grid::Full => {
                (DcnLength("mnist", "20000", "1100", "100"), DcnLength("mnist", "3300", "550", "100"))
            }
        };
        let dev = value_name(&device);
        let dcn_args = |d: DcnLength, extra: &[&str]| -> Vec<String> {
            let mut args = vec!["--device", &dev, "--dataset", d.0, "--iterations", d.1, "--eval-every", d.2];
            // The report needs no checkpoints (~40 MB each): the runs finish in one go.
            args.extend(["--log-every", d.3, "--checkpoint-every", "0"]);
            args.extend_from_slice(extra);
            args.iter().map(|s| s.to_string()).collect()
        };
        // Variants per family: (name, flags). The quick grid keeps the first four activations and
        // optimizers and three initialisations (CPU time), the tiny grid two of each, the full grid all.
        let acts = flag_variants("--activation", &["relu", "tanh", "sigmoid", "elu", "leaky-relu", "maxout"]);
        let inits = flag_variants(
            "--init",
            &[
                "default",
                "xavier-normal",
                "kaiming-normal",
                "orthogonal",
                "xavier-uniform",
                "kaiming-uniform",
            ],
        );
        let opts: Vec<(&str, Vec<&str>)> = vec![
            ("adam 1e-4", vec![]),
            ("sgd 0.05", vec!["--optimizer", "sgd", "--lr", "0.05"]),
            ("momentum 0.01", vec!["--optimizer", "momentum", "--lr", "0.01"]),
            ("rmsprop 1e-4", vec!["--optimizer", "rmsprop", "--lr", "1e-4"]),
            ("nesterov 0.01", vec!["--optimizer", "nesterov", "--lr", "0.01"]),
            ("adagrad 0.01", vec!["--optimizer", "adagrad", "--lr", "0.01"]),
            ("adamw 1e-4", vec!["--optimizer", "adamw", "--lr", "1e-4", "--weight-decay", "0.01"]),
        ];
        let keep = |quick: usize| match grid {
            Grid::Tiny => 2,
            Grid::Quick => quick,
            Grid::Full => usize::MAX,
        };
        let family = |name: &'static str, variants: &[(&str, Vec<&str>)], keep: usize| Family {
            name,
            variants: variants
                .iter()
                .take(keep)
                .enumerate()
                .map(|(i, (v, extra))| {
                    let args = dcn_args(cmp, extra);
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    // The default configuration is one job shared by all three families.
                    let label =
                        if i == 0 { "c-default".into() } else { format!("c-{name}-{}", v.replace(' ', "-")) };
                    Config::seeded(v, &label, Program::MnistDcn, &args, &SEEDS)
                })
                .collect(),
        };
        let (deep_depths, circle_widths) = if tiny { ("1,2", "5") } else { ("1,2,4", "5,20") };
        let part1 =
            |name: &str, program: Program, args: &[&str]| Config::seeded(name, name, program, args, &SEEDS);
        let main_args = dcn_args(main, &[]);
        let main_args: Vec<&str> = main_args.iter().map(String::as_str).collect();
        Plan {
            grid,
            device,
            activations: part1(
                "e1-activations",
                Program::ThreeLayer,
                &["--activation", "tanh,sigmoid,relu", "--passes", passes],
            ),
            hidden: part1(
                "e2-hidden",
                Program::ThreeLayer,
                &["--hidden", "1,2,3,4,5,20,50", "--passes", passes],
            ),
            deep: part1(
                "f-deep",
                Program::NLayer,
                &["--dataset", "moons", "--depth", deep_depths, "--width", "10", "--activation", "tanh,relu"]
                    .into_iter()
                    .chain(["--passes", passes])
                    .collect::<Vec<_>>(),
            ),
            circles: part1(
                "f-circles",
                Program::NLayer,
                &["--dataset", "circles", "--depth", "1,3", "--width", circle_widths, "--passes", passes],
            ),
            real: real
                .iter()
                .map(|d| {
                    let args = ["--dataset", d, "--depth", "1,3", "--width", "20", "--epsilon", "0.001"];
                    let args: Vec<&str> =
                        args.into_iter().chain(["--passes", real_passes, "--no-plot"]).collect();
                    part1(&format!("f-{d}"), Program::NLayer, &args)
                })
                .collect(),
            dcn: Job::new("a-dcn", Program::MnistDcn, &main_args, 0),
            families: vec![
                family("activation", &acts, keep(4)),
                family("init", &inits, keep(3)),
                family("optimizer", &opts, keep(4)),
            ],
        }
    }

    /// Every job once, in the order they run (identical jobs in several families run once).
    pub fn all_jobs(&self) -> Vec<&Job> {
        let mut jobs: Vec<&Job> = Vec::new();
        let configs =
            [&self.activations, &self.hidden, &self.deep, &self.circles].into_iter().chain(&self.real);
        jobs.extend(configs.flat_map(|c| &c.jobs));
        jobs.push(&self.dcn);
        jobs.extend(self.families.iter().flat_map(|f| f.variants.iter().flat_map(|v| &v.jobs)));
        let mut seen = std::collections::HashSet::new();
        jobs.retain(|j| seen.insert(j.hash()));
        jobs
    }
}

/// (value, flag arguments) per value; the first is the default and passes no flag, so the default
/// run of every family is one job (same arguments, same cache entry).
fn flag_variants<'a>(flag: &'a str, values: &[&'a str]) -> Vec<(&'a str, Vec<&'a str>)> {
    values.iter().enumerate().map(|(i, &v)| (v, if i == 0 { vec![] } else { vec![flag, v] })).collect()
}
