//! The experiment grid of `make report`: which program runs with which arguments and seeds.
//!
//! Every configuration that the report compares runs with [`SEEDS`] (3 seeds), so that each
//! difference it reports comes with its spread; the main DCN run, which nothing is compared with,
//! runs once.
use crate::cli::value_name;
use crate::fs::names::fnv_hex;
use crate::native::device::DeviceArg;
use crate::report::variants::{Variant, FAMILIES};
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Grid {
    /// About a minute on 2 CPU cores: every section of the report from tiny runs (a smoke test)
    Tiny,
    /// About 10 minutes on 2 CPU cores: Part 1 as the assignment says, one DCN epoch on MNIST, and
    /// every part (c) method the assignment names, 400 iterations each on the 5,000-image subset
    Quick,
    /// Under an hour on 2 CPU cores: the quick grid's Part 1, the assignment's 20,000-iteration DCN on
    /// MNIST, and every part (c) method the assignment names, 1,500 iterations each on full MNIST
    Standard,
    /// The assignment's lengths and every variant nnlab has: the 20,000-iteration DCN and each variant
    /// for 3,300 iterations on full MNIST (use DEVICE=cuda)
    Full,
}

/// How long a DCN run trains, and how often it is evaluated and monitored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DcnLength {
    pub dataset: &'static str,
    pub iterations: u32,
    pub eval_every: u32,
    pub log_every: u32,
}

const fn len(dataset: &'static str, iterations: u32, eval_every: u32, log_every: u32) -> DcnLength {
    DcnLength { dataset, iterations, eval_every, log_every }
}

/// Which part (c) variants a grid runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variants {
    /// The default and one other per family.
    Two,
    /// The methods the assignment names.
    Named,
    /// Every variant nnlab has.
    All,
}

impl Grid {
    /// (part (a) and (b)'s run, each part (c) run). The comparison runs are monitored and evaluated
    /// less often than the main run: the time goes into training, not into logging.
    pub fn lengths(self) -> (DcnLength, DcnLength) {
        match self {
            Grid::Tiny => (len("mnist5k", 40, 20, 20), len("mnist5k", 20, 10, 10)),
            Grid::Quick => (len("mnist", 1100, 275, 100), len("mnist5k", QUICK_CMP, 50, 100)),
            Grid::Standard => (len("mnist", 20000, 2000, 500), len("mnist", STD_CMP, 500, 250)),
            Grid::Full => (len("mnist", 20000, 1100, 100), len("mnist", 3300, 550, 100)),
        }
    }

    fn variants(self) -> Variants {
        match self {
            Grid::Tiny => Variants::Two,
            Grid::Quick | Grid::Standard => Variants::Named,
            Grid::Full => Variants::All,
        }
    }
}

/// Iterations of each part (c) run in the quick and the standard grid.
const QUICK_CMP: u32 = 400;
const STD_CMP: u32 = 1500;

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
        let (main, cmp) = grid.lengths();
        let dev = value_name(&device);
        let dcn_args = |d: DcnLength, extra: &[&str]| -> Vec<String> {
            let (it, eval, log) =
                (d.iterations.to_string(), d.eval_every.to_string(), d.log_every.to_string());
            let mut args = vec!["--device", &dev, "--dataset", d.dataset, "--iterations", &it];
            // The report needs no checkpoints (~40 MB each): the runs finish in one go.
            args.extend(["--eval-every", &eval, "--log-every", &log, "--checkpoint-every", "0"]);
            args.extend_from_slice(extra);
            args.iter().map(|s| s.to_string()).collect()
        };
        let family = |(name, variants): (&'static str, &[Variant])| Family {
            name,
            variants: variants
                .iter()
                .filter(|v| grid.variants() != Variants::Named || v.named)
                .take(if grid.variants() == Variants::Two { 2 } else { usize::MAX })
                .enumerate()
                .map(|(i, v)| {
                    let args = dcn_args(cmp, v.flags);
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    // The default configuration is one job shared by all three families.
                    let label = if i == 0 {
                        "c-default".into()
                    } else {
                        format!("c-{name}-{}", v.name.replace(' ', "-"))
                    };
                    Config::seeded(v.name, &label, Program::MnistDcn, &args, &SEEDS)
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
            families: FAMILIES.into_iter().map(family).collect(),
        }
    }

    /// Every job once, in the order they run (identical jobs in several families run once): the
    /// main DCN run, the longest, first, so that the other workers fill the time it takes.
    pub fn all_jobs(&self) -> Vec<&Job> {
        let mut jobs: Vec<&Job> = vec![&self.dcn];
        let configs =
            [&self.activations, &self.hidden, &self.deep, &self.circles].into_iter().chain(&self.real);
        jobs.extend(configs.flat_map(|c| &c.jobs));
        jobs.extend(self.families.iter().flat_map(|f| f.variants.iter().flat_map(|v| &v.jobs)));
        let mut seen = std::collections::HashSet::new();
        jobs.retain(|j| seen.insert(j.hash()));
        jobs
    }
}
