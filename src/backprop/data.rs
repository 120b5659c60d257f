//! Part 1 data: Make-Moons, circles, scikit-learn's real data sets and the user's CSV, as tensors.
use crate::data::csv::read_csv;
pub use crate::data::labeled::{LabeledData, MAX_FEATURE};
use crate::data::rng::Rng;
use anyhow::{bail, Result};
use clap::ValueEnum;
use std::path::Path;
use tch::{Device, Kind, Tensor};

/// sklearn.datasets.make_moons: two interleaving half circles, shuffled, with Gaussian noise.
pub fn make_moons(n_samples: i64, noise: f64, seed: u64) -> LabeledData {
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let t_out = Tensor::linspace(0.0, std::f64::consts::PI, n_out, (Kind::Double, Device::Cpu));
    let t_in = Tensor::linspace(0.0, std::f64::consts::PI, n_in, (Kind::Double, Device::Cpu));
    let outer = Tensor::stack(&[t_out.cos(), t_out.sin()], 1);
    let inner = Tensor::stack(&[1.0 - t_in.cos(), 1.0 - t_in.sin() - 0.5], 1);
    shuffled_with_noise(Tensor::cat(&[outer, inner], 0), two_classes(n_out, n_in), noise, seed)
}

/// sklearn.datasets.make_circles: a small circle inside a large one.
pub fn make_circles(n_samples: i64, noise: f64, factor: f64, seed: u64) -> LabeledData {
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let ring = |n: i64, r: f64| {
        let t = Tensor::linspace(0.0, 2.0 * std::f64::consts::PI, n + 1, (Kind::Double, Device::Cpu))
            .narrow(0, 0, n);
        Tensor::stack(&[t.cos() * r, t.sin() * r], 1)
    };
    let x = Tensor::cat(&[ring(n_out, 1.0), ring(n_in, factor)], 0);
    shuffled_with_noise(x, two_classes(n_out, n_in), noise, seed)
}

fn two_classes(zeros: i64, ones: i64) -> Tensor {
    Tensor::cat(
        &[
            Tensor::zeros([zeros], (Kind::Int64, Device::Cpu)),
            Tensor::ones([ones], (Kind::Int64, Device::Cpu)),
        ],
        0,
    )
}

fn shuffled_with_noise(x: Tensor, y: Tensor, noise: f64, seed: u64) -> LabeledData {
    let mut rng = Rng::new(seed);
    let perm = Tensor::from_slice(&rng.permutation(x.size()[0] as usize));
    let x = x.index_select(0, &perm) + rng.randn(&x.size()) * noise;
    LabeledData::new(x, y.index_select(0, &perm), 2)
}

/// Data sets the n-layer program knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DatasetName {
    Moons,
    Circles,
    Iris,
    Wine,
    BreastCancer,
    Digits,
}

crate::clap_names!(DatasetName);

impl DatasetName {
    pub fn is_2d(self) -> bool {
        matches!(self, DatasetName::Moons | DatasetName::Circles)
    }
    fn file(self) -> Option<&'static str> {
        match self {
            DatasetName::Iris => Some("iris.csv"),
            DatasetName::Wine => Some("wine_data.csv"),
            DatasetName::BreastCancer => Some("breast_cancer.csv"),
            DatasetName::Digits => Some("digits.csv.gz"),
            _ => None,
        }
    }
    /// Full data set. `data_dir` holds scikit-learn's CSVs (scripts/setup puts them in data/sklearn).
    pub fn load(self, data_dir: &Path, n_samples: i64, noise: f64, seed: u64) -> Result<LabeledData> {
        if let Some(file) = self.file() {
            let path = data_dir.join(file);
            if !path.exists() {
                bail!(
                    "{} not found: run `scripts/setup` (or `make setup`) to fetch scikit-learn's data sets",
                    path.display()
                );
            }
            return Ok(read_csv(&path)?.into_data());
        }
        Ok(match self {
            DatasetName::Circles => make_circles(n_samples, noise, 0.5, seed),
            _ => make_moons(n_samples, noise, seed),
        })
    }
}

/// A seeded shuffle split into (train, test), test getting `test_fraction` of the rows (at least one
/// row each).
pub fn train_test_split(
    d: &LabeledData,
    test_fraction: f64,
    seed: u64,
) -> Result<(LabeledData, LabeledData)> {
    let n = d.len();
    let n_test = ((n as f64) * test_fraction).round().max(1.0) as i64;
    if n_test >= n {
        bail!("{n} rows with --test-fraction {test_fraction} leave no training rows");
    }
    let perm = Tensor::from_slice(&Rng::new(seed).permutation(n as usize));
    Ok((d.select(&perm.narrow(0, n_test, n - n_test)), d.select(&perm.narrow(0, 0, n_test))))
}

/// Scales every feature to zero mean, unit variance with the training set's statistics
/// (constant features are left centred, not divided by zero). See [`standardize_checked`] for data
/// that may be too large to scale.
pub fn standardize(train: &mut LabeledData, others: &mut [&mut LabeledData]) {
    let (mean, std) = moments(train);
    for d in std::iter::once(train).chain(others.iter_mut().map(|d| &mut **d)) {
        d.x = (&d.x - &mean) / &std;
    }
}

/// [`standardize`], refusing data it would corrupt: a column whose mean or spread overflows a double
/// (values such as ±1e308; dividing by an infinite spread would quietly turn the column into zeros),
/// or whose scaled values overflow.
pub fn standardize_checked(train: &mut LabeledData, others: &mut [&mut LabeledData]) -> Result<()> {
    let (mean, std) = moments(train);
    let stats: Vec<f64> = Vec::try_from(Tensor::cat(&[&mean, &std], 0).flatten(0, -1))?;
    let cols = stats.len() / 2;
    if let Some(j) = (0..cols).find(|&j| !stats[j].is_finite() || !stats[cols + j].is_finite()) {
        bail!("feature column {}: its values are too large to standardise (mean or spread overflows)", j + 1);
    }
    for d in std::iter::once(train).chain(others.iter_mut().map(|d| &mut **d)) {
        d.x = (&d.x - &mean) / &std;
        let finite: Vec<bool> = Vec::try_from(d.x.isfinite().all_dim(0, false))?;
        if let Some(j) = finite.iter().position(|ok| !ok) {
            bail!("feature column {}: a value overflows when standardised", j + 1);
        }
    }
    Ok(())
}

/// The training set's per-feature mean and spread (at least 1e-12), as [1, D] rows.
fn moments(train: &LabeledData) -> (Tensor, Tensor) {
    (train.x.mean_dim(0, true, Kind::Double), train.x.std_dim(0, false, true).clamp_min(1e-12))
}
