//! The experiment grid of `make report`: which programs run with which arguments.
use crate::native::device::DeviceArg;
use crate::run::files::fnv_hex;
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Grid {
    /// Seconds: a smoke test of the whole pipeline
    Tiny,
    /// Under 10 minutes on 2 CPU cores: full Part 1, one DCN epoch, short comparison runs on 5k images
    Quick,
    /// The assignment's lengths: 20,000 DCN iterations, comparisons of 3,300 on full MNIST (use a GPU)
    Full,
}

pub struct Job {
    pub label: String,
    pub program: &'static str,
    pub args: Vec<String>,
}

impl Job {
    fn new(label: &str, program: &'static str, args: &[&str]) -> Job {
        Job { label: label.into(), program, args: args.iter().map(|s| s.to_string()).collect() }
    }

    /// FNV-1a over program, arguments and nnlab's version: the cache key.
    pub fn hash(&self) -> String {
        let key = format!("{}\0{}\0{}", env!("CARGO_PKG_VERSION"), self.program, self.args.join("\0"));
        fnv_hex(key.as_bytes())
    }
}

/// A DCN comparison: one family (activation, initialisation, optimizer), one line per variant.
pub struct Family {
    pub name: &'static str,
    pub variants: Vec<(String, Job)>,
}

pub struct Plan {
    pub activations: Job,
    pub hidden: Job,
    pub deep: Job,
    pub circles: Job,
    pub real: Vec<Job>,
    pub dcn: Job,
    pub families: Vec<Family>,
}

impl Plan {
    pub fn new(grid: Grid, device: DeviceArg) -> Plan {
        let (passes, real_passes) = match grid {
            Grid::Tiny => ("300", "300"),
            _ => ("20000", "5000"),
        };
        let dev = match device {
            DeviceArg::Cpu => "cpu",
            DeviceArg::Cuda => "cuda",
        };
        let real: &[&str] =
            if grid == Grid::Tiny { &["iris"] } else { &["iris", "wine", "breast-cancer", "digits"] };
        // (dataset, iterations, eval-every, log-every) of the main run and of each comparison run.
        let (main, cmp) = match grid {
            Grid::Tiny => (("mnist5k", "40", "20", "20"), ("mnist5k", "20", "10", "10")),
            Grid::Quick => (("mnist", "1100", "275", "100"), ("mnist5k", "300", "50", "100")),
            Grid::Full => (("mnist", "20000", "1100", "100"), ("mnist", "3300", "550", "100")),
        };
        let dcn = |label: &str, d: (&str, &str, &str, &str), extra: &[&str]| {
            let mut args = vec![
                "--device",
                dev,
                "--dataset",
                d.0,
                "--iterations",
                d.1,
                "--eval-every",
                d.2,
                "--log-every",
                d.3,
            ];
            args.extend_from_slice(extra);
            Job::new(label, "mnist_dcn", &args)
        };
        // The tiny grid keeps the first two variants of each family.
        let n = if grid == Grid::Tiny { 2 } else { usize::MAX };
        let family = |name: &'static str, variants: &[(&str, Vec<&str>)]| Family {
            name,
            variants: variants
                .iter()
                .take(n)
                .map(|(v, extra)| (v.to_string(), dcn(&format!("{name}-{v}"), cmp, extra)))
                .collect(),
        };
        let acts = flag_variants("--activation", &["relu", "tanh", "sigmoid", "leaky-relu", "elu", "maxout"]);
        let inits = flag_variants(
            "--init",
            &[
                "default",
                "xavier-uniform",
                "xavier-normal",
                "kaiming-uniform",
                "kaiming-normal",
                "orthogonal",
            ],
        );
        let opts: Vec<(&str, Vec<&str>)> = vec![
            ("adam 1e-4", vec![]),
            ("sgd 0.05", vec!["--optimizer", "sgd", "--lr", "0.05"]),
            ("adamw 1e-4", vec!["--optimizer", "adamw", "--lr", "1e-4", "--weight-decay", "0.01"]),
            ("rmsprop 1e-4", vec!["--optimizer", "rmsprop", "--lr", "1e-4"]),
            ("adagrad 0.01", vec!["--optimizer", "adagrad", "--lr", "0.01"]),
            ("momentum 0.01", vec!["--optimizer", "momentum", "--lr", "0.01"]),
            ("nesterov 0.01", vec!["--optimizer", "nesterov", "--lr", "0.01"]),
        ];
        let tiny = grid == Grid::Tiny;
        let (deep_depths, circle_widths) = if tiny { ("1,2", "5") } else { ("1,2,4", "5,20") };
        Plan {
            activations: Job::new(
                "activations",
                "three_layer",
                &["--activation", "tanh,sigmoid,relu", "--passes", passes],
            ),
            hidden: Job::new("hidden", "three_layer", &["--hidden", "1,2,3,4,5,20,50", "--passes", passes]),
            deep: Job::new(
                "deep",
                "n_layer",
                &[
                    "--dataset",
                    "moons",
                    "--depth",
                    deep_depths,
                    "--width",
                    "10",
                    "--activation",
                    "tanh,relu",
                    "--passes",
                    passes,
                ],
            ),
            circles: Job::new(
                "circles",
                "n_layer",
                &["--dataset", "circles", "--depth", "1,3", "--width", circle_widths, "--passes", passes],
            ),
            real: real
                .iter()
                .map(|d| {
                    Job::new(
                        d,
                        "n_layer",
                        &[
                            "--dataset",
                            d,
                            "--depth",
                            "1,3",
                            "--width",
                            "20",
                            "--epsilon",
                            "0.001",
                            "--passes",
                            real_passes,
                            "--no-plot",
                        ],
                    )
                })
                .collect(),
            dcn: dcn("dcn", main, &[]),
            families: vec![family("activation", &acts), family("init", &inits), family("optimizer", &opts)],
        }
    }

    pub fn all_jobs(&self) -> Vec<&Job> {
        let mut jobs = vec![&self.activations, &self.hidden, &self.deep, &self.circles];
        jobs.extend(&self.real);
        jobs.push(&self.dcn);
        jobs.extend(self.families.iter().flat_map(|f| f.variants.iter().map(|(_, j)| j)));
        jobs
    }
}

/// (value, flag arguments) per value; the first is the default and passes no flag, so the default
/// run of every family is one job (same arguments, same cache entry).
fn flag_variants<'a>(flag: &'a str, values: &[&'a str]) -> Vec<(&'a str, Vec<&'a str>)> {
    values.iter().enumerate().map(|(i, &v)| (v, if i == 0 { vec![] } else { vec![flag, v] })).collect()
}
