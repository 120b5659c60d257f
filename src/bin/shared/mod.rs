//! What every program's `main` does around its work: the Ctrl-C/SIGTERM handler, the panic line, the
//! one-line error and the exit status. Process-wide things live here, not in the library.
mod cwd;
use nnlab::cli::{error_line, one_line, Exit};
use nnlab::native::memory;
use nnlab::run::{console, interrupt};
use std::process::ExitCode;

/// A command line clap rejected, already put on one line: exit status 2, as clap and POSIX tools use.
#[derive(Debug)]
pub struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A command line that parses but asks for something impossible (exit status 2, like clap's errors).
#[allow(dead_code)] // only mnist_dcn has flags that exclude each other beyond clap's checks
pub fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg))
}

/// The command line parsed as `T`. --help and --version print and exit 0 (1 with an error line if stdout
/// is full); anything clap rejects becomes
/// a [`UsageError`]: clap's message without its usage block, on one line.
pub fn matches<T: clap::CommandFactory>(program: &str) -> anyhow::Result<clap::ArgMatches> {
    T::command().try_get_matches().map_err(|e| {
        use clap::error::ErrorKind::{DisplayHelp, DisplayHelpOnMissingArgumentOrSubcommand, DisplayVersion};
        if matches!(e.kind(), DisplayHelp | DisplayHelpOnMissingArgumentOrSubcommand | DisplayVersion) {
            // A reader that has gone (`--help | head -1`) is not an error; a full device is.
            match e.print() {
                Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
                    console::err(format!("{program}: error: cannot write to stdout: {io}"));
                    std::process::exit(1);
                }
                _ => std::process::exit(0),
            }
        }
        let text = e.render().to_string();
        let text = text.split("\n\nUsage:").next().unwrap_or_default();
        let text = text.split("\n\nFor more information").next().unwrap_or_default();
        let text = text.trim_start().strip_prefix("error: ").unwrap_or(text);
        anyhow::Error::new(UsageError(format!("{} (see {program} --help)", one_line(text))))
    })
}

/// [`matches`], then the typed arguments.
#[allow(dead_code)] // mnist_dcn reads the matches itself, to tell given flags from defaults
pub fn parse<T: clap::Parser>(program: &str) -> anyhow::Result<T> {
    Ok(T::from_arg_matches(&matches::<T>(program)?)?)
}

/// Runs `work` as program `program` and turns its result into an exit status: 0, 130 when stopped by
/// a signal, 1 with one line `<program>: error: …` on an error (or a failed write to stdout), 2 when
/// the command line itself is wrong.
pub fn main_with(program: &'static str, work: impl FnOnce() -> anyhow::Result<Exit>) -> ExitCode {
    nnlab::native::allocator::set_program(program);
    install_signal_handler();
    // A file that reaches `ulimit -f` fails its write with EFBIG ("File too large"), handled like a
    // full disk, instead of SIGXFSZ killing the process mid-run.
    // SAFETY: setting a signal's disposition to ignore, before any other thread exists.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    // A panic is one line; libtorch failing to allocate memory is said so, with the size.
    std::panic::set_hook(Box::new(move |info| {
        if let Some(line) = memory::panic_line(&memory::payload_text(info.payload())) {
            console::err(format!("{program}: error: {line}"));
        }
    }));
    let status = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Err(_) => return ExitCode::FAILURE,
        Ok(Ok(Exit::Done)) => ExitCode::SUCCESS,
        Ok(Ok(Exit::Interrupted)) => ExitCode::from(130),
        Ok(Err(e)) => {
            console::err(format!("{program}: error: {}", error_line(&e)));
            return if e.is::<UsageError>() { ExitCode::from(2) } else { ExitCode::FAILURE };
        }
    };
    match console::stdout_failure() {
        Some(e) => {
            console::err(format!("{program}: error: cannot write to stdout: {e} (the results are saved)"));
            ExitCode::FAILURE
        }
        None => status,
    }
}

/// First signal: finish the step, checkpoint, exit 130. Second: mark the runs and exit at once with
/// `_exit`, which runs no destructors while the main thread may be inside libtorch.
fn install_signal_handler() {
    let installed = ctrlc::set_handler(|| {
        if interrupt::signal() >= 2 {
            console::err("\nsecond interrupt: exiting now");
            // Held until _exit: the main thread can start no other write.
            let _quiesced = interrupt::mark_active_runs();
            // SAFETY: _exit ends the process without touching any state the main thread holds.
            unsafe { libc::_exit(130) };
        }
        console::err("\ninterrupt: stopping after this step (Ctrl-C again to exit at once)");
    });
    if let Err(e) = installed {
        console::err(format!("warning: Ctrl-C will not checkpoint: {e}"));
    }
}
