//! The promise under attack, through the real programs: bad input, signals, races, a full disk and
//! closed pipes never panic or hang; a failure is one line `<program>: error: …` and a non-zero exit;
//! what was logged before stays readable; status.json tells the truth. One module per class of attack
//! (tests/robustness/), sharing the helpers of tests/common.
#[path = "robustness/checkpoints.rs"]
mod checkpoints;
mod common;
#[path = "robustness/cwd.rs"]
mod cwd;
#[path = "robustness/disk.rs"]
mod disk;
#[path = "robustness/events.rs"]
mod events;
#[path = "robustness/gzip.rs"]
mod gzip;
#[path = "robustness/inputs.rs"]
mod inputs;
#[path = "robustness/limits.rs"]
mod limits;
#[path = "robustness/links.rs"]
mod links;
#[path = "robustness/locks.rs"]
mod locks;
#[path = "robustness/memory.rs"]
mod memory;
#[path = "robustness/report_signals.rs"]
mod report_signals;
#[path = "robustness/signals.rs"]
mod signals;
#[path = "robustness/stdout.rs"]
mod stdout;
