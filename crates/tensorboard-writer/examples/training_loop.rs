//! A small tch training loop that logs every kind of summary (feature `tch`):
//! `cargo run -p tensorboard-writer --features tch --example training_loop -- /tmp/tb-tch`.
fn main() {}
