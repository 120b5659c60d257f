//! The report's plan: every grid's jobs are built and checked, their command lines rendered from
//! their typed configurations, and a bad configuration fails when the plan is made.
use super::*;
use crate::dcn::optim::OptimizerKind;
use clap::{Args, FromArgMatches};

const GRIDS: [Grid; 4] = [Grid::Tiny, Grid::Quick, Grid::Standard, Grid::Full];

fn parse<T: Args + FromArgMatches>(args: &[String]) -> T {
    let m = T::augment_args(clap::Command::new("t").no_binary_name(true)).get_matches_from(args);
    T::from_arg_matches(&m).unwrap()
}

#[test]
fn every_grid_builds_and_each_job_renders_its_own_configuration() {
    for grid in GRIDS {
        let plan = Plan::new(grid, DeviceArg::Cpu).unwrap();
        for job in plan.all_jobs() {
            // What the program will read from the arguments is the job's configuration (the seed,
            // --runs and --quiet are the report's).
            match job.config() {
                RunConfig::MnistDcn(c) => {
                    let read: TrainConfig = parse(&job.args);
                    assert_eq!(TrainConfig { seed: c.seed, ..read }, *c, "{}", job.label);
                }
                RunConfig::ThreeLayer(a) => {
                    let mut read: ThreeLayerArgs = parse(&job.args);
                    read.gd.seed = a.gd.seed;
                    assert_eq!(read, *a, "{}", job.label);
                }
                RunConfig::NLayer(a) => {
                    let mut read: NLayerArgs = parse(&job.args);
                    read.gd.seed = a.gd.seed;
                    assert_eq!(read, *a, "{}", job.label);
                }
            }
            assert!(!job.args.iter().any(|a| a == "--seed" || a == "--runs" || a == "--quiet"), "{job:?}");
        }
    }
}

#[test]
fn a_job_with_a_bad_setting_fails_when_it_is_made() {
    let bad = TrainConfig { batch_size: 0, ..TrainConfig::default() };
    let e = Job::new("a-dcn", RunConfig::MnistDcn(bad), 0).unwrap_err();
    assert_eq!(
        crate::cli::error_line(&e),
        "report job a-dcn-s0: --batch-size must be between 1 and 10000, got 0"
    );
    let bad = ThreeLayerArgs { hidden: CommaList(vec![0]), ..ThreeLayerArgs::default() };
    assert!(Job::new("e2", RunConfig::ThreeLayer(bad), 1).is_err());
}

#[test]
fn the_jobs_seed_is_its_configurations() {
    let job = Job::new("x", RunConfig::MnistDcn(TrainConfig::default()), 2).unwrap();
    assert_eq!((job.label.as_str(), job.seed), ("x-s2", 2));
    let RunConfig::MnistDcn(c) = job.config() else { panic!() };
    assert_eq!(c.seed, 2);
}

#[test]
fn the_cache_key_is_what_runs() {
    let job = |seed, lr| {
        let cfg = TrainConfig {
            optimizer: crate::dcn::optim::OptimConfig { lr, ..Default::default() },
            ..Default::default()
        };
        Job::new("x", RunConfig::MnistDcn(cfg), seed).unwrap()
    };
    assert_eq!(job(0, 1e-4).hash(), job(0, 1e-4).hash());
    assert_ne!(job(0, 1e-4).hash(), job(1, 1e-4).hash(), "the seed");
    assert_ne!(job(0, 1e-4).hash(), job(0, 1e-3).hash(), "a setting");
    assert_eq!(job(0, 1e-4).hash().len(), 16);
}

#[test]
fn part_c_variants_change_one_setting_of_the_shared_default() {
    let plan = Plan::new(Grid::Full, DeviceArg::Cpu).unwrap();
    let dcn = |c: &Config| match c.config() {
        RunConfig::MnistDcn(c) => c.clone(),
        other => panic!("{other:?}"),
    };
    let default = dcn(&plan.families[0].variants[0]);
    for family in &plan.families {
        assert_eq!(dcn(&family.variants[0]), default, "{}: the first variant is the default", family.name);
        assert_eq!(family.variants[0].jobs[0].label, "c-default-s0");
    }
    let sgd = dcn(&plan.families[2].variants[1]);
    assert_eq!((sgd.optimizer.kind, sgd.optimizer.lr), (OptimizerKind::Sgd, 0.05));
    assert_eq!(TrainConfig { optimizer: default.optimizer.clone(), ..sgd }, default);
    assert_eq!((default.checkpoint_every, default.iterations), (0, Some(3300)));
}

#[test]
fn the_tiny_grid_is_small_and_shares_its_default_job() {
    let plan = Plan::new(Grid::Tiny, DeviceArg::Cpu).unwrap();
    let jobs = plan.all_jobs();
    assert_eq!(jobs[0].label, "a-dcn-s0");
    let defaults = jobs.iter().filter(|j| j.label.starts_with("c-default")).count();
    assert_eq!(defaults, SEEDS.len(), "the default runs once per seed for all three families");
    assert_eq!(plan.activations.config().gd().unwrap().passes, 300);
    assert_eq!(plan.real.len(), 1);
    let RunConfig::NLayer(iris) = plan.real[0].config() else { panic!() };
    assert_eq!((iris.dataset, iris.gd.epsilon, iris.gd.no_plot), (DatasetName::Iris, 0.001, true));
}

#[test]
fn the_device_reaches_every_dcn_job() {
    let plan = Plan::new(Grid::Quick, DeviceArg::Cuda).unwrap();
    for job in plan.all_jobs().into_iter().filter(|j| j.program == Program::MnistDcn) {
        let i = job.args.iter().position(|a| a == "--device").unwrap();
        assert_eq!(job.args[i + 1], "cuda", "{}", job.label);
    }
}
