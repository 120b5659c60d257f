//! Means, spreads and the comparisons the report's text makes ([`ranking_text`] words them): a
//! difference is called real only when Welch's t-test over the seeds says so at the 5% level;
//! otherwise the text says it is within noise.
use std::fmt;

/// A value measured once per seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub values: Vec<f64>,
}

impl Summary {
    pub fn new(values: impl IntoIterator<Item = f64>) -> Summary {
        Summary { values: values.into_iter().filter(|v| v.is_finite()).collect() }
    }
    pub fn n(&self) -> usize {
        self.values.len()
    }
    pub fn mean(&self) -> f64 {
        self.values.iter().sum::<f64>() / self.n() as f64
    }
    /// Sample standard deviation (n − 1); 0 for a single value.
    pub fn sd(&self) -> f64 {
        if self.n() < 2 {
            return 0.0;
        }
        let m = self.mean();
        (self.values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (self.n() - 1) as f64).sqrt()
    }
    /// "mean ± sd" with `digits` decimals, scaled by `scale` (100 for percentages).
    pub fn show(&self, scale: f64, digits: usize) -> String {
        if self.n() == 0 {
            return "n/a".into();
        }
        format!("{:.digits$} ± {:.digits$}", self.mean() * scale, self.sd() * scale)
    }
}

/// How two configurations compare on one measure.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// mean(b) − mean(a)
    pub diff: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// Whether Welch's t-test rejects "no difference" at the 5% level (two-sided).
    pub significant: bool,
}

/// Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
    2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

fn t_critical(df: f64) -> f64 {
    let k = df.floor().max(1.0) as usize;
    if k > T975.len() {
        1.96
    } else {
        T975[k - 1]
    }
}

/// Welch's t-test of b against a.
pub fn compare(a: &Summary, b: &Summary) -> Comparison {
    let diff = b.mean() - a.mean();
    let (va, vb) = (a.sd().powi(2) / a.n() as f64, b.sd().powi(2) / b.n() as f64);
    let se = (va + vb).sqrt();
    if a.n() < 2 || b.n() < 2 {
        return Comparison { diff, se, significant: false };
    }
    if se == 0.0 {
        return Comparison { diff, se, significant: diff != 0.0 };
    }
    // Welch–Satterthwaite degrees of freedom.
    let df = (va + vb).powi(2) / (va.powi(2) / (a.n() - 1) as f64 + vb.powi(2) / (b.n() - 1) as f64);
    Comparison { diff, se, significant: (diff / se).abs() > t_critical(df) }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.significant { "a real difference" } else { "within noise" };
        write!(f, "{:+.3} ± {:.3}, {verdict}", self.diff, self.se)
    }
}

/// Sorts `(name, summary)` pairs by mean, lowest first (NaN last).
pub fn ranked<T>(mut items: Vec<(T, Summary)>) -> Vec<(T, Summary)> {
    items.sort_by(|a, b| a.1.mean().total_cmp(&b.1.mean()));
    items
}

/// "Lowest loss: **tanh** (0.15 ± 0.01); the others differ from it by relu +0.13 ± 0.05 (within
/// noise), …" for a measure where lower is better; `unit` follows values, `diff_unit` differences, each
/// shown with `digits` decimals after scaling by `scale`.
pub fn ranking_text(
    what: &str,
    items: Vec<(String, Summary)>,
    (scale, digits): (f64, usize),
    unit: &str,
    diff_unit: &str,
) -> String {
    let items = ranked(items);
    let Some((best, best_s)) = items.first() else { return String::new() };
    let mut parts = Vec::new();
    for (name, s) in &items[1..] {
        let c = compare(best_s, s);
        let verdict = if c.significant { "a real difference" } else { "within noise" };
        parts.push(format!(
            "{name} {:+.digits$} ± {:.digits$}{diff_unit} ({verdict})",
            c.diff * scale,
            c.se * scale
        ));
    }
    format!(
        "Lowest {what}: **{best}** ({}{unit}); the others differ from it by {}.",
        best_s.show(scale, digits),
        if parts.is_empty() { "nothing".to_string() } else { parts.join(", ") }
    )
}
