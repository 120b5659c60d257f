//! Progress bars for anything longer than a few seconds.
use crate::run::console;
use indicatif::{ProgressBar, ProgressStyle};

/// A bar with rate and ETA; hidden when stderr is not a terminal or `visible` is false.
pub fn progress_bar(len: u64, visible: bool, unit: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:30}} {{pos}}/{{len}} {unit} {{per_sec}} eta {{eta}} {{msg}}"
    )) {
        pb.set_style(style);
    }
    pb
}

/// A line above the bar, or on stderr when the bar is hidden (not a terminal, --quiet).
pub fn say(pb: &ProgressBar, line: String) {
    if pb.is_hidden() {
        console::err(line);
    } else {
        pb.println(line);
    }
}
