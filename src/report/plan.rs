//! The experiment grid of `make report`: which program runs with which arguments and seeds.
//!
//! Every configuration that the report compares runs with [`SEEDS`] (3 seeds), so that each
//! difference it reports comes with its spread; the main DCN run, which nothing is compared with,
//! runs once.
use crate::backprop::activation::Activation::{Relu, Sigmoid, Tanh};
use crate::backprop::args::{GdArgs, NLayerArgs, ThreeLayerArgs};
use crate::backprop::data::DatasetName::{self, BreastCancer, Circles, Digits, Iris, Moons, Wine};
use crate::cli::CommaList;
use crate::dcn::mnist::DatasetKind::{self, Mnist, Mnist5k};
use crate::dcn::train::TrainConfig;
use crate::native::device::DeviceArg;
pub use crate::report::job::{Job, Program, RunConfig};
use crate::report::variants::{Variant, FAMILIES};
use anyhow::Result;
use clap::ValueEnum;

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

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

crate::clap_names!(Grid);

/// How long a DCN run trains, and how often it is evaluated and monitored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DcnLength {
    pub dataset: DatasetKind,
    pub iterations: i64,
    pub eval_every: i64,
    pub log_every: i64,
}

const fn len(dataset: DatasetKind, iterations: i64, eval_every: i64, log_every: i64) -> DcnLength {
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
            Grid::Tiny => (len(Mnist5k, 40, 20, 20), len(Mnist5k, 20, 10, 10)),
            Grid::Quick => (len(Mnist, 1100, 275, 100), len(Mnist5k, QUICK_CMP, 50, 100)),
            Grid::Standard => (len(Mnist, 20000, 2000, 500), len(Mnist, STD_CMP, 500, 250)),
            Grid::Full => (len(Mnist, 20000, 1100, 100), len(Mnist, 3300, 550, 100)),
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
const QUICK_CMP: i64 = 400;
const STD_CMP: i64 = 1500;

/// The seeds every compared configuration runs with.
pub const SEEDS: [u64; 3] = [0, 1, 2];

/// One configuration, run once per seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub name: String,
    pub jobs: Vec<Job>,
}

impl Config {
    fn seeded(name: &str, label: &str, config: RunConfig, seeds: &[u64]) -> Result<Config> {
        let jobs = seeds.iter().map(|&s| Job::new(label, config.clone(), s)).collect::<Result<_>>()?;
        Ok(Config { name: name.into(), jobs })
    }

    /// The configuration its jobs share (but the seed).
    pub fn config(&self) -> &RunConfig {
        self.jobs[0].config()
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
    /// The grid's jobs, every configuration checked.
    pub fn new(grid: Grid, device: DeviceArg) -> Result<Plan> {
        let tiny = grid == Grid::Tiny;
        // Part 1 as the assignment says (the flags' defaults) but in the tiny grid.
        let assignment = GdArgs::default().passes;
        let (passes, real_passes) = if tiny { (300, 300) } else { (assignment, 5000) };
        let real: &[DatasetName] = if tiny { &[Iris] } else { &[Iris, Wine, BreastCancer, Digits] };
        let (main, cmp) = grid.lengths();
        let dcn = |d: DcnLength| TrainConfig {
            device,
            dataset: d.dataset,
            iterations: Some(d.iterations),
            eval_every: d.eval_every,
            log_every: d.log_every,
            // The report needs no checkpoints (~40 MB each): the runs finish in one go.
            checkpoint_every: 0,
            ..TrainConfig::default()
        };
        let family = |(name, variants): (&'static str, &[Variant])| -> Result<Family> {
            let variants = variants
                .iter()
                .filter(|v| grid.variants() != Variants::Named || v.named)
                .take(if grid.variants() == Variants::Two { 2 } else { usize::MAX })
                .enumerate()
                .map(|(i, v)| {
                    let mut cfg = dcn(cmp);
                    (v.set)(&mut cfg);
                    // The default configuration is one job shared by all three families.
                    let label = if i == 0 {
                        "c-default".into()
                    } else {
                        format!("c-{name}-{}", v.name.replace(' ', "-"))
                    };
                    Config::seeded(v.name, &label, RunConfig::MnistDcn(cfg), &SEEDS)
                })
                .collect::<Result<_>>()?;
            Ok(Family { name, variants })
        };
        let list = |v: &[i64]| CommaList(v.to_vec());
        let (deep_depths, circle_widths) =
            if tiny { (list(&[1, 2]), list(&[5])) } else { (list(&[1, 2, 4]), list(&[5, 20])) };
        let three = |set: &dyn Fn(&mut ThreeLayerArgs)| {
            let mut a =
                ThreeLayerArgs { gd: GdArgs { passes, ..GdArgs::default() }, ..ThreeLayerArgs::default() };
            set(&mut a);
            RunConfig::ThreeLayer(a)
        };
        let n_layer = |set: &dyn Fn(&mut NLayerArgs)| {
            let mut a = NLayerArgs { gd: GdArgs { passes, ..GdArgs::default() }, ..NLayerArgs::default() };
            set(&mut a);
            RunConfig::NLayer(a)
        };
        let part1 = |name: &str, config: RunConfig| Config::seeded(name, name, config, &SEEDS);
        Ok(Plan {
            grid,
            device,
            activations: part1(
                "e1-activations",
                three(&|a| a.gd.activation = CommaList(vec![Tanh, Sigmoid, Relu])),
            )?,
            hidden: part1("e2-hidden", three(&|a| a.hidden = list(&[1, 2, 3, 4, 5, 20, 50])))?,
            deep: part1(
                "f-deep",
                n_layer(&|a| {
                    (a.dataset, a.depth, a.width) = (Moons, deep_depths.clone(), list(&[10]));
                    a.gd.activation = CommaList(vec![Tanh, Relu]);
                }),
            )?,
            circles: part1(
                "f-circles",
                n_layer(&|a| (a.dataset, a.depth, a.width) = (Circles, list(&[1, 3]), circle_widths.clone())),
            )?,
            real: real
                .iter()
                .map(|&d| {
                    let config = n_layer(&|a| {
                        (a.dataset, a.depth, a.width) = (d, list(&[1, 3]), list(&[20]));
                        (a.gd.epsilon, a.gd.passes, a.gd.no_plot) = (0.001, real_passes, true);
                    });
                    part1(&format!("f-{d}"), config)
                })
                .collect::<Result<_>>()?,
            dcn: Job::new("a-dcn", RunConfig::MnistDcn(dcn(main)), 0)?,
            families: FAMILIES.into_iter().map(family).collect::<Result<_>>()?,
        })
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
