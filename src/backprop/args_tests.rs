//! Part 1's settings: defaults as the assignment's starter, each bad value refused with its message.
use super::*;
use crate::cli::Valid;

fn three(set: impl FnOnce(&mut ThreeLayerArgs)) -> Result<Valid<ThreeLayerArgs>> {
    let mut a = ThreeLayerArgs::default();
    set(&mut a);
    Valid::new(a)
}

fn n_layer(set: impl FnOnce(&mut NLayerArgs)) -> Result<Valid<NLayerArgs>> {
    let mut a = NLayerArgs::default();
    set(&mut a);
    Valid::new(a)
}

#[test]
fn the_defaults_are_the_starters() {
    let a = three(|_| {}).unwrap();
    assert_eq!(
        (a.hidden.0.as_slice(), a.gd.passes, a.gd.epsilon, a.gd.reg_lambda),
        (&[3][..], 20_000, 0.01, 0.01)
    );
    assert_eq!(a.gd.activation.0, [Activation::Tanh]);
    let n = n_layer(|_| {}).unwrap();
    assert_eq!(
        (n.dataset, n.depth.0.as_slice(), n.width.0.as_slice()),
        (DatasetName::Moons, &[3][..], &[10][..])
    );
    assert_eq!(n.shapes(), 1);
}

#[test]
fn each_bad_part1_setting_is_refused_with_its_message() {
    let e = |r: Result<Valid<ThreeLayerArgs>>| r.unwrap_err().to_string();
    assert_eq!(e(three(|a| a.gd.passes = 0)), "--passes must be between 1 and 100000000, got 0");
    assert_eq!(e(three(|a| a.gd.print_every = 0)), "--print-every must be at least 1, got 0");
    assert_eq!(e(three(|a| a.gd.samples = 1)), "--samples must be between 2 and 1000000, got 1");
    assert_eq!(e(three(|a| a.gd.epsilon = -1.0)), "--epsilon must be a positive number, got -1");
    assert_eq!(e(three(|a| a.gd.reg_lambda = f64::NAN)), "--reg-lambda must be ≥ 0, got NaN");
    assert_eq!(e(three(|a| a.gd.noise = -0.1)), "--noise must be ≥ 0, got -0.1");
    assert_eq!(
        e(three(|a| a.hidden = CommaList(vec![3, 0]))),
        "--hidden: size 0 is out of range (1..=100000)"
    );
}

#[test]
fn n_layers_own_settings_are_checked() {
    let e = |r: Result<Valid<NLayerArgs>>| r.unwrap_err().to_string();
    assert_eq!(e(n_layer(|a| a.test_fraction = 1.0)), "--test-fraction must be between 0 and 1, got 1");
    assert_eq!(
        e(n_layer(|a| a.width = CommaList(vec![100_001]))),
        "--width: size 100001 is out of range (1..=100000)"
    );
    assert_eq!(
        e(n_layer(|a| a.layers = vec![CommaList(vec![2, -1, 2])])),
        "--layers: size -1 is out of range (1..=100000)"
    );
}

#[test]
fn a_sweep_is_at_most_64_networks() {
    let many = CommaList((1..=33).collect());
    let r =
        n_layer(|a| (a.depth, a.gd.activation) = (many, CommaList(vec![Activation::Tanh, Activation::Relu])));
    assert_eq!(r.unwrap_err().to_string(), "the lists given make 66 networks; one sweep trains at most 64");
    let layers = n_layer(|a| a.layers = vec![CommaList(vec![2, 4, 2]); 3]).unwrap();
    assert_eq!(layers.shapes(), 3, "--layers overrides --depth/--width");
    assert!(three(|a| a.hidden = CommaList((1..=64).collect())).is_ok());
}

#[test]
fn the_fit_follows_the_flags() {
    let a = three(|a| (a.gd.quiet, a.gd.passes) = (true, 7)).unwrap();
    let fit = a.gd.fit_config();
    assert_eq!((fit.num_passes, fit.print_loss, fit.progress), (7, false, false));
}
