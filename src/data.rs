//! Part 1 data: Make-Moons, circles, and tabular CSVs (scikit-learn's bundled datasets or the user's).
use crate::rng::Rng;
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

/// Features with labels, plus what backprop needs every pass in derived form (computed once per fit,
/// not once per pass).
pub struct LabeledData {
    /// [N, D] f64
    pub x: Tensor,
    /// [N] i64 class indices
    pub y: Tensor,
    /// [N, K] f64
    pub y_onehot: Tensor,
    pub num_classes: i64,
}

impl LabeledData {
    pub fn new(x: Tensor, y: Tensor, num_classes: i64) -> Self {
        let y_onehot = y.one_hot(num_classes).to_kind(Kind::Double);
        LabeledData { x, y, y_onehot, num_classes }
    }
    pub fn len(&self) -> i64 {
        self.x.size()[0]
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn dim(&self) -> i64 {
        self.x.size()[1]
    }
    pub fn accuracy(&self, predicted: &Tensor) -> f64 {
        predicted.eq_tensor(&self.y).to_kind(Kind::Double).mean(Kind::Double).double_value(&[])
    }
    fn select(&self, idx: &Tensor) -> LabeledData {
        LabeledData::new(self.x.index_select(0, idx), self.y.index_select(0, idx), self.num_classes)
    }
}

/// sklearn.datasets.make_moons: two interleaving half circles, shuffled, with Gaussian noise.
pub fn make_moons(n_samples: i64, noise: f64, seed: u64) -> LabeledData {
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let t_out = Tensor::linspace(0.0, std::f64::consts::PI, n_out, (Kind::Double, Device::Cpu));
    let t_in = Tensor::linspace(0.0, std::f64::consts::PI, n_in, (Kind::Double, Device::Cpu));
    let outer = Tensor::stack(&[t_out.cos(), t_out.sin()], 1);
    let inner = Tensor::stack(&[1.0 - t_in.cos(), 1.0 - t_in.sin() - 0.5], 1);
    let x = Tensor::cat(&[outer, inner], 0);
    let y = Tensor::cat(&[Tensor::zeros([n_out], (Kind::Int64, Device::Cpu)), Tensor::ones([n_in], (Kind::Int64, Device::Cpu))], 0);
    shuffled_with_noise(x, y, noise, seed)
}

/// sklearn.datasets.make_circles: a small circle inside a large one.
pub fn make_circles(n_samples: i64, noise: f64, factor: f64, seed: u64) -> LabeledData {
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let ring = |n: i64, r: f64| {
        let t = Tensor::linspace(0.0, 2.0 * std::f64::consts::PI, n + 1, (Kind::Double, Device::Cpu)).narrow(0, 0, n);
        Tensor::stack(&[t.cos() * r, t.sin() * r], 1)
    };
    let x = Tensor::cat(&[ring(n_out, 1.0), ring(n_in, factor)], 0);
    let y = Tensor::cat(&[Tensor::zeros([n_out], (Kind::Int64, Device::Cpu)), Tensor::ones([n_in], (Kind::Int64, Device::Cpu))], 0);
    shuffled_with_noise(x, y, noise, seed)
}

fn shuffled_with_noise(x: Tensor, y: Tensor, noise: f64, seed: u64) -> LabeledData {
    let mut rng = Rng::new(seed);
    let perm = Tensor::from_slice(&rng.permutation(x.size()[0] as usize));
    let x = x.index_select(0, &perm) + rng.randn(&x.size()) * noise;
    LabeledData::new(x, y.index_select(0, &perm), 2)
}

/// A numeric CSV, label in the last column. A first line with any non-numeric field is a header
/// (scikit-learn's files start with "n_samples,n_features,class names…"). `.gz` is decompressed.
pub struct Table {
    pub features: Vec<f64>,
    pub labels: Vec<i64>,
    pub rows: usize,
    pub cols: usize,
    /// Original label values, in the order of the class indices in `labels`.
    pub classes: Vec<f64>,
}

pub fn read_csv(path: &Path) -> Result<Table> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn Read> =
        if path.extension().is_some_and(|e| e == "gz") { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    parse_csv(BufReader::new(reader), &path.display().to_string())
}

pub fn parse_csv(reader: impl BufRead, name: &str) -> Result<Table> {
    let (mut features, mut raw_labels, mut cols) = (Vec::new(), Vec::new(), 0usize);
    let mut lines = reader.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let lineno = i + 1;
        let line = line.with_context(|| format!("{name}:{lineno}: cannot read (not text, or a corrupt .gz)"))?;
        let line = line.trim();
        if line.is_empty() {
            if lines.peek().is_none() {
                break;
            }
            bail!("{name}:{lineno}: empty row");
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let parsed: Vec<Option<f64>> = fields.iter().map(|f| f.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        if lineno == 1 && parsed.iter().any(Option::is_none) {
            continue;
        }
        if cols == 0 {
            if fields.len() < 2 {
                bail!("{name}:{lineno}: a row needs at least one feature and a label, found {} field", fields.len());
            }
            cols = fields.len();
        } else if fields.len() != cols {
            bail!("{name}:{lineno}: expected {cols} fields like the first row, found {}", fields.len());
        }
        for (j, v) in parsed.iter().enumerate() {
            if v.is_none() {
                bail!("{name}:{lineno}: field {} ({:?}) is not a finite number", j + 1, fields[j]);
            }
        }
        let label = parsed[cols - 1].unwrap();
        if label.fract() != 0.0 {
            bail!("{name}:{lineno}: label {label} in the last column is not a whole number");
        }
        features.extend(parsed[..cols - 1].iter().map(|v| v.unwrap()));
        raw_labels.push(label);
    }
    if raw_labels.is_empty() {
        bail!("{name}: no data rows");
    }
    let mut classes = raw_labels.clone();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    if classes.len() < 2 {
        bail!("{name}: every row has label {}; classification needs at least two classes", classes[0]);
    }
    let labels = raw_labels.iter().map(|l| classes.iter().position(|c| c == l).unwrap() as i64).collect();
    Ok(Table { rows: raw_labels.len(), cols: cols - 1, features, labels, classes })
}

impl Table {
    pub fn into_data(self) -> LabeledData {
        let x = Tensor::from_slice(&self.features).view([self.rows as i64, self.cols as i64]);
        LabeledData::new(x, Tensor::from_slice(&self.labels), self.classes.len() as i64)
    }
}

/// Data sets the n-layer program knows by name; `Csv` is the user's own file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetName {
    Moons,
    Circles,
    Iris,
    Wine,
    BreastCancer,
    Digits,
}

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
        match self {
            DatasetName::Moons => Ok(make_moons(n_samples, noise, seed)),
            DatasetName::Circles => Ok(make_circles(n_samples, noise, 0.5, seed)),
            _ => {
                let path: PathBuf = data_dir.join(self.file().unwrap());
                if !path.exists() {
                    bail!("{} not found: run `scripts/setup` (or `make setup`) to fetch scikit-learn's data sets", path.display());
                }
                Ok(read_csv(&path)?.into_data())
            }
        }
    }
}

/// A seeded shuffle split into (train, test), test getting `test_fraction` of the rows.
pub fn train_test_split(d: &LabeledData, test_fraction: f64, seed: u64) -> (LabeledData, LabeledData) {
    let perm = Tensor::from_slice(&Rng::new(seed).permutation(d.len() as usize));
    let n_test = ((d.len() as f64) * test_fraction).round().max(1.0) as i64;
    (d.select(&perm.narrow(0, n_test, d.len() - n_test)), d.select(&perm.narrow(0, 0, n_test)))
}

/// Scales every feature to zero mean, unit variance with the training set's statistics
/// (constant features are left centred, not divided by zero).
pub fn standardize(train: &mut LabeledData, others: &mut [&mut LabeledData]) {
    let mean = train.x.mean_dim(0, true, Kind::Double);
    let std = train.x.std_dim(0, false, true).clamp_min(1e-12);
    train.x = (&train.x - &mean) / &std;
    for d in others {
        d.x = (&d.x - &mean) / &std;
    }
}
