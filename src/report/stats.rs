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
    // NaN (no values) last whatever its sign: 0.0 / 0.0 is a negative NaN on x86, which
    // `total_cmp` alone would sort first.
    let key = |s: &Summary| (s.mean().is_nan(), s.mean());
    items.sort_by(|a, b| {
        let ((an, am), (bn, bm)) = (key(&a.1), key(&b.1));
        an.cmp(&bn).then(am.total_cmp(&bm))
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[f64]) -> Summary {
        Summary::new(v.iter().copied())
    }

    #[test]
    fn mean_and_sample_sd() {
        let x = s(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(x.mean(), 5.0);
        assert!((x.sd() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12, "n − 1 in the denominator");
        assert_eq!(s(&[3.0]).sd(), 0.0);
        assert_eq!(x.show(1.0, 2), "5.00 ± 2.14");
        assert_eq!(s(&[0.5, 0.7]).show(100.0, 1), "60.0 ± 14.1");
        assert_eq!(s(&[]).show(1.0, 2), "n/a");
    }

    #[test]
    fn non_finite_values_are_left_out() {
        let x = s(&[1.0, f64::NAN, 3.0, f64::INFINITY]);
        assert_eq!((x.n(), x.mean()), (2, 2.0));
    }

    #[test]
    fn welch_calls_a_clear_difference_real_and_noise_noise() {
        let a = s(&[1.0, 1.1, 0.9]);
        let far = compare(&a, &s(&[2.0, 2.1, 1.9]));
        assert!(far.significant && (far.diff - 1.0).abs() < 1e-12, "{far:?}");
        // se = √(0.01/3 + 0.01/3) ≈ 0.0816
        assert!((far.se - (0.02f64 / 3.0).sqrt()).abs() < 1e-12);
        let near = compare(&a, &s(&[1.05, 1.2, 0.8]));
        assert!(!near.significant, "{near:?}");
        assert_eq!(near.to_string(), format!("{:+.3} ± {:.3}, within noise", near.diff, near.se));
    }

    #[test]
    fn one_seed_is_never_significant_and_identical_values_are_exact() {
        assert!(!compare(&s(&[1.0]), &s(&[5.0])).significant);
        assert!(compare(&s(&[1.0, 1.0]), &s(&[2.0, 2.0])).significant, "no spread: any difference is real");
        assert!(!compare(&s(&[1.0, 1.0]), &s(&[1.0, 1.0])).significant);
    }

    #[test]
    fn t_quantiles_follow_the_degrees_of_freedom() {
        assert_eq!(t_critical(0.5), 12.706);
        assert_eq!(t_critical(2.9), 4.303);
        assert_eq!(t_critical(30.0), 2.042);
        assert_eq!(t_critical(1000.0), 1.96);
    }

    #[test]
    fn ranking_puts_the_lowest_first_and_words_each_difference() {
        let items = vec![
            ("relu".to_string(), s(&[0.30, 0.31, 0.29])),
            ("tanh".to_string(), s(&[0.10, 0.11, 0.09])),
            ("nan".to_string(), s(&[])),
        ];
        assert_eq!(
            ranked(items.clone()).iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["tanh", "relu", "nan"]
        );
        let text = ranking_text("loss", items[..2].to_vec(), (1.0, 2), "", "");
        assert!(
            text.starts_with("Lowest loss: **tanh** (0.10 ± 0.01); the others differ from it by relu +0.20"),
            "{text}"
        );
        assert!(text.ends_with("(a real difference)."), "{text}");
        assert_eq!(ranking_text("loss", vec![], (1.0, 2), "", ""), "");
        let alone = ranking_text("loss", items[..1].to_vec(), (1.0, 2), "", "");
        assert!(alone.ends_with("differ from it by nothing."), "{alone}");
    }
}
